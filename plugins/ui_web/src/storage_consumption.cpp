#include "storage_consumption.hpp"

#include <consumption/from_storage.hpp>

namespace gs::ui {

ConsumptionSource storage_consumption(std::function<const gs_storage_query_v1 *()> lookup) {
    ConsumptionSource source;
    if (!lookup) return source;
    source.available = [lookup] {
        const gs_storage_query_v1 *q = lookup();
        return q && q->consumption && q->find_series;
    };
    source.read = [lookup](const std::vector<std::string> &loads, int32_t step, int64_t from,
                           int64_t to) {
        const gs_storage_query_v1 *q = lookup();
        if (!q) return consumption::LoadReading{GS_ERR_UNSUPPORTED, {}, {}};
        return consumption::read_loads(*q, loads, step, from, to);
    };
    return source;
}

} // namespace gs::ui
