// gridscope query --config FILE [--data-dir DIR] [--format json]
//     lists the stored series;
//   ... --series ID --from T --to T [--points N]
//     prints a series' points (ISO 8601 UTC), at most N with each bucket's min and max kept;
//   ... --consumption --circuit SOURCE/K [--circuit ...] --bucket hour|day|week|month
//       --from T --to T
//     prints the active-energy consumption of the circuits together, per bucket in local time:
//     index(end) - index(start) of each bucket (the bucket rule, docs/consumption.md);
//   ... --consumption --hierarchy NAME (--node NAME | --by usage) --bucket ... --from T --to T
//     prints a hierarchy node's consumption per bucket with its parts (query_hierarchy.hpp).
// Works while the site runs: the store is opened read-only, as a secondary.
#include "cli/json.hpp"
#include "cli/query_hierarchy.hpp"
#include "cli/store_access.hpp"
#include "cli/time_text.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace gs::kernel {

namespace {

int64_t required_time(const Args &args, const std::string &name, const std::string &tz) {
    std::string text = args.required(name);
    auto t = parse_time(text, tz);
    if (!t)
        throw UsageError(name + " '" + text +
                         "' is not an ISO 8601 time (2026-03-29T00:00:00Z, ...+01:00, or a date)");
    return *t;
}

struct Lines {
    std::vector<std::string> items;
    std::string json() const {
        std::string out = "[";
        for (size_t i = 0; i < items.size(); ++i)
            out += (i ? ",\n " : "\n ") + items[i];
        return out + (items.empty() ? "]\n" : "\n]\n");
    }
};

gs_status on_series(void *payload, const gs_series_info *s) {
    static_cast<Lines *>(payload)->items.push_back(
        "{\"id\": " + std::to_string(s->id) + ", \"source\": " + json_string(s->source) +
        ", \"circuit\": " + std::to_string(s->circuit) + ", \"data\": " + json_string(s->data) +
        ", \"count\": " + std::to_string(s->count) +
        ", \"from\": " + json_string(s->count ? format_utc(s->from_utc_ns) : "") +
        ", \"to\": " + json_string(s->count ? format_utc(s->to_utc_ns) : "") + "}");
    return GS_OK;
}

gs_status on_point(void *payload, const gs_series_point *p) {
    std::string item = "{\"time\": " + json_string(format_utc(p->ts_utc_ns)) +
                       ", \"value\": " + json_number(p->value);
    if (p->min != p->value || p->max != p->value)
        item += ", \"min\": " + json_number(p->min) + ", \"max\": " + json_number(p->max);
    static_cast<Lines *>(payload)->items.push_back(
        item + ", \"quality\": " + json_string(quality_text(p->quality)) + "}");
    return GS_OK;
}

struct BucketOut {
    Lines lines;
    std::string timezone;
};
gs_status on_bucket(void *payload, int64_t start, int64_t end, double value) {
    auto *out = static_cast<BucketOut *>(payload);
    out->lines.items.push_back("{\"start\": " + json_string(format_local(start, out->timezone)) +
                               ", \"end\": " + json_string(format_local(end, out->timezone)) +
                               ", \"value\": " + json_number(value) + "}");
    return GS_OK;
}

} // namespace

int cmd_query(int argc, char **argv) {
    auto options = CommonOptions::value_options();
    options.insert({"--config", "--data-dir", "--format", "--series", "--from", "--to", "--points",
                    "--circuit", "--bucket", "--hierarchy", "--node", "--by"});
    Args args(argc, argv, 2, options, {"--consumption"});
    std::string file = args.required("--config");
    StoreAccess store;
    try {
        open_store(store, args, file, true);
    } catch (const ConfigFailure &f) {
        std::cerr << f.diagnostics().str();
        return 1;
    }
    const gs_storage_query_v1 *q = store.query;
    const std::string tz = store.runtime->site().timezone;
    auto fail = [&](gs_status st) {
        std::cerr << "gridscope query: " << store.storage->host->take_error("query failed")
                  << " (status " << st << ")\n";
        return 1;
    };

    if (args.has("--consumption")) {
        std::string bucket = args.get("--bucket", "day");
        int32_t step = bucket == "hour"    ? GS_BUCKET_HOUR
                       : bucket == "day"   ? GS_BUCKET_DAY
                       : bucket == "week"  ? GS_BUCKET_WEEK
                       : bucket == "month" ? GS_BUCKET_MONTH
                                           : GS_BUCKET_INVALID;
        if (step == GS_BUCKET_INVALID) throw UsageError("--bucket is hour, day, week or month");
        int64_t from = required_time(args, "--from", tz), to = required_time(args, "--to", tz);
        if (args.has("--hierarchy")) {
            gs_status st = query_hierarchy(args, store.runtime->site(), *q, step, from, to);
            return st == GS_OK ? 0 : fail(st);
        }
        std::vector<uint64_t> series;
        auto circuits = args.all("--circuit");
        if (circuits.empty()) throw UsageError("give at least one --circuit SOURCE/K");
        for (const auto &c : circuits) {
            auto slash = c.rfind('/');
            uint64_t id = 0;
            if (slash == std::string::npos)
                throw UsageError("--circuit '" + c + "': expected SOURCE/K");
            uint32_t k = static_cast<uint32_t>(std::strtoul(c.c_str() + slash + 1, nullptr, 10));
            if (q->find_series(q->context, c.substr(0, slash).c_str(), k, "IEaPInst", &id) !=
                GS_OK) {
                std::cerr << "gridscope query: no active-energy (IEaPInst) series stored for " << c
                          << "\n";
                return 1;
            }
            series.push_back(id);
        }
        BucketOut out{{}, tz};
        gs_status st = q->consumption(q->context, series.data(), series.size(), step, from, to,
                                      &on_bucket, &out);
        if (st != GS_OK) return fail(st);
        std::cout << out.lines.json();
        return 0;
    }
    if (auto id = args.get("--series")) {
        int64_t from = required_time(args, "--from", tz), to = required_time(args, "--to", tz);
        Lines out;
        gs_status st =
            q->range(q->context, std::strtoull(id->c_str(), nullptr, 10), from, to,
                     static_cast<uint32_t>(args.integer("--points", 0)), &on_point, &out);
        if (st != GS_OK) return fail(st);
        std::cout << out.json();
        return 0;
    }
    Lines out;
    gs_status st = q->list_series(q->context, &on_series, &out);
    if (st != GS_OK) return fail(st);
    std::cout << out.json();
    return 0;
}

} // namespace gs::kernel
