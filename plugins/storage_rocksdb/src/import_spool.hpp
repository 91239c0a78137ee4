// The import spool: how `gridscope import` hands rows to the process that holds the store
// (the running site, or the import command's own storage plugin when the site is stopped).
// One code path either way: the storage plugin ingests the spool files it finds.
//
//   folder   <store folder>.import/  (next to the store folder, not inside RocksDB's)
//   request  NAME.rows, written as NAME.tmp and renamed: a first line "gridscope-import 1",
//            then one row per line: TS_UTC_NS \t SOURCE \t CIRCUIT \t DATA \t VALUE
//   claimed  NAME.working (renamed by the plugin when it starts on it)
//   answer   NAME.result (written as NAME.result.tmp and renamed): lines "values N",
//            "buckets N", "events N", one "event ..." line per counter event, or "error TEXT"
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gs::storage {

struct SpoolRow {
    int64_t ts_utc_ns = 0;
    std::string source;
    uint32_t circuit = 0;
    std::string data;
    double value = 0;
};

struct ImportOutcome {
    uint64_t values = 0;
    uint64_t buckets = 0;            // rollup buckets updated
    std::vector<std::string> events; // "event TIME TYPE SOURCE/K: MESSAGE"
    std::string error;               // empty when the whole file was imported
};

std::string spool_folder(const std::string &store_dir);

// Reads a request file; throws std::runtime_error naming the line of a malformed row.
std::vector<SpoolRow> read_spool_rows(const std::string &path);
// Writes NAME.result for NAME.working (atomically, by rename).
void write_spool_result(const std::string &working_path, const ImportOutcome &outcome);
// The request files waiting in `folder`, oldest name first.
std::vector<std::string> pending_spool_files(const std::string &folder);
// Answers requests a crash left claimed (NAME.working without a result) with an error.
void fail_abandoned_spool_files(const std::string &folder);

} // namespace gs::storage
