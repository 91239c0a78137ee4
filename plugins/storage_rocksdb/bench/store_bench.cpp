// store_bench: the RocksDB store against SQLite on the same synthetic meter data.
//   store_bench [--days N] [--circuits N] [--circuit-interval-s S] [--trend-interval-s S]
//               [--dir PATH] [--no-sqlite] [--keep] [--query-only] [--runs N]
//               [--data sim|synthetic] [--sqlite-rows-per-txn N]
//               [--query trend|history|consumption] [--maintain]
// --keep leaves the data in --dir; --query-only reopens the store kept there (same --days)
// and only times the queries, --runs times each (min and median printed, of the wall time and
// of the thread's CPU time: on a shared machine the CPU time is the figure that compares code
// versions); --query times that one query only (for a profiler); --maintain runs a
// maintenance pass (which builds the column blocks of closed raw windows) before timing.
// The ingest ends with a maintenance pass (what the daemon runs hourly): its column blocks are
// in the disk figures and the queries read them.
// Data: a "trend" meter (3 circuits x V/I/P/E, 10 of its series queried) polled every
// trend-interval-s, and circuits/50 meters of 50 circuits (200 values per poll) polled every
// circuit-interval-s, over `days` days. Prints a Markdown table.
// --data sim (default): the values gridscope-sim serves, as a SOCOMEC Digiware profile
// quantizes them (testing/sim_meter.hpp: daily load shape + gaussian noise; V/100, mA, W,
// kWh); --data synthetic: the older generator (testing/synthetic_meter.hpp: smooth
// voltages, random load jumps, 1-Wh counters).
// Ingest figures count the store only: the time spent generating the data is left out.
#include <core/calendar.hpp>
#include <core/store.hpp>
#include <sim_meter.hpp>
#include <synthetic_meter.hpp>

#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace gs::store;
using gs::store::testing::SimMeter;
using gs::store::testing::SyntheticMeter;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kStart = 1767225600; // 2026-01-01T00:00:00Z

struct Config {
    int64_t days = 3; // quick run; --days 365 for the 1-year queries
    uint32_t circuits = 200;
    int64_t circuit_interval_s = 600;
    int64_t trend_interval_s = 60;
    std::string dir = "/tmp/storage-work/bench-data";
    bool sqlite = true;
    bool keep = false;       // leave the data in `dir`
    bool query_only = false; // reopen the RocksDB store kept in `dir`, time the queries only
    int runs = 5;
    bool sim_data = true;               // --data sim | synthetic
    size_t sqlite_rows_per_txn = 10000; // --sqlite-rows-per-txn (at least 1000)
    std::string query;                  // --query: time this query only ("": all)
    bool maintain = false;              // --maintain: a maintenance pass before --query-only
};

struct Figures {
    uint64_t values = 0;
    double ingest_s = 0, cpu_s = 0;
    uint64_t bytes_written = 0;
    uint64_t disk_bytes = 0;
    uint64_t raw_disk_bytes = 0;
    double trend_ms = 0, consumption_ms = 0, history_ms = 0; // medians
    double trend_min_ms = 0, consumption_min_ms = 0, history_min_ms = 0;
    double trend_cpu_ms = 0, consumption_cpu_ms = 0, history_cpu_ms = 0; // CPU, medians
    double trend_cpu_min_ms = 0, consumption_cpu_min_ms = 0, history_cpu_min_ms = 0;
    size_t trend_points = 0, history_buckets = 0;
    double history_check = 0; // sum of every bucket's min + max + avg (compares both sides)
    uint64_t trend_hash = 0;  // of every point's time and value (compares code versions)
    double consumption_total = 0;
};

double cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

uint64_t io_write_bytes() {
    std::ifstream io("/proc/self/io");
    std::string key;
    uint64_t value;
    while (io >> key >> value)
        if (key == "write_bytes:") return value;
    return 0;
}

uint64_t dir_bytes(const fs::path &dir) {
    uint64_t total = 0;
    for (auto &e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) total += e.file_size();
    return total;
}

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A maintenance pass at the wall-clock time (past the synthetic data: every window is closed).
double maintain_s(Store &store) {
    double t0 = now_s();
    store.maintain(std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count());
    return now_s() - t0;
}

double thread_cpu_s() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Runs `fn` `runs` times; sets the minimum and the median in ms, of the wall time and (when
// given) of this thread's CPU time.
void time_ms(const std::function<void()> &fn, int runs, double &min_ms, double &median_ms,
             double *cpu_min_ms = nullptr, double *cpu_median_ms = nullptr) {
    std::vector<double> t, cpu;
    for (int i = 0; i < std::max(1, runs); ++i) {
        double t0 = now_s(), c0 = thread_cpu_s();
        fn();
        cpu.push_back((thread_cpu_s() - c0) * 1000);
        t.push_back((now_s() - t0) * 1000);
    }
    std::sort(t.begin(), t.end());
    std::sort(cpu.begin(), cpu.end());
    min_ms = t.front();
    median_ms = t[t.size() / 2];
    if (cpu_min_ms) *cpu_min_ms = cpu.front();
    if (cpu_median_ms) *cpu_median_ms = cpu[cpu.size() / 2];
}

double load_average() {
    double l = 0;
    std::ifstream("/proc/loadavg") >> l;
    return l;
}

// Generates the polls in time order and hands each batch to `sink`.
template <typename Meter>
void generate_with(const Config &c, const std::function<void(const Batch &)> &sink,
                   const std::function<void(const SeriesSpec &)> &declare) {
    Meter trend("trend", 3, 99);
    std::vector<Meter> meters;
    for (uint32_t m = 0; m * 50 < c.circuits; ++m)
        meters.emplace_back("board" + std::to_string(m),
                            std::min<uint32_t>(50, c.circuits - m * 50), m + 1);
    for (auto &s : trend.specs())
        declare(s);
    for (auto &m : meters)
        for (auto &s : m.specs())
            declare(s);
    int64_t end = kStart + c.days * 86400;
    int64_t next_trend = kStart, next_circuits = kStart;
    while (next_trend < end || next_circuits < end) {
        if (next_trend <= next_circuits && next_trend < end) {
            sink(trend.poll(next_trend * kNs, static_cast<double>(c.trend_interval_s)));
            next_trend += c.trend_interval_s;
        } else {
            for (auto &m : meters)
                sink(m.poll(next_circuits * kNs + 1'000'000,
                            static_cast<double>(c.circuit_interval_s)));
            next_circuits += c.circuit_interval_s;
        }
    }
}

// Generation time is not ingest time: `ingest_s` and `generator_cpu_s` (this thread's CPU
// outside the sink) let the caller leave it out.
void generate(const Config &c, const std::function<void(const Batch &)> &sink,
              const std::function<void(const SeriesSpec &)> &declare, double &ingest_s,
              double &generator_cpu_s) {
    double in_sink_s = 0, in_sink_cpu_s = 0;
    double cpu0 = thread_cpu_s();
    auto timed = [&](const Batch &b) {
        double t0 = now_s(), c0 = thread_cpu_s();
        sink(b);
        in_sink_cpu_s += thread_cpu_s() - c0;
        in_sink_s += now_s() - t0;
    };
    if (c.sim_data)
        generate_with<SimMeter>(c, timed, declare);
    else
        generate_with<SyntheticMeter>(c, timed, declare);
    ingest_s = in_sink_s;
    generator_cpu_s = thread_cpu_s() - cpu0 - in_sink_cpu_s;
}

// --- RocksDB store ---

void run_queries(const Config &c, Store &store, Figures &f) {
    std::vector<SeriesId> trend_ids, energy_ids;
    for (const SeriesInfo &s : store.list_series()) {
        if (s.source == "trend" && trend_ids.size() < 10) trend_ids.push_back(s.id);
        if (s.source != "trend" && s.kind == SeriesKind::counter) energy_ids.push_back(s.id);
    }
    int64_t from = kStart * kNs, to = (kStart + c.days * 86400) * kNs;
    auto timed = [&](const char *name) { return c.query.empty() || c.query == name; };
    if (timed("trend"))
        time_ms(
            [&] {
                f.trend_points = 0;
                f.trend_hash = 0;
                for (SeriesId id : trend_ids)
                    for (const Point &p : store.downsample(id, from, to, 2000)) {
                        uint64_t bits;
                        std::memcpy(&bits, &p.value, sizeof bits);
                        f.trend_hash =
                            (f.trend_hash ^ static_cast<uint64_t>(p.ts_utc_ns)) * 0x100000001b3ULL ^
                            bits;
                        ++f.trend_points;
                    }
            },
            c.runs, f.trend_min_ms, f.trend_ms, &f.trend_cpu_min_ms, &f.trend_cpu_ms);
    // The History API's query: the 10 series together, 2000 buckets of min, max and average.
    if (timed("history"))
        time_ms(
            [&] {
                f.history_buckets = 0;
                f.history_check = 0;
                for (const HistorySeries &h : store.history(trend_ids, from, to, 2000))
                    for (const HistoryBucket &b : h.buckets) {
                        ++f.history_buckets;
                        f.history_check += b.min + b.max + b.avg;
                    }
            },
            c.runs, f.history_min_ms, f.history_ms, &f.history_cpu_min_ms, &f.history_cpu_ms);
    if (timed("consumption"))
        time_ms(
            [&] {
                ConsumptionTable t =
                    store.consumption(energy_ids, ConsumptionStep::month, from, to);
                f.consumption_total = 0;
                for (double v : t.values)
                    f.consumption_total += v;
            },
            c.runs, f.consumption_min_ms, f.consumption_ms, &f.consumption_cpu_min_ms,
            &f.consumption_cpu_ms);
}

Figures run_store(const Config &c, const fs::path &dir) {
    Figures f;
    Options o;
    o.time_zone = "Europe/Paris";
    o.raw_retention_s = 0;
    o.period_retention_s = 0;
    o.hour_retention_s = 0;
    o.collect_statistics = true;
    auto store = Store::open(dir.string(), o);
    uint64_t io0 = io_write_bytes();
    double cpu0 = cpu_seconds(), generator_cpu_s = 0;
    generate(
        c,
        [&](const Batch &b) {
            store->append(b);
            f.values += b.values.size();
        },
        [&](const SeriesSpec &s) { store->declare_series(s); }, f.ingest_s, generator_cpu_s);
    double t0 = now_s();
    store->checkpoint();
    f.ingest_s += now_s() - t0;
    double maintain_cpu0 = cpu_seconds();
    double maintenance_s = maintain_s(*store);
    std::fprintf(stderr, "store: maintenance pass (column blocks) %.3f s wall, %.3f s CPU\n",
                 maintenance_s, cpu_seconds() - maintain_cpu0);
    f.cpu_s = cpu_seconds() - cpu0 - generator_cpu_s;
    StoreStats before_compaction = store->stats();
    f.bytes_written = std::max(io_write_bytes() - io0, before_compaction.bytes_written);
    std::fprintf(
        stderr, "store: written per value: WAL %.2f, flush %.2f, compaction %.2f; stalled %.1f s\n",
        double(before_compaction.wal_bytes_written) / f.values,
        double(before_compaction.flush_bytes_written) / f.values,
        double(before_compaction.compaction_bytes_written) / f.values,
        before_compaction.stall_micros / 1e6);
    store->compact();
    StoreStats st = store->stats();
    for (auto &[family, bytes] : st.sst_bytes_by_family)
        std::fprintf(stderr, "store: after compaction %-8s %.3f B/value\n", family.c_str(),
                     double(bytes) / f.values);
    f.raw_disk_bytes = st.raw_sst_bytes;
    std::fprintf(stderr,
                 "store: rocksdb bytes written (WAL+flush+compaction) during ingest %.2f B/value, "
                 "/proc/self/io %.2f B/value\n",
                 double(before_compaction.bytes_written) / f.values,
                 double(io_write_bytes() - io0) / f.values);

    run_queries(c, *store, f);
    store.reset();
    f.disk_bytes = dir_bytes(dir);
    return f;
}

// --- SQLite ---

void sql(sqlite3 *db, const char *statement) {
    char *err = nullptr;
    if (sqlite3_exec(db, statement, nullptr, nullptr, &err) != SQLITE_OK) {
        std::fprintf(stderr, "sqlite: %s: %s\n", statement, err);
        std::exit(1);
    }
}

Figures run_sqlite(const Config &c, const fs::path &dir) {
    Figures f;
    fs::create_directories(dir);
    std::string path = (dir / "samples.db").string();
    sqlite3 *db = nullptr;
    sqlite3_open(path.c_str(), &db);
    // Tuned as its users would: WAL, synchronous=NORMAL (survives a process crash), one
    // transaction per >= 1000 rows (a crash loses the open one: up to that many rows, where the
    // store loses nothing), a WITHOUT ROWID table clustered on (series, time), prepared
    // statements.
    sql(db, "PRAGMA journal_mode=WAL");
    sql(db, "PRAGMA synchronous=NORMAL");
    sql(db, "PRAGMA cache_size=-65536"); // 64 MB: the leaf pages of every series stay cached
    sql(db, "CREATE TABLE samples(series_id INTEGER, ts INTEGER, value REAL, quality INTEGER, "
            "PRIMARY KEY(series_id, ts)) WITHOUT ROWID");
    sqlite3_stmt *insert = nullptr, *begin = nullptr, *commit = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO samples VALUES(?,?,?,?)", -1, &insert, nullptr);
    sqlite3_prepare_v2(db, "BEGIN", -1, &begin, nullptr);
    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr);
    std::map<std::string, int64_t> ids;
    std::vector<int64_t> trend_ids, energy_ids;
    auto id_of = [&](const std::string &source, uint32_t circuit, const std::string &data) {
        auto [it, inserted] = ids.try_emplace(source + "/" + std::to_string(circuit) + "/" + data,
                                              static_cast<int64_t>(ids.size() + 1));
        if (inserted && source == "trend" && trend_ids.size() < 10) trend_ids.push_back(it->second);
        if (inserted && source != "trend" && data == "E") energy_ids.push_back(it->second);
        return it->second;
    };
    uint64_t io0 = io_write_bytes();
    double cpu0 = cpu_seconds(), generator_cpu_s = 0;
    size_t open_rows = 0; // rows in the open transaction
    auto commit_open = [&] {
        if (open_rows == 0) return;
        sqlite3_step(commit);
        sqlite3_reset(commit);
        open_rows = 0;
    };
    generate(
        c,
        [&](const Batch &b) {
            if (open_rows == 0) {
                sqlite3_step(begin);
                sqlite3_reset(begin);
            }
            for (const Value &v : b.values) {
                sqlite3_bind_int64(insert, 1, id_of(b.source, v.circuit, v.data));
                sqlite3_bind_int64(insert, 2, b.ts_utc_ns);
                sqlite3_bind_double(insert, 3, v.value);
                sqlite3_bind_int(insert, 4, v.quality);
                if (sqlite3_step(insert) != SQLITE_DONE) {
                    std::fprintf(stderr, "sqlite insert failed: %s\n", sqlite3_errmsg(db));
                    std::exit(1);
                }
                sqlite3_reset(insert);
            }
            open_rows += b.values.size();
            if (open_rows >= c.sqlite_rows_per_txn) commit_open();
            f.values += b.values.size();
        },
        [&](const SeriesSpec &s) { id_of(s.source, s.circuit, s.data); }, f.ingest_s,
        generator_cpu_s);
    double t0 = now_s();
    commit_open();
    sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    f.ingest_s += now_s() - t0;
    f.cpu_s = cpu_seconds() - cpu0 - generator_cpu_s;
    f.bytes_written = io_write_bytes() - io0;

    int64_t from = kStart * kNs, to = (kStart + c.days * 86400) * kNs;
    int64_t width = (to - from) / 1000;
    sqlite3_stmt *trend = nullptr, *deltas = nullptr, *history = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT (ts - ?1) / ?2 AS b, MIN(value), MAX(value), AVG(value) FROM "
                       "samples WHERE series_id = ?3 AND ts >= ?1 AND ts < ?4 AND quality = 1 "
                       "GROUP BY b",
                       -1, &history, nullptr);
    sqlite3_prepare_v2(db,
                       "SELECT (ts - ?1) / ?2 AS b, MIN(value), MAX(value) FROM samples "
                       "WHERE series_id = ?3 AND ts >= ?1 AND ts < ?4 AND quality = 1 GROUP BY b",
                       -1, &trend, nullptr);
    sqlite3_prepare_v2(db,
                       "SELECT ts, value - LAG(value) OVER (ORDER BY ts) FROM samples "
                       "WHERE series_id = ?1 AND ts >= ?2 AND ts < ?3",
                       -1, &deltas, nullptr);
    // Both bucket queries take ?1 from, ?2 bucket width, ?3 series, ?4 to.
    auto bind_buckets = [&](sqlite3_stmt *stmt, int64_t id, int64_t bucket_width) {
        sqlite3_bind_int64(stmt, 1, from);
        sqlite3_bind_int64(stmt, 2, bucket_width);
        sqlite3_bind_int64(stmt, 3, id);
        sqlite3_bind_int64(stmt, 4, to);
    };
    time_ms(
        [&] {
            f.trend_points = 0;
            for (int64_t id : trend_ids) {
                bind_buckets(trend, id, width);
                while (sqlite3_step(trend) == SQLITE_ROW)
                    f.trend_points += 2;
                sqlite3_reset(trend);
            }
        },
        c.runs, f.trend_min_ms, f.trend_ms);
    int64_t history_width = (to - from + 1999) / 2000;
    time_ms(
        [&] {
            f.history_buckets = 0;
            f.history_check = 0;
            for (int64_t id : trend_ids) {
                bind_buckets(history, id, history_width);
                while (sqlite3_step(history) == SQLITE_ROW) {
                    ++f.history_buckets;
                    f.history_check += sqlite3_column_double(history, 1) +
                                       sqlite3_column_double(history, 2) +
                                       sqlite3_column_double(history, 3);
                }
                sqlite3_reset(history);
            }
        },
        c.runs, f.history_min_ms, f.history_ms);
    gs::store::Calendar paris("Europe/Paris");
    std::vector<int64_t> month_starts;
    for (gs::store::Span s = paris.month(kStart); s.start_s * kNs < to; s = paris.month(s.end_s))
        month_starts.push_back(s.start_s * kNs);
    time_ms(
        [&] {
            f.consumption_total = 0;
            std::vector<double> per_month(month_starts.size());
            for (int64_t id : energy_ids) {
                sqlite3_bind_int64(deltas, 1, id);
                sqlite3_bind_int64(deltas, 2, month_starts.front());
                sqlite3_bind_int64(deltas, 3, to);
                while (sqlite3_step(deltas) == SQLITE_ROW) {
                    int64_t ts = sqlite3_column_int64(deltas, 0);
                    size_t m = std::upper_bound(month_starts.begin(), month_starts.end(), ts) -
                               month_starts.begin() - 1;
                    per_month[m] += sqlite3_column_double(deltas, 1);
                }
                sqlite3_reset(deltas);
            }
            for (double v : per_month)
                f.consumption_total += v;
        },
        std::min(3, c.runs), f.consumption_min_ms, f.consumption_ms);
    sqlite3_finalize(trend);
    sqlite3_finalize(history);
    sqlite3_finalize(deltas);
    sqlite3_finalize(insert);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sql(db, "VACUUM");
    sqlite3_close(db);
    f.disk_bytes = dir_bytes(dir);
    return f;
}

void print_table(const Config &c, const Figures &s, const Figures *q) {
    auto col = [&](const char *name, const std::function<std::string(const Figures &)> &fmt) {
        std::printf("| %s | %s | %s |\n", name, fmt(s).c_str(), q ? fmt(*q).c_str() : "-");
    };
    auto num = [](const char *format, double v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, format, v);
        return std::string(buf);
    };
    std::printf("\nDataset (%s): %lld days; trend meter 12 series every %llds; %u circuits x 4 "
                "series every %llds\n\n",
                c.sim_data ? "simulator-like: gridscope-sim load model, Digiware quantization"
                           : "synthetic generator",
                static_cast<long long>(c.days), static_cast<long long>(c.trend_interval_s),
                c.circuits, static_cast<long long>(c.circuit_interval_s));
    std::printf("Load average (1 min) at the end: %.2f\n\n", load_average());
    std::printf("| metric | RocksDB store | SQLite (WAL, synchronous=NORMAL, txn per %zu rows, "
                "WITHOUT ROWID (series, ts), 64 MB cache) |\n|---|---|---|\n",
                c.sqlite_rows_per_txn);
    col("values ingested", [&](const Figures &f) { return num("%.0f", double(f.values)); });
    col("ingest values/s", [&](const Figures &f) { return num("%.0f", f.values / f.ingest_s); });
    col("CPU per value (us, all threads)",
        [&](const Figures &f) { return num("%.3f", f.cpu_s * 1e6 / f.values); });
    col("bytes written per value (ingest)",
        [&](const Figures &f) { return num("%.2f", double(f.bytes_written) / f.values); });
    col("disk bytes per value (compacted, all data)",
        [&](const Figures &f) { return num("%.2f", double(f.disk_bytes) / f.values); });
    std::printf("| disk bytes per value, raw samples only | %.2f | - |\n",
                double(s.raw_disk_bytes) / s.values);
    col("trend: 10 series x whole period -> 2000 pts each (ms, min / median)",
        [&](const Figures &f) {
            return num("%.2f", f.trend_min_ms) + " / " + num("%.2f", f.trend_ms);
        });
    col("points returned (10 series)",
        [&](const Figures &f) { return num("%.0f", double(f.trend_points)); });
    col("history: 10 series x whole period -> 2000 buckets [min, max, avg] each (ms, min / "
        "median)",
        [&](const Figures &f) {
            return num("%.2f", f.history_min_ms) + " / " + num("%.2f", f.history_ms);
        });
    col("history buckets (sum of min+max+avg)", [&](const Figures &f) {
        return num("%.0f", double(f.history_buckets)) + " (" + num("%.6g", f.history_check) + ")";
    });
    col("monthly consumption, all circuits (ms, min / median)", [&](const Figures &f) {
        return num("%.2f", f.consumption_min_ms) + " / " + num("%.2f", f.consumption_ms);
    });
    col("sum of consumption (check)",
        [&](const Figures &f) { return num("%.0f", f.consumption_total); });
}

} // namespace

int main(int argc, char **argv) {
    Config c;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&] {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "missing value after %s\n", a.c_str());
                std::exit(2);
            }
            return std::string(argv[++i]);
        };
        if (a == "--days")
            c.days = std::stoll(next());
        else if (a == "--circuits")
            c.circuits = static_cast<uint32_t>(std::stoul(next()));
        else if (a == "--circuit-interval-s")
            c.circuit_interval_s = std::stoll(next());
        else if (a == "--trend-interval-s")
            c.trend_interval_s = std::stoll(next());
        else if (a == "--dir")
            c.dir = next();
        else if (a == "--no-sqlite")
            c.sqlite = false;
        else if (a == "--keep")
            c.keep = true;
        else if (a == "--query-only")
            c.query_only = true;
        else if (a == "--maintain")
            c.maintain = true;
        else if (a == "--data") {
            std::string d = next();
            if (d != "sim" && d != "synthetic") {
                std::fprintf(stderr, "--data is sim or synthetic\n");
                return 2;
            }
            c.sim_data = d == "sim";
        } else if (a == "--runs")
            c.runs = std::stoi(next());
        else if (a == "--query") {
            c.query = next();
            if (c.query != "trend" && c.query != "history" && c.query != "consumption") {
                std::fprintf(stderr, "--query is trend, history or consumption\n");
                return 2;
            }
        } else if (a == "--sqlite-rows-per-txn")
            c.sqlite_rows_per_txn = std::max<size_t>(1000, std::stoul(next()));
        else {
            std::fprintf(stderr,
                         "usage: store_bench [--days N] [--circuits N] [--circuit-interval-s S] "
                         "[--trend-interval-s S] [--dir PATH] [--no-sqlite] [--keep] "
                         "[--query-only] [--runs N] [--data sim|synthetic] "
                         "[--sqlite-rows-per-txn N] [--query trend|history|consumption] "
                         "[--maintain]\n");
            return 2;
        }
    }
    if (c.query_only) {
        Options o;
        o.time_zone = "Europe/Paris";
        o.raw_retention_s = 0;
        o.period_retention_s = 0;
        o.hour_retention_s = 0;
        auto store = Store::open((fs::path(c.dir) / "rocksdb").string(), o);
        if (c.maintain)
            std::fprintf(stderr, "maintenance pass (column blocks): %.3f s\n", maintain_s(*store));
        Figures f;
        double load_before = load_average();
        run_queries(c, *store, f);
        std::printf(
            "query only (%s, %d runs, load average %.2f before, %.2f after): trend %.2f ms min, "
            "%.2f ms median, CPU %.2f / %.2f ms (%zu points, hash %016llx); history %.2f ms min, "
            "%.2f ms median, CPU %.2f / %.2f ms (%zu buckets, check %.6g); monthly consumption "
            "%.2f ms min, %.2f ms median, CPU %.2f / %.2f ms (sum %.0f)\n",
            c.dir.c_str(), c.runs, load_before, load_average(), f.trend_min_ms, f.trend_ms,
            f.trend_cpu_min_ms, f.trend_cpu_ms, f.trend_points,
            static_cast<unsigned long long>(f.trend_hash), f.history_min_ms, f.history_ms,
            f.history_cpu_min_ms, f.history_cpu_ms, f.history_buckets, f.history_check,
            f.consumption_min_ms, f.consumption_ms, f.consumption_cpu_min_ms, f.consumption_cpu_ms,
            f.consumption_total);
        return 0;
    }
    fs::remove_all(c.dir);
    Figures store = run_store(c, fs::path(c.dir) / "rocksdb");
    Figures lite;
    if (c.sqlite) lite = run_sqlite(c, fs::path(c.dir) / "sqlite");
    print_table(c, store, c.sqlite ? &lite : nullptr);
    if (!c.keep) fs::remove_all(c.dir);
    return 0;
}
