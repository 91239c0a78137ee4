// The series dictionary: (source, circuit, data) -> compact id, persisted in the `series`
// column family and kept in memory.
#include "keys.hpp"
#include "store_impl.hpp"

namespace gs::store {

uint32_t Store::Impl::intern_source(const std::string &name, rocksdb::WriteBatch *wb) {
    auto it = source_ids.find(name);
    if (it != source_ids.end()) return it->second;
    auto id = static_cast<uint32_t>(sources.size());
    sources.emplace_back();
    sources.back().id = id;
    sources.back().name = name;
    source_ids.emplace(name, id);
    wb->Put(cf(Cf::meta), keys::source(id), name);
    return id;
}

SeriesId Store::Impl::intern_series(const SeriesSpec &spec, rocksdb::WriteBatch *wb) {
    if (spec.history_period_s <= 0 || spec.history_period_s > 86400)
        throw StoreError("history_period_s must be within 1..86400", StoreErrc::invalid_argument);
    if (spec.kind != SeriesKind::gauge && spec.kind != SeriesKind::counter)
        throw StoreError("invalid series kind", StoreErrc::invalid_argument);
    std::string key = series_key(spec.source, spec.circuit, spec.data);
    auto found = series_by_key.find(key);
    SeriesRuntime *rt;
    if (found != series_by_key.end()) {
        rt = &series[found->second];
        SeriesInfo &info = rt->info;
        if (info.kind == spec.kind && info.counter_max == spec.counter_max &&
            info.counter_step == spec.counter_step)
            return info.id;
        // A re-declaration changes how future values are interpreted; the period stays.
        info.kind = spec.kind;
        info.counter_max = spec.counter_max;
        info.counter_step = spec.counter_step;
        rt->counter = CounterState{};
    } else {
        intern_source(spec.source, wb);
        auto id = static_cast<SeriesId>(series.size());
        series.emplace_back();
        rt = &series.back();
        rt->info.id = id;
        rt->info.source = spec.source;
        rt->info.circuit = spec.circuit;
        rt->info.data = spec.data;
        rt->info.kind = spec.kind;
        rt->info.counter_max = spec.counter_max;
        rt->info.counter_step = spec.counter_step;
        rt->info.history_period_s = spec.history_period_s;
        series_by_key.emplace(std::move(key), id);
    }
    std::string value;
    encode_series_spec(rt->info, value);
    wb->Put(cf(Cf::series), keys::series(rt->info.id), value);
    return rt->info.id;
}

const std::vector<SeriesId> &Store::Impl::resolve_layout(SourceState &src, const Batch &b,
                                                         rocksdb::WriteBatch *wb) {
    size_t n = b.values.size();
    bool same = src.layout_keys.size() == n;
    for (size_t i = 0; same && i < n; ++i)
        same = src.layout_keys[i].first == b.values[i].circuit &&
               src.layout_keys[i].second == b.values[i].data;
    if (same) return src.layout_ids;
    // `src` may move when intern_series adds a source, so work on locals first.
    std::vector<std::pair<uint32_t, std::string>> layout_keys;
    std::vector<SeriesId> ids;
    layout_keys.reserve(n);
    ids.reserve(n);
    uint32_t src_id = src.id;
    for (const Value &v : b.values) {
        auto it = series_by_key.find(series_key(b.source, v.circuit, v.data));
        SeriesId id;
        if (it != series_by_key.end()) {
            id = it->second;
        } else {
            SeriesSpec spec;
            spec.source = b.source;
            spec.circuit = v.circuit;
            spec.data = v.data;
            id = intern_series(spec, wb);
        }
        layout_keys.emplace_back(v.circuit, v.data);
        ids.push_back(id);
    }
    SourceState &s = sources[src_id];
    s.layout_keys = std::move(layout_keys);
    s.layout_ids = std::move(ids);
    return s.layout_ids;
}

SeriesId Store::declare_series(const SeriesSpec &spec) {
    std::lock_guard lock(impl_->mu);
    impl_->require_writable();
    rocksdb::WriteBatch wb;
    SeriesId id = impl_->intern_series(spec, &wb);
    if (wb.Count() > 0) impl_->write(wb);
    return id;
}

std::optional<SeriesId> Store::find_series(const std::string &source, uint32_t circuit,
                                           const std::string &data) const {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->series_by_key.find(series_key(source, circuit, data));
    if (it == impl_->series_by_key.end()) return std::nullopt;
    return it->second;
}

std::vector<SeriesInfo> Store::list_series() const {
    std::lock_guard lock(impl_->mu);
    std::vector<SeriesInfo> out;
    out.reserve(impl_->series.size());
    for (size_t i = 1; i < impl_->series.size(); ++i)
        if (impl_->series[i].info.id != 0) out.push_back(impl_->series[i].info);
    return out;
}

} // namespace gs::store
