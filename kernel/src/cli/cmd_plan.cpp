// gridscope plan --profile ID [--format json] [connection options, as read]: the requests the
// profile's driver makes to read a device of that profile (for Modbus: functions, addresses,
// counts, and the points served).
// gridscope plan --config F --source NAME [--format json]: the requests for a configured source,
// which polls only the data its circuits' models collect.
#include "cli/one_source.hpp"
#include "runtime/plugin_calls.hpp"

#include <iostream>

namespace gs::kernel {

namespace {
gs_status print_text(void *payload, const char *text) {
    *static_cast<std::string *>(payload) = text;
    return GS_OK;
}
} // namespace

int cmd_plan(int argc, char **argv) {
    OneSource one(argc, argv);
    Args args(argc, argv, 2, one.command_options({"--profile", "--format", "--config", "--source"}),
              {});
    bool json = args.get("--format", "text") == "json";
    bool configured = args.has("--config") || args.has("--source");
    if (configured && args.has("--profile"))
        throw UsageError("give either --profile or --config with --source");
    // The address is never contacted: without connection options the driver's stand-in is
    // planned (the plan depends on the profile and the link settings only).
    try {
        if (configured)
            build_configured_source(one, args, args.required("--config"),
                                    args.required("--source"));
        else
            build_one_source(one, args, args.required("--profile"), false);
    } catch (const ConfigFailure &f) {
        std::cerr << f.diagnostics().str();
        return 1;
    }
    const gs_driver_vtable *vt = one.driver->plugin->driver();
    if (!GS_HAS_FIELD(vt, gs_driver_vtable, describe) || !vt->describe) {
        std::cerr << "gridscope plan: driver '" << one.driver->plugin->id
                  << "' does not describe its requests\n";
        return 1;
    }
    std::string text;
    gs_status st = call_plugin(one.driver->host->who(), "describe", [&] {
        return vt->describe(one.driver->handle, one.name.c_str(), json ? 1 : 0, &print_text, &text);
    });
    if (st != GS_OK) {
        std::cerr << "gridscope plan: " << one.driver->host->take_error("failed") << "\n";
        return 1;
    }
    std::cout << text << (text.empty() || text.back() != '\n' ? "\n" : "");
    return 0;
}

} // namespace gs::kernel
