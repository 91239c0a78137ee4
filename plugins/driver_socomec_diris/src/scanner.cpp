#include "scanner.hpp"

#include "modbus/planner.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <set>

namespace gs::socomec {

namespace {

using modbus::Error;
using modbus::QualityKind;

bool parse_int(const std::string &text, long min, long max, long &out) {
    if (text.empty() || text.size() > 5 ||
        text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    out = std::stol(text);
    return out >= min && out <= max;
}

std::string trim(const std::string &s) {
    size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

modbus::ReadRequest holding(uint16_t address, uint16_t count) {
    modbus::ReadRequest r;
    r.function = modbus::Function::holding;
    r.address = address;
    r.count = count;
    return r;
}

} // namespace

modbus::Result<std::vector<uint8_t>> parse_units(const std::string &text) {
    std::set<uint8_t> units;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string part = trim(
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        size_t dash = part.find('-');
        long from = 0, to = 0;
        bool ok = dash == std::string::npos
                      ? parse_int(part, 0, 255, from) && (to = from, true)
                      : parse_int(trim(part.substr(0, dash)), 0, 255, from) &&
                            parse_int(trim(part.substr(dash + 1)), 0, 255, to) && from <= to;
        if (!ok)
            return Error{"units: '" + part +
                         "' is not a unit id (0..255) or a range FROM-TO, in '" + text + "'"};
        for (long u = from; u <= to; ++u)
            units.insert(static_cast<uint8_t>(u));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return std::vector<uint8_t>(units.begin(), units.end());
}

modbus::Result<std::vector<std::string>> parse_ip_range(const std::string &text) {
    std::string t = trim(text);
    size_t dash = t.find('-');
    std::string first = t.substr(0, dash);
    in_addr addr{};
    if (inet_pton(AF_INET, first.c_str(), &addr) != 1)
        return Error{"ip_range: '" + first + "' is not an IPv4 address"};
    size_t last_dot = first.rfind('.');
    long from = 0, to = 0;
    parse_int(first.substr(last_dot + 1), 0, 255, from);
    to = from;
    if (dash != std::string::npos && !parse_int(trim(t.substr(dash + 1)), from, 255, to))
        return Error{"ip_range: '" + t + "' must be A.B.C.D or A.B.C.D-E with D <= E <= 255"};
    std::vector<std::string> out;
    for (long b = from; b <= to; ++b)
        out.push_back(first.substr(0, last_dot + 1) + std::to_string(b));
    return out;
}

Probe probe_unit(modbus::Connection &connection, uint8_t unit, uint32_t timeout_ms) {
    return probe_unit([&](uint8_t u, const modbus::ReadRequest &r,
                          uint32_t t) { return connection.read(u, r, t); },
                      unit, timeout_ms);
}

Probe probe_unit(const UnitReader &read, uint8_t unit, uint32_t timeout_ms) {
    Probe probe;
    modbus::Outcome sig = read(unit, holding(kSignatureAddress, kSignatureWords), timeout_ms);
    switch (sig.quality.kind) {
    case QualityKind::good:
        break;
    case QualityKind::timeout:
        probe.timed_out = true;
        return probe;
    case QualityKind::disconnected:
        probe.disconnected = true;
        return probe;
    default: // an exception or a bad answer: something is there, but not a SOCOMEC device
        probe.answered = sig.quality.kind == QualityKind::exception &&
                         sig.quality.exception_code != 0x0B && sig.quality.exception_code != 0x0A;
        return probe;
    }
    probe.answered = true;
    if (!is_socomec_signature(sig.values.data(), sig.values.size())) return probe;
    modbus::Outcome order = read(unit, holding(kOrderIdAddress, kOrderIdWords), timeout_ms);
    if (!order.quality.is_good()) {
        // 'SOCO' but no order id: still a SOCOMEC device, of an unknown kind.
        probe.disconnected = order.quality.kind == QualityKind::disconnected;
        probe.identity = decode_identity({}, {});
        return probe;
    }
    // A 17-word block (ATyS p M) has no names: the device refuses this read.
    modbus::Outcome names = read(unit, holding(kNamesAddress, kNamesWords), timeout_ms);
    probe.disconnected = names.quality.kind == QualityKind::disconnected;
    probe.identity = decode_identity(
        order.values, names.quality.is_good() ? names.values : std::vector<uint16_t>{});
    return probe;
}

ScanSummary scan_gateways(const ScanOptions &options,
                          const std::function<void(const ScanProgress &)> &on_progress,
                          const std::function<void(const FoundDevice &)> &on_found) {
    ScanSummary summary;
    ScanProgress progress;
    progress.total = options.gateways.size() * options.units.size();
    on_progress(progress);
    for (const auto &gateway : options.gateways) {
        progress.gateway = gateway.host + ":" + std::to_string(gateway.port);
        modbus::Connection connection{modbus::Endpoint{gateway}};
        if (!connection.connect(options.timeout_ms)) {
            ++summary.unreachable;
            progress.done += options.units.size();
            on_progress(progress);
            continue;
        }
        for (uint8_t unit : options.units) {
            if (std::chrono::steady_clock::now() >= options.deadline) {
                summary.deadline_hit = true;
                return summary;
            }
            if (!connection.connected() && !connection.connect(options.timeout_ms)) {
                // The gateway went away: the remaining units of it are not probed.
                ++summary.unreachable;
                progress.done +=
                    static_cast<size_t>(options.units.end() - std::find(options.units.begin(),
                                                                        options.units.end(), unit));
                on_progress(progress);
                break;
            }
            Probe probe = probe_unit(connection, unit, options.timeout_ms);
            ++summary.probes;
            if (probe.identity) {
                ++summary.found;
                ++progress.found;
                on_found(FoundDevice{progress.gateway, unit, *probe.identity});
            } else if (probe.timed_out) {
                ++summary.silent;
            } else if (probe.answered) {
                ++summary.other;
            }
            ++progress.done;
            progress.unit = unit;
            on_progress(progress);
        }
    }
    return summary;
}

} // namespace gs::socomec
