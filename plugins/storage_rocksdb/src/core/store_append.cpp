// The write path: one WriteBatch per device poll holding the raw record, its journal entry,
// new dictionary entries, late-value rollup fragments and, now and then, the checkpoint
// (closed rollup buckets as chunks + open buckets).
#include "event_codec.hpp"
#include "keys.hpp"
#include "store_impl.hpp"

#include <cmath>
#include <tuple>

namespace gs::store {
namespace {

// Late values become one-bucket chunks next to the stored ones; readers merge buckets that
// share a start, so no read-modify-write is needed on the write path.
class LateValueSink : public RollupSink {
public:
    void late(RollupLevel level, SeriesId series, const RollupStats &fragment) override {
        auto [it, inserted] =
            late_.try_emplace({static_cast<int>(level), series, fragment.start_s}, fragment);
        if (!inserted) it->second.merge(fragment);
    }
    // Also notes each fragment's partition in *fragmented (consolidated later).
    void write(rocksdb::WriteBatch &wb, rocksdb::ColumnFamilyHandle *cf, uint64_t seq,
               const std::vector<SeriesRuntime> &series, FragmentedPartitions &fragmented) {
        std::string value;
        for (auto &[key, fragment] : late_) {
            auto level = static_cast<RollupLevel>(std::get<0>(key));
            fragmented.emplace(std::get<0>(key), std::get<1>(key),
                               keys::partition_of(level, fragment.start_s));
            value.clear();
            encode_rollup_chunk(
                &fragment, 1,
                keys::nominal_width_s(level, series[std::get<1>(key)].info.history_period_s),
                value);
            wb.Put(cf,
                   keys::rollup(static_cast<RollupLevel>(std::get<0>(key)), std::get<1>(key),
                                fragment.start_s, keys::fragment_suffix(seq)),
                   value);
        }
    }

private:
    std::map<std::tuple<int, SeriesId, int64_t>, RollupStats> late_;
};

} // namespace

AppendResult Store::append(const Batch &b, BucketTally *tally) {
    Impl &m = *impl_;
    std::lock_guard lock(m.mu);
    m.require_writable();
    rocksdb::WriteBatch &wb = m.batch;
    wb.Clear();

    uint32_t src_id = m.intern_source(b.source, &wb);
    const std::vector<SeriesId> &ids = m.resolve_layout(m.sources[src_id], b, &wb);
    SourceState &src = m.sources[src_id];
    size_t n = b.values.size();

    AppendResult result;
    result.seq = m.next_seq;
    int64_t ts_s = ns_to_s_floor(b.ts_utc_ns);
    if (src.chain_window_s == kNoBucket || ts_s < src.chain_window_s ||
        ts_s >= src.chain_window_s + src.chain_span_s) {
        // A new chain (or a late batch for an old window) starts with a keyframe. Late batches
        // get a one-window chain; others a span that fits the source's polling interval.
        bool late = src.chains_end_s != kNoBucket && ts_s < src.chains_end_s;
        int64_t interval_s = src.last_ts_ns != 0 && b.ts_utc_ns > src.last_ts_ns
                                 ? ns_to_s_floor(b.ts_utc_ns - src.last_ts_ns)
                                 : 0;
        int64_t span =
            late ? m.window_s
                 : chain_span(ts_s, interval_s, m.window_s,
                              src.chains_end_s == kNoBucket ? INT64_MIN : src.chains_end_s);
        src.chain.reset();
        src.chain_window_s = window_start(ts_s, span);
        src.chain_span_s = span;
        if (!late) src.chains_end_s = src.chain_window_s + span;
    }
    if (b.ts_utc_ns > src.last_ts_ns) src.last_ts_ns = b.ts_utc_ns;
    int64_t window = src.chain_window_s;
    m.values.resize(n);
    m.qualities.resize(n);
    for (size_t i = 0; i < n; ++i) {
        m.values[i] = b.values[i].value;
        m.qualities[i] = b.values[i].quality;
    }
    m.record.clear();
    m.encoder.encode(src.chain, window * kNsPerS, b.ts_utc_ns, ids.data(), m.values.data(),
                     m.qualities.data(), n, m.record,
                     src.chain_span_s == m.window_s ? 0 : src.chain_span_s);
    wb.Put(m.cf(Cf::raw), keys::raw(window, src_id, result.seq), m.record);
    std::string journal_value;
    encode_journal_samples(window, src_id, journal_value);
    wb.Put(m.cf(Cf::journal), keys::seq(result.seq), journal_value);

    LateValueSink sink;
    BatchBuckets buckets = m.buckets_for(ts_s);
    for (size_t i = 0; i < n; ++i) {
        SeriesRuntime &rt = m.series[ids[i]];
        if (rt.info.kind == SeriesKind::counter && m.qualities[i] == quality::good &&
            std::isfinite(m.values[i]) && rt.counter.has_last &&
            b.ts_utc_ns < rt.counter.last_ts_ns)
            backfill_counter(m, rt, src_id, b.ts_utc_ns, m.values[i], sink, tally,
                             result.counter_events);
        auto event = apply_value(rt, m.options.rollover_fraction, b.ts_utc_ns, m.values[i],
                                 m.qualities[i], buckets, &sink, &m.pending_buckets, tally);
        if (event) result.counter_events.push_back(*event);
    }
    sink.write(wb, m.cf(Cf::rollup), result.seq, m.series, m.fragmented);

    m.values_since_checkpoint += n;
    m.values_appended += n;
    if (m.values_since_checkpoint >= m.options.checkpoint_every_values ||
        m.pending_buckets >= m.options.checkpoint_every_buckets)
        m.put_checkpoint(wb, result.seq);
    m.write(wb);
    ++m.next_seq;
    return result;
}

} // namespace gs::store
