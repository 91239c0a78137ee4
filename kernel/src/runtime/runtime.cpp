#include "runtime/runtime.hpp"

#include "config/map_reader.hpp"
#include "runtime/consumers.hpp"
#include "runtime/log.hpp"
#include "runtime/own_config.hpp"
#include "runtime/plugin_calls.hpp"
#include "runtime/point_check.hpp"
#include "site/collected.hpp"
#include "site/plugin_config.hpp"

#include <algorithm>
#include <cstring>
#include <set>

namespace gs::kernel {

namespace {

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

} // namespace

Runtime::Runtime(SiteModel site, PluginRegistry &registry, RuntimeOptions options)
    : registry_(registry), options_(std::move(options)) {
    site_ = std::make_shared<const SiteSnapshot>(std::move(site), options_);
    control_service_ = make_control_service();
    discovery_ = std::make_unique<DiscoveryJobs>(*this, registry_);
}

Runtime::~Runtime() {
    discovery_->stop(); // its scan may use the bus and the model
    stop();
    // Destroy in reverse start order.
    while (!instances_.empty())
        instances_.pop_back();
}

HostHooks Runtime::hooks(Instance *inst, std::function<gs_status(const gs_event &)> events) {
    HostHooks h;
    h.publish_samples = [this](const gs_sample_batch &b) { return bus_.publish(b); };
    if (events)
        h.publish_event = std::move(events);
    else
        h.publish_event = [this](const gs_event &e) { return bus_.publish(e); };
    h.get_service = [this, inst](const std::string &id) { return service_for(inst, id); };
    return h;
}

std::unique_ptr<Instance>
Runtime::create_instance(std::shared_ptr<const LoadedPlugin> plugin,
                         const std::shared_ptr<const SiteSnapshot> &snapshot, Diagnostics &diag,
                         std::function<gs_status(const gs_event &)> events) {
    const SiteModel &site = snapshot->model;
    size_t errors_before = diag.errors().size();
    ConfigNode section{checked_plugin_section(*plugin, site, diag), site.file};
    if (diag.errors().size() != errors_before) return nullptr; // create() gets a checked section
    auto it = site.plugins.find(plugin->id);
    auto inst = std::make_unique<Instance>(plugin, nullptr);
    inst->site = snapshot;
    inst->own_config = own_config_of(*plugin, site);
    inst->host =
        std::make_unique<HostContext>(plugin->id, section, hooks(inst.get(), std::move(events)));
    bool threw = false;
    std::string why = inst->create(threw);
    Location where = it == site.plugins.end() ? Location{site.file, 0, 0} : it->second.where;
    if (threw) {
        diag.error(where, "plugins." + plugin->id,
                   "plugin '" + plugin->id + "' threw an exception from create; refused");
        std::string id = plugin->id;
        inst.reset();
        plugin.reset();
        registry_.refuse(id, why);
        return nullptr;
    }
    if (!why.empty()) {
        // Errors the plugin wrote in the kernel's form, at keys of its own section or of the
        // top-level sections it reads itself (`alarms[0].deadband`), are reported at those keys
        // (the configuration API shows them at their fields).
        std::vector<std::string> own_keys{"plugins." + plugin->id + "."};
        own_keys.insert(own_keys.end(), plugin->site_sections.begin(), plugin->site_sections.end());
        auto at_keys = field_errors_of(why, own_keys, where);
        for (auto &e : at_keys)
            diag.error(std::move(e.where), std::move(e.field), std::move(e.message));
        if (!at_keys.empty()) return nullptr;
        diag.error(where, "plugins." + plugin->id,
                   "plugin '" + plugin->id + "' could not be created: " + why);
        return nullptr;
    }
    return inst;
}

void Runtime::validate_profiles(const SiteModel &site, std::set<std::string> &bad_profiles,
                                Diagnostics &diag) {
    std::set<std::string> used;
    for (const auto &s : site.sources)
        used.insert(s.profile);
    for (const auto &[id, profile] : site.profiles) {
        auto plugin = registry_.find(profile.driver);
        if (!plugin || !plugin->driver()) {
            if (used.count(id))
                diag.error(profile.where, "profile.driver",
                           profile.driver.empty()
                               ? "is required: the driver plugin that reads the device"
                               : "driver '" + profile.driver + "' is not installed");
            continue;
        }
        HostContext check_host("check:" + profile.driver, ConfigNode{});
        const gs_config *defaults = profile.defaults.IsDefined()
                                        ? check_host.handle(profile.defaults, profile.file)
                                        : nullptr;
        // Points and commands carry the same driver keys: validate_point checks both.
        auto check = [&](const YAML::Node &node, const Location &where, const std::string &path) {
            std::string why = driver_point_error(*plugin, check_host, defaults, node, profile.file);
            if (why.empty()) return;
            diag.error(where, path, why);
            bad_profiles.insert(id);
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
                bad_profiles.insert(id);
                continue;
            }
            check(command.node, command.where, path);
        }
    }
}

gs_status Runtime::last_start_status(const std::string &id) const {
    auto it = start_statuses_.find(id);
    return it == start_statuses_.end() ? GS_OK : it->second;
}

std::string Runtime::last_start_error(const std::string &id) const {
    auto it = start_errors_.find(id);
    return it == start_errors_.end() ? "" : it->second;
}

void Runtime::add_sources(Plan &plan, Diagnostics &diag) {
    const SiteModel &site = plan.site->model;
    for (size_t i = 0; i < site.sources.size(); ++i) {
        const Source &s = site.sources[i];
        if (!s.enabled) continue;
        Instance *driver = nullptr;
        for (auto &step : plan.steps)
            if (step.plugin->id == s.driver && step.fresh) driver = step.fresh.get();
        // A new driver gets the source as configured (a `socomec/auto` one identifies the
        // device again and declares it, runtime/declarations.cpp).
        const Profile *profile =
            site.find_profile(s.configured_profile.empty() ? s.profile : s.configured_profile);
        // Reported already, or kept: a kept driver polls these very sources.
        if (!driver || !profile || plan.bad_profiles.count(profile->id) ||
            plan.bad_sources.count(s.name))
            continue;
        size_t errors_before = diag.errors().size();
        YAML::Node entry = checked_source_entry(*driver->plugin, site, i, diag);
        if (diag.errors().size() != errors_before) continue;
        HostContext &host = *driver->host;
        // Only the points the circuits' models collect: the driver plans no request for others.
        std::vector<gs_point> points;
        for (const ProfilePoint *p : collected_points(site, s, *profile)) {
            const DataDef *def = site.catalog.find(p->data);
            points.push_back(gs_point{sizeof(gs_point), p->circuit, p->data.c_str(),
                                      def ? def->unit.c_str() : "",
                                      host.handle(p->node, p->where.file)});
        }
        std::vector<gs_point> commands;
        for (const auto &c : profile->commands)
            commands.push_back(gs_point{sizeof(gs_point), c.circuit, c.name.c_str(), "",
                                        host.handle(c.node, profile->file)});
        gs_source src{sizeof(gs_source),
                      profile->generic() ? s.circuit_count() : profile->circuits,
                      s.name.c_str(),
                      profile->id.c_str(),
                      host.handle(entry, site.file),
                      profile->defaults.IsDefined() ? host.handle(profile->defaults, profile->file)
                                                    : nullptr,
                      points.data(),
                      points.size(),
                      sizeof(gs_point),
                      s.period_ms,
                      commands.data(),
                      commands.size(),
                      sizeof(gs_point)};
        gs_status st = call_plugin(host.who(), "add_source", [&] {
            return driver->plugin->driver()->add_source(driver->handle, &src);
        });
        if (st != GS_OK)
            diag.error(s.where, "sources[" + std::to_string(i) + "]",
                       host.take_error(status_text(st)));
    }
}

std::vector<std::shared_ptr<const LoadedPlugin>> Runtime::wanted_plugins(const SiteModel &site,
                                                                         Diagnostics &diag) {
    for (const auto &[id, section] : site.plugins) {
        auto plugin = registry_.find(id);
        if (!plugin)
            diag.error(section.where, "plugins." + id, "no plugin '" + id + "' is installed");
    }
    // Drivers that enabled sources use; every other kind when the site file lists it.
    std::vector<std::shared_ptr<const LoadedPlugin>> wanted;
    std::set<std::string> seen;
    for (size_t i = 0; i < site.sources.size(); ++i) {
        const Source &s = site.sources[i];
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
    for (const auto &[id, section] : site.plugins) {
        auto plugin = registry_.find(id);
        // A driver listed in plugins: runs even without sources (e.g. to scan for devices).
        if (plugin && !seen.count(id)) {
            seen.insert(id);
            wanted.push_back(plugin);
        }
    }
    // A top-level section a plugin declares (ABI 1.4) runs that plugin; nobody's is unknown.
    for (const auto &[key, section] : site.sections) {
        std::shared_ptr<const LoadedPlugin> owner;
        for (const auto &plugin : registry_.all())
            if (std::count(plugin->site_sections.begin(), plugin->site_sections.end(), key))
                owner = plugin;
        if (!owner) {
            diag.error(section.where, key, "unknown key");
            continue;
        }
        if (seen.insert(owner->id).second) wanted.push_back(owner);
    }
    if (!options_.only.empty())
        wanted.erase(std::remove_if(wanted.begin(), wanted.end(),
                                    [&](const auto &p) { return !options_.only.count(p->id); }),
                     wanted.end());
    std::stable_sort(wanted.begin(), wanted.end(), [](const auto &a, const auto &b) {
        return start_rank(a->kind) < start_rank(b->kind);
    });
    return wanted;
}

// Go on after errors so that one check reports everything it can.
Runtime::Plan Runtime::stage(std::shared_ptr<const SiteSnapshot> site, bool keep_running,
                             Diagnostics &diag) {
    Plan plan;
    plan.site = std::move(site);
    validate_profiles(plan.site->model, plan.bad_profiles, diag);
    check_source_points(plan.site->model, registry_, plan.bad_sources, diag);
    auto wanted = wanted_plugins(plan.site->model, diag);
    auto unchanged = [&](const Instance &old, const LoadedPlugin &plugin) {
        return old.started && old.plugin.get() == &plugin &&
               old.own_config == own_config_of(plugin, plan.site->model);
    };
    // A storage service stays valid as long as the instance that asked for it. A storage kept
    // with the same model never goes; one told a new model goes if it cannot take it, and then
    // switch_to() replaces the told instances that hold its services with their standbys.
    bool storages_kept = true, storages_same = true;
    for (auto &inst : instances_) {
        if (inst->plugin->kind != GS_KIND_STORAGE) continue;
        bool wanted_again = std::any_of(wanted.begin(), wanted.end(),
                                        [&](const auto &p) { return p == inst->plugin; });
        storages_kept = storages_kept && wanted_again && unchanged(*inst, *inst->plugin);
        storages_same = storages_kept && storages_same && inst->site->json == plan.site->json;
    }
    auto services_safe = [&](const Instance &old, const LoadedPlugin &plugin) {
        bool told = plugin.kind != GS_KIND_DRIVER && site_changed_of(plugin) != nullptr;
        return plugin.kind == GS_KIND_STORAGE || !old.uses_storage_services || storages_same ||
               (storages_kept && told);
    };
    for (auto &plugin : wanted) {
        Step step{plugin, nullptr, false, nullptr};
        Instance *old = keep_running ? instance_of(plugin->id) : nullptr;
        if (old && unchanged(*old, *plugin) && services_safe(*old, *plugin)) {
            step.kept = old;
            // A driver's sources and profiles are in its own configuration already.
            bool same_model = old->site->json == plan.site->json;
            if (same_model || plugin->kind == GS_KIND_DRIVER) {
                plan.steps.push_back(std::move(step));
                continue;
            }
            step.tell = site_changed_of(*plugin) != nullptr;
            if (!step.tell) step.kept = nullptr;
        }
        // Also for a `tell`: a new instance stands by in case site_changed fails, and its
        // creation checks the section against the plugin as a first start would.
        step.fresh = create_instance(plugin, plan.site, diag);
        if (step.fresh || step.kept) plan.steps.push_back(std::move(step));
    }
    add_sources(plan, diag);
    return plan;
}

void Runtime::build(Diagnostics &diag) {
    Plan plan = stage(site_, false, diag);
    bad_profiles_ = plan.bad_profiles;
    for (auto &step : plan.steps)
        instances_.push_back(std::move(step.fresh));
}

bool Runtime::start_instance(Instance &inst) {
    std::string why;
    gs_status st = inst.start(why);
    if (st != GS_OK) {
        start_errors_[inst.plugin->id] = why;
        start_statuses_[inst.plugin->id] = st;
        return false;
    }
    start_errors_.erase(inst.plugin->id);
    start_statuses_.erase(inst.plugin->id);
    return true;
}

void Runtime::start() {
    if (running_) return;
    discovery_->open();
    {
        std::lock_guard<std::mutex> lock(declare_mutex_);
        closing_ = false;
    }
    std::lock_guard<std::mutex> lock(command_mutex_);
    for (auto &inst : instances_) {
        ConsumerOptions c = consumer_of(inst.get());
        if (c.on_batch || c.on_event) bus_.add_consumer(std::move(c));
    }
    bus_.start();
    for (auto &inst : instances_)
        start_instance(*inst);
    running_ = true;
}

void Runtime::stop() {
    if (!running_) return;
    discovery_->stop(); // a scan in progress ends first (its driver's own bound)
    {
        std::lock_guard<std::mutex> lock(declare_mutex_);
        closing_ = true;
    }
    release_declarers(); // a driver thread waiting for the kernel thread lets its stop() end
    {
        // Producers first (drivers were started last).
        std::lock_guard<std::mutex> lock(command_mutex_);
        for (auto it = instances_.rbegin(); it != instances_.rend(); ++it)
            if ((*it)->plugin->kind == GS_KIND_DRIVER) (*it)->stop();
        running_ = false;
    }
    // What the drivers published last reaches every consumer, and so does what consumers
    // publish while taking it (the alarm engine's events on the last samples).
    bus_.drain();
    // Then the consumers in reverse start order (UIs, exporters, storages last), each one
    // handed what it still has queued, taken off the bus, then stopped: an event it publishes
    // while stopping reaches those still running, the storages above all.
    for (auto it = instances_.rbegin(); it != instances_.rend(); ++it) {
        if ((*it)->plugin->kind == GS_KIND_DRIVER) continue;
        bus_.remove((*it)->plugin->id);
        (*it)->stop();
    }
    bus_.stop();
}

} // namespace gs::kernel
