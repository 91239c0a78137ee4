// Time-series reads: latest values, raw ranges, rollups and downsampling (consumption:
// store_consumption.cpp).
#include "keys.hpp"
#include "raw_scan.hpp"
#include "store_impl.hpp"

#include <algorithm>
#include <cmath>

namespace gs::store {

int64_t derivable_width_s(RollupLevel level, int32_t period_s, int64_t window_s) {
    int64_t width = level == RollupLevel::period ? period_s : level == RollupLevel::hour ? 3600 : 0;
    return width > 0 && window_s % width == 0 ? width : 0;
}

SeriesLookup lookup(const Store::Impl &m, SeriesId id, std::optional<RollupLevel> level) {
    const SeriesRuntime &rt = m.runtime(id);
    SeriesLookup out;
    auto it = m.source_ids.find(rt.info.source);
    out.source = it == m.source_ids.end() ? 0 : it->second;
    out.info = rt.info;
    if (level) {
        int l = static_cast<int>(*level);
        out.unsaved = rt.pending[l];
        if (rt.open[l].open()) out.unsaved.push_back(rt.open[l]);
    }
    return out;
}

namespace {

// Buckets of `width` over [from_s, to_s) computed from the raw records, exactly as ingest
// computes them once backfills are corrected: in time order. Counters: readings up to a chain
// span before from_s (or `counter`, the last reading known before the gap) give the first delta.
void derive_from_raw(const Store::Impl &m, const SeriesLookup &s, int64_t width, int64_t from_s,
                     int64_t to_s, CounterState counter, std::vector<RollupStats> &out) {
    if (s.source == 0) return;
    bool is_counter = s.info.kind == SeriesKind::counter;
    CounterLimits limits{s.info.counter_max, s.info.counter_step, m.options.rollover_fraction};
    int64_t scan_from_s = is_counter ? from_s - kMaxChainSpanS : from_s;
    std::vector<Point> readings =
        series_readings(m, s.source, s.info.id, scan_from_s * kNsPerS, to_s * kNsPerS);
    size_t first_new = out.size();
    for (const Point &p : readings) {
        bool good = p.quality == quality::good && std::isfinite(p.value);
        double delta = 0;
        int64_t prev_ts_ns = counter.last_ts_ns;
        bool first_candidate = false;
        if (good && is_counter) {
            first_candidate = counter.has_last && p.ts_utc_ns > prev_ts_ns;
            delta = counter_reading(counter, limits, p.value, p.ts_utc_ns).delta;
        }
        int64_t ts_s = ns_to_s_floor(p.ts_utc_ns);
        if (ts_s < from_s) continue;
        int64_t start = floor_div(ts_s, width) * width;
        if (out.size() == first_new || out.back().start_s != start) {
            out.emplace_back();
            out.back().start_s = start;
        }
        RollupStats &b = out.back();
        if (good)
            b.add_good(p.value, p.ts_utc_ns);
        else
            b.add_bad();
        b.delta += delta;
        if (first_candidate) b.note_first(p.ts_utc_ns, prev_ts_ns, delta);
    }
}

} // namespace

// Buckets of one series and level whose start lies in [bucket containing from, to): stored
// chunks, plus buckets not saved yet; buckets sharing a start (late values) are merged.
// Period and hour buckets that are not stored (levels of sparse series, see put_checkpoint)
// are derived from the raw records, and also appended to *derived when given.
std::unique_ptr<rocksdb::Iterator> rollup_iterator(const Store::Impl &m) {
    return std::unique_ptr<rocksdb::Iterator>(m.db->db->NewIterator({}, m.cf(Cf::rollup)));
}

std::vector<RollupStats> read_rollup_stats(const Store::Impl &m, SeriesId id, RollupLevel level,
                                           const SeriesLookup &s, int64_t from_ns, int64_t to_ns,
                                           std::vector<RollupStats> *derived,
                                           const RollupRead &how) {
    std::vector<RollupStats> all, fragments;
    if (how.reuse) {
        all.swap(*how.reuse);
        all.clear();
    }
    int64_t first =
        bucket_span(m.calendar, level, s.info.history_period_s, ns_to_s_floor(from_ns)).start_s;
    int64_t to_s = ceil_s(to_ns);
    if (first >= to_s) return all;
    // One allocation for the usual case (contiguous buckets of the nominal width), sized by
    // the part of the range the series has data in, not by the range asked for.
    int64_t nominal = std::max<int64_t>(1, keys::nominal_width_s(level, s.info.history_period_s));
    int64_t lived_from = std::max(first, ns_to_s_floor(s.info.first_ts_utc_ns));
    int64_t lived_to = std::min(to_s, ceil_s(s.info.last_ts_utc_ns) + 1);
    int64_t lived = s.info.count && lived_to > lived_from ? lived_to - lived_from : 0;
    all.reserve(static_cast<size_t>(std::min<int64_t>(lived / nominal + 2, 1 << 20)) +
                s.unsaved.size());
    std::unique_ptr<rocksdb::Iterator> own;
    rocksdb::Iterator *it = how.it;
    if (!it) it = (own = rollup_iterator(m)).get();
    int64_t width = derivable_width_s(level, s.info.history_period_s, m.window_s);
    bool counter_chain =
        width && s.info.count && s.info.kind == SeriesKind::counter && !how.values_only;
    // Chunks are decoded for [first, to_s) only; a counter's derived buckets start from its
    // last reading before the range (`before`).
    RollupStats before_first;
    RollupFilter stored{first, to_s, how.values_only, counter_chain ? &before_first : nullptr};
    RollupFilter late{first, to_s, how.values_only, nullptr};
    int64_t last_partition = keys::partition_of(level, to_s - 1);
    for (int64_t p = keys::partition_of(level, first); p <= last_partition; ++p) {
        std::string prefix = keys::rollup_prefix(level, p, id);
        for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
            if (keys::parse_rollup_start({it->key().data(), it->key().size()}) >= to_s) break;
            bool fragment = keys::is_fragment({it->key().data(), it->key().size()});
            decode_rollup_chunk({it->value().data(), it->value().size()},
                                fragment ? fragments : all, fragment ? late : stored);
        }
    }
    check(it->status(), "reading rollups");
    all.insert(all.end(), s.unsaved.begin(), s.unsaved.end());
    auto by_start = [](const RollupStats &a, const RollupStats &b) {
        return a.start_s < b.start_s;
    };
    auto sort_by_start = [&](std::vector<RollupStats> &v) { // usually sorted already
        if (!std::is_sorted(v.begin(), v.end(), by_start))
            std::stable_sort(v.begin(), v.end(), by_start);
    };
    sort_by_start(all);

    if (width && s.info.count) {
        // Gaps between stored buckets, inside the series' life, come from raw records; late
        // fragments only count where buckets are stored (raw records already hold them).
        int64_t life_from = floor_div(ns_to_s_floor(s.info.first_ts_utc_ns), width) * width;
        int64_t life_to = ns_to_s_floor(s.info.last_ts_utc_ns) + 1;
        int64_t gap = std::max(first, life_from), end = std::min(to_s, life_to);
        size_t covered = all.size();
        std::vector<RollupStats> found;
        CounterState counter;
        // The latest reading known so far (the raw record of a stored one may be gone already).
        auto note_reading = [&](const RollupStats &b) {
            if (b.count && (!counter.has_last || b.last_ts_ns >= counter.last_ts_ns))
                counter = {true, b.last, b.last_ts_ns};
        };
        if (counter_chain) {
            // The last stored reading before the range: in its first partition, else in the
            // two partitions before.
            RollupFilter earlier{first, first, false, &before_first}; // no bucket kept
            std::vector<RollupStats> none;
            int64_t p0 = keys::partition_of(level, first);
            for (int64_t p = p0 - 1; p >= p0 - 2 && !before_first.count; --p) {
                std::string prefix = keys::rollup_prefix(level, p, id);
                for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
                    if (!keys::is_fragment({it->key().data(), it->key().size()}))
                        decode_rollup_chunk({it->value().data(), it->value().size()}, none,
                                            earlier);
            }
            check(it->status(), "reading rollups");
            note_reading(before_first);
        }
        for (size_t i = 0; i <= covered && gap < end; ++i) {
            int64_t next = i < covered ? all[i].start_s : end;
            if (next < gap) {
                note_reading(all[i]);
                continue;
            }
            if (next > gap) derive_from_raw(m, s, width, gap, std::min(next, end), counter, found);
            if (i < covered) {
                gap = all[i].start_s + width;
                note_reading(all[i]);
            }
        }
        if (derived) derived->insert(derived->end(), found.begin(), found.end());
        if (!fragments.empty()) {
            std::vector<int64_t> starts;
            starts.reserve(all.size());
            for (const RollupStats &r : all)
                starts.push_back(r.start_s);
            for (const RollupStats &f : fragments)
                if (std::binary_search(starts.begin(), starts.end(), f.start_s)) all.push_back(f);
        }
        if (!found.empty() || !fragments.empty()) {
            all.insert(all.end(), found.begin(), found.end());
            sort_by_start(all);
        }
    } else if (!fragments.empty()) {
        all.insert(all.end(), fragments.begin(), fragments.end());
        sort_by_start(all);
    }
    // Keep [first, to_s), merging buckets that share a start, in place.
    size_t n = 0;
    for (size_t i = 0; i < all.size(); ++i) {
        const RollupStats &r = all[i];
        if (r.start_s < first || r.start_s >= to_s) continue;
        if (n > 0 && all[n - 1].start_s == r.start_s)
            all[n - 1].merge(r);
        else if (n++ != i)
            all[n - 1] = r;
    }
    all.resize(n);
    return all;
}

std::vector<Latest> Store::latest(const std::vector<SeriesId> &ids) const {
    std::lock_guard lock(impl_->mu);
    std::vector<Latest> out;
    out.reserve(ids.size());
    for (SeriesId id : ids) {
        Latest l;
        l.series = id;
        if (id > 0 && id < impl_->series.size()) l.point = impl_->series[id].last;
        out.push_back(l);
    }
    return out;
}

std::vector<Point> Store::range(SeriesId id, int64_t from_ns, int64_t to_ns) const {
    return std::move(range(std::vector<SeriesId>{id}, from_ns, to_ns)[0]);
}

std::vector<std::vector<Point>> Store::range(const std::vector<SeriesId> &ids, int64_t from_ns,
                                             int64_t to_ns) const {
    std::vector<uint32_t> sources(ids.size());
    {
        std::lock_guard lock(impl_->mu);
        for (size_t i = 0; i < ids.size(); ++i)
            sources[i] = lookup(*impl_, ids[i]).source;
    }
    std::vector<std::vector<Point>> out(ids.size());
    scan_series(*impl_, ids, sources, from_ns, to_ns,
                [&](size_t r, int64_t ts_ns, double value, uint8_t quality) {
                    Point &p = out[r].emplace_back(); // field by field: see RawSeries::add
                    p.ts_utc_ns = ts_ns;
                    p.value = value;
                    p.quality = quality;
                    return true;
                });
    auto by_ts = [](const Point &a, const Point &b) { return a.ts_utc_ns < b.ts_utc_ns; };
    for (auto &points : out)
        if (!std::is_sorted(points.begin(), points.end(), by_ts))
            std::stable_sort(points.begin(), points.end(), by_ts);
    return out;
}

std::vector<RollupBucket> Store::rollups(SeriesId id, RollupLevel level, int64_t from_ns,
                                         int64_t to_ns) const {
    SeriesLookup s;
    {
        std::lock_guard lock(impl_->mu);
        s = lookup(*impl_, id, level);
    }
    std::vector<RollupBucket> out;
    for (const RollupStats &stats : read_rollup_stats(*impl_, id, level, s, from_ns, to_ns))
        out.push_back(to_bucket(
            stats,
            bucket_span(impl_->calendar, level, s.info.history_period_s, stats.start_s).end_s));
    return out;
}

std::vector<Point> Store::downsample(SeriesId id, int64_t from_ns, int64_t to_ns,
                                     size_t max_points) const {
    std::vector<Point> out;
    if (to_ns <= from_ns) return out;
    size_t pixels = std::max<size_t>(1, max_points / 2);
    int64_t width_ns =
        (to_ns - from_ns + static_cast<int64_t>(pixels) - 1) / static_cast<int64_t>(pixels);
    SeriesInfo info;
    {
        std::lock_guard lock(impl_->mu);
        info = impl_->runtime(id).info;
    }
    int32_t period_s = info.history_period_s;
    // Sparse series: period/hour buckets are derived from raw records (as costly as raw).
    auto derived = [&](RollupLevel level, int64_t width_s) {
        if (derivable_width_s(level, period_s, impl_->window_s) == 0) return false;
        double life_s = std::max<double>(
            static_cast<double>(width_s),
            static_cast<double>(info.last_ts_utc_ns - info.first_ts_utc_ns) / kNsPerS);
        return static_cast<double>(info.count) * static_cast<double>(width_s) / life_s <
               static_cast<double>(kMinValuesPerStoredBucket);
    };
    struct Pixel {
        bool used = false;
        Point min, max;
        void add(const Point &lo, const Point &hi) {
            if (!used || lo.value < min.value) min = lo;
            if (!used || hi.value > max.value) max = hi;
            used = true;
        }
    };
    std::vector<Pixel> px(pixels);
    auto pixel_of = [&](int64_t ts) {
        int64_t i = (ts - from_ns) / width_ns;
        return static_cast<size_t>(std::clamp<int64_t>(i, 0, static_cast<int64_t>(pixels) - 1));
    };

    // The coarsest rollup level whose buckets are not wider than a pixel.
    const std::pair<RollupLevel, int64_t> levels[] = {{RollupLevel::month, 31 * 86400},
                                                      {RollupLevel::day, 86400},
                                                      {RollupLevel::hour, 3600},
                                                      {RollupLevel::period, period_s}};
    // When that level is derived from raw records, the next coarser stored level serves the
    // query if its buckets are at most 4 pixels wide (fewer points, same peaks).
    bool from_rollups = false;
    for (size_t l = 0; l < std::size(levels); ++l) {
        auto [level, nominal_s] = levels[l];
        if (nominal_s * kNsPerS > width_ns) continue;
        if (l > 0 && derived(level, nominal_s) && levels[l - 1].second * kNsPerS <= 4 * width_ns &&
            !derived(levels[l - 1].first, levels[l - 1].second))
            level = levels[l - 1].first;
        SeriesLookup s;
        {
            std::lock_guard lock(impl_->mu);
            s = lookup(*impl_, id, level);
        }
        for (const RollupStats &b : read_rollup_stats(*impl_, id, level, s, from_ns, to_ns))
            if (b.count)
                px[pixel_of(b.start_s * kNsPerS)].add({b.min_ts_ns, b.min, quality::good},
                                                      {b.max_ts_ns, b.max, quality::good});
        from_rollups = true;
        break;
    }
    if (!from_rollups)
        for (const Point &p : range(id, from_ns, to_ns))
            if (p.quality == quality::good && std::isfinite(p.value))
                px[pixel_of(p.ts_utc_ns)].add(p, p);

    for (const Pixel &p : px) {
        if (!p.used) continue;
        bool same = p.min.ts_utc_ns == p.max.ts_utc_ns && p.min.value == p.max.value;
        if (same) {
            out.push_back(p.min);
        } else if (p.min.ts_utc_ns <= p.max.ts_utc_ns) {
            out.push_back(p.min);
            out.push_back(p.max);
        } else {
            out.push_back(p.max);
            out.push_back(p.min);
        }
    }
    return out;
}

} // namespace gs::store
