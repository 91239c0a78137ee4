// gridscope read --profile ID [--circuit K] [--format json] + the connection options the
// profile's driver declares (gs_cli_option; `gridscope help` lists them: --tcp HOST:PORT...)
// Reads a device once with its profile and prints its values in catalog units.
#include "cli/json.hpp"
#include "cli/one_source.hpp"
#include "runtime/plugin_calls.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

namespace gs::kernel {

namespace {

struct Collected {
    std::vector<OwnedBatch> batches;
};

gs_status collect(void *payload, const gs_sample_batch *batch) {
    static_cast<Collected *>(payload)->batches.push_back(OwnedBatch::copy_of(*batch));
    return GS_OK;
}

} // namespace

int cmd_read(int argc, char **argv) {
    OneSource one(argc, argv);
    Args args(argc, argv, 2, one.command_options({"--profile", "--circuit", "--format"}), {});
    std::string profile = args.required("--profile");
    int circuit = args.integer("--circuit", 1);
    bool json = args.get("--format", "text") == "json";
    try {
        build_one_source(one, args, profile, true);
    } catch (const ConfigFailure &f) {
        std::cerr << f.diagnostics().str();
        return 1;
    }
    if (circuit < 0 || static_cast<uint32_t>(circuit) > one.profile->circuits) {
        std::cerr << "gridscope read: profile '" << profile << "' has " << one.profile->circuits
                  << " circuit(s)\n";
        return 2;
    }
    const gs_driver_vtable *vt = one.driver->plugin->driver();
    if (!vt->read) {
        std::cerr << "gridscope read: driver '" << one.driver->plugin->id
                  << "' cannot read on demand\n";
        return 1;
    }
    Collected got;
    gs_status st = call_plugin(one.driver->host->who(), "read", [&] {
        return vt->read(one.driver->handle, OneSource::kName, &collect, &got);
    });
    if (st != GS_OK) {
        std::cerr << "gridscope read: " << one.driver->host->take_error("read failed") << "\n";
        return 1;
    }
    const Catalog &catalog = one.runtime->site().catalog;
    // The device's unit id, as the output has always shown it (0 for a driver without one).
    const int unit = one.entry["unit"] ? one.entry["unit"].as<int>() : 0;
    std::map<std::string, double> good;
    std::map<std::string, std::string> bad;
    for (const auto &b : got.batches)
        for (const auto &v : b.values) {
            if (v.circuit != static_cast<uint32_t>(circuit) && v.circuit != 0) continue;
            if (v.quality == GS_QUALITY_GOOD)
                good[v.data] = v.value;
            else
                bad[v.data] = quality_text(v.quality);
        }
    auto unit_of = [&](const std::string &data) {
        const DataDef *d = catalog.find(data);
        return d ? d->unit : std::string();
    };
    if (json) {
        std::cout << "{\"profile\": " << json_string(profile) << ", \"unit\": " << unit
                  << ", \"circuit\": " << circuit << ", \"values\": {";
        bool first = true;
        for (const auto &[name, value] : good) {
            std::cout << (first ? "\n  " : ",\n  ") << json_string(name)
                      << ": {\"value\": " << json_number(value)
                      << ", \"unit\": " << json_string(unit_of(name)) << "}";
            first = false;
        }
        std::cout << (first ? "}" : "\n}");
        if (!bad.empty()) {
            std::cout << ", \"unavailable\": {";
            first = true;
            for (const auto &[name, why] : bad) {
                std::cout << (first ? "" : ", ") << json_string(name) << ": " << json_string(why);
                first = false;
            }
            std::cout << "}";
        }
        std::cout << "}\n";
    } else {
        std::printf("%s, unit %d, circuit %d\n", profile.c_str(), unit, circuit);
        for (const auto &[name, value] : good) {
            const DataDef *d = catalog.find(name);
            std::printf("  %-28s %16s %-5s %s\n", name.c_str(), json_number(value).c_str(),
                        unit_of(name).c_str(), d ? d->description.c_str() : "");
        }
        for (const auto &[name, why] : bad)
            std::printf("  %-28s %16s\n", name.c_str(), why.c_str());
    }
    return good.empty() ? 1 : 0;
}

} // namespace gs::kernel
