// gridscope discover <the drivers' scan options> [--driver ID] [--format json]
// Scans for devices with the scan of every installed driver that declares one (or of
// --driver), drawing a progress bar on the terminal from the drivers' progress events. The
// scan's settings are the options the drivers declare (gs_driver_vtable.scan_options, e.g.
// driver_socomec_diris: --tcp HOST:PORT [--units 1-247] [--timeout-ms T]): the kernel knows no
// scan key.
#include "cli/json.hpp"
#include "cli/one_source.hpp"
#include "cli/plugin_tools.hpp"
#include "runtime/plugin_calls.hpp"

#include <algorithm>
#include <iostream>
#include <map>

#include <unistd.h>

namespace gs::kernel {

namespace {

using Found = std::vector<std::vector<std::pair<std::string, std::string>>>;

gs_status on_found(void *payload, const char *const *keys, const char *const *values,
                   size_t count) {
    std::vector<std::pair<std::string, std::string>> device;
    for (size_t i = 0; i < count; ++i)
        device.emplace_back(keys[i] ? keys[i] : "", values[i] ? values[i] : "");
    static_cast<Found *>(payload)->push_back(std::move(device));
    return GS_OK;
}

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
    for (const auto &d : drivers)
        site.plugins[d->id] = PluginSection{d->id, YAML::Node(YAML::NodeType::Map), {}};
    one.runtime = std::make_unique<Runtime>(std::move(site), one.registry, RuntimeOptions{});
    one.runtime->set_event_tap([&](const gs_event &e) {
        if (!bar || !e.type || std::string(e.type) != "discovery.progress") return;
        std::cerr << "\r\033[K" << (e.message ? e.message : "") << std::flush;
    });
    Diagnostics diag;
    one.runtime->build(diag);
    if (!diag.empty()) {
        std::cerr << diag.str();
        return 1;
    }
    Found found;
    for (const auto &d : drivers) {
        Instance *inst = one.runtime->instance_of(d->id);
        const gs_driver_vtable *vt = d->driver();
        if (!inst || !vt->scan) {
            std::cerr << "gridscope discover: driver '" << d->id << "' cannot scan\n";
            return 1;
        }
        gs_status st = call_plugin(inst->host->who(), "scan", [&] {
            return vt->scan(inst->handle, inst->host->handle(params[d->id], "(command line)"),
                            &on_found, &found);
        });
        if (bar) std::cerr << "\r\033[K";
        if (st != GS_OK) {
            std::cerr << "gridscope discover: " << inst->host->take_error("scan failed") << "\n";
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
