// Consumption per bucket: the index difference at the bucket's bounds.
//
// The rule: consumption of [s, e) = index(e) - index(s), where the index is the counter's
// cumulative consumption (deltas across resets, rollovers and replacements, see counter.hpp)
// and index(t) between two readings is interpolated in proportion to time, then floored to a
// whole unit of the data (the counter's step; 1 when it has none). So a reading exactly at a
// boundary closes the bucket that ends there, and an interval straddling a boundary is split
// in proportion to time. Every boundary has one index value, whatever the bucket size, so
// adjacent buckets telescope: hours add up exactly to their day, days to their week and month.
//
// How it is computed from the rollups: a bucket stores the sum D of the deltas of its readings
// (each delta covers the interval from the reading before) and its first reading's interval
// (RollupStats::note_first). index(e) = index(last reading before e) + A(e), where A(e) is the
// part before e of the interval of the first reading at or after e. Hence
//   consumption([s, e)) = sum of D over the buckets in [s, e) + A(e) - A(s).
#include "keys.hpp"
#include "store_impl.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace gs::store {
namespace {

Span step_span(const Calendar &calendar, ConsumptionStep step, int64_t ts_s) {
    switch (step) {
    case ConsumptionStep::hour:
        return calendar.hour(ts_s);
    case ConsumptionStep::day:
        return calendar.day(ts_s);
    case ConsumptionStep::week:
        return calendar.week(ts_s);
    case ConsumptionStep::month:
        return calendar.month(ts_s);
    default:
        throw StoreError("invalid consumption step", StoreErrc::invalid_argument);
    }
}

// The first bucket of `level` starting at or after from_ns that holds a first reading, looked
// for in growing steps up to the series' newest value.
std::optional<RollupStats> first_reading_from(const Store::Impl &m, SeriesId id, RollupLevel level,
                                              const SeriesLookup &look, int64_t from_ns,
                                              rocksdb::Iterator &it) {
    if (look.info.count == 0) return std::nullopt;
    int64_t life_end_ns = look.info.last_ts_utc_ns + 1;
    int64_t span_ns = 2 * keys::nominal_width_s(level, look.info.history_period_s) * kNsPerS;
    for (int64_t lo = from_ns; lo < life_end_ns; lo += span_ns, span_ns *= 2)
        for (const RollupStats &r :
             read_rollup_stats(m, id, level, look, lo, lo + span_ns, nullptr, {&it}))
            if (r.start_s * kNsPerS >= from_ns && r.has_first()) return r;
    return std::nullopt;
}

} // namespace

double interval_share(double delta, int64_t part_ns, int64_t whole_ns, double unit) {
    if (part_ns <= 0) return 0;
    if (part_ns >= whole_ns) return delta;
    if (!(unit > 0)) unit = 1;
    double units = delta / unit;
    double whole = std::nearbyint(units);
    if (std::fabs(units) < 9e15 &&
        std::fabs(whole - units) <= 1e-9 * std::max(1.0, std::fabs(units))) {
        // Exact: floor(n * part / whole) on 128 bits (n < 2^53, times < 2^63).
        __extension__ using i128 = __int128;
        i128 p = static_cast<i128>(static_cast<int64_t>(whole)) * part_ns;
        i128 q = p / whole_ns;
        if (p % whole_ns != 0 && p < 0) --q;
        return static_cast<double>(static_cast<int64_t>(q)) * unit;
    }
    return std::floor(units * (static_cast<double>(part_ns) / static_cast<double>(whole_ns))) *
           unit;
}

double index_share_before(const RollupStats *first, int64_t boundary_ns, double unit) {
    if (!first || !first->has_first() || first->first_prev_ts_ns >= boundary_ns) return 0;
    return interval_share(first->first_delta, boundary_ns - first->first_prev_ts_ns,
                          first->first_ts_ns - first->first_prev_ts_ns, unit);
}

ConsumptionTable Store::consumption(const std::vector<SeriesId> &ids, ConsumptionStep step,
                                    int64_t from_ns, int64_t to_ns) const {
    ConsumptionTable table;
    table.series = ids;
    const Calendar &cal = impl_->calendar;
    std::unordered_map<int64_t, size_t> index_of_start;
    for (Span s = step_span(cal, step, ns_to_s_floor(from_ns)); s.start_s * kNsPerS < to_ns;
         s = step_span(cal, step, s.end_s)) {
        index_of_start[s.start_s] = table.bucket_starts_utc_ns.size();
        table.bucket_starts_utc_ns.push_back(s.start_s * kNsPerS);
        table.bucket_ends_utc_ns.push_back(s.end_s * kNsPerS);
    }
    size_t nb = table.bucket_starts_utc_ns.size();
    table.values.assign(ids.size() * nb, 0.0);
    if (nb == 0) return table;
    RollupLevel level = step == ConsumptionStep::hour    ? RollupLevel::hour
                        : step == ConsumptionStep::month ? RollupLevel::month
                                                         : RollupLevel::day;
    // Whole buckets: a week reads every day rollup up to its end, not only up to `to`.
    int64_t from_bucket_ns = table.bucket_starts_utc_ns.front();
    int64_t to_bucket_ns = table.bucket_ends_utc_ns.back();
    std::vector<double> share(nb + 1);
    // The series' unsaved buckets are taken before the iterator that reads the stored ones is
    // made (as each read did with its own): a checkpoint in between cannot hide a bucket.
    std::vector<SeriesLookup> looks(ids.size());
    {
        std::lock_guard lock(impl_->mu);
        for (size_t s = 0; s < ids.size(); ++s)
            looks[s] = lookup(*impl_, ids[s], level);
    }
    std::unique_ptr<rocksdb::Iterator> it = rollup_iterator(*impl_); // one for every series
    for (size_t s = 0; s < ids.size(); ++s) {
        const SeriesLookup &look = looks[s];
        std::vector<RollupStats> stats = read_rollup_stats(
            *impl_, ids[s], level, look, from_bucket_ns, to_bucket_ns, nullptr, {it.get()});
        for (const RollupStats &r : stats) {
            int64_t key = step == ConsumptionStep::week ? cal.week(r.start_s).start_s : r.start_s;
            auto it = index_of_start.find(key);
            if (it != index_of_start.end()) table.values[s * nb + it->second] += r.delta;
        }
        // A(b) at every boundary, from the first bucket at or after it holding a first reading.
        std::optional<RollupStats> after =
            first_reading_from(*impl_, ids[s], level, look, to_bucket_ns, *it);
        size_t j = 0;
        double unit = look.info.counter_step;
        for (size_t b = 0; b <= nb; ++b) {
            int64_t boundary_ns =
                b < nb ? table.bucket_starts_utc_ns[b] : table.bucket_ends_utc_ns.back();
            while (j < stats.size() &&
                   (stats[j].start_s * kNsPerS < boundary_ns || !stats[j].has_first()))
                ++j;
            const RollupStats *first = j < stats.size() ? &stats[j] : after ? &*after : nullptr;
            share[b] = index_share_before(first, boundary_ns, unit);
        }
        for (size_t b = 0; b < nb; ++b)
            table.values[s * nb + b] += share[b + 1] - share[b];
    }
    return table;
}

} // namespace gs::store
