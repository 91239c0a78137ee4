#include "consumption_api.hpp"

#include "history.hpp" // parse_time_range

#include <gridscope/services/storage.h>

#include <algorithm>

namespace gs::ui {

namespace gc = gs::consumption;
using json = nlohmann::json;

namespace {

int32_t step_of(const std::string &bucket) {
    return bucket == "hour"    ? GS_BUCKET_HOUR
           : bucket == "day"   ? GS_BUCKET_DAY
           : bucket == "week"  ? GS_BUCKET_WEEK
           : bucket == "month" ? GS_BUCKET_MONTH
                               : GS_BUCKET_INVALID;
}

// The shortest bucket of a step (a DST day has 23 hours, February 28 days): enough to bound
// the number of buckets of a range before asking the store.
int64_t shortest_s(int32_t step) {
    switch (step) {
    case GS_BUCKET_HOUR:
        return 3600;
    case GS_BUCKET_DAY:
        return 23 * 3600;
    case GS_BUCKET_WEEK:
        return 7 * 24 * 3600 - 3600;
    default:
        return 28 * 24 * 3600 - 3600;
    }
}

// The default bucket for a period (the perimeter's): hours up to 2 days, days up to 2 months.
std::string default_bucket(int64_t from_ns, int64_t to_ns) {
    int64_t days = (to_ns - from_ns) / (86400LL * 1'000'000'000);
    return days <= 2 ? "hour" : days <= 62 ? "day" : "month";
}

// Circuits without a hierarchy: one node holding them as loads, so one code path computes it.
gc::Hierarchy circuits_node(const std::vector<std::string> &circuits) {
    gc::Hierarchy h;
    h.name = "";
    h.root.name = "circuits";
    h.root.loads = circuits;
    return h;
}

} // namespace

std::variant<ConsumptionRequest, std::string>
parse_consumption_request(const Query &query, const gc::Hierarchies &hierarchies,
                          const std::vector<std::string> &known_loads) {
    ConsumptionRequest r;
    auto get = [&](const char *key) -> const std::string * {
        auto it = query.find(key);
        return it == query.end() || it->second.empty() ? nullptr : &it->second;
    };
    const std::string *hierarchy = get("hierarchy");
    const std::string *circuits = get("circuit");
    if (!hierarchy == !circuits)
        return std::string("hierarchy or circuit: give one (a hierarchy's name, or circuits "
                           "SOURCE/K separated by commas)");
    if (hierarchy) {
        const gc::Hierarchy *h = hierarchies.find(*hierarchy);
        if (!h) return "hierarchy: the site has no hierarchy '" + hierarchy->substr(0, 64) + "'";
        r.hierarchy = *hierarchy;
        const std::string *node = get("node");
        const std::string *by = get("by");
        if (node && by) return std::string("node, by: give one of them");
        if (by && *by != "usage") return std::string("by: expected usage");
        r.by_usage = by != nullptr;
        if (node) {
            if (!h->find(*node))
                return "node: hierarchy '" + *hierarchy + "' has no node '" + node->substr(0, 64) +
                       "'";
            r.node = *node;
        }
    } else {
        if (get("node") || get("by")) return std::string("node, by: only with hierarchy");
        for (const std::string &c : split(*circuits, ',')) {
            if (std::find(known_loads.begin(), known_loads.end(), c) == known_loads.end())
                return "circuit: the site has no circuit '" + c.substr(0, 64) +
                       "' (expected SOURCE/K)";
            if (std::find(r.circuits.begin(), r.circuits.end(), c) != r.circuits.end())
                return "circuit: " + c.substr(0, 64) + " is given twice";
            r.circuits.push_back(c);
            if (r.circuits.size() > kMaxConsumptionCircuits)
                return "circuit: at most " + std::to_string(kMaxConsumptionCircuits) +
                       " per request";
        }
        if (r.circuits.empty()) return std::string("circuit: required (SOURCE/K,...)");
    }
    if (auto why = parse_time_range(query, r.from_utc_ns, r.to_utc_ns)) return *why;
    const std::string *bucket = get("bucket");
    r.bucket = bucket ? *bucket : default_bucket(r.from_utc_ns, r.to_utc_ns);
    r.step = step_of(r.bucket);
    if (r.step == GS_BUCKET_INVALID)
        return std::string("bucket: expected hour, day, week or month");
    if ((r.to_utc_ns - r.from_utc_ns) / 1'000'000'000 / shortest_s(r.step) >=
        static_cast<int64_t>(kMaxConsumptionBuckets))
        return "from, to: more than " + std::to_string(kMaxConsumptionBuckets) + " " + r.bucket +
               " buckets; take a longer bucket";
    return r;
}

std::vector<std::string> consumption_loads(const ConsumptionRequest &request,
                                           const gc::Hierarchies &hierarchies) {
    if (request.hierarchy.empty()) return request.circuits;
    return gc::Breakdown::loads_of(hierarchies, *hierarchies.find(request.hierarchy));
}

json consumption_json(const ConsumptionRequest &request, const gc::Hierarchies &hierarchies,
                      const gc::LoadReading &reading, const std::string &timezone,
                      const std::string &unit) {
    gc::Hierarchy own = circuits_node(request.circuits);
    const gc::Hierarchy &h = request.hierarchy.empty() ? own : *hierarchies.find(request.hierarchy);
    const gc::Node &node = request.node ? *h.find(*request.node) : h.root;
    gc::Breakdown breakdown(hierarchies, reading.values, reading.bounds.size());
    std::vector<gc::BucketBreakdown> buckets =
        request.by_usage ? breakdown.by_usage(h) : breakdown.node(h, node);

    // The period's total, part by part (the pie and the table's totals).
    gc::BucketBreakdown total;
    for (const auto &b : buckets) {
        total.value += b.value;
        for (size_t i = 0; i < b.parts.size(); ++i) {
            if (total.parts.size() <= i)
                total.parts.push_back({b.parts[i].name, b.parts[i].kind, 0});
            total.parts[i].value += b.parts[i].value;
        }
    }
    json parts = json::array();
    for (const auto &p : total.parts)
        parts.push_back(
            {{"name", p.name}, {"kind", gc::kind_name(p.kind)}, {"value", gc::number(p.value)}});

    json imbalances = json::array();
    if (!request.hierarchy.empty())
        for (const gc::Imbalance &i : breakdown.imbalances(h))
            imbalances.push_back(
                {{"hierarchy", i.hierarchy},
                 {"node", i.node},
                 {"meter", i.meter},
                 {"start", gc::local_iso(reading.bounds.starts[i.bucket], timezone)},
                 {"end", gc::local_iso(reading.bounds.ends[i.bucket], timezone)},
                 {"meter_value", gc::number(i.meter_value)},
                 {"parts_value", gc::number(i.parts_value)},
                 {"tolerance", gc::number(i.tolerance)}});

    json out = {{"hierarchy", request.hierarchy.empty() ? json(nullptr) : json(request.hierarchy)},
                {"node", request.by_usage ? json(nullptr) : json(node.name)},
                {"by", request.by_usage ? "usage" : "load"},
                {"bucket", request.bucket},
                {"from", gc::local_iso(request.from_utc_ns, timezone)},
                {"to", gc::local_iso(request.to_utc_ns, timezone)},
                {"timezone", timezone},
                {"unit", unit},
                {"buckets", gc::report_json(reading.bounds, buckets, timezone)},
                {"total", {{"value", gc::number(total.value)}, {"parts", std::move(parts)}}},
                {"imbalances", std::move(imbalances)}};
    if (request.hierarchy.empty()) out["circuits"] = request.circuits;
    return out;
}

} // namespace gs::ui
