#include "runtime/config_desk.hpp"

#include "config/site_document.hpp"
#include "config/yaml_file.hpp"
#include "runtime/log.hpp"
#include "site/backup_check.hpp"

#include <site_files/atomic_file.hpp>
#include <site_files/backup.hpp>

#include <chrono>
#include <cstdio>
#include <regex>
#include <unistd.h>

namespace gs::kernel {

namespace {

using json = nlohmann::ordered_json;

// A request waits this long at most for the kernel thread to take it (a reload under way);
// once taken it is answered whatever the time. Shorter than the 10 s for which the web UI's
// server, stopped in that very reload when its own section changed, waits for the requests it
// is answering: a request waiting here gives up first, so the server stops and the reload goes
// on (with 30 s, quick successive saves stalled the web UI for tens of seconds). A web UI only
// told the new model (site_changed) keeps its server and waits for no request.
constexpr auto kTakeWait = std::chrono::seconds(8);

json note_json(const std::string &path, const std::string &message) {
    return json{{"path", path}, {"message", message}};
}

std::string replaced(std::string text, const std::string &what, const std::string &with) {
    for (size_t at = text.find(what); !what.empty() && at != std::string::npos;
         at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
    return text;
}

// A driver's error on one key of a source entry comes at the entry's path with the key in the
// message ("source 'm1': field 'unit': ...", the form `gridscope check` prints): the document's
// path is the key's ("sources[3].unit"), so a form shows it at its field.
std::string document_path(const std::string &field, const std::string &message) {
    static const std::regex keyed(R"(^(?:[a-z]+ '[^']*': )?field '([A-Za-z0-9_]+)': )");
    std::smatch m;
    if (field.empty() || !std::regex_search(message, m, keyed)) return field;
    return field + "." + m[1].str();
}

// The loader's and plugins' errors by the document's paths; the candidate file is named as the
// site file in messages.
json errors_json(const Diagnostics &diag, const std::string &candidate, const std::string &file) {
    json out = json::array();
    for (const auto &e : diag.errors()) {
        std::string message = replaced(e.message, candidate, file);
        if (!e.where.file.empty() && e.where.file != candidate && e.where.file != file)
            message = e.where.str() + ": " + message; // a profile file, not the document
        out.push_back(note_json(document_path(e.field, e.message), message));
    }
    return out;
}

json warnings_json(const std::vector<DocumentNote> &notes, const std::vector<std::string> &more) {
    json out = json::array();
    for (const auto &n : notes)
        out.push_back(note_json(n.path, n.message));
    for (const auto &w : more)
        out.push_back(note_json("", w));
    return out;
}

// The request's "site" member, or why not.
bool site_of(const std::string &request, json &site, std::string &version, std::string &why) {
    json doc = json::parse(request, nullptr, false);
    if (!doc.is_object()) {
        why = "the request is not a JSON object";
        return false;
    }
    if (!doc.contains("site") || !doc["site"].is_object()) {
        why = "\"site\" must be an object: the site file's sections";
        return false;
    }
    if (doc.contains("version")) {
        if (!doc["version"].is_string()) {
            why = "\"version\" must be the string GET /config gave";
            return false;
        }
        version = doc["version"].get<std::string>();
    }
    site = std::move(doc["site"]);
    return true;
}

std::string refused(const std::string &path, const std::string &why) {
    return json{{"errors", json::array({note_json(path, why)})}, {"warnings", json::array()}}
        .dump();
}

} // namespace

ConfigDesk::ConfigDesk(Runtime &runtime, std::string site_file, LoadOptions options)
    : runtime_(runtime), file_(std::move(site_file)),
      options_(std::move(options)), service_{sizeof(gs_config_service_v1),
                                             0,
                                             this,
                                             &get_thunk,
                                             &validate_thunk,
                                             &save_thunk,
                                             &restore_thunk} {
    runtime_.offer_config_service(&service_);
}

ConfigDesk::~ConfigDesk() {
    close();
}

void ConfigDesk::close() {
    {
        // Closed once: the destructor's call may come after the runtime is gone (cmd_run
        // closes the desk, then resets the runtime, then leaves the desk's scope).
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) return;
    }
    runtime_.offer_config_service(nullptr);
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    for (auto &r : queue_) {
        r->status = GS_ERR_STATE;
        r->done = true;
    }
    queue_.clear();
    changed_.notify_all();
}

gs_status ConfigDesk::get_thunk(void *context, gs_text_fn on_json, void *payload) {
    return static_cast<ConfigDesk *>(context)->call(Kind::get, "", on_json, payload);
}

gs_status ConfigDesk::restore_thunk(void *context, const void *archive, size_t size,
                                    gs_text_fn on_json, void *payload) {
    if (!archive && size) return GS_ERR_INVALID_ARG;
    return static_cast<ConfigDesk *>(context)->call(
        Kind::restore, std::string(static_cast<const char *>(archive), size), on_json, payload);
}

gs_status ConfigDesk::validate_thunk(void *context, const char *request, gs_text_fn on_json,
                                     void *payload) {
    if (!request) return GS_ERR_INVALID_ARG;
    return static_cast<ConfigDesk *>(context)->call(Kind::validate, request, on_json, payload);
}

gs_status ConfigDesk::save_thunk(void *context, const char *request, gs_text_fn on_json,
                                 void *payload) {
    if (!request) return GS_ERR_INVALID_ARG;
    return static_cast<ConfigDesk *>(context)->call(Kind::save, request, on_json, payload);
}

gs_status ConfigDesk::call(Kind kind, std::string input, gs_text_fn on_json, void *payload) {
    if (!on_json) return GS_ERR_INVALID_ARG;
    auto request = std::make_shared<Request>();
    request->kind = kind;
    request->input = std::move(input);
    // A get only reads the site file (replaced by a rename, never rewritten in place): it needs
    // no kernel thread, so a page reading the document while a reload runs is not held.
    if (std::this_thread::get_id() == kernel_thread_ || kind == Kind::get) {
        run(*request);
    } else {
        std::unique_lock<std::mutex> lock(mutex_);
        if (closed_) return GS_ERR_STATE;
        queue_.push_back(request);
        if (!changed_.wait_for(lock, kTakeWait,
                               [&] { return request->started || request->done; })) {
            request->abandoned = true; // serve() skips it: nothing was done
            return GS_ERR_TIMEOUT;
        }
        changed_.wait(lock, [&] { return request->done; });
    }
    on_json(payload, request->reply.c_str());
    return request->status;
}

void ConfigDesk::serve() {
    for (;;) {
        std::shared_ptr<Request> next;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            while (!queue_.empty() && queue_.front()->abandoned)
                queue_.pop_front();
            if (queue_.empty()) return;
            next = queue_.front();
            queue_.pop_front();
            next->started = true;
            changed_.notify_all();
        }
        run(*next);
    }
}

void ConfigDesk::finish(Request &request, gs_status status, const std::string &reply) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (request.done) return;
    request.status = status;
    request.reply = reply;
    request.done = true;
    changed_.notify_all();
}

void ConfigDesk::run(Request &request) {
    std::string reply;
    gs_status st = GS_ERR_FAILED;
    try {
        switch (request.kind) {
        case Kind::get:
            st = get(reply);
            break;
        case Kind::validate:
            st = validate(request.input, reply);
            break;
        case Kind::save:
            st = save(request.input, reply,
                      [&](gs_status s, const std::string &r) { finish(request, s, r); });
            break;
        case Kind::restore:
            st = restore(request.input, reply,
                         [&](gs_status s, const std::string &r) { finish(request, s, r); });
            break;
        }
    } catch (const std::exception &e) {
        st = GS_ERR_FAILED;
        reply = json{{"error", e.what()}}.dump();
    }
    finish(request, st, reply);
}

gs_status ConfigDesk::get(std::string &reply) {
    std::string error;
    auto text = site_files::read_whole_file(file_, error);
    if (!text) {
        reply = json{{"error", error.empty() ? file_ + " does not exist" : error}}.dump();
        return GS_ERR_IO;
    }
    Diagnostics diag;
    YAML::Node root = load_yaml_text(*text, file_, diag);
    if (!diag.empty()) {
        reply = json{{"error", diag.str()}}.dump();
        return GS_ERR_FAILED;
    }
    json site = yaml_to_json(root, true);
    if (!site.is_object()) site = json::object();
    reply = json{{"version", site_text_version(*text)}, {"site", std::move(site)}}.dump();
    return GS_OK;
}

namespace {

// The site text a request asks for, written beside the site file (its profile folders are
// relative to it) and read by the kernel's loader: the model, or the errors.
struct Candidate {
    std::string path, text;
    std::string old; // the site file's text when the request was taken
    std::vector<DocumentNote> notes;
    ~Candidate() {
        if (!path.empty()) ::unlink(path.c_str());
    }
};

// Reads the request and writes its site as `<file>.checking`; with `version_checked`, refuses a
// version that is not the file's. GS_OK, or the status to answer with `reply`.
gs_status prepare(const std::string &request, const std::string &file, bool version_checked,
                  Candidate &c, std::string &reply) {
    json site;
    std::string version, why, error;
    if (!site_of(request, site, version, why)) {
        reply = refused("", why);
        return GS_ERR_INVALID_ARG;
    }
    auto old = site_files::read_whole_file(file, error);
    if (!old && version_checked) {
        reply = json{{"error", error.empty() ? file + " does not exist" : error}}.dump();
        return GS_ERR_IO;
    }
    c.old = old.value_or("");
    if (version_checked && version != site_text_version(c.old)) {
        reply = json{{"error", "conflict"}}.dump();
        return GS_ERR_STATE;
    }
    c.text = json_to_site_text(site, c.old, c.notes);
    if (!site_files::write_file_synced(file + ".checking", c.text, error)) {
        reply = json{{"error", error}}.dump();
        return GS_ERR_IO;
    }
    c.path = file + ".checking";
    return GS_OK;
}

} // namespace

gs_status ConfigDesk::validate(const std::string &request, std::string &reply) {
    Candidate c;
    if (gs_status st = prepare(request, file_, false, c, reply); st != GS_OK) return st;
    Diagnostics diag;
    std::vector<std::string> more;
    try {
        SiteModel model = load_site(c.path, options_);
        model.file = file_;
        runtime_.check_reload(std::move(model), diag, more, c.path);
    } catch (const ConfigFailure &failure) {
        diag = failure.diagnostics();
    }
    reply = json{{"errors", errors_json(diag, c.path, file_)},
                 {"warnings", warnings_json(c.notes, more)}}
                .dump();
    return GS_OK;
}

gs_status ConfigDesk::save(const std::string &request, std::string &reply,
                           const std::function<void(gs_status, const std::string &)> &answered) {
    Candidate c;
    if (gs_status st = prepare(request, file_, true, c, reply); st != GS_OK) return st;
    Diagnostics diag;
    bool write_failed = false;
    auto commit = [&](Diagnostics &d) {
        // Everything is checked: the file is replaced, the old one kept, then put in force.
        std::string why_not;
        if (!site_files::keep_site_versions(file_, c.old, why_not) ||
            std::rename(c.path.c_str(), file_.c_str()) != 0) {
            d.error({file_, 0, 0}, "",
                    why_not.empty() ? "cannot replace " + file_
                                    : "cannot keep the old file: " + why_not);
            write_failed = true;
            return false;
        }
        c.path.clear(); // renamed: nothing to remove
        site_files::sync_folder_of(file_);
        log_line(GS_LOG_INFO, "kernel", file_ + " replaced through gridscope.config/1");
        reply = json{{"version", site_text_version(c.text)}}.dump();
        answered(GS_OK, reply);
        return true;
    };
    try {
        SiteModel model = load_site(c.path, options_);
        model.file = file_;
        if (runtime_.reload(std::move(model), diag, commit, c.path)) {
            log_line(GS_LOG_INFO, "kernel", "reloaded");
            return GS_OK;
        }
    } catch (const ConfigFailure &failure) {
        diag = failure.diagnostics();
    }
    if (write_failed) {
        reply = json{{"error", diag.str()}}.dump();
        return GS_ERR_IO;
    }
    reply =
        json{{"errors", errors_json(diag, c.path, file_)}, {"warnings", warnings_json(c.notes, {})}}
            .dump();
    return GS_ERR_INVALID_ARG;
}

gs_status ConfigDesk::restore(const std::string &archive, std::string &reply,
                              const std::function<void(gs_status, const std::string &)> &answered) {
    site_files::Backup backup;
    try {
        backup = site_files::read_backup(archive);
    } catch (const std::exception &e) {
        reply = refused("", e.what());
        return GS_ERR_INVALID_ARG;
    }
    // 1. The archive's site and profiles, checked as a save is, before anything is replaced.
    Diagnostics diag;
    std::vector<std::string> more;
    std::string staged;
    check_backup(backup, file_, options_, staged, diag, [&](SiteModel model, Diagnostics &d) {
        runtime_.check_reload(std::move(model), d, more, staged);
    });
    if (!diag.empty()) {
        reply = json{{"errors", errors_json(diag, staged, file_)},
                     {"warnings", warnings_json({}, more)}}
                    .dump();
        return GS_ERR_INVALID_ARG;
    }
    // 2. The files replaced, 3. put in force as a save is.
    try {
        site_files::install_backup(backup, {file_, runtime_.options().data_dir});
    } catch (const std::exception &e) {
        reply = json{{"error", std::string("restore stopped half way: ") + e.what()}}.dump();
        return GS_ERR_IO;
    }
    log_line(GS_LOG_INFO, "kernel", file_ + " restored from a backup through gridscope.config/1");
    std::string version = site_text_version(backup.site_text);
    auto answer = [&](Diagnostics &) {
        reply = json{{"version", version}}.dump();
        answered(GS_OK, reply);
        return true;
    };
    try {
        if (runtime_.reload(load_site(file_, options_), diag, answer)) return GS_OK;
    } catch (const ConfigFailure &failure) {
        diag = failure.diagnostics();
    }
    reply = json{{"error", "restored, but not in force: " + diag.str()}}.dump();
    return GS_ERR_FAILED;
}

} // namespace gs::kernel
