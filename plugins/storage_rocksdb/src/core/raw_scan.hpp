// Walking the raw records of one source over a time range (queries, derived rollups, backfill).
#pragma once

#include "db.hpp"
#include "keys.hpp"
#include "record_codec.hpp"
#include "store_impl.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace gs::store {

inline int64_t ceil_s(int64_t ns) {
    return -floor_div(-ns, kNsPerS);
}

// Decodes the records of (w, source) from the iterator's position (on the first of them) to
// the last, handing those in [from_ns, to_ns) to `fn` (see scan_source). Chains that end
// before from_s are skipped without decoding (their keyframe tells their span). Returns false
// when `fn` did (stop).
template <typename Fn>
inline bool scan_chain_records(rocksdb::Iterator &it, int64_t w, uint32_t source, int64_t window_s,
                               int64_t from_ns, int64_t to_ns, ChainState &chain,
                               DecodedRecord &rec, Fn &&fn, const std::vector<uint32_t> *only) {
    int64_t from_s = ns_to_s_floor(from_ns);
    chain.reset();
    bool skipping = false;
    for (; it.Valid(); it.Next()) {
        keys::RawKey k = keys::parse_raw({it.key().data(), it.key().size()});
        if (k.window_start_s != w || k.source != source) break;
        std::string_view value(it.value().data(), it.value().size());
        int64_t span = keyframe_span_s(value);
        if (span >= 0) skipping = w + (span ? span : window_s) <= from_s;
        if (skipping) continue;
        decode_record(chain, w * kNsPerS, value, rec, only);
        if (rec.ts_ns < from_ns || rec.ts_ns >= to_ns) continue;
        if constexpr (std::is_same_v<decltype(fn(rec)), bool>) {
            if (!fn(rec)) return false; // the caller has what it needs
        } else {
            fn(rec);
        }
    }
    return true;
}

// The first raw key window a read of [from_ns, ...) looks at: a chain may start up to
// kMaxChainSpanS before `from`.
inline int64_t first_scan_window(int64_t from_ns, int64_t window_s) {
    return window_start(ns_to_s_floor(from_ns) - kMaxChainSpanS + window_s, window_s);
}

// Decodes the chains of one source over [from, to) and hands every record to `fn`. A chain
// may start up to kMaxChainSpanS before `from`; chains that end before it are skipped without
// decoding (their keyframe tells their span). Records come in key order (window, source, seq),
// not strictly in time order (late batches). `fn` may return false to stop. `only`
// (optional): decode the values of these series only (decode_record), the others are NaN.
template <typename Fn>
inline void scan_source(rocksdb::DB *db, rocksdb::ColumnFamilyHandle *raw, int64_t window_s,
                        uint32_t source, int64_t from_ns, int64_t to_ns, Fn &&fn,
                        const std::vector<uint32_t> *only = nullptr) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, raw));
    int64_t to_s = ceil_s(to_ns);
    int64_t w = first_scan_window(from_ns, window_s);
    ChainState chain;
    DecodedRecord rec;
    while (w < to_s) {
        it->Seek(keys::raw(w, source, 0));
        if (!it->Valid()) break;
        keys::RawKey k = keys::parse_raw({it->key().data(), it->key().size()});
        if (k.window_start_s >= to_s) break;
        if (k.window_start_s != w) { // jump over windows without data
            w = k.window_start_s;
            continue;
        }
        if (k.source == source &&
            !scan_chain_records(*it, w, source, window_s, from_ns, to_ns, chain, rec, fn, only))
            return;
        w += window_s;
    }
    check(it->status(), "reading raw data");
}

// The values of several series over [from_ns, to_ns): series ids[r] is in the records of
// sources[r]; one pass per source, decoding only the series asked for. fn(r, ts_ns, value,
// quality) gets every value of ids[r] (a series asked twice: both r), in the records' key order
// (not strictly time order: late batches); it may return false to stop, and so does this.
template <typename Fn>
inline bool scan_series(const Store::Impl &m, const std::vector<SeriesId> &ids,
                        const std::vector<uint32_t> &sources, int64_t from_ns, int64_t to_ns,
                        Fn &&fn) {
    std::map<uint32_t, std::unordered_map<SeriesId, std::vector<size_t>>> by_source;
    for (size_t r = 0; r < ids.size(); ++r)
        by_source[sources[r]][ids[r]].push_back(r);
    bool going = true;
    for (auto &[source, wanted] : by_source) {
        // Layout index -> the reads of that series, refreshed when the layout changes.
        std::vector<std::pair<size_t, const std::vector<size_t> *>> positions;
        std::vector<uint32_t> only;
        for (const auto &entry : wanted)
            only.push_back(entry.first);
        scan_source(
            m.db->db.get(), m.cf(Cf::raw), m.window_s, source, from_ns, to_ns,
            [&](const DecodedRecord &rec) {
                if (rec.layout_changed || positions.empty()) {
                    positions.clear();
                    for (size_t i = 0; i < rec.ids->size(); ++i)
                        if (auto it = wanted.find((*rec.ids)[i]); it != wanted.end())
                            positions.emplace_back(i, &it->second);
                }
                for (auto [i, reads] : positions)
                    for (size_t r : *reads)
                        if (!fn(r, rec.ts_ns, rec.values[i], rec.qualities[i]))
                            return going = false;
                return true;
            },
            &only);
        if (!going) return false;
    }
    return true;
}

// Position of one series in the records of a source, refreshed when the layout changes.
class SeriesSlot {
public:
    explicit SeriesSlot(SeriesId id) : id_(id) {}
    // SIZE_MAX when the record does not hold the series.
    size_t of(const DecodedRecord &rec) {
        if (rec.layout_changed || !located_) {
            auto it = std::find(rec.ids->begin(), rec.ids->end(), id_);
            index_ = it == rec.ids->end() ? SIZE_MAX : static_cast<size_t>(it - rec.ids->begin());
            located_ = true;
        }
        return index_;
    }

private:
    SeriesId id_;
    size_t index_ = SIZE_MAX;
    bool located_ = false;
};

// Every stored value of one series over [from_ns, to_ns), in time order (stable for equal
// times: the order they were appended in, within a chain).
inline std::vector<Point> series_readings(const Store::Impl &m, uint32_t source, SeriesId id,
                                          int64_t from_ns, int64_t to_ns) {
    std::vector<Point> out;
    SeriesSlot slot(id);
    const std::vector<uint32_t> only{id};
    scan_source(
        m.db->db.get(), m.cf(Cf::raw), m.window_s, source, from_ns, to_ns,
        [&](const DecodedRecord &rec) {
            size_t i = slot.of(rec);
            if (i != SIZE_MAX) out.push_back({rec.ts_ns, rec.values[i], rec.qualities[i]});
        },
        &only);
    auto by_ts = [](const Point &a, const Point &b) { return a.ts_utc_ns < b.ts_utc_ns; };
    if (!std::is_sorted(out.begin(), out.end(), by_ts))
        std::stable_sort(out.begin(), out.end(), by_ts);
    return out;
}

} // namespace gs::store
