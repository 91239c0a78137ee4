#include "photoview_store.hpp"

#include "file_replace.hpp"
#include "http.hpp" // json_text
#include "text.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gs::ui {

using nlohmann::json;

namespace {

// The folder and its images folder, created when missing (0700: the data dir's own files).
void make_folders(const std::string &folder) {
    for (const std::string &dir : {folder, folder + "/images"})
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
            throw std::runtime_error("cannot create " + dir + ": " + std::strerror(errno));
}

std::optional<std::string> read_whole(const std::string &path, bool *missing) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *missing = errno == ENOENT;
        return std::nullopt;
    }
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return s.str();
}

// A stored file name: "<digits>-<digits>.<png|jpg|svg>", nothing that could leave the folder.
// The image file a page names ("" when none).
std::string image_file(const json &page) {
    auto it = page.find("image");
    return it != page.end() && it->is_object() ? it->value("file", "") : "";
}

bool valid_file_name(const std::string &f) {
    if (f.empty() || f.size() > 64 || image_type_of(f).empty()) return false;
    for (char c : f)
        if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
              std::isalpha(static_cast<unsigned char>(c))))
            return false;
    return f.find("..") == std::string::npos && f[0] != '.';
}

} // namespace

std::string PhotoviewStore::check_names(const std::string &name, const std::string &symbol) {
    if (name.empty() || name.size() > kMaxNameBytes)
        return "name: expected 1 to " + std::to_string(kMaxNameBytes) + " bytes";
    if (symbol.size() > kMaxSymbolBytes)
        return "symbol: at most " + std::to_string(kMaxSymbolBytes) + " bytes";
    for (char c : symbol)
        if (!(std::islower(static_cast<unsigned char>(c)) ||
              std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
            return "symbol: expected a symbol name (a-z, 0-9, - and _)";
    return "";
}

bool PhotoviewStore::load(std::string &why) {
    bool missing = false;
    auto text = read_whole(folder_ + "/pages.json", &missing);
    if (!text) {
        if (missing) {
            doc_ = {{"next_id", 1}, {"pages", json::array()}};
            return true;
        }
        why = "cannot read " + folder_ + "/pages.json";
        return false;
    }
    json doc = json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("pages") ||
        !doc["pages"].is_array() || !doc.value("next_id", json()).is_number_unsigned()) {
        why = folder_ + "/pages.json is not a Photoview pages file: fix or remove it";
        return false;
    }
    for (const auto &p : doc["pages"])
        if (!p.is_object() || !p.value("id", json()).is_number_unsigned()) {
            why = folder_ + "/pages.json has a page without an id: fix or remove it";
            return false;
        }
    doc_ = std::move(doc);
    return true;
}

PhotoviewStore::Result PhotoviewStore::save(json next) {
    try {
        make_folders(folder_);
        replace_file(folder_ + "/pages.json", json_text(next), 0600);
    } catch (const std::exception &e) {
        return {Outcome::write_failed, e.what(), {}};
    }
    doc_ = std::move(next);
    return {};
}

json *PhotoviewStore::find(uint64_t id) {
    for (auto &p : doc_["pages"])
        if (p.value("id", uint64_t(0)) == id) return &p;
    return nullptr;
}

std::variant<json, PhotoviewStore::Result> PhotoviewStore::pages() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string why;
    if (!load(why)) return Result{Outcome::unreadable, why, {}};
    return doc_["pages"];
}

PhotoviewStore::Result PhotoviewStore::create(const std::string &name, const std::string &symbol) {
    if (std::string why = check_names(name, symbol); !why.empty())
        return {Outcome::invalid, why, {}};
    std::lock_guard<std::mutex> lock(mutex_);
    std::string why;
    if (!load(why)) return {Outcome::unreadable, why, {}};
    if (doc_["pages"].size() >= max_pages_)
        return {Outcome::too_many,
                "at most " + std::to_string(max_pages_) + " Photoview pages (photoview_max_pages)",
                {}};
    json next = doc_;
    uint64_t id = next["next_id"].get<uint64_t>();
    json page = {{"id", id},
                 {"name", name},
                 {"symbol", symbol},
                 {"image", nullptr},
                 {"elements", json::array()}};
    next["next_id"] = id + 1;
    next["pages"].push_back(page);
    Result r = save(std::move(next));
    if (r.outcome == Outcome::ok) r.page = page;
    return r;
}

PhotoviewStore::Result PhotoviewStore::update(uint64_t id, const std::string &name,
                                              const std::string &symbol, json elements) {
    if (std::string why = check_names(name, symbol); !why.empty())
        return {Outcome::invalid, why, {}};
    std::lock_guard<std::mutex> lock(mutex_);
    std::string why;
    if (!load(why)) return {Outcome::unreadable, why, {}};
    if (!find(id)) return {Outcome::not_found, "no Photoview page " + std::to_string(id), {}};
    json next = doc_;
    json page;
    for (auto &p : next["pages"])
        if (p.value("id", uint64_t(0)) == id) {
            p["name"] = name;
            p["symbol"] = symbol;
            p["elements"] = std::move(elements);
            page = p;
        }
    Result r = save(std::move(next));
    if (r.outcome == Outcome::ok) r.page = page;
    return r;
}

PhotoviewStore::Result PhotoviewStore::remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string why;
    if (!load(why)) return {Outcome::unreadable, why, {}};
    json *old = find(id);
    if (!old) return {Outcome::not_found, "no Photoview page " + std::to_string(id), {}};
    std::string file = image_file(*old);
    json next = doc_;
    auto &list = next["pages"];
    for (auto it = list.begin(); it != list.end(); ++it)
        if (it->value("id", uint64_t(0)) == id) {
            list.erase(it);
            break;
        }
    Result r = save(std::move(next));
    if (r.outcome == Outcome::ok && valid_file_name(file))
        ::unlink((folder_ + "/images/" + file).c_str());
    return r;
}

PhotoviewStore::Result PhotoviewStore::set_image(uint64_t id, const ImageInfo &info,
                                                 const std::string &bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string why;
    if (!load(why)) return {Outcome::unreadable, why, {}};
    json *old = find(id);
    if (!old) return {Outcome::not_found, "no Photoview page " + std::to_string(id), {}};
    std::string previous = image_file(*old);
    // The upload number keeps file names (and so URLs) new at every upload: no stale caches.
    uint64_t upload = doc_.value("next_upload", uint64_t(1));
    std::string file = std::to_string(id) + "-" + std::to_string(upload) + "." + info.extension;
    try {
        make_folders(folder_);
        replace_file(folder_ + "/images/" + file, bytes, 0600);
    } catch (const std::exception &e) {
        return {Outcome::write_failed, e.what(), {}};
    }
    json next = doc_;
    next["next_upload"] = upload + 1;
    json page;
    for (auto &p : next["pages"])
        if (p.value("id", uint64_t(0)) == id) {
            p["image"] = {{"file", file}, {"width", info.width}, {"height", info.height}};
            page = p;
        }
    Result r = save(std::move(next));
    if (r.outcome != Outcome::ok) {
        ::unlink((folder_ + "/images/" + file).c_str());
        return r;
    }
    if (valid_file_name(previous) && previous != file)
        ::unlink((folder_ + "/images/" + previous).c_str());
    r.page = page;
    return r;
}

std::optional<std::string> PhotoviewStore::image(const std::string &file) {
    if (!valid_file_name(file)) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    std::string why;
    if (!load(why)) return std::nullopt;
    bool named = false; // only the files pages name: never a left-over or a temporary file
    for (const auto &p : doc_["pages"])
        if (image_file(p) == file) named = true;
    if (!named) return std::nullopt;
    bool missing = false;
    return read_whole(folder_ + "/images/" + file, &missing);
}

} // namespace gs::ui
