// Random access to raw records by (window, source, seq) for readers that walk the journal in
// sequence order: each chain is decoded incrementally and kept, so reading N records of a
// chain in order costs N decodes, not N^2.
#pragma once

#include "record_codec.hpp"

#include <rocksdb/db.h>

#include <map>
#include <memory>
#include <utility>

namespace gs::store {

class ChainReader {
public:
    // `snapshot` (optional) must outlive the reader.
    ChainReader(rocksdb::DB *db, rocksdb::ColumnFamilyHandle *raw,
                const rocksdb::Snapshot *snapshot = nullptr);

    // The decoded record, or nullptr when it no longer exists (dropped by retention).
    // Valid until the next call.
    const DecodedRecord *fetch(int64_t window_start_s, uint32_t source, uint64_t seq);

private:
    struct Chain {
        ChainState state;
        bool has_record = false;
        uint64_t last_seq = 0;
        DecodedRecord record;
    };
    std::unique_ptr<rocksdb::Iterator> it_;
    std::map<std::pair<int64_t, uint32_t>, Chain> chains_;
};

} // namespace gs::store
