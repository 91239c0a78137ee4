// A running site: the plugin instances the site model asks for, wired to the bus, started in
// order (storage, exporters, ui, then drivers) and stopped in reverse. A reload checks the new
// model completely, then replaces only the instances whose own configuration changed.
// Files by job: runtime.cpp (plan, start, stop), reload.cpp, services.cpp; an instance's own
// calls are in instance.cpp, the bus's calls into consumers in consumers.cpp.
#pragma once

#include "config/diagnostics.hpp"
#include "plugin/loader.hpp"
#include "runtime/bus.hpp"
#include "runtime/discovery.hpp"
#include "runtime/instance.hpp"
#include "runtime/site_snapshot.hpp"
#include "site/model.hpp"

#include "site/identified.hpp"

#include <gridscope/services/config.h>
#include <gridscope/services/control.h>
#include <gridscope/services/device.h>
#include <gridscope/services/metrics.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace gs::kernel {

class Runtime {
public:
    Runtime(SiteModel site, PluginRegistry &registry, RuntimeOptions options);
    ~Runtime();
    Runtime(const Runtime &) = delete;
    Runtime &operator=(const Runtime &) = delete;

    // Checks plugin sections and profiles with the plugins, creates the instances and adds the
    // sources. Every problem lands in `diag`; the runtime is usable only if it stays empty.
    void build(Diagnostics &diag);
    // Starts everything; a plugin that fails to start is reported and left out.
    void start();
    void stop();
    // Takes `next` while running. Everything build() checks is checked first, creating (not
    // starting) the instances that change; on any error `diag` says why and nothing running
    // was touched. Then only the changed instances are replaced; the others keep running, told
    // through site_changed when the model they read changed. False when refused.
    // [kernel-thread] After start().
    bool reload(SiteModel next, Diagnostics &diag);
    // reload() with one more step: `commit` runs once everything is checked, before anything
    // running changes (gridscope.config/1 writes the site file there); false, with why in
    // `diag`, refuses the reload. `candidate`: the file `next` was read from when it is not
    // next.file yet (what `commit` puts in its place): the plugins that read the site file
    // themselves check that one (SiteSnapshot); the instances that then run are made once
    // `commit` put it in place. [kernel-thread]
    bool reload(SiteModel next, Diagnostics &diag, const std::function<bool(Diagnostics &)> &commit,
                const std::string &candidate = {});
    // Every check reload() makes, changing nothing; `warnings` gets what the devices identified
    // meanwhile change of `next` (the circuits a declaration leaves out). `candidate` as for
    // reload(). [kernel-thread]
    bool check_reload(SiteModel next, Diagnostics &diag, std::vector<std::string> &warnings,
                      const std::string &candidate = {});
    // gridscope.config/1 as plugins get it from now on (`run` offers its ConfigDesk's); null:
    // not offered (tools, check). The struct outlives the runtime's instances.
    void offer_config_service(const gs_config_service_v1 *service);

    // The model in force. [kernel-thread]: a reload replaces it.
    const SiteModel &site() const { return site_->model; }
    Bus &bus() { return bus_; }
    const RuntimeOptions &options() const { return options_; }
    // A service by id, as plugins see it (for tools).
    const void *service(const std::string &id);
    // The plugins that failed to start, by id, with why.
    const std::map<std::string, std::string> &start_errors() const { return start_errors_; }
    // Why plugin `id` failed to start ("" if it did not fail).
    std::string last_start_error(const std::string &id) const;
    // The status the last failed start of `id` returned (GS_OK if it did not fail).
    gs_status last_start_status(const std::string &id) const;
    // The instance of plugin `id`, or null.
    Instance *instance_of(const std::string &id);
    // The driver instance that polls `source`, or null.
    Instance *driver_of(const std::string &source);
    // Runs command `name` of `source`'s profile (gridscope.control/1); `why` says what failed.
    gs_status run_command(const std::string &source, uint32_t circuit, const std::string &name,
                          std::string &why);

    // gridscope.device/1 (runtime/declarations.cpp): `asker`, a driver instance, declares what
    // the device of a source identified as. Checks it, hands the driver its new points through
    // on_source, then has the model holding it put in force: at once on the kernel thread (or
    // before start), else by the kernel thread's next apply_declarations(), waited for (bounded).
    gs_status declare_identified(Instance &asker, const std::string &source,
                                 const Identified &identified, gs_source_fn on_source,
                                 void *payload, std::string &why);
    // [kernel-thread] Puts the declarations made since the last call in force, as a reload of
    // the model in force would (storages, exporters and UIs told through site_changed). `run`
    // calls it between signals. True when there were some.
    bool apply_declarations();

    // Runs `driver`'s scan with `params` (runtime/discovery.cpp) on an instance made for it
    // (never started, knowing the model in force), its "discovery.progress" events to
    // callbacks.progress, each device to callbacks.found. `why` says what failed. [any-thread]
    gs_status scan(const std::string &driver, const YAML::Node &params,
                   const ScanCallbacks &callbacks, std::string &why);

private:
    // A site checked with the plugins, before anything running changes: for each plugin the
    // site runs, in start order, the running instance kept and/or a new one, created and
    // given its sources but not started.
    struct Step {
        std::shared_ptr<const LoadedPlugin> plugin;
        Instance *kept = nullptr;        // running, kept
        bool tell = false;               // kept, but learns the new model through site_changed
        std::unique_ptr<Instance> fresh; // replaces `kept` (or stands by in case `tell` fails)
    };
    struct Plan {
        std::shared_ptr<const SiteSnapshot> site;
        std::vector<Step> steps;
        std::set<std::string> bad_profiles; // profiles whose points a driver refused
        std::set<std::string> bad_sources;  // sources whose own points a driver refused
    };
    // The one check of a site with the plugins: used by check, run and reload alike.
    Plan stage(std::shared_ptr<const SiteSnapshot> site, bool keep_running, Diagnostics &diag);
    std::vector<std::shared_ptr<const LoadedPlugin>> wanted_plugins(const SiteModel &site,
                                                                    Diagnostics &diag);
    // `events`, when given, takes the instance's events instead of the bus (a scan's).
    std::unique_ptr<Instance>
    create_instance(std::shared_ptr<const LoadedPlugin> plugin,
                    const std::shared_ptr<const SiteSnapshot> &site, Diagnostics &diag,
                    std::function<gs_status(const gs_event &)> events = {});
    void validate_profiles(const SiteModel &site, std::set<std::string> &bad_profiles,
                           Diagnostics &diag);
    void add_sources(Plan &plan, Diagnostics &diag);
    // Applies a plan whose check passed (reload).
    void switch_to(Plan plan);
    bool tell_site_changed(Instance &inst, const std::shared_ptr<const SiteSnapshot> &site);
    bool start_instance(Instance &inst); // and records why it failed (start_errors)
    HostHooks hooks(Instance *inst, std::function<gs_status(const gs_event &)> events = {});
    gs_control_service_v1 make_control_service();
    static gs_status run_command_thunk(void *context, const char *source, uint32_t circuit,
                                       const char *name, char *message, size_t message_size);
    const void *service_for(Instance *inst, const std::string &id);
    // gridscope.metrics/1: every started driver's poll counters (services.cpp).
    gs_status each_poll_counters(gs_plugin_poll_counters_fn on_link, void *payload);
    static gs_status poll_counters_thunk(void *context, gs_plugin_poll_counters_fn on_link,
                                         void *payload);
    // gridscope.metrics/1 since ABI 1.6 (services.cpp): the drivers' diagnostics documents,
    // a link's bus view, the plugins loaded and their state.
    gs_status each_diagnostics(gs_plugin_text_fn on_json, void *payload);
    gs_status bus_trace(const std::string &link, gs_plugin_text_fn on_json, void *payload);
    std::string plugins_json();
    static gs_status diagnostics_thunk(void *context, gs_plugin_text_fn on_json, void *payload);
    static gs_status bus_trace_thunk(void *context, const char *link, gs_plugin_text_fn on_json,
                                     void *payload);
    static gs_status plugins_thunk(void *context, gs_plugin_text_fn on_json, void *payload);
    static gs_status declare_thunk(void *context, const gs_identified_source *identified,
                                   gs_source_fn on_source, void *payload, char *message,
                                   size_t message_size);
    // The declarations in force applied to `site` (a model loaded from the file, or the one in
    // force): each only while its source keeps the profile it was declared from.
    void with_identified(SiteModel &site, bool log_warnings,
                         std::vector<std::string> *warnings = nullptr);
    // Lets every driver thread waiting in declare_identified go (before drivers stop).
    void release_declarers();
    Instance *driver_for(const SiteModel &site, const std::string &source);

    PluginRegistry &registry_;
    RuntimeOptions options_;
    std::shared_ptr<const SiteSnapshot> site_;
    gs_control_service_v1 control_service_{};
    std::atomic<const gs_config_service_v1 *> config_service_{nullptr};
    gs_metrics_service_v1 metrics_service_{sizeof(gs_metrics_service_v1),
                                           0,
                                           this,
                                           &poll_counters_thunk,
                                           &diagnostics_thunk,
                                           &bus_trace_thunk,
                                           &plugins_thunk};
    // Held while a command runs and while drivers start, stop or the model changes.
    std::mutex command_mutex_;
    // Guards site_, instances_ and Instance::site against plugin threads (get_service).
    mutable std::mutex state_mutex_;
    Bus bus_;
    std::vector<std::unique_ptr<Instance>> instances_; // in start order
    bool running_ = false;
    std::set<std::string> bad_profiles_;
    std::map<std::string, std::string> start_errors_;
    std::map<std::string, gs_status> start_statuses_;

    // Declarations of identified devices (gridscope.device/1), guarded by declare_mutex_.
    struct Declared {
        Identified identified;
        std::string from_profile; // the source's profile when declared (the file's)
    };
    struct Declaration {
        std::string source;
        std::string driver; // the declaring plugin's id
        bool done = false;
    };
    std::mutex declare_mutex_;
    std::condition_variable declared_;
    std::map<std::string, Declared> identified_;          // by source, in force or queued
    std::vector<std::shared_ptr<Declaration>> queued_;    // not applied yet
    std::vector<std::shared_ptr<Declaration>> declarers_; // their drivers wait
    bool closing_ = false;                                // stopped: nobody waits any more
    const std::thread::id kernel_thread_ = std::this_thread::get_id();

    // gridscope.discovery/1; stopped (its scan waited for) before the instances stop.
    std::unique_ptr<DiscoveryJobs> discovery_;
};

} // namespace gs::kernel
