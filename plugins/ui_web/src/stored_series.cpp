#include "stored_series.hpp"

#include <gridscope/services/storage.h>

namespace gs::ui {

namespace {

gs_status add_series(void *payload, const gs_series_info *info) {
    auto &out = *static_cast<std::vector<StoredSeries> *>(payload);
    out.push_back({info->id, info->source ? info->source : "", info->circuit,
                   info->data ? info->data : "", info->count, info->from_utc_ns, info->to_utc_ns});
    return GS_OK;
}

} // namespace

StoredSeriesList storage_series_list(std::function<const gs_storage_query_v1 *()> lookup) {
    return [lookup]() -> std::optional<std::vector<StoredSeries>> {
        const gs_storage_query_v1 *q = lookup ? lookup() : nullptr;
        if (!q || !q->list_series) return std::nullopt;
        std::vector<StoredSeries> out;
        if (q->list_series(q->context, &add_series, &out) != GS_OK) return std::nullopt;
        return out;
    };
}

} // namespace gs::ui
