// The Diagnostics page (manual §8 "Diagnosis", issue 15 item 4): what the site tells about
// itself, as one JSON document (GET /api/v1/diagnostics/report), a link's bus view
// (GET /diagnostics/bus) and the diagnostics file (GET /diagnostics/export: a zip of the
// document, the last log lines and the site file without its secrets).
//
// Free of CivetWeb and of the SDK's services: plugin.cpp binds DiagnosticsSource to the kernel's
// "gridscope.metrics/1" and the storage's services, so tests give their own.
#ifndef GS_UI_WEB_DIAGNOSTICS_HPP
#define GS_UI_WEB_DIAGNOSTICS_HPP

#include "metrics.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gs::ui {

// What the diagnostics read; an empty function leaves its part out (null).
struct DiagnosticsSource {
    // The kernel's plugins document (metrics.h, `plugins`).
    std::function<std::optional<std::string>()> plugins;
    // Each started driver's diagnostics document, with its plugin id.
    std::function<std::vector<std::pair<std::string, std::string>>()> drivers;
    // The bus view of a link (JSON), nullopt when no driver has that link.
    std::function<std::optional<std::string>(const std::string &link)> bus_trace;
    // The storage's counters and the journal cursors, as /metrics reads them.
    MetricsSources counters;
    std::string data_dir;  // the store, the logs (<data_dir>/logs/gridscope-YYYY-MM-DD.log)
    std::string site_file; // copied, without its secrets, into the diagnostics file
};

// This process as Linux tells it (/proc/self): nullopt elsewhere.
struct ProcessStats {
    double uptime_s = 0;
    double cpu_user_s = 0, cpu_system_s = 0;
    uint64_t rss_bytes = 0, virtual_bytes = 0;
    uint64_t threads = 0;
};
std::optional<ProcessStats> process_stats();

// The bytes of the regular files under `folder` (0 when it does not exist). Never throws.
uint64_t folder_bytes(const std::string &folder);

// The last `count` lines of the log files in `logs_dir` (gridscope-YYYY-MM-DD.log, the newest
// files first read), oldest line first. Never throws: no folder gives no line.
std::vector<std::string> last_log_lines(const std::string &logs_dir, size_t count);

// The whole document: {"generated_utc_ns", "global": {...}, "devices": {"sources": [...],
// "links": [...]}} (docs/api.md, "Diagnostics"). `live` is the live table's status per source,
// `site` the site document (its storage section gives the retention).
nlohmann::json diagnostics_document(const DiagnosticsSource &source, const nlohmann::json &live,
                                    const nlohmann::json &site, int64_t now_utc_ns);

// The diagnostics file: diagnostics.json (the document, with the bus view of every link),
// logs.txt (the last `log_lines` lines), site.yaml (the site file without its secrets; absent
// when it cannot be read, said in diagnostics.json's "export" member).
std::string diagnostics_zip(const DiagnosticsSource &source, nlohmann::json document,
                            size_t log_lines = 1000);

} // namespace gs::ui

#endif
