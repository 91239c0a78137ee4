// hierarchy.balance events (issue 12, docs/consumption.md): once a local day has closed, every
// metered node of the site's hierarchies whose unmeasured part over that day is below
// -balance_tolerance gets an event. The maths is libs/consumption's, fed through this plugin's
// own query service: the same path as the CLI and the web API. Runs in the maintenance thread.
#include "storage_plugin.hpp"

#include <consumption/from_storage.hpp>

#include <gridscope/services/site.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <tuple>

namespace gs::storage {

namespace gc = gs::consumption;

namespace {

constexpr int64_t kDayNs = 86400LL * 1'000'000'000;

std::string amount(double v) {
    return gc::number(v).dump();
}

} // namespace

void StoragePlugin::check_balance(int64_t now_utc_ns) {
    const auto *site = host().service<gs_site_service_v1>(GS_SITE_SERVICE_V1);
    if (!site || !GS_HAS_FIELD(site, gs_site_service_v1, site_json) || !site->site_json) return;
    gc::Hierarchies all = gc::Hierarchies::from_site_json(nlohmann::json::parse(site->site_json));
    if (all.list.empty()) return;
    // At start, the day before the one in progress; then every day closed since.
    int64_t from = balance_checked_until_ns_ ? balance_checked_until_ns_ : now_utc_ns - kDayNs;
    std::set<std::tuple<std::string, std::string, int64_t>> raised; // node of a son: once
    int64_t checked_until = balance_checked_until_ns_;
    for (const gc::Hierarchy &h : all.list) {
        gc::LoadReading read = gc::read_loads(query_, gc::Breakdown::loads_of(all, h),
                                              GS_BUCKET_DAY, from, now_utc_ns);
        if (read.status != GS_OK) {
            host().warning("hierarchy '" + h.name + "': balance not checked (status " +
                           std::to_string(read.status) + ")");
            return; // checked again at the next pass
        }
        // Only the days that closed: the one in progress has no complete data yet.
        size_t closed = 0;
        while (closed < read.bounds.size() && read.bounds.ends[closed] <= now_utc_ns)
            ++closed;
        if (closed) checked_until = std::max(checked_until, read.bounds.ends[closed - 1]);
        gc::Breakdown breakdown(all, read.values, closed);
        for (const gc::Imbalance &i : breakdown.imbalances(h)) {
            int64_t start = read.bounds.starts[i.bucket], end = read.bounds.ends[i.bucket];
            if (!raised.insert({i.hierarchy, i.node, start}).second) continue;
            std::string source = i.meter.substr(0, i.meter.rfind('/'));
            uint32_t circuit = static_cast<uint32_t>(
                std::strtoul(i.meter.c_str() + source.size() + 1, nullptr, 10));
            // Raised once per node and day, also across restarts: the store keeps them.
            store::EventQuery seen;
            seen.type = "hierarchy.balance";
            seen.source = source;
            seen.from_utc_ns = start;
            seen.to_utc_ns = start + 1;
            bool stored = false;
            for (const store::Event &e : store_->query_events(seen))
                stored = stored || e.circuit == circuit;
            if (stored) continue;
            std::string message = "hierarchy '" + i.hierarchy + "', node '" + i.node +
                                  "': its loads and children (" + amount(i.parts_value) +
                                  ") exceed its meter " + i.meter + " (" + amount(i.meter_value) +
                                  ") by more than the tolerance (" + amount(i.tolerance) +
                                  ") from " + gc::local_iso(start, time_zone_) + " to " +
                                  gc::local_iso(end, time_zone_);
            gs_event e{sizeof(gs_event),       GS_SEVERITY_MEDIUM, start,
                       "hierarchy.balance",    source.c_str(),     circuit,
                       GS_EVENT_STATE_INSTANT, message.c_str()};
            publish_event(e, "hierarchy.balance event");
        }
    }
    balance_checked_until_ns_ = checked_until;
}

} // namespace gs::storage
