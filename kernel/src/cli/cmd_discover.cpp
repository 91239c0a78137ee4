// gridscope discover <the drivers' scan options> [--driver ID] [--format json]
// Scans for devices with the scan of every installed driver that declares one (or of
// --driver), drawing a progress bar on the terminal from the drivers' progress events. The
// scan's settings are the options the drivers declare (gs_driver_vtable.scan_options, e.g.
// driver_socomec_diris: --tcp HOST:PORT [--units 1-247] [--timeout-ms T]): the kernel knows no
// scan key. The scan itself is Runtime::scan, which the web UI's discovery service runs too.
#include "cli/json.hpp"
#include "cli/one_source.hpp"
#include "cli/plugin_tools.hpp"
#include "runtime/discovery.hpp"

#include <algorithm>
#include <iostream>
#include <map>

#include <unistd.h>

namespace gs::kernel {

namespace {

using Found = std::vector<FoundDevice>;

bool is_number(const std::string &s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// {"unit": N, "vendor": ..., "family": ..., "model": ..., "profile": ID|null, "circuits": K, ...}
std::string device_json(const std::vector<std::pair<std::string, std::string>> &device) {
    std::map<std::string, std::string> kv(device.begin(), device.end());
    auto field = [&](const std::string &key, bool numeric) {
        auto it = kv.find(key);
        std::string v = it == kv.end() ? "" : it->second;
        if (numeric && is_number(v)) return v;
        if (v.empty() && (key == "profile" || numeric)) return std::string("null");
        return json_string(v);
    };
    std::string out =
        "{\"unit\": " + field("unit", true) + ", \"vendor\": " + field("vendor", false) +
        ", \"family\": " + field("family", false) + ", \"model\": " + field("model", false) +
        ", \"profile\": " + field("profile", false) + ", \"circuits\": " + field("circuits", true);
    for (const auto &[k, v] : device)
        if (k != "unit" && k != "vendor" && k != "family" && k != "model" && k != "profile" &&
            k != "circuits")
            out += ", " + json_string(k) + ": " + json_string(v);
    return out + "}";
}

// The value of the first address option given among the drivers' scan options: where the
// scan looked, for the summary line.
std::string scanned_where(const Args &args,
                          const std::vector<std::shared_ptr<const LoadedPlugin>> &drivers) {
    for (const auto &d : drivers)
        for (const gs_cli_option *o : d->scan_options)
            if (o->address)
                if (auto v = args.get(o->flag)) return *v;
    return "";
}

} // namespace

int cmd_discover(int argc, char **argv) {
    OneSource one(argc, argv);
    auto options = CommonOptions::value_options();
    options.insert({"--driver", "--format"});
    for (const auto &plugin : one.registry.all())
        for (const gs_cli_option *o : plugin->scan_options)
            options.insert(o->flag);
    Args args(argc, argv, 2, options, {});
    bool json = args.get("--format", "text") == "json";
    bool bar = isatty(STDERR_FILENO);

    // The drivers asked: --driver, else every installed driver that declares a scan.
    std::vector<std::shared_ptr<const LoadedPlugin>> drivers;
    if (auto id = args.get("--driver")) {
        auto plugin = one.registry.find(*id);
        if (!plugin || !plugin->driver()) {
            std::cerr << "gridscope discover: driver '" << *id << "' is not installed\n";
            return 1;
        }
        if (!plugin->driver()->scan) {
            std::cerr << "gridscope discover: driver '" << *id << "' cannot scan\n";
            return 1;
        }
        drivers.push_back(plugin);
    } else {
        for (const auto &plugin : one.registry.all())
            if (plugin->driver() && plugin->driver()->scan) drivers.push_back(plugin);
        if (drivers.empty()) {
            std::cerr << "gridscope discover: no installed driver can scan\n";
            return 1;
        }
    }
    // Each driver's scan settings from the options it declares; an option none of them
    // declares (another driver's) is refused.
    for (const auto &plugin : one.registry.all())
        for (const gs_cli_option *o : plugin->scan_options)
            if (args.get(o->flag) &&
                std::none_of(drivers.begin(), drivers.end(), [&](const auto &d) {
                    return std::any_of(d->scan_options.begin(), d->scan_options.end(),
                                       [&](const gs_cli_option *mine) {
                                           return std::string(mine->flag) == o->flag;
                                       });
                }))
                throw UsageError("the drivers asked take no option " + std::string(o->flag));
    std::map<std::string, YAML::Node> params;
    for (const auto &d : drivers)
        params[d->id] = option_entry(args, d->scan_options, true);
    std::string where = scanned_where(args, drivers);
    SiteModel site;
    try {
        site = load_profiles(CommonOptions::from(args).load_options());
    } catch (const ConfigFailure &f) {
        std::cerr << f.diagnostics().str();
        return 1;
    }
    site.file = "(command line)";
    // The same scan the web UI's Auto discovery runs (runtime/discovery.hpp).
    one.runtime = std::make_unique<Runtime>(std::move(site), one.registry, RuntimeOptions{});
    Found found;
    ScanCallbacks callbacks;
    callbacks.progress = [&](const std::string &message) {
        if (bar) std::cerr << "\r\033[K" << message << std::flush;
    };
    callbacks.found = [&](const FoundDevice &device) {
        found.push_back(device);
        return true;
    };
    for (const auto &d : drivers) {
        std::string why;
        gs_status st = one.runtime->scan(d->id, params[d->id], callbacks, why);
        if (bar) std::cerr << "\r\033[K";
        if (st != GS_OK) {
            std::cerr << "gridscope discover: " << why << "\n";
            return 1;
        }
    }
    if (json) {
        std::cout << "[";
        for (size_t i = 0; i < found.size(); ++i)
            std::cout << (i ? ",\n " : "\n ") << device_json(found[i]);
        std::cout << (found.empty() ? "]\n" : "\n]\n");
    } else {
        std::cout << found.size() << " device(s) found at " << where << "\n";
        for (const auto &d : found)
            std::cout << "  " << device_json(d) << "\n";
    }
    return 0;
}

} // namespace gs::kernel
