// The RocksDB instance: column families and the options tuned for a small edge box on flash.
#pragma once

#include "options.hpp"

#include <rocksdb/db.h>
#include <rocksdb/statistics.h>

#include <memory>
#include <string>
#include <vector>

namespace gs::store {

// blocks: column blocks derived from closed raw windows (column_block.hpp); absent (null handle)
// in a read-only instance of a store written before they existed.
enum class Cf { meta, series, raw, journal, rollup, state, events, blocks, count };

struct Db {
    std::unique_ptr<rocksdb::DB> db;
    std::vector<rocksdb::ColumnFamilyHandle *> handles; // indexed by Cf
    std::shared_ptr<rocksdb::Statistics> statistics;
    std::string secondary_dir; // scratch dir of a secondary instance, removed on close
    bool secondary = false;

    rocksdb::ColumnFamilyHandle *cf(Cf c) const { return handles[static_cast<size_t>(c)]; }
    ~Db();
};

// Primary (read-write) or secondary (read-only follower of a running primary).
std::unique_ptr<Db> open_db(const std::string &dir, const Options &options, bool secondary);

// Throws StoreError with `what` and the status text unless ok.
void check(const rocksdb::Status &status, const char *what);

} // namespace gs::store
