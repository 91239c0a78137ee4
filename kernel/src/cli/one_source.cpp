#include "cli/one_source.hpp"

namespace gs::kernel {

const std::set<std::string> &connection_options() {
    static const std::set<std::string> options{"--tcp",    "--rtu",  "--rtu-tcp",   "--baud",
                                               "--parity", "--unit", "--timeout-ms"};
    return options;
}

YAML::Node connection_entry(const Args &args) {
    YAML::Node entry(YAML::NodeType::Map);
    int given = 0;
    if (auto tcp = args.get("--tcp")) {
        entry["tcp"] = *tcp;
        ++given;
    }
    if (auto rtu = args.get("--rtu")) {
        entry["rtu"] = *rtu;
        entry["baud"] = args.integer("--baud", 9600);
        entry["parity"] = args.get("--parity", "N");
        ++given;
    }
    // Modbus RTU frames over a raw TCP socket (a serial gateway in transparent mode).
    if (auto rtu_tcp = args.get("--rtu-tcp")) {
        entry["rtu_tcp"] = *rtu_tcp;
        ++given;
    }
    if (given == 0)
        throw UsageError(
            "give the device's address: --tcp HOST:PORT, --rtu DEVICE or --rtu-tcp HOST:PORT");
    if (given > 1) throw UsageError("give one address: --tcp, --rtu or --rtu-tcp");
    entry["unit"] = args.integer("--unit", 1);
    if (auto t = args.get("--timeout-ms")) entry["timeout_ms"] = args.integer("--timeout-ms", 0);
    return entry;
}

void build_one_source(OneSource &one, const CommonOptions &common, const std::string &profile,
                      const YAML::Node &source_entry) {
    common.load_plugins(one.registry);
    SiteModel site = load_profiles(common.load_options());
    site.file = "(command line)";
    const Profile *p = site.find_profile(profile);
    if (!p) throw UsageError("unknown profile '" + profile + "' (see the profiles/ folder)");
    Source s;
    s.name = OneSource::kName;
    s.profile = profile;
    s.driver = p->driver;
    s.node = YAML::Clone(source_entry);
    s.node["name"] = s.name;
    s.node["profile"] = profile;
    for (uint32_t k = 1; k <= p->circuits; ++k) {
        Circuit c;
        c.index = k;
        c.name = s.name + "/" + std::to_string(k);
        s.circuits.push_back(c);
    }
    site.sources.push_back(s);
    one.runtime = std::make_unique<Runtime>(std::move(site), one.registry, RuntimeOptions{});
    Diagnostics diag;
    one.runtime->build(diag);
    if (!diag.empty()) throw ConfigFailure(diag);
    one.driver = one.runtime->driver_of(OneSource::kName);
    one.profile = one.runtime->site().find_profile(profile);
    if (!one.driver) throw UsageError("driver '" + p->driver + "' is not installed");
}

} // namespace gs::kernel
