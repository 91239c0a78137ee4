// A site file's Modbus source entry (address, unit id, timeout, limits) turned into the core's
// endpoint and device configuration. Free of the C ABI; reads property trees.
#pragma once

#include "modbus/link.hpp"

#include <boost/property_tree/ptree.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gs::modbus {

// The keys a source entry may carry for this driver (besides the kernel's own).
//   tcp: HOST:PORT | rtu: DEVICE (with baud, parity, data_bits, stop_bits) |
//   rtu_tcp: HOST:PORT (Modbus RTU frames over a raw TCP socket)
//   unit, timeout_ms, max_registers, max_gap, simulate (read by gridscope-sim only)
bool is_source_key(const std::string &key);

// HOST:PORT, the value of field `field` (tcp, rtu_tcp); throws std::invalid_argument
// "field 'FIELD': ...".
std::pair<std::string, uint16_t> parse_host_port(const std::string &field, const std::string &text);

// A ptree (a profile's defaults section or a point) as the core's key lookup.
ConfigLookup ptree_lookup(const boost::property_tree::ptree &tree);

struct SourceConfig {
    Endpoint endpoint;
    std::string link_key; // sources with the same key share one link (one scheduler)
    DeviceConfig device;
    std::vector<PointSpec> commands; // write-only targets of the profile's commands
};

// Throws std::invalid_argument with "field 'x': ..." on a bad entry.
struct PointInput {
    uint32_t circuit;
    std::string data;
    boost::property_tree::ptree attrs;
};
SourceConfig parse_source(const std::string &name, int64_t period_ms,
                          const boost::property_tree::ptree &attrs,
                          const boost::property_tree::ptree &defaults,
                          const std::vector<PointInput> &points,
                          const std::vector<PointInput> &commands = {});

// Checks a point of a profile, with its defaults; throws std::invalid_argument.
void check_point(const boost::property_tree::ptree &defaults,
                 const boost::property_tree::ptree &point);

} // namespace gs::modbus
