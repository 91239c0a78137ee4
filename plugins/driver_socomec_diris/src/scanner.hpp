// Discovery of SOCOMEC devices behind Modbus TCP gateways (§8.2.6 of the WEBVIEW-L manual),
// following the public recipe (socomec-registers.md §2): for each unit id read 50000 x4 and
// keep the units that answer 'SOCO'; then read 50004 x4 (order id, product id, versions) and
// 50042 x24 (vendor, product and extended names). Free of the SDK.
//
// Time is bounded: one TCP connection per gateway; a silent unit id costs one response
// timeout; a unit that answers with an exception (0x0B "gateway target failed to respond", or
// any other) costs one round trip; the whole scan stops at its deadline.
#pragma once

#include "identify.hpp"

#include "modbus/connection.hpp"
#include "modbus/result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gs::socomec {

// "1-247", "5", "1,3,10-20" -> sorted, unique unit ids in 0..255 (0 and 255 only on TCP gateways
// that use them for the local device). Errors name the bad part.
modbus::Result<std::vector<uint8_t>> parse_units(const std::string &text);

// "192.168.1.10-20" -> 192.168.1.10 ... 192.168.1.20; "192.168.1.7" -> itself. IPv4 only; the
// range runs over the last byte. At most 256 addresses.
modbus::Result<std::vector<std::string>> parse_ip_range(const std::string &text);

struct ScanOptions {
    std::vector<modbus::TcpEndpoint> gateways;
    std::vector<uint8_t> units;
    uint32_t timeout_ms = 200; // response timeout of each request (and connect)
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct ScanProgress {
    size_t done = 0;  // probes done (gateway x unit)
    size_t total = 0; // probes planned
    size_t found = 0; // SOCOMEC devices found so far
    std::string gateway;
    uint8_t unit = 0;
};

struct FoundDevice {
    std::string gateway; // "HOST:PORT"
    uint8_t unit = 0;
    Identity identity;
};

struct ScanSummary {
    size_t probes = 0;      // unit ids asked
    size_t found = 0;       // SOCOMEC devices
    size_t other = 0;       // answered, but not 'SOCO' (left alone)
    size_t silent = 0;      // timed out
    size_t unreachable = 0; // gateways that refused the connection
    bool deadline_hit = false;
};

// Probes one unit on an open connection. nullopt = no SOCOMEC device there. `answered` tells
// whether anything answered (a non-SOCOMEC device, an exception) and `timed_out` whether the
// unit was silent.
struct Probe {
    std::optional<Identity> identity;
    bool answered = false;
    bool timed_out = false;
    bool disconnected = false;
};
Probe probe_unit(modbus::Connection &connection, uint8_t unit, uint32_t timeout_ms);
// The same through any reader, e.g. a polling link's submit_read (never overlapping it).
using UnitReader = std::function<modbus::Outcome(uint8_t unit, const modbus::ReadRequest &request,
                                                 uint32_t timeout_ms)>;
Probe probe_unit(const UnitReader &read, uint8_t unit, uint32_t timeout_ms);

// Runs the scan. on_progress is called after each probe (and once at the start with done = 0);
// on_found for each SOCOMEC device, in scan order. Either callback may throw to stop the scan
// (the exception propagates).
ScanSummary scan_gateways(const ScanOptions &options,
                          const std::function<void(const ScanProgress &)> &on_progress,
                          const std::function<void(const FoundDevice &)> &on_found);

} // namespace gs::socomec
