// gridscope-sim --site FILE: serves every Modbus TCP (or RTU over TCP) source of a site file at its
// configured address and unit id, with realistic values and the faults each source's `simulate:`
// asks for, so the demo and the tests need no second configuration. `simulate:` also takes
// `profile` (serve that profile's device, e.g. behind a `socomec/auto` source) and `loads` (how
// many circuits the device has enabled: the others' LoadStatus reads 0) and `values` (data that
// always read one value, e.g. `{TankPressure: 4.2}`). A source's own `points` (a generic Modbus
// device) are served with its profile's.
#include "tcp_server.hpp"

#include "config/map_reader.hpp"
#include "site/loader.hpp"

#include <csignal>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <thread>

#include <plugin/loader.hpp>

using namespace gs;

namespace {

const char *kUsage =
    "usage: gridscope-sim --site FILE [--profiles DIR]... [--absent-units silent|exception]\n"
    "Serves every source of the site that has a 'tcp: HOST:PORT' address (Modbus TCP) or an\n"
    "'rtu_tcp: HOST:PORT' address (Modbus RTU frames over TCP), at its unit id.\n";

// A YAML map as the modbus core's key lookup.
modbus::ConfigLookup lookup(const YAML::Node &node) {
    return [node](std::string_view key) -> std::optional<std::string> {
        if (!node.IsDefined() || !node.IsMap()) return std::nullopt;
        YAML::Node v = node[std::string(key)];
        if (!v.IsDefined() || v.IsNull() || !v.IsScalar()) return std::nullopt;
        return v.Scalar();
    };
}

template <class T> T get(const YAML::Node &map, const char *key, T fallback) {
    // IsDefined first: a missing key of a const node is an invalid node that throws elsewhere.
    if (!map.IsDefined() || !map.IsMap() || !map[key].IsDefined()) return fallback;
    return map[key].as<T>(fallback);
}

std::shared_ptr<sim::SimDevice> make_device(const kernel::SiteModel &site,
                                            const kernel::Source &source, uint8_t unit) {
    YAML::Node simulate = source.node["simulate"];
    // `simulate: {profile: ID}` serves another profile's device than the source's, e.g. a DIRIS
    // B-30 behind a `socomec/auto` source, which the driver identifies at start.
    const std::string served = get<std::string>(simulate, "profile", source.profile);
    const kernel::Profile *found = site.find_profile(served);
    if (!found)
        throw std::runtime_error(source.name + ": simulate.profile: unknown profile " + served);
    const kernel::Profile &profile = *found;
    auto defaults = modbus::parse_defaults(lookup(profile.defaults));
    if (!defaults) throw std::runtime_error(profile.file + ": defaults: " + defaults.error());
    std::vector<modbus::PointSpec> points;
    for (const auto *list : {&profile.points, &source.points})
        for (const auto &p : *list) {
            auto spec = modbus::parse_point(lookup(p.node), defaults.value());
            if (!spec) throw std::runtime_error(p.where.str() + ": " + spec.error());
            points.push_back(spec.value());
        }
    sim::DeviceSettings settings;
    settings.circuits = profile.circuits;
    settings.loads = get<uint32_t>(simulate, "loads", 0);
    settings.rated_current_a = get<double>(simulate, "rated_current_a", 63.0);
    settings.seed = get<uint32_t>(simulate, "seed",
                                  static_cast<uint32_t>(std::hash<std::string>{}(source.name)));
    settings.transfer_every_s = get<int64_t>(simulate, "transfer_every_s", 0);
    // IsDefined first, as in get(): a missing key's node throws on anything else.
    const YAML::Node &sim_map = simulate;
    if (sim_map.IsDefined() && sim_map.IsMap() && sim_map["values"].IsDefined() &&
        sim_map["values"].IsMap())
        for (const auto &kv : sim_map["values"])
            settings.fixed[kv.first.Scalar()] = kv.second.as<double>();
    sim::Faults faults;
    faults.kind = get<std::string>(simulate, "fault", "none");
    faults.late_ms = get<uint32_t>(simulate, "late_ms", 0);
    faults.exception = static_cast<uint8_t>(get<uint32_t>(simulate, "exception", 4));
    faults.every = std::max<uint32_t>(1, get<uint32_t>(simulate, "every", 1));
    faults.start_after_s = get<int64_t>(simulate, "start_after_s", 0);
    faults.duration_s = get<int64_t>(simulate, "duration_s", 0);
    faults.strict_holes = get<bool>(simulate, "strict_holes", false);
    sim::Identification id;
    id.socomec = get<bool>(simulate, "identify", profile.maker == "SOCOMEC");
    id.product_order_id =
        static_cast<uint16_t>(get<uint32_t>(profile.identification, "product_order_id",
                                            profile.family == "COUNTIS" ? 100
                                            : profile.family == "ATYS"  ? 300
                                                                        : 400));
    id.product_name = get<std::string>(simulate, "product_name", profile.model);
    id.extended_name = get<std::string>(simulate, "extended_name", profile.model);
    auto device = std::make_shared<sim::SimDevice>(source.name, unit, std::move(points), settings,
                                                   faults, id);
    for (const auto &c : profile.commands) {
        auto target = modbus::parse_point(lookup(c.node), defaults.value());
        if (!target) throw std::runtime_error(c.where.str() + ": " + target.error());
        device->add_command(c.name, c.circuit, target.value(), c.value);
    }
    return device;
}

} // namespace

int main(int argc, char **argv) {
    std::string site_file;
    std::vector<std::string> profile_dirs{kernel::default_share_dir() + "/profiles"};
    bool absent_silent = true;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--site" && i + 1 < argc)
            site_file = argv[++i];
        else if (a == "--profiles" && i + 1 < argc)
            profile_dirs.push_back(argv[++i]);
        else if (a == "--absent-units" && i + 1 < argc)
            absent_silent = std::strcmp(argv[++i], "exception") != 0;
        else {
            std::cerr << kUsage;
            return 2;
        }
    }
    if (site_file.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    std::map<std::string, std::unique_ptr<sim::TcpServer>> servers;
    std::vector<std::shared_ptr<sim::SimDevice>> devices;
    try {
        kernel::SiteModel site = kernel::load_site(site_file, kernel::LoadOptions{profile_dirs});
        for (const auto &source : site.sources) {
            YAML::Node tcp = source.node["tcp"];
            YAML::Node rtu_tcp = source.node["rtu_tcp"];
            const bool rtu = !tcp.IsDefined() && rtu_tcp.IsDefined();
            YAML::Node where = rtu ? rtu_tcp : tcp;
            if (!where.IsDefined() || !where.IsScalar() || !source.enabled) continue;
            const auto framing = rtu ? sim::TcpServer::Framing::rtu : sim::TcpServer::Framing::tcp;
            std::string address = where.Scalar();
            auto colon = address.rfind(':');
            if (colon == std::string::npos)
                throw std::runtime_error(source.name + ": " + (rtu ? "rtu_tcp" : "tcp") +
                                         " must be HOST:PORT");
            uint8_t unit = static_cast<uint8_t>(get<uint32_t>(source.node, "unit", 1));
            auto device = make_device(site, source, unit);
            devices.push_back(device);
            auto &server = servers[address];
            if (!server)
                server = std::make_unique<sim::TcpServer>(
                    address.substr(0, colon),
                    static_cast<uint16_t>(std::stoi(address.substr(colon + 1))), absent_silent,
                    framing);
            if (server->framing() != framing)
                throw std::runtime_error(source.name + ": " + address +
                                         " is used both as tcp and as rtu_tcp");
            server->add(device);
        }
    } catch (const kernel::ConfigFailure &f) {
        std::cerr << f.diagnostics().str() << "gridscope-sim: the site file has errors\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "gridscope-sim: " << e.what() << "\n";
        return 1;
    }

    auto now_ns = [] {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
    for (auto &d : devices)
        d->update(now_ns());
    std::atomic<bool> stopping{false};
    std::thread ticker([&] {
        while (!stopping) {
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
            for (auto &d : devices)
                d->update(now_ns());
        }
    });
    for (auto &[address, server] : servers)
        server->start();
    for (auto &[address, server] : servers)
        std::cerr << "gridscope-sim: serving " << address
                  << (server->framing() == sim::TcpServer::Framing::rtu ? " (RTU over TCP)" : "")
                  << "\n";
    std::cout << "gridscope-sim: ready (" << devices.size() << " devices on " << servers.size()
              << " addresses)" << std::endl;
    int sig = 0;
    sigwait(&signals, &sig);
    stopping = true;
    ticker.join();
    for (auto &[address, server] : servers)
        server->stop();
    return 0;
}
