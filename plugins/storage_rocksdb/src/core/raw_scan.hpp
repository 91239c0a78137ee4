// Walking the raw data of one source over a time range (queries, derived rollups, backfill):
// the column blocks of closed windows and the records.
#pragma once

#include "column_block.hpp"
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

// The values of several series over [from_ns, to_ns) from the raw records alone: series ids[r]
// is in the records of sources[r]; one pass per source, decoding only the series asked for.
// fn(r, ts_ns, value, quality) gets every value of ids[r] (a series asked twice: both r), in the
// records' key order (not strictly time order: late batches); it may return false to stop, and
// so does this.
template <typename Fn>
inline bool scan_series_records(const Store::Impl &m, const std::vector<SeriesId> &ids,
                                const std::vector<uint32_t> &sources, int64_t from_ns,
                                int64_t to_ns, Fn &&fn) {
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

// As scan_series_records (the same values in the same order for each r; the order between
// different r is not kept), reading the column blocks of closed windows where they serve
// (column_block.hpp) and the records elsewhere: windows without a block (the open one, stores
// written before blocks) and the records above a block's coverage (late data).
template <typename Fn>
inline bool scan_series(const Store::Impl &m, const std::vector<SeriesId> &ids,
                        const std::vector<uint32_t> &sources, int64_t from_ns, int64_t to_ns,
                        Fn &&fn) {
    if (!m.cf(Cf::blocks)) return scan_series_records(m, ids, sources, from_ns, to_ns, fn);
    rocksdb::DB *db = m.db->db.get();
    std::unique_ptr<rocksdb::Iterator> raw_it(db->NewIterator({}, m.cf(Cf::raw)));
    std::unique_ptr<rocksdb::Iterator> block_it(db->NewIterator({}, m.cf(Cf::blocks)));
    // source -> (series, the reads r of it)
    std::map<uint32_t, std::vector<std::pair<SeriesId, std::vector<size_t>>>> by_source;
    for (size_t r = 0; r < ids.size(); ++r) {
        auto &wanted = by_source[sources[r]];
        auto it = std::find_if(wanted.begin(), wanted.end(),
                               [&](const auto &w) { return w.first == ids[r]; });
        if (it == wanted.end()) it = wanted.insert(wanted.end(), {ids[r], {}});
        it->second.push_back(r);
    }
    const int64_t window_s = m.window_s, to_s = ceil_s(to_ns);
    ChainState chain;
    DecodedRecord rec;
    std::vector<size_t> positions; // record layout index -> index in `wanted`, SIZE_MAX: none
    bool going = true;
    for (auto &[source, wanted] : by_source) {
        std::vector<uint32_t> only;
        for (const auto &entry : wanted)
            only.push_back(entry.first);
        positions.clear();
        auto from_record = [&](const DecodedRecord &d) {
            if (d.layout_changed || positions.empty()) {
                positions.assign(d.ids->size(), SIZE_MAX);
                for (size_t i = 0; i < d.ids->size(); ++i)
                    for (size_t j = 0; j < wanted.size(); ++j)
                        if (wanted[j].first == (*d.ids)[i]) positions[i] = j;
            }
            for (size_t i = 0; i < positions.size(); ++i)
                if (positions[i] != SIZE_MAX)
                    for (size_t r : wanted[positions[i]].second)
                        if (!fn(r, d.ts_ns, d.values[i], d.qualities[i])) return going = false;
            return true;
        };
        int64_t w = first_scan_window(from_ns, window_s);
        while (going && w < to_s) {
            std::string block_key = keys::block(w, source);
            block_it->Seek(block_key);
            if (block_it->Valid() && block_it->key() == rocksdb::Slice(block_key)) {
                ColumnBlock block({block_it->value().data(), block_it->value().size()},
                                  w * kNsPerS);
                raw_it->Seek(keys::raw(w, source, block.covered_seq() + 1));
                bool tail = raw_it->Valid() && raw_it->key().starts_with(block_key);
                // A tail that continues a covered chain cannot decode on its own: the records
                // then serve the whole window.
                if (!tail ||
                    keyframe_span_s({raw_it->value().data(), raw_it->value().size()}) >= 0) {
                    if (block.max_ts_ns() >= from_ns && block.min_ts_ns() < to_ns) {
                        const std::vector<int64_t> &ts = block.ts();
                        for (const auto &[id, reads] : wanted) {
                            std::string_view column = block.column(id);
                            if (column.empty()) continue;
                            block.for_each(column, [&](size_t row, double v, uint8_t q) {
                                int64_t t = ts[row];
                                if (!going || t < from_ns || t >= to_ns) return;
                                for (size_t r : reads)
                                    if (!fn(r, t, v, q)) going = false;
                            });
                        }
                    }
                    positions.clear(); // the tail starts with a keyframe (its layout)
                    if (going && tail)
                        scan_chain_records(*raw_it, w, source, window_s, from_ns, to_ns, chain, rec,
                                           from_record, &only);
                    w += window_s;
                    continue;
                }
            }
            raw_it->Seek(keys::raw(w, source, 0));
            int64_t next = INT64_MAX; // the next window holding records or blocks
            if (raw_it->Valid()) {
                keys::RawKey k = keys::parse_raw({raw_it->key().data(), raw_it->key().size()});
                if (k.window_start_s == w) {
                    if (k.source == source) {
                        positions.clear();
                        scan_chain_records(*raw_it, w, source, window_s, from_ns, to_ns, chain, rec,
                                           from_record, &only);
                    }
                    w += window_s;
                    continue;
                }
                next = k.window_start_s;
            }
            if (block_it->Valid()) { // on the first block after (w, source)
                int64_t b =
                    ByteReader({block_it->key().data(), block_it->key().size()}).be64_signed();
                next = std::min(next, b > w ? b : w + window_s);
            }
            if (next >= to_s) break;
            w = next; // jump over windows without data
        }
        if (!going) return false;
    }
    check(raw_it->status(), "reading raw data");
    check(block_it->status(), "reading column blocks");
    return true;
}

// Every stored value of one series over [from_ns, to_ns), in time order (stable for equal
// times: the order they were appended in, within a chain).
inline std::vector<Point> series_readings(const Store::Impl &m, uint32_t source, SeriesId id,
                                          int64_t from_ns, int64_t to_ns) {
    std::vector<Point> out;
    scan_series(m, {id}, {source}, from_ns, to_ns,
                [&](size_t, int64_t ts_ns, double value, uint8_t quality) {
                    out.push_back({ts_ns, value, quality});
                    return true;
                });
    auto by_ts = [](const Point &a, const Point &b) { return a.ts_utc_ns < b.ts_utc_ns; };
    if (!std::is_sorted(out.begin(), out.end(), by_ts))
        std::stable_sort(out.begin(), out.end(), by_ts);
    return out;
}

} // namespace gs::store
