#include "db.hpp"

#include "types.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace gs::store {
namespace {

const char *const kCfNames[] = {"default", "series", "raw",    "journal",
                                "rollup",  "state",  "events", "blocks"};

rocksdb::ColumnFamilyOptions cf_options(Cf cf, const Options &options,
                                        const std::shared_ptr<rocksdb::Cache> &cache) {
    rocksdb::ColumnFamilyOptions o;
    bool big = cf == Cf::raw || cf == Cf::rollup || cf == Cf::journal || cf == Cf::blocks;
    o.write_buffer_size = cf == Cf::raw ? options.memtable_bytes
                          : big         ? options.memtable_bytes / 2
                                        : 4ull << 20;
    o.max_write_buffer_number = 3;
    o.level_compaction_dynamic_level_bytes = true;
    o.target_file_size_base = 32ull << 20;
    o.max_bytes_for_level_base = 128ull << 20;
    // Raw records are already entropy-coded: LZ4 while data is young, ZSTD at the bottom where
    // it stays, which also shrinks the repetitive keys.
    o.compression = rocksdb::kLZ4Compression;
    o.bottommost_compression = rocksdb::kZSTD;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.block_size = 16 * 1024;
    table.format_version = 5;
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    return o;
}

} // namespace

namespace {
StoreErrc code_of(const rocksdb::Status &status) {
    // RocksDB has no code for a LOCK file held by another process: its I/O error names the lock.
    if (status.IsIOError() && status.ToString().find("lock") != std::string::npos)
        return StoreErrc::in_use;
    if (status.IsPathNotFound()) return StoreErrc::no_store;
    return StoreErrc::failed;
}
} // namespace

void check(const rocksdb::Status &status, const char *what) {
    if (!status.ok())
        throw StoreError(std::string(what) + ": " + status.ToString(), code_of(status));
}

Db::~Db() {
    if (db) {
        for (auto *h : handles)
            if (h) db->DestroyColumnFamilyHandle(h);
        handles.clear();
        if (!secondary) db->Close();
        db.reset();
    }
    if (!secondary_dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(secondary_dir, ec);
    }
}

std::unique_ptr<Db> open_db(const std::string &dir, const Options &options, bool secondary) {
    auto out = std::make_unique<Db>();
    out->secondary = secondary;
    auto cache = rocksdb::NewLRUCache(32ull << 20);

    rocksdb::DBOptions db_options;
    db_options.create_if_missing = !secondary;
    db_options.create_missing_column_families = !secondary;
    db_options.max_background_jobs = options.background_jobs;
    db_options.max_subcompactions = 1;
    db_options.max_total_wal_size = 4 * options.memtable_bytes;
    db_options.write_buffer_manager =
        std::make_shared<rocksdb::WriteBufferManager>(3 * options.memtable_bytes);
    db_options.keep_log_file_num = 2;
    db_options.max_log_file_size = 1 << 20;
    db_options.info_log_level = rocksdb::WARN_LEVEL;
    db_options.bytes_per_sync = 1 << 20;
    if (options.collect_statistics) {
        out->statistics = rocksdb::CreateDBStatistics();
        db_options.statistics = out->statistics;
    }

    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (size_t i = 0; i < static_cast<size_t>(Cf::count); ++i)
        descriptors.emplace_back(kCfNames[i], cf_options(static_cast<Cf>(i), options, cache));

    rocksdb::DB *raw_db = nullptr;
    rocksdb::Status status;
    if (secondary) {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "gs-store-secondary-XXXXXX").string();
        if (!mkdtemp(tmpl.data()))
            throw StoreError("cannot create a scratch directory for the secondary instance");
        out->secondary_dir = tmpl;
        // Checked here: RocksDB says "does not exist" with no code of its own.
        std::error_code ec;
        if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec))
            throw StoreError(dir + " does not exist or holds no store", StoreErrc::no_store);
        db_options.max_open_files = -1; // required by secondary instances
        // A store written before a column family existed lacks it: opened without, its handle
        // stays null (readers then do without, e.g. column blocks).
        std::vector<std::string> existing;
        check(rocksdb::DB::ListColumnFamilies(db_options, dir, &existing),
              "opening the store read-only");
        std::vector<rocksdb::ColumnFamilyDescriptor> present;
        std::vector<size_t> index;
        for (size_t i = 0; i < descriptors.size(); ++i)
            if (std::find(existing.begin(), existing.end(), descriptors[i].name) !=
                existing.end()) {
                present.push_back(descriptors[i]);
                index.push_back(i);
            }
        std::vector<rocksdb::ColumnFamilyHandle *> opened;
        status = rocksdb::DB::OpenAsSecondary(db_options, dir, out->secondary_dir, present, &opened,
                                              &raw_db);
        out->handles.assign(descriptors.size(), nullptr);
        for (size_t i = 0; i < opened.size(); ++i)
            out->handles[index[i]] = opened[i];
    } else {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec); // RocksDB only creates the last level
        status = rocksdb::DB::Open(db_options, dir, descriptors, &out->handles, &raw_db);
    }
    check(status, secondary ? "opening the store read-only" : "opening the store");
    out->db.reset(raw_db);
    return out;
}

} // namespace gs::store
