// A running site: the plugin instances the site model asks for, wired to the bus, started in
// order (storage, exporters, ui, then drivers) and stopped in reverse.
#pragma once

#include "config/diagnostics.hpp"
#include "host/host_context.hpp"
#include "plugin/loader.hpp"
#include "runtime/bus.hpp"
#include "site/model.hpp"

#include <gridscope/services/control.h>
#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace gs::kernel {

struct RuntimeOptions {
    std::string data_dir = "gridscope-data";
    int http_port = 0;
    std::string share_dir;
    // When not empty, only these plugins get instances (tools such as `gridscope query`).
    std::set<std::string> only;
};

// One plugin instance. Member order matters: the plugin (and so its library) outlives the
// instance handle and the host context.
class Instance {
public:
    Instance(std::shared_ptr<const LoadedPlugin> plugin, std::unique_ptr<HostContext> host);
    ~Instance();
    Instance(const Instance &) = delete;
    Instance &operator=(const Instance &) = delete;

    std::shared_ptr<const LoadedPlugin> plugin;
    std::unique_ptr<HostContext> host;
    gs_instance *handle = nullptr;
    bool started = false;
};

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

    const SiteModel &site() const { return site_; }
    Bus &bus() { return bus_; }
    // Sees every event as it is published (before the bus), e.g. for a CLI progress bar.
    // Set before build().
    void set_event_tap(std::function<void(const gs_event &)> tap) { event_tap_ = std::move(tap); }
    // A service by id, as plugins see it (for tools).
    const void *service(const std::string &id);
    // The plugins that failed to start, by id, with why.
    const std::map<std::string, std::string> &start_errors() const { return start_errors_; }
    // Why plugin `id` failed to start ("" if it did not fail).
    std::string last_start_error(const std::string &id) const;
    // The instance of plugin `id`, or null.
    Instance *instance_of(const std::string &id);
    // The driver instance that polls `source`, or null.
    Instance *driver_of(const std::string &source);
    // Runs command `name` of `source`'s profile (gridscope.control/1); `why` says what failed.
    gs_status run_command(const std::string &source, uint32_t circuit, const std::string &name,
                          std::string &why);

private:
    Instance *create_instance(std::shared_ptr<const LoadedPlugin> plugin, Diagnostics &diag);
    void check_section(const LoadedPlugin &plugin, Diagnostics &diag);
    void validate_profiles(Diagnostics &diag);
    void add_sources(Diagnostics &diag);
    void wire_bus();
    HostHooks hooks();

    SiteModel site_;
    PluginRegistry &registry_;
    RuntimeOptions options_;
    gs_runtime_service_v1 runtime_service_{};
    std::string site_json_;
    gs_site_service_v1 site_service_{};
    gs_control_service_v1 control_service_{};
    std::mutex command_mutex_; // one command at a time (the write() contract)
    Bus bus_;
    std::vector<std::unique_ptr<Instance>> instances_; // in start order
    bool running_ = false;
    std::function<void(const gs_event &)> event_tap_;
    std::set<std::string> bad_profiles_;
    std::map<std::string, std::string> start_errors_; // profiles whose points a driver refused
};

} // namespace gs::kernel
