// What the runtime offers plugins and tools besides the bus: the services by id (the kernel's
// from the site snapshot an instance knows, the others from the storage instances) and the
// profile commands run through a driver (gridscope.control/1).
#include "runtime/plugin_calls.hpp"
#include "runtime/runtime.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

namespace gs::kernel {

gs_status Runtime::run_command_thunk(void *context, const char *source, uint32_t circuit,
                                     const char *name, char *message, size_t message_size) {
    std::string why;
    gs_status st = GS_ERR_INVALID_ARG;
    if (!source || !name)
        why = "source and name are required";
    else
        st = static_cast<Runtime *>(context)->run_command(source, circuit, name, why);
    if (message && message_size) {
        size_t n = std::min(why.size(), message_size - 1);
        std::memcpy(message, why.data(), n);
        message[n] = '\0';
    }
    return st;
}

gs_control_service_v1 Runtime::make_control_service() {
    return gs_control_service_v1{sizeof(gs_control_service_v1), 0, this, &run_command_thunk};
}

const void *Runtime::service(const std::string &id) {
    return service_for(nullptr, id);
}

// The kernel's services come from the snapshot the asking instance knows; the others from the
// storage instances, under the state lock (a reload replaces them).
const void *Runtime::service_for(Instance *asker, const std::string &id) {
    std::lock_guard<std::mutex> lock(state_mutex_);
    const SiteSnapshot &site = asker && asker->site ? *asker->site : *site_;
    if (id == GS_RUNTIME_SERVICE_V1) return &site.runtime_service;
    if (id == GS_SITE_SERVICE_V1) return &site.site_service;
    if (id == GS_CONTROL_SERVICE_V1) return &control_service_;
    if (id == GS_METRICS_SERVICE_V1) return &metrics_service_;
    if (id == GS_DISCOVERY_SERVICE_V1) return discovery_->service();
    if (id == GS_CONFIG_SERVICE_V1) return config_service_.load(); // run only (config_desk.hpp)
    if (id == GS_DEVICE_SERVICE_V1) {
        // Drivers only: each instance's own struct, so that the kernel knows who declares.
        if (!asker || asker->plugin->kind != GS_KIND_DRIVER) return nullptr;
        if (!asker->device_service.struct_size) {
            asker->runtime = this;
            asker->device_service =
                gs_device_service_v1{sizeof(gs_device_service_v1), 0, asker, &declare_thunk};
        }
        return &asker->device_service;
    }
    // Asks one instance's get_service (storage, or since 1.4 exporter).
    auto ask = [&](Instance &inst, auto get_service) -> const void * {
        const void *found = nullptr;
        call_plugin(inst.host->who(), "get_service", [&] {
            found = get_service(inst.handle, id.c_str());
            return GS_OK;
        });
        return found;
    };
    for (auto &inst : instances_) {
        const gs_storage_vtable *vt = inst ? inst->plugin->storage() : nullptr;
        if (!vt || !inst->handle || !GS_HAS_FIELD(vt, gs_storage_vtable, get_service) ||
            !vt->get_service)
            continue;
        if (const void *found = ask(*inst, vt->get_service)) {
            if (asker) asker->uses_storage_services = true;
            return found;
        }
    }
    // An exporter's service stays valid while its library is loaded (plugin.h), so a reload
    // that replaces the exporter needs nothing of the instances that were handed it.
    for (auto &inst : instances_) {
        const gs_exporter_vtable *vt = inst ? inst->plugin->exporter() : nullptr;
        if (!vt || !inst->handle || !GS_HAS_FIELD(vt, gs_exporter_vtable, get_service) ||
            !vt->get_service)
            continue;
        if (const void *found = ask(*inst, vt->get_service)) return found;
    }
    return nullptr;
}

Instance *Runtime::instance_of(const std::string &id) {
    for (auto &inst : instances_)
        if (inst->plugin->id == id) return inst.get();
    return nullptr;
}

gs_status Runtime::run_command(const std::string &source, uint32_t circuit, const std::string &name,
                               std::string &why) {
    // Held while drivers start and stop and while a reload changes the model: a command never
    // meets a driver half stopped nor a model being replaced.
    std::lock_guard<std::mutex> lock(command_mutex_);
    const SiteModel &site = site_->model;
    const Source *s = site.find_source(source);
    if (!s) {
        why = "no source '" + source + "'";
        return GS_ERR_NOT_FOUND;
    }
    const Profile *profile = site.find_profile(s->profile);
    const ProfileCommand *command = nullptr;
    if (profile)
        for (const auto &c : profile->commands)
            if (c.name == name && (c.circuit == circuit || c.circuit == 0) &&
                (!command || c.circuit == circuit))
                command = &c;
    if (!command) {
        why = "the profile of '" + source + "' has no command '" + name + "' for circuit " +
              std::to_string(circuit);
        return GS_ERR_NOT_FOUND;
    }
    Instance *driver = s->enabled ? driver_for(site, source) : nullptr;
    if (!driver || !driver->started || !running_) {
        why = "'" + source + "' is not polled now (disabled, or its driver is not running)";
        return GS_ERR_STATE;
    }
    if (!driver->plugin->driver()->write) {
        why = "driver '" + driver->plugin->id + "' cannot write";
        return GS_ERR_UNSUPPORTED;
    }
    gs_status st = call_plugin(driver->host->who(), "write", [&] {
        return driver->plugin->driver()->write(driver->handle, source.c_str(), command->circuit,
                                               command->name.c_str(), command->value);
    });
    if (st != GS_OK) why = driver->host->take_error(status_text(st));
    log_line(st == GS_OK ? GS_LOG_INFO : GS_LOG_WARNING, "kernel",
             "command " + name + " on " + source + (st == GS_OK ? ": done" : ": failed: " + why));
    return st;
}

namespace {
// The vtable of `inst` when it is a started driver, else null.
const gs_driver_vtable *started_driver(const Instance *inst) {
    const gs_driver_vtable *vt = inst ? inst->plugin->driver() : nullptr;
    return vt && inst->handle && inst->started ? vt : nullptr;
}
} // namespace

gs_status Runtime::poll_counters_thunk(void *context, gs_plugin_poll_counters_fn on_link,
                                       void *payload) {
    if (!on_link) return GS_ERR_INVALID_ARG;
    return static_cast<Runtime *>(context)->each_poll_counters(on_link, payload);
}

// Under the command lock, as run_command: drivers neither start nor stop meanwhile.
gs_status Runtime::each_poll_counters(gs_plugin_poll_counters_fn on_link, void *payload) {
    std::lock_guard<std::mutex> lock(command_mutex_);
    if (!running_) return GS_OK;
    for (auto &inst : instances_) {
        const gs_driver_vtable *vt = started_driver(inst.get());
        if (!vt || !GS_HAS_FIELD(vt, gs_driver_vtable, poll_counters) || !vt->poll_counters)
            continue;
        struct Walk {
            gs_plugin_poll_counters_fn fn;
            void *payload;
            const char *plugin;
            gs_status stopped_by = GS_OK; // what the caller's callback returned to stop
        } walk{on_link, payload, inst->plugin->id.c_str()};
        auto each = [](void *p, const gs_poll_counters *c) -> gs_status {
            auto &w = *static_cast<Walk *>(p);
            if (!c || !c->link) return GS_OK; // a malformed entry is skipped
            return w.stopped_by = w.fn(w.payload, w.plugin, c);
        };
        gs_status st = call_plugin(inst->host->who(), "poll_counters",
                                   [&] { return vt->poll_counters(inst->handle, each, &walk); });
        if (walk.stopped_by != GS_OK) return walk.stopped_by;
        if (st != GS_OK)
            log_line(GS_LOG_DEBUG, inst->host->who(), "poll_counters: " + status_text(st));
    }
    return GS_OK;
}

gs_status Runtime::diagnostics_thunk(void *context, gs_plugin_text_fn on_json, void *payload) {
    if (!on_json) return GS_ERR_INVALID_ARG;
    return static_cast<Runtime *>(context)->each_diagnostics(on_json, payload);
}

gs_status Runtime::bus_trace_thunk(void *context, const char *link, gs_plugin_text_fn on_json,
                                   void *payload) {
    if (!on_json || !link) return GS_ERR_INVALID_ARG;
    return static_cast<Runtime *>(context)->bus_trace(link, on_json, payload);
}

gs_status Runtime::plugins_thunk(void *context, gs_plugin_text_fn on_json, void *payload) {
    if (!on_json) return GS_ERR_INVALID_ARG;
    const std::string text = static_cast<Runtime *>(context)->plugins_json();
    return on_json(payload, nullptr, text.c_str());
}

namespace {
// Hands a plugin's text on to a gs_plugin_text_fn, remembering what the callback returned.
struct TextWalk {
    gs_plugin_text_fn fn;
    void *payload;
    const char *plugin;
    gs_status stopped_by = GS_OK;
    static gs_status each(void *p, const char *text) {
        auto &w = *static_cast<TextWalk *>(p);
        if (!text) return GS_OK;
        return w.stopped_by = w.fn(w.payload, w.plugin, text);
    }
};
} // namespace

// Under the command lock, as each_poll_counters.
gs_status Runtime::each_diagnostics(gs_plugin_text_fn on_json, void *payload) {
    std::lock_guard<std::mutex> lock(command_mutex_);
    if (!running_) return GS_OK;
    for (auto &inst : instances_) {
        const gs_driver_vtable *vt = started_driver(inst.get());
        if (!vt || !GS_HAS_FIELD(vt, gs_driver_vtable, diagnostics) || !vt->diagnostics) continue;
        TextWalk walk{on_json, payload, inst->plugin->id.c_str()};
        gs_status st = call_plugin(inst->host->who(), "diagnostics", [&] {
            return vt->diagnostics(inst->handle, &TextWalk::each, &walk);
        });
        if (walk.stopped_by != GS_OK) return walk.stopped_by;
        if (st != GS_OK)
            log_line(GS_LOG_DEBUG, inst->host->who(), "diagnostics: " + status_text(st));
    }
    return GS_OK;
}

gs_status Runtime::bus_trace(const std::string &link, gs_plugin_text_fn on_json, void *payload) {
    std::lock_guard<std::mutex> lock(command_mutex_);
    if (!running_) return GS_ERR_NOT_FOUND;
    for (auto &inst : instances_) {
        const gs_driver_vtable *vt = started_driver(inst.get());
        if (!vt || !GS_HAS_FIELD(vt, gs_driver_vtable, bus_trace) || !vt->bus_trace) continue;
        TextWalk walk{on_json, payload, inst->plugin->id.c_str()};
        gs_status st = call_plugin(inst->host->who(), "bus_trace", [&] {
            return vt->bus_trace(inst->handle, link.c_str(), &TextWalk::each, &walk);
        });
        if (walk.stopped_by != GS_OK) return walk.stopped_by;
        if (st == GS_OK) return GS_OK;
        inst->host->take_error(""); // a driver without this link said so: not an error here
    }
    return GS_ERR_NOT_FOUND;
}

std::string Runtime::plugins_json() {
    const auto abi = [](uint32_t v) {
        return std::to_string(GS_ABI_MAJOR_OF(v)) + "." + std::to_string(GS_ABI_MINOR_OF(v));
    };
    nlohmann::json list = nlohmann::json::array();
    std::lock_guard<std::mutex> lock(command_mutex_);
    for (const auto &p : registry_.all()) {
        std::string state = "loaded", error;
        for (const auto &inst : instances_)
            if (inst && inst->plugin->id == p->id)
                state = inst->started ? "running" : running_ ? "failed" : "stopped";
        if (auto it = start_errors_.find(p->id); it != start_errors_.end()) {
            state = "failed";
            error = it->second;
        }
        // The numbers and switches of its section, defaults filled in: never a string, so no
        // password or token is ever shown.
        nlohmann::json settings = nlohmann::json::object();
        const PluginSection *section = nullptr;
        if (site_)
            if (auto it = site_->model.plugins.find(p->id); it != site_->model.plugins.end())
                section = &it->second;
        for (const auto &f : p->config_fields) {
            if (f.type != GS_CONFIG_INT && f.type != GS_CONFIG_DOUBLE && f.type != GS_CONFIG_BOOL &&
                f.type != GS_CONFIG_DURATION_MS)
                continue;
            const YAML::Node given =
                section && section->node.IsMap() ? section->node[f.key] : YAML::Node();
            if (given && given.IsScalar())
                settings[f.key] = given.Scalar();
            else if (f.has_default)
                settings[f.key] = f.default_value;
        }
        list.push_back({{"id", p->id},
                        {"kind", kind_name(p->kind)},
                        {"version", p->version},
                        {"abi", abi(p->module_abi)},
                        {"module", p->module_name},
                        {"state", state},
                        {"error", error},
                        {"settings", std::move(settings)}});
    }
    return nlohmann::json{{"gridscope", GRIDSCOPE_VERSION},
                          {"abi", abi(GS_ABI_VERSION)},
                          {"plugins", std::move(list)}}
        .dump();
}

Instance *Runtime::driver_of(const std::string &source) {
    return driver_for(site_->model, source);
}

Instance *Runtime::driver_for(const SiteModel &site, const std::string &source) {
    const Source *s = site.find_source(source);
    if (!s) return nullptr;
    for (auto &inst : instances_)
        if (inst->plugin->id == s->driver) return inst.get();
    return nullptr;
}

} // namespace gs::kernel
