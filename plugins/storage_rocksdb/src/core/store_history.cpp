// Store::history: per-bucket min, max and average of several series over a range (the
// History API). Long ranges are served from whole rollup buckets, short ones (or ranges with
// few values) from the raw data (column blocks of closed windows, records elsewhere), where
// each value goes straight into its bucket (no list of the range's points).
#include "raw_scan.hpp"
#include "store_impl.hpp"

#include <algorithm>
#include <cmath>

namespace gs::store {
namespace {

// Times beyond ±2^62 ns (years 1823..2116) are refused so that grid arithmetic cannot overflow.
constexpr int64_t kMaxAbsTimeNs = int64_t{1} << 62;

// Buckets of a fixed-width grid, fed in time order (out-of-order input is merged too).
// The most elements a read reserves ahead; more grow as they come.
constexpr size_t kReserveBound = 1 << 14;

class Grid {
public:
    Grid(int64_t origin_ns, int64_t width_ns) : origin_(origin_ns), width_(width_ns) {}

    void reserve(size_t n) { buckets_.reserve(n); }

    // Inline for the common case (the value falls in the last bucket: no division); the rest
    // is out of line.
    inline __attribute__((always_inline)) void add(int64_t ts_ns, double min, double max,
                                                   double sum, uint32_t count) {
        if (!buckets_.empty() && ts_ns >= buckets_.back().start_utc_ns &&
            ts_ns - buckets_.back().start_utc_ns < width_) {
            merge(buckets_.back(), min, max, sum, count);
            return;
        }
        add_elsewhere(ts_ns, min, max, sum, count);
    }

    std::vector<HistoryBucket> finish() {
        for (HistoryBucket &b : buckets_)
            b.avg /= b.count;
        return std::move(buckets_);
    }

private:
    __attribute__((noinline)) void add_elsewhere(int64_t ts_ns, double min, double max, double sum,
                                                 uint32_t count) {
        int64_t start = origin_ + floor_div(ts_ns - origin_, width_) * width_;
        if (buckets_.empty() || buckets_.back().start_utc_ns < start) {
            buckets_.push_back({start, min, max, sum, count});
            return;
        }
        auto it =
            std::lower_bound(buckets_.begin(), buckets_.end(), start,
                             [](const HistoryBucket &b, int64_t t) { return b.start_utc_ns < t; });
        if (it == buckets_.end() || it->start_utc_ns != start) {
            buckets_.insert(it, {start, min, max, sum, count});
            return;
        }
        merge(*it, min, max, sum, count);
    }

    static void merge(HistoryBucket &b, double min, double max, double sum, uint32_t count) {
        b.min = std::min(b.min, min);
        b.max = std::max(b.max, max);
        b.avg += sum; // the sum until finish()
        b.count += count;
    }

    int64_t origin_, width_;
    std::vector<HistoryBucket> buckets_;
};

int64_t ceil_div_ns(int64_t span, int64_t parts) {
    return span / parts + (span % parts != 0);
}

bool good(const Point &p) {
    return p.quality == quality::good && std::isfinite(p.value);
}

// The widest rollup level (hour, history period) not wider than `width_ns`; nullopt: none.
std::optional<std::pair<RollupLevel, int64_t>> level_for(int64_t width_ns, int32_t period_s) {
    std::pair<RollupLevel, int64_t> levels[] = {{RollupLevel::hour, 3600},
                                                {RollupLevel::period, period_s}};
    if (period_s > 3600) std::swap(levels[0], levels[1]);
    for (auto [level, width_s] : levels)
        if (width_s > 0 && width_s * kNsPerS <= width_ns)
            return std::make_pair(level, width_s * kNsPerS);
    return std::nullopt;
}

// Serves `out` from whole buckets of `level`; false when the range holds at most
// `max_points` values (raw values then serve).
bool from_rollups(const Store::Impl &m, RollupLevel level, int64_t level_ns, const SeriesLookup &s,
                  int64_t from_ns, int64_t to_ns, size_t max_points, rocksdb::Iterator &it,
                  std::vector<RollupStats> &buffer, HistorySeries &out) {
    int64_t from = floor_div(from_ns, level_ns) * level_ns;
    int64_t to = -floor_div(-to_ns, level_ns) * level_ns;
    int64_t cells = (to - from) / level_ns;
    int64_t width = ceil_div_ns(cells, static_cast<int64_t>(max_points)) * level_ns;
    Grid grid(from, width);
    grid.reserve(static_cast<size_t>(
        std::min<int64_t>(cells / (width / level_ns) + 1, static_cast<int64_t>(kReserveBound))));
    uint64_t values = 0, outside = 0; // outside: in the edge buckets, maybe outside the range
    // min, max, sum and count are all a history bucket needs
    std::vector<RollupStats> stats =
        read_rollup_stats(m, s.info.id, level, s, from, to, nullptr, {&it, true, &buffer});
    for (const RollupStats &b : stats) {
        if (!b.count) continue;
        grid.add(b.start_s * kNsPerS, b.min, b.max, b.sum, b.count);
        values += b.count;
        int64_t start = b.start_s * kNsPerS;
        if (start < from_ns || start + level_ns > to_ns) outside += b.count;
    }
    buffer = std::move(stats); // for the next series
    // The range itself may hold at most max_points values: the raw records then decide.
    if (values - outside <= max_points) return false;
    out.width_ns = width;
    out.from_utc_ns = from;
    out.to_utc_ns = to;
    out.buckets = grid.finish();
    return true;
}

// One series of a raw read, fed its values in time order: they are kept as they are while there
// are at most max_points (then they are the answer), and go into buckets of the grid after.
class RawSeries {
public:
    RawSeries(int64_t from_ns, int64_t width_ns, size_t max_points)
        : grid_(from_ns, width_ns), max_points_(max_points) {}

    // false when `ts_ns` is before the previous value's time (records of a late batch).
    // Inline: called once per raw value (the loop over a block's column).
    inline __attribute__((always_inline)) bool add(int64_t ts_ns, double value, uint8_t quality) {
        if (ts_ns < last_ts_) return false;
        last_ts_ = ts_ns;
        if (quality != quality::good || !std::isfinite(value)) return true;
        if (++values_ <= max_points_) {
            // Reserved up to a bound: a caller asking for every raw value (max_points beyond
            // any range's count, e.g. UINT32_MAX) must not allocate for max_points.
            if (points_.empty()) points_.reserve(std::min<size_t>(max_points_, kReserveBound));
            // Field by field: a Point built whole on the stack and copied stalled on
            // store forwarding (10 % of the query's time in perf).
            Point &p = points_.emplace_back();
            p.ts_utc_ns = ts_ns;
            p.value = value;
            p.quality = quality;
            return true;
        }
        if (!points_.empty()) { // one value too many: the kept ones go into buckets first
            grid_.reserve(std::min<size_t>(max_points_ + 1, kReserveBound));
            for (const Point &p : points_)
                grid_.add(p.ts_utc_ns, p.value, p.value, p.value, 1);
            points_ = {};
        }
        grid_.add(ts_ns, value, value, value, 1);
        return true;
    }

    void finish(int64_t from_ns, int64_t to_ns, int64_t width_ns, HistorySeries &out) {
        out.from_utc_ns = from_ns;
        out.to_utc_ns = to_ns;
        if (values_ <= max_points_) {
            out.width_ns = 0;
            out.buckets.reserve(points_.size());
            for (const Point &p : points_)
                out.buckets.push_back({p.ts_utc_ns, p.value, p.value, p.value, 1});
            return;
        }
        out.width_ns = width_ns;
        out.buckets = grid_.finish();
    }

private:
    Grid grid_;
    size_t max_points_;
    std::vector<Point> points_;
    size_t values_ = 0;
    int64_t last_ts_ = INT64_MIN;
};

// The raw records of the series `ids[r]` (from `sources[r]`) over [from_ns, to_ns) into
// out[slots[r]], one pass per source decoding only those series. false when some series'
// records are not in time order (late batches): `out` is then incomplete, and the caller reads
// through range(), which sorts.
bool stream_raw(const Store::Impl &m, const std::vector<SeriesId> &ids,
                const std::vector<uint32_t> &sources, const std::vector<size_t> &slots,
                int64_t from_ns, int64_t to_ns, size_t max_points,
                std::vector<HistorySeries> &out) {
    int64_t width_ns = ceil_div_ns(to_ns - from_ns, static_cast<int64_t>(max_points));
    std::vector<RawSeries> series(ids.size(), RawSeries(from_ns, width_ns, max_points));
    if (!scan_series(m, ids, sources, from_ns, to_ns,
                     [&](size_t r, int64_t ts_ns, double value, uint8_t quality) {
                         return series[r].add(ts_ns, value, quality);
                     }))
        return false;
    for (size_t r = 0; r < ids.size(); ++r)
        series[r].finish(from_ns, to_ns, width_ns, out[slots[r]]);
    return true;
}

void from_raw(const std::vector<Point> &points, int64_t from_ns, int64_t to_ns, size_t max_points,
              HistorySeries &out) {
    out.from_utc_ns = from_ns;
    out.to_utc_ns = to_ns;
    size_t values = static_cast<size_t>(std::count_if(points.begin(), points.end(), good));
    if (values <= max_points) {
        out.width_ns = 0;
        out.buckets.reserve(values);
        for (const Point &p : points)
            if (good(p)) out.buckets.push_back({p.ts_utc_ns, p.value, p.value, p.value, 1});
        return;
    }
    out.width_ns = ceil_div_ns(to_ns - from_ns, static_cast<int64_t>(max_points));
    Grid grid(from_ns, out.width_ns);
    for (const Point &p : points)
        if (good(p)) grid.add(p.ts_utc_ns, p.value, p.value, p.value, 1);
    out.buckets = grid.finish();
}

} // namespace

std::vector<HistorySeries> Store::history(const std::vector<SeriesId> &ids, int64_t from_ns,
                                          int64_t to_ns, size_t max_points) const {
    if (max_points == 0)
        throw StoreError("history: max_points must be at least 1", StoreErrc::invalid_argument);
    if (to_ns <= from_ns)
        throw StoreError("history: the range ends before it starts", StoreErrc::invalid_argument);
    if (from_ns < -kMaxAbsTimeNs || to_ns > kMaxAbsTimeNs)
        throw StoreError("history: times must lie between the years 1823 and 2116",
                         StoreErrc::invalid_argument);
    std::vector<HistorySeries> out(ids.size());
    std::vector<SeriesId> raw_ids;
    std::vector<uint32_t> raw_sources;
    std::vector<size_t> raw_slots;
    int64_t width_ns = ceil_div_ns(to_ns - from_ns, static_cast<int64_t>(max_points));
    // The series' unsaved buckets are taken before the iterator that reads the stored ones is
    // made (as each read did with its own): a checkpoint in between cannot hide a bucket.
    struct Planned {
        std::optional<std::pair<RollupLevel, int64_t>> level;
        SeriesLookup lookup;
        uint32_t source = 0; // for a raw read
    };
    std::vector<Planned> plan(ids.size());
    {
        std::lock_guard lock(impl_->mu);
        for (size_t i = 0; i < ids.size(); ++i) {
            plan[i].level = level_for(width_ns, impl_->runtime(ids[i]).info.history_period_s);
            if (plan[i].level) plan[i].lookup = lookup(*impl_, ids[i], plan[i].level->first);
            plan[i].source = plan[i].level ? plan[i].lookup.source : lookup(*impl_, ids[i]).source;
        }
    }
    std::unique_ptr<rocksdb::Iterator> it = rollup_iterator(*impl_); // one for every series
    std::vector<RollupStats> buffer;                                 // likewise
    for (size_t i = 0; i < ids.size(); ++i) {
        out[i].series = ids[i];
        if (const auto &level = plan[i].level;
            level && from_rollups(*impl_, level->first, level->second, plan[i].lookup, from_ns,
                                  to_ns, max_points, *it, buffer, out[i]))
            continue;
        raw_ids.push_back(ids[i]);
        raw_sources.push_back(plan[i].source);
        raw_slots.push_back(i);
    }
    if (raw_ids.empty() ||
        stream_raw(*impl_, raw_ids, raw_sources, raw_slots, from_ns, to_ns, max_points, out))
        return out;
    std::vector<std::vector<Point>> raw = range(raw_ids, from_ns, to_ns);
    for (size_t r = 0; r < raw_ids.size(); ++r)
        from_raw(raw[r], from_ns, to_ns, max_points, out[raw_slots[r]]);
    return out;
}

} // namespace gs::store
