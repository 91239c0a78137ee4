#include "modbus_driver/source_config.hpp"

#include "modbus_driver/driver_glue.hpp"

#include <gridscope/plugin.hpp>

#include <stdexcept>
#include <tuple>
#include <utility>

namespace gs::modbus {

namespace {

Endpoint parse_endpoint(const ptree &attrs, std::string &key) {
    auto tcp = attrs.get_optional<std::string>("tcp");
    auto rtu = attrs.get_optional<std::string>("rtu");
    auto rtu_tcp = attrs.get_optional<std::string>("rtu_tcp");
    if (int(bool(tcp)) + int(bool(rtu)) + int(bool(rtu_tcp)) > 1)
        throw std::invalid_argument(std::string("field '") + (tcp ? "tcp" : "rtu") +
                                    "': give one of tcp, rtu and rtu_tcp");
    if (tcp) {
        TcpEndpoint e;
        std::tie(e.host, e.port) = parse_host_port("tcp", *tcp);
        key = "tcp " + e.host + ":" + std::to_string(e.port);
        return e;
    }
    if (rtu_tcp) {
        RtuTcpEndpoint e;
        std::tie(e.host, e.port) = parse_host_port("rtu_tcp", *rtu_tcp);
        // One gateway address, one link: its requests never overlap.
        key = "rtu_tcp " + e.host + ":" + std::to_string(e.port);
        return e;
    }
    if (rtu) {
        SerialEndpoint e;
        e.device = *rtu;
        Config serial(attrs, kSourceFields); // defaults and bounds declared once, there
        e.baud = serial.get<int>("baud");
        e.parity = serial.get<std::string>("parity")[0];
        e.data_bits = serial.get<int>("data_bits");
        e.stop_bits = serial.get<int>("stop_bits");
        key = "rtu " + e.device; // one scheduler per serial line, whatever the settings
        return e;
    }
    throw std::invalid_argument("field 'tcp': the source needs an address: tcp: HOST:PORT, "
                                "rtu: DEVICE or rtu_tcp: HOST:PORT");
}

} // namespace

std::pair<std::string, uint16_t> parse_host_port(const std::string &field,
                                                 const std::string &text) {
    auto colon = text.rfind(':');
    std::string host = colon == std::string::npos ? std::string() : text.substr(0, colon);
    if (colon == std::string::npos || host.empty())
        throw std::invalid_argument("field '" + field + "': expected HOST:PORT, found '" + text +
                                    "'");
    try {
        size_t used = 0;
        int port = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1 || port < 1 || port > 65535) throw 0;
        return {host, static_cast<uint16_t>(port)};
    } catch (...) {
        throw std::invalid_argument("field '" + field + "': bad port in '" + text + "'");
    }
}

bool is_source_key(const std::string &key) {
    for (const auto &f : kSourceFields)
        if (key == f.key) return true;
    return false;
}

ConfigLookup ptree_lookup(const ptree &tree) {
    return [&tree](std::string_view key) -> std::optional<std::string> {
        auto child = tree.get_child_optional(ptree::path_type(std::string(key), '\0'));
        if (!child || !child->empty()) return std::nullopt;
        return child->data();
    };
}

void check_point(const ptree &defaults, const ptree &point) {
    for (const auto &kv : point)
        if (!is_point_key(kv.first) && !is_kernel_point_key(kv.first))
            throw std::invalid_argument("field '" + kv.first + "': unknown key for a Modbus point");
    for (const auto &kv : defaults)
        if (!is_defaults_key(kv.first))
            throw std::invalid_argument("field 'defaults." + kv.first +
                                        "': unknown key for Modbus defaults");
    auto d = parse_defaults(ptree_lookup(defaults));
    if (!d) throw std::invalid_argument("defaults: " + d.error());
    auto p = parse_point(ptree_lookup(point), d.value());
    if (!p) throw std::invalid_argument(p.error());
}

namespace {
SourceConfig parse_entry(const std::string &name, int64_t period_ms, const ptree &attrs,
                         const ptree &defaults_tree, const std::vector<PointInput> &points,
                         const std::vector<PointInput> &commands) {
    for (const auto &kv : attrs)
        if (!is_source_key(kv.first) && !is_kernel_source_key(kv.first))
            throw std::invalid_argument("field '" + kv.first +
                                        "': unknown key for a Modbus source");
    auto defaults = parse_defaults(ptree_lookup(defaults_tree));
    if (!defaults) throw std::invalid_argument("profile defaults: " + defaults.error());
    SourceConfig out;
    out.endpoint = parse_endpoint(attrs, out.link_key);
    DeviceConfig &dev = out.device;
    dev.id = name;
    bool serial = !std::holds_alternative<TcpEndpoint>(out.endpoint); // RTU framing: 1..247
    Config cfg(attrs, kSourceFields); // bounds and static defaults declared once, there
    dev.unit = cfg.get<uint8_t>("unit");
    if (serial && (dev.unit < 1 || dev.unit > 247)) // RTU framing: 1..247
        throw std::invalid_argument("field 'unit': expected an integer from 1 to 247, found '" +
                                    std::to_string(dev.unit) + "'");
    dev.period = std::chrono::milliseconds(period_ms);
    dev.timeout_ms = cfg.find<uint32_t>("timeout_ms").value_or(defaults.value().timeout_ms);
    dev.limits = PlanLimits::from(defaults.value());
    dev.limits.max_registers =
        cfg.find<uint16_t>("max_registers").value_or(dev.limits.max_registers);
    dev.limits.max_gap = cfg.find<uint16_t>("max_gap").value_or(dev.limits.max_gap);
    for (const auto &p : points) {
        auto spec = parse_point(ptree_lookup(p.attrs), defaults.value());
        if (!spec) throw std::invalid_argument("point " + p.data + ": " + spec.error());
        spec.value().data = p.data;
        spec.value().circuit = p.circuit;
        dev.points.push_back(spec.value());
    }
    for (const auto &c : commands) {
        boost::property_tree::ptree attrs = c.attrs; // the name is the command's data
        if (!attrs.get_optional<std::string>("name")) attrs.put("name", c.data);
        auto spec = parse_point(ptree_lookup(attrs), defaults.value());
        if (!spec) throw std::invalid_argument("command " + c.data + ": " + spec.error());
        spec.value().data = c.data;
        spec.value().circuit = c.circuit;
        out.commands.push_back(spec.value());
    }
    return out;
}

} // namespace

SourceConfig parse_source(const std::string &name, int64_t period_ms, const ptree &attrs,
                          const ptree &defaults_tree, const std::vector<PointInput> &points,
                          const std::vector<PointInput> &commands) {
    try {
        return parse_entry(name, period_ms, attrs, defaults_tree, points, commands);
    } catch (const gs::InvalidArgument &e) { // from gs::Config: as this file's own errors
        throw std::invalid_argument(e.what());
    }
}

} // namespace gs::modbus
