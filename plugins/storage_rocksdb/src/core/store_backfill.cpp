// Backfill: a good counter reading x older than the series' newest one (an import after the
// site has run, a replay, a device's stored load curve). Between its stored neighbours p (the
// last reading at or before x) and n (the first one after), the delta p -> n that n carried is
// replaced by p -> x (in x's buckets) and x -> n (in n's buckets), and both readings become
// first-reading candidates (RollupStats::note_first). The corrections are rollup fragments
// written with the batch, merged when read, so every level a reading touches is updated, in
// the same WriteBatch as the raw record (a crash cannot split them).
#include "raw_scan.hpp"
#include "store_impl.hpp"

#include <cmath>

namespace gs::store {
namespace {

bool good(const Point &p) {
    return p.quality == quality::good && std::isfinite(p.value);
}

// The last good reading at or before ts_ns, looking back in doubling steps down to floor_ns.
// *seen_any tells whether any stored value (of any quality) was found.
std::optional<Point> reading_before(const Store::Impl &m, uint32_t source, SeriesId id,
                                    int64_t ts_ns, int64_t floor_ns, bool *seen_any) {
    for (int64_t back_ns = kMaxChainSpanS * kNsPerS;; back_ns *= 2) {
        int64_t lo = std::max(floor_ns, ts_ns - back_ns);
        std::vector<Point> found = series_readings(m, source, id, lo, ts_ns + 1);
        *seen_any = *seen_any || !found.empty();
        for (auto it = found.rbegin(); it != found.rend(); ++it)
            if (good(*it)) return *it;
        if (lo <= floor_ns) return std::nullopt;
    }
}

// The first good reading after ts_ns, looking forward in doubling steps up to ceiling_ns.
std::optional<Point> reading_after(const Store::Impl &m, uint32_t source, SeriesId id,
                                   int64_t ts_ns, int64_t ceiling_ns) {
    for (int64_t ahead_ns = kMaxChainSpanS * kNsPerS;; ahead_ns *= 2) {
        int64_t hi = std::min(ceiling_ns, ts_ns + 1 + ahead_ns);
        for (const Point &p : series_readings(m, source, id, ts_ns + 1, hi))
            if (good(p)) return p;
        if (hi >= ceiling_ns) return std::nullopt;
    }
}

} // namespace

void backfill_counter(Store::Impl &m, SeriesRuntime &rt, uint32_t source, int64_t ts_ns,
                      double value, RollupSink &sink, BucketTally *tally,
                      std::vector<CounterEvent> &events) {
    const SeriesInfo &info = rt.info;
    std::optional<Point> prev, next;
    BackfillHint &hint = rt.backfill;
    if (hint.valid && hint.prev.ts_utc_ns <= ts_ns && ts_ns < hint.next.ts_utc_ns) {
        prev = hint.prev;
        next = hint.next;
    } else {
        if (ts_ns >= info.first_ts_utc_ns) {
            bool seen_any = false;
            prev = reading_before(m, source, info.id, ts_ns, info.first_ts_utc_ns, &seen_any);
            // Older readings exist but their raw records are gone (retention): the delta the
            // next reading carries cannot be split, so the consumption is left as it is.
            if (!seen_any) return;
        }
        next = reading_after(m, source, info.id, ts_ns, info.last_ts_utc_ns + 1);
    }

    // A reading already stored at this very time wins, as in time order (counter_reading).
    if (prev && prev->ts_utc_ns == ts_ns) return;

    CounterLimits limits{info.counter_max, info.counter_step, m.options.rollover_fraction};
    auto correct = [&](int64_t at_ns, double delta, int64_t prev_ns, double first_delta) {
        int64_t at_s = ns_to_s_floor(at_ns);
        for (int level = 0; level < kRollupLevels; ++level) {
            auto lv = static_cast<RollupLevel>(level);
            RollupStats fragment;
            fragment.start_s = bucket_start(m.calendar, lv, info.history_period_s, at_s);
            fragment.delta = delta;
            fragment.note_first(at_ns, prev_ns, first_delta);
            sink.late(lv, info.id, fragment);
            if (tally)
                tally->buckets.emplace(static_cast<uint8_t>(level), info.id, fragment.start_s);
        }
    };
    if (prev) {
        CounterDelta d = counter_delta(limits, prev->value, value);
        correct(ts_ns, d.delta, prev->ts_utc_ns, d.delta);
        if (d.event) events.push_back({info.id, ts_ns, *d.event, prev->value, value});
    }
    if (next) {
        CounterDelta d = counter_delta(limits, value, next->value);
        CounterDelta before{};
        if (prev) before = counter_delta(limits, prev->value, next->value);
        // No event is reported at `next`: a backfill in time order changes its predecessor
        // again and again (each would report), and a drop there was reported when `next` came.
        correct(next->ts_utc_ns, d.delta - before.delta, ts_ns, d.delta);
    }
    hint.valid = next.has_value();
    hint.prev = Point{ts_ns, value, quality::good};
    if (next) hint.next = *next;
}

} // namespace gs::store
