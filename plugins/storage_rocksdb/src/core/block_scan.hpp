// Reading several series from the column blocks of closed raw windows (column_block.hpp), and
// from the raw records where a window has no block (open windows, stores written before
// blocks) or records the block does not cover (late data).
#pragma once

#include "column_block.hpp"
#include "raw_scan.hpp"

#include <map>

namespace gs::store {

// As scan_series (same values in the same order for each r; the order between different r is
// not kept), reading column blocks where they serve.
template <typename Fn>
inline bool scan_series_columns(const Store::Impl &m, const std::vector<SeriesId> &ids,
                                const std::vector<uint32_t> &sources, int64_t from_ns,
                                int64_t to_ns, Fn &&fn) {
    if (!m.cf(Cf::blocks)) return scan_series(m, ids, sources, from_ns, to_ns, fn);
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

} // namespace gs::store
