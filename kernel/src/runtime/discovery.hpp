// Looking for devices with a driver's scan (gs_driver_vtable.scan): the one code path of
// `gridscope discover` (cli/cmd_discover.cpp) and of the service "gridscope.discovery/1"
// (services/discovery.h) that the web UI's Auto discovery uses while the site runs.
// Runtime::scan (discovery.cpp) runs one scan on an instance made for it; DiscoveryJobs runs
// one at a time on a worker thread and keeps its progress and devices for the service.
#pragma once

#include "plugin/loader.hpp"

#include <gridscope/services/discovery.h>

#include <yaml-cpp/yaml.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace gs::kernel {

class Runtime;

using FoundDevice = std::vector<std::pair<std::string, std::string>>;

struct ScanCallbacks {
    std::function<void(const std::string &message)> progress; // each "discovery.progress"
    std::function<bool(const FoundDevice &)> found;           // false: stop the scan
};

// The scan settings `keys`/`values` make for a driver that declares `declared` (by key:
// integers checked, defaults filled, exactly one address option). Empty `why` when good.
YAML::Node scan_settings(const std::vector<const gs_cli_option *> &declared,
                         const std::vector<std::pair<std::string, std::string>> &given,
                         std::string &why);

// "unit 12/247, 1 found" -> {12, 247}; {0, 0} when the message holds no "unit D/T".
std::pair<uint64_t, uint64_t> scan_progress_of(const std::string &message);

// gridscope.discovery/1: one scan at a time, on its own thread, for the runtime's plugins.
class DiscoveryJobs {
public:
    DiscoveryJobs(Runtime &runtime, PluginRegistry &registry);
    ~DiscoveryJobs(); // stop()
    DiscoveryJobs(const DiscoveryJobs &) = delete;
    DiscoveryJobs &operator=(const DiscoveryJobs &) = delete;

    const gs_discovery_service_v1 *service() const { return &service_; }
    // Cancels a running scan and waits for its thread; later starts are refused until open().
    void stop();
    void open();

private:
    gs_status start(const std::string &driver,
                    const std::vector<std::pair<std::string, std::string>> &given,
                    std::string &why);
    void run(std::shared_ptr<const LoadedPlugin> plugin, YAML::Node params);
    static gs_status drivers_thunk(void *context, gs_discovery_driver_fn on_driver, void *payload);
    static gs_status start_thunk(void *context, const char *driver, const char *const *keys,
                                 const char *const *values, size_t count, char *message,
                                 size_t message_size);
    static gs_status status_thunk(void *context, gs_discovery_status_fn on_status,
                                  gs_found_fn on_device, void *payload);
    static gs_status cancel_thunk(void *context);

    Runtime &runtime_;
    PluginRegistry &registry_;
    gs_discovery_service_v1 service_{};
    std::thread worker_;

    std::mutex mutex_; // guards everything below
    std::condition_variable changed_;
    bool closed_ = false;
    uint32_t state_ = GS_DISCOVERY_IDLE;
    bool cancel_ = false;
    bool settled_ = false; // the driver took its settings (first progress) or the scan ended
    gs_status result_ = GS_OK;
    std::string driver_, message_;
    uint64_t done_ = 0, total_ = 0;
    int64_t started_ns_ = 0, ended_ns_ = 0;
    std::vector<FoundDevice> found_;
};

} // namespace gs::kernel
