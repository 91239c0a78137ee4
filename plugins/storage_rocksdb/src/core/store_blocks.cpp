// Builds the column blocks of closed raw windows (column_block.hpp), a step of maintain().
#include "column_block.hpp"
#include "keys.hpp"
#include "store_impl.hpp"

#include <map>

namespace gs::store {
namespace {

// The blocks of every source of raw window `w` into `wb`; false when a chain of the window may
// still grow (its span reaches past now_s): the window is not closed yet.
bool blocks_of_window(rocksdb::Iterator &it, int64_t w, int64_t window_s, int64_t now_s,
                      rocksdb::ColumnFamilyHandle *blocks, rocksdb::WriteBatch &wb) {
    std::string block;
    for (it.Seek(keys::raw(w, 0, 0)); it.Valid();) {
        uint32_t source = keys::parse_raw({it.key().data(), it.key().size()}).source;
        ChainState chain;
        DecodedRecord rec;
        std::vector<int64_t> ts;
        std::map<uint32_t, ColumnInput> columns;
        uint64_t covered = 0;
        bool corrupt = false;
        for (; it.Valid(); it.Next()) {
            keys::RawKey k = keys::parse_raw({it.key().data(), it.key().size()});
            if (k.window_start_s != w || k.source != source) break;
            std::string_view value(it.value().data(), it.value().size());
            int64_t span = keyframe_span_s(value);
            if (span >= 0 && w + (span ? span : window_s) > now_s) return false;
            if (corrupt) continue;
            try {
                decode_record(chain, w * kNsPerS, value, rec);
            } catch (const CorruptData &) {
                corrupt = true; // no block: readers meet the records (and their error) as before
                continue;
            }
            auto row = static_cast<uint32_t>(ts.size());
            ts.push_back(rec.ts_ns);
            for (size_t i = 0; i < rec.ids->size(); ++i) {
                ColumnInput &c = columns[(*rec.ids)[i]];
                c.series = (*rec.ids)[i];
                c.rows.push_back(row);
                c.values.push_back(rec.values[i]);
                c.qualities.push_back(rec.qualities[i]);
            }
            covered = k.seq;
        }
        if (!corrupt && !ts.empty()) {
            std::vector<ColumnInput> list;
            list.reserve(columns.size());
            for (auto &entry : columns)
                list.push_back(std::move(entry.second));
            block.clear();
            encode_column_block(covered, w * kNsPerS, ts, list, block);
            wb.Put(blocks, keys::block(w, source), block);
        }
        if (!it.Valid() || keys::parse_raw({it.key().data(), it.key().size()}).window_start_s != w)
            break;
    }
    check(it.status(), "reading raw data");
    return true;
}

} // namespace

void build_column_blocks(Store::Impl &m, int64_t now_s, std::unique_lock<std::mutex> &lock) {
    rocksdb::ColumnFamilyHandle *blocks = m.cf(Cf::blocks);
    rocksdb::DB *db = m.db->db.get();
    if (m.blocks_until_s == kNoBucket) {
        std::string value;
        rocksdb::Status s = db->Get({}, m.cf(Cf::meta), std::string(keys::kBlocksUntil), &value);
        check(s.IsNotFound() ? rocksdb::Status::OK() : s, "reading the column block progress");
        m.blocks_until_s = s.ok() ? ByteReader(value).be64_signed() : INT64_MIN;
    }
    while (true) {
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, m.cf(Cf::raw)));
        it->Seek(keys::raw_window(m.blocks_until_s));
        if (!it->Valid()) break;
        int64_t w = keys::parse_raw({it->key().data(), it->key().size()}).window_start_s;
        rocksdb::WriteBatch wb;
        if (!blocks_of_window(*it, w, m.window_s, now_s, blocks, wb)) break;
        m.blocks_until_s = w + m.window_s;
        std::string until;
        put_be64_signed(until, m.blocks_until_s);
        wb.Put(m.cf(Cf::meta), std::string(keys::kBlocksUntil), until);
        m.write(wb);
        lock.unlock(); // appends go on between windows
        bool stop = m.interrupted;
        lock.lock();
        if (stop) break;
    }
}

} // namespace gs::store
