#include "runtime/runtime.hpp"

#include "config/map_reader.hpp"
#include "runtime/log.hpp"
#include "site/site_json.hpp"

#include <algorithm>
#include <cstring>
#include <set>

namespace gs::kernel {

namespace {

// Every call into a plugin goes through here: an exception crossing the C ABI breaks the
// contract and becomes a failure instead of taking the kernel down.
template <class F> gs_status call_plugin(F &&f) {
    try {
        return f();
    } catch (...) {
        return GS_ERR_FAILED;
    }
}

std::string status_text(gs_status st) {
    return "status " + std::to_string(st);
}

gs_status run_command_thunk(void *context, const char *source, uint32_t circuit, const char *name,
                            char *message, size_t message_size) {
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

bool supports_commands(const LoadedPlugin &plugin) {
    return GS_ABI_MINOR_OF(plugin.module_abi) >= 1;
}

int start_rank(gs_plugin_kind kind) {
    switch (kind) {
    case GS_KIND_STORAGE:
        return 0;
    case GS_KIND_EXPORTER:
        return 1;
    case GS_KIND_UI:
        return 2;
    case GS_KIND_DRIVER:
        return 3;
    default:
        return 4;
    }
}

// The kind-independent head of every vtable.
struct Lifecycle {
    gs_create_fn create;
    gs_destroy_fn destroy;
    gs_start_fn start;
    gs_stop_fn stop;
};
Lifecycle lifecycle_of(const LoadedPlugin &p) {
    switch (p.kind) {
    case GS_KIND_DRIVER: {
        auto *v = p.driver();
        return {v->create, v->destroy, v->start, v->stop};
    }
    case GS_KIND_STORAGE: {
        auto *v = p.storage();
        return {v->create, v->destroy, v->start, v->stop};
    }
    case GS_KIND_EXPORTER: {
        auto *v = p.exporter();
        return {v->create, v->destroy, v->start, v->stop};
    }
    default: {
        auto *v = p.ui();
        return {v->create, v->destroy, v->start, v->stop};
    }
    }
}

bool value_has_type(const YAML::Node &node, gs_config_type type) {
    if (type == GS_CONFIG_SECTION) return node.IsMap() || node.IsSequence();
    if (!node.IsScalar()) return false;
    int64_t i = 0;
    double d = 0;
    bool b = false;
    switch (type) {
    case GS_CONFIG_STRING:
        return true;
    case GS_CONFIG_INT:
    case GS_CONFIG_DURATION_MS:
        return YAML::convert<int64_t>::decode(node, i);
    case GS_CONFIG_DOUBLE:
        return YAML::convert<double>::decode(node, d);
    case GS_CONFIG_BOOL:
        return YAML::convert<bool>::decode(node, b);
    default:
        return true;
    }
}

const char *config_type_name(gs_config_type type) {
    switch (type) {
    case GS_CONFIG_STRING:
        return "a string";
    case GS_CONFIG_INT:
        return "an integer";
    case GS_CONFIG_DURATION_MS:
        return "a duration in milliseconds";
    case GS_CONFIG_DOUBLE:
        return "a number";
    case GS_CONFIG_BOOL:
        return "true or false";
    case GS_CONFIG_SECTION:
        return "a map or a list";
    default:
        return "a value";
    }
}

} // namespace

Instance::Instance(std::shared_ptr<const LoadedPlugin> p, std::unique_ptr<HostContext> h)
    : plugin(std::move(p)), host(std::move(h)) {}

Instance::~Instance() {
    if (handle) {
        Lifecycle lc = lifecycle_of(*plugin);
        try {
            lc.destroy(handle);
        } catch (...) {
            log_line(GS_LOG_ERROR, host->who(), "destroy threw an exception");
        }
    }
}

Runtime::Runtime(SiteModel site, PluginRegistry &registry, RuntimeOptions options)
    : site_(std::move(site)), registry_(registry), options_(std::move(options)) {
    runtime_service_.struct_size = sizeof(runtime_service_);
    runtime_service_.http_port = options_.http_port;
    runtime_service_.data_dir = options_.data_dir.c_str();
    runtime_service_.site_file = site_.file.c_str();
    runtime_service_.site_name = site_.name.c_str();
    runtime_service_.timezone = site_.timezone.c_str();
    runtime_service_.share_dir = options_.share_dir.c_str();
    site_json_ = site_to_json(site_);
    site_service_ = gs_site_service_v1{sizeof(gs_site_service_v1), 0, site_json_.c_str()};
    control_service_ =
        gs_control_service_v1{sizeof(gs_control_service_v1), 0, this, &run_command_thunk};
}

Runtime::~Runtime() {
    stop();
    // Destroy in reverse start order.
    while (!instances_.empty())
        instances_.pop_back();
}

const void *Runtime::service(const std::string &id) {
    if (id == GS_RUNTIME_SERVICE_V1) return &runtime_service_;
    if (id == GS_SITE_SERVICE_V1) return &site_service_;
    if (id == GS_CONTROL_SERVICE_V1) return &control_service_;
    for (auto &inst : instances_) {
        const gs_storage_vtable *vt = inst->plugin->storage();
        if (!vt || !inst->handle || !GS_HAS_FIELD(vt, gs_storage_vtable, get_service) ||
            !vt->get_service)
            continue;
        const void *found = nullptr;
        try {
            found = vt->get_service(inst->handle, id.c_str());
        } catch (...) {
        }
        if (found) return found;
    }
    return nullptr;
}

HostHooks Runtime::hooks() {
    HostHooks h;
    h.publish_samples = [this](const gs_sample_batch &b) { return bus_.publish(b); };
    h.publish_event = [this](const gs_event &e) {
        if (event_tap_) event_tap_(e);
        return bus_.publish(e);
    };
    h.get_service = [this](const std::string &id) { return service(id); };
    return h;
}

void Runtime::check_section(const LoadedPlugin &plugin, Diagnostics &diag) {
    auto it = site_.plugins.find(plugin.id);
    YAML::Node node = it == site_.plugins.end() ? YAML::Node() : it->second.node;
    std::string path = "plugins." + plugin.id;
    std::set<std::string> keys;
    for (const auto &f : plugin.config_fields) {
        keys.insert(f.key);
        YAML::Node value = node.IsMap() ? node[f.key] : YAML::Node();
        if (!value.IsDefined() || value.IsNull()) {
            if (f.required)
                diag.error(it == site_.plugins.end() ? Location{site_.file, 0, 0}
                                                     : it->second.where,
                           path + "." + f.key, "is required by plugin '" + plugin.id + "'");
            continue;
        }
        if (!value_has_type(value, f.type))
            diag.error(location_of(value, site_.file), path + "." + f.key,
                       std::string("expected ") + config_type_name(f.type));
    }
    if (node.IsMap())
        for (const auto &kv : node)
            if (!keys.count(kv.first.Scalar()))
                diag.error(location_of(kv.first, site_.file), path + "." + kv.first.Scalar(),
                           "unknown key for plugin '" + plugin.id + "'");
}

Instance *Runtime::create_instance(std::shared_ptr<const LoadedPlugin> plugin, Diagnostics &diag) {
    check_section(*plugin, diag);
    auto it = site_.plugins.find(plugin->id);
    ConfigNode section{
        it == site_.plugins.end() ? YAML::Node(YAML::NodeType::Map) : it->second.node, site_.file};
    auto host = std::make_unique<HostContext>(plugin->id, section, hooks());
    auto inst = std::make_unique<Instance>(plugin, std::move(host));
    Lifecycle lc = lifecycle_of(*plugin);
    gs_instance *handle = nullptr;
    bool threw = false;
    gs_status st = GS_ERR_FAILED;
    try {
        st = lc.create(inst->host->raw(), &handle);
    } catch (...) {
        threw = true;
    }
    Location where = it == site_.plugins.end() ? Location{site_.file, 0, 0} : it->second.where;
    if (threw) {
        diag.error(where, "plugins." + plugin->id,
                   "plugin '" + plugin->id + "' threw an exception from create; refused");
        std::string id = plugin->id;
        inst.reset();
        plugin.reset();
        registry_.refuse(id, "create threw an exception across the ABI");
        return nullptr;
    }
    if (st != GS_OK || !handle) {
        diag.error(where, "plugins." + plugin->id,
                   "plugin '" + plugin->id +
                       "' could not be created: " + inst->host->take_error(status_text(st)));
        return nullptr;
    }
    inst->handle = handle;
    instances_.push_back(std::move(inst));
    return instances_.back().get();
}

void Runtime::validate_profiles(Diagnostics &diag) {
    std::set<std::string> used;
    for (const auto &s : site_.sources)
        used.insert(s.profile);
    for (const auto &[id, profile] : site_.profiles) {
        auto plugin = registry_.find(profile.driver);
        if (!plugin || !plugin->driver()) {
            if (used.count(id))
                diag.error(profile.where, "profile.driver",
                           "driver '" + profile.driver + "' is not installed");
            continue;
        }
        HostContext check_host("check:" + profile.driver, ConfigNode{});
        const gs_config *defaults = profile.defaults.IsDefined()
                                        ? check_host.handle(profile.defaults, profile.file)
                                        : nullptr;
        // Points and commands carry the same driver keys: validate_point checks both.
        auto check = [&](const YAML::Node &node, const Location &where, const std::string &path) {
            gs_status st = call_plugin([&] {
                return plugin->driver()->validate_point(check_host.raw(), defaults,
                                                        check_host.handle(node, profile.file));
            });
            if (st == GS_OK) return;
            diag.error(where, path, check_host.take_error(status_text(st)));
            bad_profiles_.insert(id);
        };
        for (size_t i = 0; i < profile.points.size(); ++i)
            check(profile.points[i].node, profile.points[i].where,
                  "profile.points[" + std::to_string(i) + "]");
        for (size_t i = 0; i < profile.commands.size(); ++i) {
            const auto &command = profile.commands[i];
            std::string path = "profile.commands[" + std::to_string(i) + "]";
            if (!supports_commands(*plugin) || !plugin->driver()->write) {
                diag.error(command.where, path,
                           "driver '" + profile.driver + "' cannot run commands (it has no write)");
                bad_profiles_.insert(id);
                continue;
            }
            check(command.node, command.where, path);
        }
    }
}

std::string Runtime::last_start_error(const std::string &id) const {
    auto it = start_errors_.find(id);
    return it == start_errors_.end() ? "" : it->second;
}

Instance *Runtime::instance_of(const std::string &id) {
    for (auto &inst : instances_)
        if (inst->plugin->id == id) return inst.get();
    return nullptr;
}

gs_status Runtime::run_command(const std::string &source, uint32_t circuit, const std::string &name,
                               std::string &why) {
    const Source *s = site_.find_source(source);
    if (!s) {
        why = "no source '" + source + "'";
        return GS_ERR_NOT_FOUND;
    }
    const Profile *profile = site_.find_profile(s->profile);
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
    // Held while drivers start and stop too: a command never meets a driver half stopped.
    std::lock_guard<std::mutex> lock(command_mutex_);
    Instance *driver = s->enabled ? driver_of(source) : nullptr;
    if (!driver || !driver->started || !running_) {
        why = "'" + source + "' is not polled now (disabled, or its driver is not running)";
        return GS_ERR_STATE;
    }
    if (!driver->plugin->driver()->write) {
        why = "driver '" + driver->plugin->id + "' cannot write";
        return GS_ERR_UNSUPPORTED;
    }
    gs_status st = call_plugin([&] {
        return driver->plugin->driver()->write(driver->handle, source.c_str(), command->circuit,
                                               command->name.c_str(), command->value);
    });
    if (st != GS_OK) why = driver->host->take_error(status_text(st));
    log_line(st == GS_OK ? GS_LOG_INFO : GS_LOG_WARNING, "kernel",
             "command " + name + " on " + source + (st == GS_OK ? ": done" : ": failed: " + why));
    return st;
}

Instance *Runtime::driver_of(const std::string &source) {
    const Source *s = site_.find_source(source);
    if (!s) return nullptr;
    for (auto &inst : instances_)
        if (inst->plugin->id == s->driver) return inst.get();
    return nullptr;
}

void Runtime::add_sources(Diagnostics &diag) {
    for (size_t i = 0; i < site_.sources.size(); ++i) {
        const Source &s = site_.sources[i];
        if (!s.enabled) continue;
        Instance *driver = driver_of(s.name);
        const Profile *profile = site_.find_profile(s.profile);
        if (!driver || !profile || bad_profiles_.count(profile->id)) continue; // reported
        HostContext &host = *driver->host;
        std::vector<gs_point> points;
        for (const auto &p : profile->points) {
            const DataDef *def = site_.catalog.find(p.data);
            points.push_back(gs_point{sizeof(gs_point), p.circuit, p.data.c_str(),
                                      def ? def->unit.c_str() : "",
                                      host.handle(p.node, profile->file)});
        }
        std::vector<gs_point> commands;
        for (const auto &c : profile->commands)
            commands.push_back(gs_point{sizeof(gs_point), c.circuit, c.name.c_str(), "",
                                        host.handle(c.node, profile->file)});
        gs_source src{sizeof(gs_source),
                      profile->circuits,
                      s.name.c_str(),
                      profile->id.c_str(),
                      host.handle(s.node, site_.file),
                      profile->defaults.IsDefined() ? host.handle(profile->defaults, profile->file)
                                                    : nullptr,
                      points.data(),
                      points.size(),
                      sizeof(gs_point),
                      s.period_ms,
                      commands.data(),
                      commands.size(),
                      sizeof(gs_point)};
        gs_status st =
            call_plugin([&] { return driver->plugin->driver()->add_source(driver->handle, &src); });
        if (st != GS_OK)
            diag.error(s.where, "sources[" + std::to_string(i) + "]",
                       host.take_error(status_text(st)));
    }
}

void Runtime::build(Diagnostics &diag) {
    validate_profiles(diag);
    for (const auto &[id, section] : site_.plugins) {
        auto plugin = registry_.find(id);
        if (!plugin)
            diag.error(section.where, "plugins." + id, "no plugin '" + id + "' is installed");
    }
    // Go on after errors so that one check reports everything it can.

    // Drivers that enabled sources use; every other kind when the site file lists it.
    std::vector<std::shared_ptr<const LoadedPlugin>> wanted;
    std::set<std::string> seen;
    for (size_t i = 0; i < site_.sources.size(); ++i) {
        const Source &s = site_.sources[i];
        if (!s.enabled || seen.count(s.driver)) continue;
        if (!options_.only.empty() && !options_.only.count(s.driver)) continue;
        auto plugin = registry_.find(s.driver);
        if (!plugin || !plugin->driver()) {
            diag.error(s.where, "sources[" + std::to_string(i) + "].driver",
                       "driver '" + s.driver + "' is not installed");
            continue;
        }
        seen.insert(s.driver);
        wanted.push_back(plugin);
    }
    for (const auto &[id, section] : site_.plugins) {
        auto plugin = registry_.find(id);
        // A driver listed in plugins: runs even without sources (e.g. to scan for devices).
        if (plugin && !seen.count(id)) wanted.push_back(plugin);
    }
    if (!options_.only.empty())
        wanted.erase(std::remove_if(wanted.begin(), wanted.end(),
                                    [&](const auto &p) { return !options_.only.count(p->id); }),
                     wanted.end());
    std::stable_sort(wanted.begin(), wanted.end(), [](const auto &a, const auto &b) {
        return start_rank(a->kind) < start_rank(b->kind);
    });
    for (auto &plugin : wanted)
        create_instance(plugin, diag);
    add_sources(diag);
}

void Runtime::wire_bus() {
    for (auto &inst_ptr : instances_) {
        Instance *inst = inst_ptr.get();
        const LoadedPlugin &p = *inst->plugin;
        auto report = [inst](gs_status st) {
            if (st != GS_OK && st != GS_ERR_RETRY_LATER)
                log_line(GS_LOG_WARNING, inst->host->who(),
                         inst->host->take_error(status_text(st)));
            return st;
        };
        ConsumerOptions c;
        c.name = p.id;
        if (auto *vt = p.storage()) {
            c.lossless = true;
            c.on_batch = [=](const OwnedBatch &b) {
                BatchView view(b);
                return report(
                    call_plugin([&] { return vt->append_samples(inst->handle, &view.get()); }));
            };
            c.on_event = [=](const OwnedEvent &e) {
                gs_event ev = e.view();
                return report(call_plugin([&] { return vt->append_event(inst->handle, &ev); }));
            };
        } else if (auto *vt = p.exporter()) {
            if (vt->consume_samples)
                c.on_batch = [=](const OwnedBatch &b) {
                    BatchView view(b);
                    return report(call_plugin(
                        [&] { return vt->consume_samples(inst->handle, &view.get()); }));
                };
            if (vt->consume_event)
                c.on_event = [=](const OwnedEvent &e) {
                    gs_event ev = e.view();
                    return report(
                        call_plugin([&] { return vt->consume_event(inst->handle, &ev); }));
                };
        } else if (auto *vt = p.ui()) {
            if (GS_HAS_FIELD(vt, gs_ui_vtable, on_samples) && vt->on_samples)
                c.on_batch = [=](const OwnedBatch &b) {
                    BatchView view(b);
                    return report(
                        call_plugin([&] { return vt->on_samples(inst->handle, &view.get()); }));
                };
            if (GS_HAS_FIELD(vt, gs_ui_vtable, on_event) && vt->on_event)
                c.on_event = [=](const OwnedEvent &e) {
                    gs_event ev = e.view();
                    return report(call_plugin([&] { return vt->on_event(inst->handle, &ev); }));
                };
        }
        if (c.on_batch || c.on_event) bus_.add_consumer(std::move(c));
    }
}

void Runtime::start() {
    if (running_) return;
    std::lock_guard<std::mutex> lock(command_mutex_);
    wire_bus();
    bus_.start();
    for (auto &inst : instances_) {
        Lifecycle lc = lifecycle_of(*inst->plugin);
        gs_status st = call_plugin([&] { return lc.start(inst->handle); });
        if (st != GS_OK) {
            std::string why = inst->host->take_error(status_text(st));
            start_errors_[inst->plugin->id] = why;
            log_line(GS_LOG_ERROR, inst->host->who(), "failed to start: " + why);
            continue;
        }
        inst->started = true;
        log_line(GS_LOG_INFO, inst->host->who(),
                 std::string("started (") + kind_name(inst->plugin->kind) + " " +
                     inst->plugin->version + ")");
    }
    running_ = true;
}

void Runtime::stop() {
    if (!running_) return;
    {
        // Producers first (drivers were started last), then the bus drains into the consumers.
        std::lock_guard<std::mutex> lock(command_mutex_);
        for (auto it = instances_.rbegin(); it != instances_.rend(); ++it) {
            Instance &inst = **it;
            if (!inst.started || inst.plugin->kind != GS_KIND_DRIVER) continue;
            call_plugin([&] { return lifecycle_of(*inst.plugin).stop(inst.handle); });
            inst.started = false;
        }
        running_ = false;
    }
    bus_.stop();
    for (auto it = instances_.rbegin(); it != instances_.rend(); ++it) {
        Instance &inst = **it;
        if (!inst.started) continue;
        call_plugin([&] { return lifecycle_of(*inst.plugin).stop(inst.handle); });
        inst.started = false;
        log_line(GS_LOG_INFO, inst.host->who(), "stopped");
    }
}

} // namespace gs::kernel
