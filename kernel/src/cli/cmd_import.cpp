// gridscope import --config FILE [--data-dir DIR] --csv FILE
// Loads historical samples (CSV header `time,source,circuit,data,value`, times ISO 8601 with an
// offset or Z) through the storage plugin's normal ingest path, rollups included. Rows naming
// an unknown source, circuit or data are reported with their line numbers and skipped. Refuses
// (clear message, nothing touched) while the site runs: the store has one writer. Counter
// resets and rollovers the store detects are published by the storage plugin and stored
// through the event bus as in `gridscope run`; import then lists the stored ones
// ("event TIME counter.reset SOURCE/K: MESSAGE").
#include "cli/store_access.hpp"
#include "cli/time_text.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

namespace gs::kernel {

namespace {

std::vector<std::string> split_csv(const std::string &line) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) {
        while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' '))
            cell.pop_back();
        out.push_back(cell);
    }
    return out;
}

} // namespace

int cmd_import(int argc, char **argv) {
    auto options = CommonOptions::value_options();
    options.insert({"--config", "--data-dir", "--csv"});
    Args args(argc, argv, 2, options, {});
    std::string file = args.required("--config");
    std::string csv_path = args.required("--csv");
    std::ifstream csv(csv_path);
    if (!csv) {
        std::cerr << "gridscope import: cannot read " << csv_path << "\n";
        return 1;
    }
    csv.seekg(0, std::ios::end);
    auto total_bytes = static_cast<double>(csv.tellg());
    csv.seekg(0);

    StoreAccess store;
    try {
        open_store(store, args, file, false);
    } catch (const ConfigFailure &f) {
        std::cerr << f.diagnostics().str();
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "gridscope import: " << e.what() << "\n";
        return 1;
    }
    const SiteModel &site = store.runtime->site();
    const gs_storage_vtable *vt = store.storage->plugin->storage();
    bool bar = isatty(STDERR_FILENO);

    std::string line;
    size_t line_no = 1, imported = 0, skipped = 0;
    int64_t first_ts = INT64_MAX, last_ts = INT64_MIN;
    if (!std::getline(csv, line) ||
        split_csv(line) != std::vector<std::string>{"time", "source", "circuit", "data", "value"}) {
        std::cerr << "gridscope import: " << csv_path
                  << ":1: the header must be time,source,circuit,data,value\n";
        return 1;
    }
    OwnedBatch batch;
    auto flush = [&]() -> bool {
        if (batch.values.empty()) return true;
        BatchView view(batch);
        gs_status st = vt->append_samples(store.storage->handle, &view.get());
        if (st != GS_OK) {
            std::cerr << "gridscope import: the store refused a batch: "
                      << store.storage->host->take_error("status " + std::to_string(st)) << "\n";
            return false;
        }
        imported += batch.values.size();
        batch.values.clear();
        return true;
    };
    auto skip = [&](const std::string &why) {
        ++skipped;
        std::cerr << csv_path << ":" << line_no << ": " << why << "; row skipped\n";
    };
    while (std::getline(csv, line)) {
        ++line_no;
        if (line.empty() || line == "\r") continue;
        auto cells = split_csv(line);
        if (cells.size() != 5) {
            skip("expected 5 columns, found " + std::to_string(cells.size()));
            continue;
        }
        auto ts = parse_time(cells[0], site.timezone);
        if (!ts) {
            skip("bad time '" + cells[0] + "'");
            continue;
        }
        const Source *source = site.find_source(cells[1]);
        if (!source) {
            skip("unknown source '" + cells[1] + "'");
            continue;
        }
        char *end = nullptr;
        unsigned long circuit = std::strtoul(cells[2].c_str(), &end, 10);
        bool circuit_ok = !cells[2].empty() && !*end && circuit >= 1;
        bool known_circuit = false;
        for (const auto &c : source->circuits)
            known_circuit = known_circuit || c.index == circuit;
        if (!circuit_ok || !known_circuit) {
            skip("source '" + cells[1] + "' has no circuit '" + cells[2] + "'");
            continue;
        }
        if (!site.catalog.find(cells[3])) {
            skip("unknown data '" + cells[3] + "'");
            continue;
        }
        double value = std::strtod(cells[4].c_str(), &end);
        if (cells[4].empty() || *end) {
            skip("bad value '" + cells[4] + "'");
            continue;
        }
        if (!batch.values.empty() && (batch.ts_utc_ns != *ts || batch.source != cells[1]) &&
            !flush())
            return 1;
        batch.source = cells[1];
        batch.ts_utc_ns = *ts;
        first_ts = std::min(first_ts, *ts);
        last_ts = std::max(last_ts, *ts);
        batch.values.push_back(
            {static_cast<uint32_t>(circuit), cells[3], value, GS_QUALITY_GOOD, 0});
        if (bar && line_no % 5000 == 0) {
            double done = total_bytes > 0 ? static_cast<double>(csv.tellg()) / total_bytes : 0;
            int width = 40, filled = static_cast<int>(done * width);
            std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ')
                      << "] " << static_cast<int>(done * 100) << "% " << imported << " values"
                      << std::flush;
        }
    }
    if (!flush()) return 1;
    if (bar) std::cerr << "\r\033[K";
    // Counter resets and rollovers found by the store went through the event bus into the
    // store; stopping drains the bus. They are then read back and listed.
    store.runtime->stop();
    std::cout << "gridscope import: " << imported << " values imported, " << skipped
              << " rows skipped\n";
    if (imported == 0) return 0;
    StoreAccess check;
    try {
        open_store(check, args, file, false);
    } catch (const std::exception &e) {
        std::cerr << "gridscope import: cannot reopen the store to list its events: " << e.what()
                  << "\n";
        return 1;
    }
    for (const char *type : {"counter.reset", "counter.rollover"}) {
        gs_event_query q{};
        q.struct_size = sizeof q;
        q.from_utc_ns = first_ts;
        q.to_utc_ns = last_ts + 1;
        q.type = type;
        auto print = [](void *, const gs_event_record *r) -> gs_status {
            std::cout << "event " << format_utc(r->event.ts_utc_ns) << " " << r->event.type << " "
                      << (r->event.source ? r->event.source : "") << "/" << r->event.circuit << ": "
                      << (r->event.message ? r->event.message : "") << "\n";
            return GS_OK;
        };
        check.query->events(check.query->context, &q, print, nullptr);
    }
    check.runtime->stop();
    return 0;
}

} // namespace gs::kernel
