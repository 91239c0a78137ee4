// One plugin instance and its lifecycle (create, start, stop, destroy): every call into the
// plugin goes through the one guard of plugin_calls.hpp. The runtime decides when; this file
// does the calls.
#pragma once

#include "host/host_context.hpp"
#include "plugin/loader.hpp"
#include "runtime/site_snapshot.hpp"

#include <gridscope/services/device.h>

#include <atomic>
#include <memory>
#include <string>

namespace gs::kernel {

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
    // The model this instance knows (guarded by the runtime's state mutex: plugin threads
    // read it through get_service).
    std::shared_ptr<const SiteSnapshot> site;
    std::string own_config;                         // own_config_of() when it was created
    std::atomic<bool> uses_storage_services{false}; // it was handed a storage's service
    // gridscope.device/1 as this driver instance gets it (context: this instance); filled by
    // the runtime on the first get_service, with `runtime` the Runtime that owns the instance.
    gs_device_service_v1 device_service{};
    void *runtime = nullptr;

    // The lifecycle calls, each through the one guard (call_plugin) and logged.
    // create: "" when made, else why not; `threw` when an exception crossed the ABI.
    std::string create(bool &threw);
    // start: GS_OK when started; else the status, `why` says why (logged).
    gs_status start(std::string &why);
    void stop(); // if started
};

} // namespace gs::kernel
