#include "runtime/instance.hpp"

#include "runtime/log.hpp"
#include "runtime/plugin_calls.hpp"

namespace gs::kernel {

Instance::Instance(std::shared_ptr<const LoadedPlugin> p, std::unique_ptr<HostContext> h)
    : plugin(std::move(p)), host(std::move(h)) {}

Instance::~Instance() {
    if (handle) {
        Lifecycle lc = lifecycle_of(*plugin);
        call_plugin(host->who(), "destroy", [&] {
            lc.destroy(handle);
            return GS_OK;
        });
    }
}

std::string Instance::create(bool &threw) {
    Lifecycle lc = lifecycle_of(*plugin);
    gs_instance *made = nullptr;
    threw = false;
    gs_status st = GS_ERR_FAILED;
    // Not call_plugin: a create that throws gets its plugin refused, so the caller must know.
    try {
        st = lc.create(host->raw(), &made);
    } catch (...) {
        threw = true;
        return "create threw an exception across the ABI";
    }
    if (st != GS_OK || !made) return host->take_error(status_text(st));
    handle = made;
    return "";
}

gs_status Instance::start(std::string &why) {
    Lifecycle lc = lifecycle_of(*plugin);
    gs_status st = call_plugin(host->who(), "start", [&] { return lc.start(handle); });
    if (st != GS_OK) {
        why = host->take_error(status_text(st));
        log_line(GS_LOG_ERROR, host->who(), "failed to start: " + why);
        return st;
    }
    started = true;
    log_line(GS_LOG_INFO, host->who(),
             std::string("started (") + kind_name(plugin->kind) + " " + plugin->version + ")");
    return GS_OK;
}

void Instance::stop() {
    if (!started) return;
    call_plugin(host->who(), "stop", [&] { return lifecycle_of(*plugin).stop(handle); });
    started = false;
    log_line(GS_LOG_INFO, host->who(), "stopped");
}

} // namespace gs::kernel
