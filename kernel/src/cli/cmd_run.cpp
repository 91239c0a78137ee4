// gridscope run --config FILE [--data-dir DIR] [--http-port P]: runs a site until SIGTERM or
// SIGINT. SIGHUP reloads the config: checked completely first (as `check` does), a refused one
// changes nothing; a taken one replaces only what changed (Runtime::reload). Between signals
// this thread puts in force what drivers declared of the devices they identified.
#include "cli/commands.hpp"
#include "cli/site_gate.hpp"
#include "runtime/config_desk.hpp"
#include "runtime/log.hpp"
#include "runtime/runtime.hpp"

#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>

namespace gs::kernel {

int cmd_run(int argc, char **argv) {
    auto options = CommonOptions::value_options();
    options.insert({"--config", "--data-dir", "--http-port"});
    Args args(argc, argv, 2, options, {});
    std::string file = args.required("--config");
    CommonOptions common = CommonOptions::from(args);
    RuntimeOptions ro;
    ro.data_dir = args.get("--data-dir", "gridscope-data");
    ro.http_port = args.integer("--http-port", 0);
    ro.share_dir = common.share_dir;
    std::error_code ec;
    std::filesystem::create_directories(ro.data_dir, ec);
    if (ec) {
        std::cerr << "gridscope: cannot create data folder " << ro.data_dir << ": " << ec.message()
                  << "\n";
        return 1;
    }
    set_log_folder(ro.data_dir + "/logs"); // published by the Datalogger's log plan

    // Block the signals in every thread; this thread waits for them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    PluginRegistry registry(
        [](const std::string &line) { log_line(GS_LOG_WARNING, "kernel", line); });
    common.load_plugins(registry);
    std::unique_ptr<Runtime> runtime;
    try {
        runtime = checked_site(file, common, registry, ro);
    } catch (const ConfigFailure &failure) {
        std::cerr << failure.diagnostics().str();
        std::cerr << "gridscope: refusing to start: " << file << " has "
                  << failure.diagnostics().errors().size() << " error(s)\n";
        return 1;
    }
    // gridscope.config/1: the web UI's configuration pages save the site file through it.
    ConfigDesk desk(*runtime, file, common.load_options());
    runtime->start();
    // A site whose storage did not start would lose every sample: refuse to run it.
    for (const auto &[id, why] : runtime->start_errors()) {
        auto plugin = registry.find(id);
        if (plugin && plugin->kind == GS_KIND_STORAGE) {
            std::cerr << "gridscope: storage '" << id << "' did not start: " << why << "\n";
            desk.close();
            runtime->stop();
            return 1;
        }
    }
    log_line(GS_LOG_INFO, "kernel", "site '" + runtime->site().name + "' running from " + file);
    std::cout << "gridscope: ready" << std::endl; // readiness signal for scripts and tests

    while (true) {
        // Between signals, the devices drivers identified meanwhile enter the model
        // (gridscope.device/1); their drivers wait for it, so the wait is short.
        runtime->apply_declarations();
        desk.serve(); // the configuration saved or checked from a plugin meanwhile
        const timespec tick{0, 100 * 1000 * 1000};
        int sig = sigtimedwait(&signals, nullptr, &tick);
        if (sig < 0) continue; // the tick (EAGAIN) or EINTR
        if (sig != SIGHUP) break;
        log_line(GS_LOG_INFO, "kernel", "reloading " + file);
        // The same checks as `check` and a first start, all before anything running changes.
        Diagnostics diag;
        try {
            runtime->reload(load_site(file, common.load_options()), diag);
        } catch (const ConfigFailure &failure) {
            diag = failure.diagnostics();
        }
        if (!diag.empty()) {
            for (const auto &e : diag.errors())
                log_line(GS_LOG_ERROR, "kernel", e.str());
            log_line(GS_LOG_ERROR, "kernel", "reload refused; the running config stays");
            continue;
        }
        for (const auto &[id, why] : runtime->start_errors())
            log_line(GS_LOG_ERROR, "kernel",
                     "reloaded, but '" + id + "' is not running: " + why +
                         (registry.find(id) && registry.find(id)->kind == GS_KIND_STORAGE
                              ? " (its samples wait on the bus until a reload starts it)"
                              : ""));
        log_line(GS_LOG_INFO, "kernel", "reloaded");
        std::cout << "gridscope: reloaded" << std::endl;
    }
    log_line(GS_LOG_INFO, "kernel", "stopping");
    desk.close(); // a UI that stops waits for its request threads
    runtime->stop();
    runtime.reset();
    log_line(GS_LOG_INFO, "kernel", "stopped");
    return 0;
}

} // namespace gs::kernel
