// gridscope.device/1: drivers declare what a device identified as (sdk services/device.h). The
// declaration is checked against the model in force, the driver gets its new points at once,
// and the model holding it is put in force on the kernel thread, as a reload would, so that
// storages, exporters and UIs learn the real circuits (and which data are counters) through
// site_changed before the driver's first sample of them.
#include "runtime/log.hpp"
#include "runtime/own_config.hpp"
#include "runtime/runtime.hpp"
#include "site/collected.hpp"
#include "site/plugin_config.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace gs::kernel {

namespace {

// A driver waits this long at most for the kernel thread to apply its declaration; the
// declaration stays queued if it is not applied by then (the kernel is reloading or stopping).
constexpr auto kApplyWait = std::chrono::seconds(10);

void copy_message(const std::string &why, char *message, size_t message_size) {
    if (!message || !message_size) return;
    size_t n = std::min(why.size(), message_size - 1);
    std::memcpy(message, why.data(), n);
    message[n] = '\0';
}

} // namespace

gs_status Runtime::declare_thunk(void *context, const gs_identified_source *identified,
                                 gs_source_fn on_source, void *payload, char *message,
                                 size_t message_size) {
    auto *inst = static_cast<Instance *>(context);
    std::string why;
    gs_status st = GS_ERR_INVALID_ARG;
    if (!inst || !inst->runtime || !identified || !identified->source || !identified->profile ||
        !on_source || (identified->circuit_count && !identified->circuits)) {
        why = "source, profile, circuits and on_source are required";
    } else {
        Identified id;
        id.profile = identified->profile;
        id.circuits.assign(identified->circuits, identified->circuits + identified->circuit_count);
        try {
            st = static_cast<Runtime *>(inst->runtime)
                     ->declare_identified(*inst, identified->source, id, on_source, payload, why);
        } catch (const std::exception &e) {
            why = e.what();
            st = GS_ERR_FAILED;
        }
    }
    copy_message(why, message, message_size);
    return st;
}

gs_status Runtime::declare_identified(Instance &asker, const std::string &source,
                                      const Identified &identified, gs_source_fn on_source,
                                      void *payload, std::string &why) {
    std::shared_ptr<const SiteSnapshot> current;
    {
        std::lock_guard<std::mutex> lock(state_mutex_);
        current = site_;
    }
    int32_t code = GS_OK;
    why = check_identified(current->model, source, identified, code);
    if (!why.empty()) return code;
    const Source *configured = current->model.find_source(source);
    if (configured->driver != asker.plugin->id) {
        why = "source '" + source + "' is polled by '" + configured->driver + "', not by '" +
              asker.plugin->id + "'";
        return GS_ERR_INVALID_ARG;
    }
    // The source as it will be: what the driver polls from now on.
    SiteModel next = current->model;
    std::vector<std::string> warnings;
    apply_identified(next, source, identified, warnings);
    const size_t index = static_cast<size_t>(configured - current->model.sources.data());
    const Source &s = next.sources[index];
    const Profile &profile = *next.find_profile(identified.profile);
    Diagnostics diag;
    YAML::Node entry = checked_source_entry(*asker.plugin, next, index, diag);
    if (!diag.empty()) {
        why = diag.errors().front().str();
        return GS_ERR_INVALID_ARG;
    }
    HostContext &host = *asker.host;
    std::vector<gs_point> points;
    for (const ProfilePoint *p : collected_points(next, s, profile)) {
        const DataDef *def = next.catalog.find(p->data);
        points.push_back(gs_point{sizeof(gs_point), p->circuit, p->data.c_str(),
                                  def ? def->unit.c_str() : "",
                                  host.handle(p->node, p->where.file)});
    }
    std::vector<gs_point> commands;
    for (const auto &c : profile.commands)
        commands.push_back(gs_point{sizeof(gs_point), c.circuit, c.name.c_str(), "",
                                    host.handle(c.node, profile.file)});
    gs_source src{sizeof(gs_source),
                  identified.circuits.empty() ? 0 : identified.circuits.back(),
                  s.name.c_str(),
                  profile.id.c_str(),
                  host.handle(entry, next.file),
                  profile.defaults.IsDefined() ? host.handle(profile.defaults, profile.file)
                                               : nullptr,
                  points.data(),
                  points.size(),
                  sizeof(gs_point),
                  s.period_ms,
                  commands.data(),
                  commands.size(),
                  sizeof(gs_point)};
    gs_status st = on_source(payload, &src);
    if (st != GS_OK) {
        why = "the driver did not take the identified source (status " + std::to_string(st) + ")";
        return st;
    }
    std::string circuits;
    for (uint32_t c : identified.circuits)
        circuits += (circuits.empty() ? "" : ",") + std::to_string(c);
    log_line(GS_LOG_INFO, asker.host->who(),
             source + ": identified as " + identified.profile + " with circuit(s) " +
                 (circuits.empty() ? "none" : circuits) + ", " + std::to_string(points.size()) +
                 " point(s) to poll");

    auto declared = std::make_shared<Declaration>();
    declared->source = source;
    declared->driver = asker.plugin->id;
    {
        std::lock_guard<std::mutex> lock(declare_mutex_);
        identified_[source] = Declared{identified, configured->configured_profile.empty()
                                                       ? configured->profile
                                                       : configured->configured_profile};
        queued_.push_back(declared);
        if (closing_) return GS_OK; // stopped: applied if the runtime ever runs again
        if (std::this_thread::get_id() != kernel_thread_) declarers_.push_back(declared);
    }
    if (std::this_thread::get_id() == kernel_thread_) {
        apply_declarations();
        return GS_OK;
    }
    std::unique_lock<std::mutex> lock(declare_mutex_);
    if (!declared_.wait_for(lock, kApplyWait, [&] { return declared->done; }))
        log_line(GS_LOG_WARNING, asker.host->who(),
                 source + ": the site model with the identified device is not in force yet "
                          "(the kernel is busy); it will be");
    return GS_OK;
}

void Runtime::with_identified(SiteModel &site, bool log_warnings,
                              std::vector<std::string> *warnings_out) {
    std::map<std::string, Declared> identified;
    {
        std::lock_guard<std::mutex> lock(declare_mutex_);
        identified = identified_;
    }
    for (const auto &[source, declared] : identified) {
        const Source *s = site.find_source(source);
        // A source whose file profile changed since is no longer the device declared.
        std::string from = s ? (s->configured_profile.empty() ? s->profile : s->configured_profile)
                             : std::string();
        int32_t code = GS_OK;
        if (from != declared.from_profile ||
            !check_identified(site, source, declared.identified, code).empty())
            continue;
        std::vector<std::string> warnings;
        apply_identified(site, source, declared.identified, warnings);
        if (log_warnings)
            for (const auto &w : warnings)
                log_line(GS_LOG_WARNING, "kernel", w);
        if (warnings_out)
            warnings_out->insert(warnings_out->end(), warnings.begin(), warnings.end());
    }
}

void Runtime::release_declarers() {
    std::lock_guard<std::mutex> lock(declare_mutex_);
    for (auto &d : declarers_)
        d->done = true;
    declarers_.clear();
    declared_.notify_all();
}

bool Runtime::apply_declarations() {
    std::vector<std::shared_ptr<Declaration>> taken;
    {
        std::lock_guard<std::mutex> lock(declare_mutex_);
        taken.swap(queued_);
    }
    if (taken.empty()) return false;
    SiteModel next = site_->model;
    with_identified(next, true);
    if (!running_) {
        // Nothing consumes yet (before start, or a tool's on-demand read): the model only.
        auto snapshot = std::make_shared<const SiteSnapshot>(std::move(next), options_);
        std::lock_guard<std::mutex> lock(state_mutex_);
        site_ = snapshot;
        for (auto &inst : instances_)
            inst->site = snapshot;
    } else {
        // The declaring drivers already poll what they declared: they are kept, not replaced.
        for (const auto &d : taken)
            if (Instance *driver = instance_of(d->driver))
                driver->own_config = own_config_of(*driver->plugin, next);
        Diagnostics diag;
        if (!reload(std::move(next), diag))
            for (const auto &e : diag.errors())
                log_line(GS_LOG_ERROR, "kernel",
                         "the identified devices' model was refused: " + e.str());
    }
    std::lock_guard<std::mutex> lock(declare_mutex_);
    for (auto &d : taken)
        d->done = true;
    declarers_.erase(
        std::remove_if(declarers_.begin(), declarers_.end(), [](const auto &d) { return d->done; }),
        declarers_.end());
    declared_.notify_all();
    return true;
}

} // namespace gs::kernel
