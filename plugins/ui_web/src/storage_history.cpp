#include "storage_history.hpp"

#include <map>
#include <memory>
#include <mutex>

namespace gs::ui {

namespace {

bool has_history(const gs_storage_query_v1 *q) {
    return q && GS_HAS_FIELD(q, gs_storage_query_v1, history) && q->history && q->list_series;
}

// Series ids are stable in a store: names once read stay right.
struct SeriesNames {
    std::mutex mutex;
    std::map<uint64_t, SeriesName> by_id;
};

gs_status add_name(void *payload, const gs_series_info *info) {
    auto &names = *static_cast<std::map<uint64_t, SeriesName> *>(payload);
    names[info->id] = {info->source ? info->source : "", info->circuit,
                       info->data ? info->data : ""};
    return GS_OK;
}

struct Collect {
    HistoryOutcome &out;
    uint32_t points;
};

gs_status add_bucket(void *payload, size_t index, const gs_history_bucket *b) {
    auto &c = *static_cast<Collect *>(payload);
    if (index >= c.out.series.size()) return GS_ERR_FAILED; // not a series we asked for
    // The contract says at most `points`; the API promises it whatever the store does.
    if (c.out.series[index].size() < c.points)
        c.out.series[index].push_back({b->start_utc_ns, b->min, b->max, b->avg});
    return GS_OK;
}

} // namespace

HistorySource storage_history(std::function<const gs_storage_query_v1 *()> lookup) {
    HistorySource source;
    if (!lookup) return source;
    source.available = [lookup] { return has_history(lookup()); };
    auto names = std::make_shared<SeriesNames>();
    source.series = [lookup, names](uint64_t id) -> std::optional<SeriesName> {
        std::lock_guard<std::mutex> lock(names->mutex);
        if (auto it = names->by_id.find(id); it != names->by_id.end()) return it->second;
        const gs_storage_query_v1 *q = lookup();
        if (!has_history(q)) return std::nullopt;
        std::map<uint64_t, SeriesName> fresh;
        if (q->list_series(q->context, &add_name, &fresh) != GS_OK) return std::nullopt;
        names->by_id = std::move(fresh);
        if (auto it = names->by_id.find(id); it != names->by_id.end()) return it->second;
        return std::nullopt;
    };
    source.history = [lookup](const std::vector<uint64_t> &ids, int64_t from, int64_t to,
                              uint32_t points) {
        HistoryOutcome out;
        const gs_storage_query_v1 *q = lookup();
        if (!has_history(q)) {
            out.status = GS_ERR_UNSUPPORTED;
            return out;
        }
        out.series.resize(ids.size());
        Collect collect{out, points};
        out.status =
            q->history(q->context, ids.data(), ids.size(), from, to, points, &add_bucket, &collect);
        return out;
    };
    return source;
}

} // namespace gs::ui
