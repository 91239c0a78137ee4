#include "modbus_driver/diagnostics_json.hpp"

#include <nlohmann/json.hpp>

namespace gs::modbus {

namespace {

using nlohmann::json;

void put_counts(json &out, const RequestCounts &c) {
    out["requests"] = c.requests;
    out["timeouts"] = c.timeouts;
    out["exceptions"] = c.exceptions;
    out["invalid"] = c.invalid;
    out["disconnected"] = c.disconnected;
}

const char *state_name(int connected) {
    return connected > 0 ? "online" : connected == 0 ? "offline" : "unknown";
}

} // namespace

std::string diagnostics_json(const Links &links) {
    json doc = {{"links", json::array()}, {"sources", json::array()}};
    for (const auto &[key, stats] : links.stats()) {
        json link = {{"link", key}};
        put_counts(link, stats.counts);
        const auto running_us = static_cast<uint64_t>(std::max<int64_t>(stats.running.count(), 0));
        link["busy_us"] = stats.counts.response_us;
        link["running_us"] = running_us;
        // The share of the time the link was busy with a request (waiting for answers included).
        link["utilisation"] = running_us
                                  ? std::min(1.0, static_cast<double>(stats.counts.response_us) /
                                                      static_cast<double>(running_us))
                                  : 0.0;
        doc["links"].push_back(std::move(link));
    }
    for (const auto &[key, devices] : links.device_stats())
        for (const DeviceStats &d : devices) {
            json source = {{"source", d.id}, {"link", key}, {"state", state_name(d.connected)}};
            source["last_good_utc_ns"] =
                d.last_good_utc_ns ? json(d.last_good_utc_ns) : json(nullptr);
            put_counts(source, d.counts);
            source["mean_response_us"] =
                d.counts.requests ? json(d.counts.response_us / d.counts.requests) : json(nullptr);
            doc["sources"].push_back(std::move(source));
        }
    return doc.dump();
}

std::string bus_trace_json(const std::string &link, const std::vector<TracedFrame> &frames) {
    json list = json::array();
    for (const TracedFrame &f : frames)
        list.push_back({{"ts_utc_ns", f.ts_utc_ns},
                        {"direction", f.direction == FrameDirection::sent ? "sent" : "received"},
                        {"unit", f.unit},
                        {"hex", hex_bytes(f.bytes)},
                        {"note", f.note}});
    return json{{"link", link}, {"capacity", FrameTrace::kCapacity}, {"frames", std::move(list)}}
        .dump();
}

} // namespace gs::modbus
