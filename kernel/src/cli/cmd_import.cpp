// gridscope import --config FILE [--data-dir DIR] --csv FILE
// Loads historical samples (CSV header `time,source,circuit,data,value`, times ISO 8601 with an
// offset or Z) through the storage plugin's normal ingest path, rollups included; data older
// than what is stored (a backfill) updates every rollup it touches. Rows naming an unknown
// source, circuit or data are reported with their line numbers and skipped; so are rows the
// circuit's models do not store (a data in no model of the circuit, or only in models with
// `history: false`, or a disabled source or circuit), told once per series with their count.
// The checked rows go to the store's import spool (the storage plugin's import spool)
// and the process that holds the store ingests them: the running site when it runs, else the
// storage plugin this command starts. Either way import then says what was done: values
// imported, rows skipped, rollup buckets updated and the counter resets/rollovers found
// ("event TIME counter.reset SOURCE/K: MESSAGE"), which are also stored as events.
#include "cli/store_access.hpp"
#include "cli/time_text.hpp"
#include "site/collected.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

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

namespace fs = std::filesystem;

// A spool request name unique to this import.
std::string request_name() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return "import-" +
           std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()) + "-" +
           std::to_string(getpid());
}

// Why a value of `data` on `circuit` of `source` is not stored (keeps_history said no).
std::string not_stored_reason(const SiteModel &site, const Source &source, uint32_t circuit,
                              const std::string &data) {
    if (!source.enabled) return "the source is disabled (enabled: false)";
    for (const auto &c : source.circuits)
        if (c.index == circuit && !c.enabled) return "the circuit is disabled (enabled: false)";
    if (!collects(site, source, circuit, data))
        return "the data is in no model of the circuit (or is disabled)";
    return "the data is only in models with history: false";
}

enum class Handoff { answered, not_picked_up, timed_out };

// Waits for the answer to `base`.rows: bounded while nobody claims it (then withdrawn), and by
// `work_limit` once claimed.
Handoff wait_for_result(const std::string &base, std::chrono::seconds pickup_limit,
                        std::chrono::seconds work_limit) {
    auto start = std::chrono::steady_clock::now();
    bool claimed = false;
    while (true) {
        if (fs::exists(base + ".result")) return Handoff::answered;
        claimed = claimed || !fs::exists(base + ".rows");
        auto waited = std::chrono::steady_clock::now() - start;
        if (!claimed && waited > pickup_limit) {
            std::error_code ec;
            fs::rename(base + ".rows", base + ".withdrawn", ec); // fails if claimed meanwhile
            if (!ec) {
                fs::remove(base + ".withdrawn", ec);
                return Handoff::not_picked_up;
            }
            claimed = true;
        }
        if (claimed && waited > pickup_limit + work_limit) return Handoff::timed_out;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
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
        prepare_store(store, args, file, false);
    } catch (const ConfigFailure &f) {
        std::cerr << f.diagnostics().str();
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "gridscope import: " << e.what() << "\n";
        return 1;
    }
    const SiteModel &site = store.runtime->site();
    bool bar = isatty(STDERR_FILENO);

    std::string spool;
    try {
        spool = import_spool_folder(store);
    } catch (const std::exception &e) {
        std::cerr << "gridscope import: " << e.what() << "\n";
        return 1;
    }
    std::error_code ec;
    fs::create_directories(spool, ec);
    std::string base = (fs::path(spool) / request_name()).string();
    std::ofstream rows(base + ".tmp", std::ios::trunc);
    if (ec || !rows) {
        std::cerr << "gridscope import: cannot write the import spool " << spool << "\n";
        return 1;
    }
    rows << "gridscope-import 1\n";
    char number[32];

    std::string line;
    size_t line_no = 1, checked = 0, skipped = 0;
    // Rows the circuits' models do not store, by series: told once each, with the count.
    struct NotStored {
        size_t rows = 0, first_line = 0;
        std::string why;
    };
    std::map<std::string, NotStored> not_stored;
    if (!std::getline(csv, line) ||
        split_csv(line) != std::vector<std::string>{"time", "source", "circuit", "data", "value"}) {
        std::cerr << "gridscope import: " << csv_path
                  << ":1: the header must be time,source,circuit,data,value\n";
        rows.close();
        fs::remove(base + ".tmp", ec);
        return 1;
    }
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
        // The circuit's models decide what is stored, as for polled values (site/collected).
        if (!keeps_history(site, *source, static_cast<uint32_t>(circuit), cells[3])) {
            ++skipped;
            auto &kept = not_stored[cells[1] + "/" + cells[2] + " " + cells[3]];
            if (!kept.rows++) {
                kept.first_line = line_no;
                kept.why =
                    not_stored_reason(site, *source, static_cast<uint32_t>(circuit), cells[3]);
            }
            continue;
        }
        double value = std::strtod(cells[4].c_str(), &end);
        if (cells[4].empty() || *end) {
            skip("bad value '" + cells[4] + "'");
            continue;
        }
        std::snprintf(number, sizeof number, "%.17g", value);
        rows << *ts << '\t' << cells[1] << '\t' << circuit << '\t' << cells[3] << '\t' << number
             << '\n';
        ++checked;
        if (bar && line_no % 5000 == 0) {
            double done = total_bytes > 0 ? static_cast<double>(csv.tellg()) / total_bytes : 0;
            int width = 40, filled = static_cast<int>(done * width);
            std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ')
                      << "] " << static_cast<int>(done * 100) << "% " << checked << " rows checked"
                      << std::flush;
        }
    }
    if (bar) std::cerr << "\r\033[K";
    size_t by_models = 0;
    for (const auto &[series, n] : not_stored) {
        by_models += n.rows;
        std::cerr << csv_path << ":" << n.first_line << ": " << series << ": " << n.why << "; "
                  << n.rows << " row(s) skipped\n";
    }
    rows.close();
    if (!rows) {
        std::cerr << "gridscope import: cannot write the import spool " << spool << "\n";
        return 1;
    }
    fs::rename(base + ".tmp", base + ".rows", ec);
    if (ec) {
        std::cerr << "gridscope import: cannot queue the import in " << spool << ": "
                  << ec.message() << "\n";
        return 1;
    }

    // Whoever holds the store ingests the request: this command's storage plugin, or the
    // running site's when the store is in use.
    bool own = true;
    try {
        start_store(store);
    } catch (const StoreInUse &) {
        own = false;
        std::cerr << "gridscope import: the site is running; its storage plugin imports the "
                     "rows\n";
    } catch (const std::exception &e) {
        fs::remove(base + ".rows", ec);
        std::cerr << "gridscope import: " << e.what() << "\n";
        return 1;
    }
    auto work_limit = std::chrono::seconds(300 + checked / 100); // a stuck holder, not a slow one
    Handoff h = wait_for_result(base, std::chrono::seconds(own ? 60 : 15), work_limit);
    if (own) store.runtime->stop(); // drains the event bus: counter events are stored
    if (h == Handoff::not_picked_up) {
        std::cerr << "gridscope import: the process holding the store did not pick up the import "
                     "(does its storage plugin have the import spool?); nothing imported\n";
        return 1;
    }
    if (h == Handoff::timed_out) {
        std::cerr << "gridscope import: no answer after " << work_limit.count()
                  << " s; the import goes on in the process holding the store (" << base
                  << ".result will tell)\n";
        return 1;
    }
    std::ifstream answer(base + ".result");
    std::string error, events_text;
    uint64_t values = 0, buckets = 0, events = 0;
    for (std::string l; std::getline(answer, l);) {
        std::istringstream in(l);
        std::string key;
        in >> key;
        if (key == "values")
            in >> values;
        else if (key == "buckets")
            in >> buckets;
        else if (key == "events")
            in >> events;
        else if (key == "event")
            events_text += l + "\n";
        else if (key == "error")
            error = l.substr(6);
    }
    answer.close();
    fs::remove(base + ".result", ec);
    std::cout << "gridscope import: " << values << " values imported, " << skipped
              << " rows skipped"
              << (by_models
                      ? " (" + std::to_string(by_models) + " not stored by the circuits' models)"
                      : std::string())
              << ", " << buckets << " rollup buckets updated, " << events << " counter events"
              << (own ? "" : " (through the running site)") << "\n"
              << events_text;
    if (!error.empty()) {
        std::cerr << "gridscope import: " << error << "\n";
        return 1;
    }
    return 0;
}

} // namespace gs::kernel
