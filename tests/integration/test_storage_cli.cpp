// Storage end to end through the CLI: `gridscope import` feeds a known dataset through the
// storage plugin's ingest path; `gridscope query` gives series, points and consumption, with
// day buckets in local time across both daylight-saving changes of Europe/Paris and a meter
// reset (stored as a counter.reset event, which import lists). The bucket rule checked against
// a brute-force reference (every day and month = index(end) - index(start)) for a 15-minute
// history imported into a fresh store, into a store that already holds newer live data, and
// into a running site (import goes through it); query works while the site runs.
#include "../../plugins/storage_rocksdb/testing/index_reference.hpp"
#include "../support/iso_offset_time.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <thread>

using gs::store::testing::IndexReading;
using gs::store::testing::IndexReference;
using gs::test::Process;
using gs::test::run;
using gs::test::utc_ns_of;
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;

struct Fixture {
    std::filesystem::path dir;
    std::string site, data, csv;
    // `sources`: the site file's sources section (default: m1, whose models keep its energy
    // and voltages).
    explicit Fixture(const std::string &name, const std::string &sources = kSources)
        : dir(std::filesystem::path(GS_TEST_TMP) / name) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        site = (dir / "site.yaml").string();
        data = (dir / "data").string();
        csv = (dir / "history.csv").string();
        std::ofstream(site) << "site: {name: Store test, timezone: Europe/Paris}\n" + sources +
                                   "plugins:\n  storage_rocksdb: {}\n";
    }
    static constexpr const char *kSources =
        "sources:\n"
        "  - {name: m1, profile: examples/virtual-meter, period_ms: 1000,\n"
        "     circuits: [{index: 1, models: [metered_energy, metrology]}]}\n";
};

// Hourly readings of an energy counter growing by 1000 Wh an hour, from `first` (a UTC epoch
// second) for `hours` hours; a meter reset to 500 Wh at `reset_at` if given.
void write_hours(std::ofstream &out, int64_t first, int hours, int64_t reset_at, double &value) {
    for (int h = 0; h < hours; ++h) {
        int64_t t = first + h * 3600;
        value = t == reset_at ? 500 : value + 1000;
        char stamp[32];
        time_t tt = t;
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
        out << stamp << ",m1,1,IEaPInst," << value << "\n";
        out << stamp << ",m1,1,IV1Inst," << 230 + h % 3 << "\n";
    }
}
constexpr int64_t kNs = 1'000'000'000;

// The issue's example: a 15-minute index of m1/1 from 2026-03-01 to 2026-12-01 in
// Europe/Paris (both DST changes), the meter replaced on 2026-06-15 at 10:07:30 local (the new
// meter's first reading, 12 Wh, is off the 15-minute grid). Returns the readings.
std::vector<IndexReading> write_paris_history(const std::string &csv) {
    std::ofstream out(csv);
    out << "time,source,circuit,data,value\n";
    std::vector<IndexReading> readings;
    const int64_t first = 1772319600, end = 1796079600, replaced = 1781510850;
    std::mt19937_64 rng(12);
    std::uniform_int_distribution<int64_t> use(0, 3000);
    int64_t value = 5'000'000;
    auto row = [&](int64_t t, int64_t v) {
        char stamp[32];
        time_t tt = t;
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
        out << stamp << ",m1,1,IEaPInst," << v << "\n";
        readings.push_back({t * kNs, v});
    };
    for (int64_t t = first; t <= end; t += 900) {
        if (t > replaced && t - 900 < replaced) row(replaced, value = 12);
        row(t, value += use(rng));
    }
    return readings;
}

struct Bucket {
    int64_t start_ns, end_ns;
    double value;
};

std::vector<Bucket> consumption(const Fixture &f, const std::string &bucket,
                                const std::string &from, const std::string &to) {
    auto q =
        run({kBin, "query", "--config", f.site, "--data-dir", f.data, "--consumption", "--circuit",
             "m1/1", "--bucket", bucket, "--from", from, "--to", to, "--format", "json"});
    INFO(q.err);
    REQUIRE(q.code == 0);
    std::vector<Bucket> out;
    std::regex item(R"re(\{"start": "([^"]+)", "end": "([^"]+)", "value": ([-0-9.e+]+)\})re");
    for (std::sregex_iterator it(q.out.begin(), q.out.end(), item), end; it != end; ++it)
        out.push_back({utc_ns_of((*it)[1]), utc_ns_of((*it)[2]), std::stod((*it)[3])});
    return out;
}

// Every day and month from March to November 2026, and the hours of both DST days, equal the
// index difference at their bounds; the hours add up to their day.
void check_paris_history(const Fixture &f, const std::vector<IndexReading> &readings) {
    IndexReference ref(readings, 4294967295);
    size_t checked = 0, wrong = 0;
    for (auto [step, count] : {std::pair<const char *, size_t>{"day", 275}, {"month", 9}}) {
        auto buckets = consumption(f, step, "2026-03-01", "2026-12-01");
        CHECK(buckets.size() == count);
        for (const Bucket &b : buckets) {
            ++checked;
            double want = static_cast<double>(ref.consumption(b.start_ns, b.end_ns));
            if (b.value != want && wrong++ < 5) {
                INFO(step, " from ", b.start_ns / kNs);
                CHECK(b.value == want);
            }
        }
    }
    CHECK(checked == 284);
    CHECK(wrong == 0);
    for (auto [day, next, hours] :
         {std::tuple<const char *, const char *, size_t>{"2026-03-29", "2026-03-30", 23},
          {"2026-10-25", "2026-10-26", 25}}) {
        auto h = consumption(f, "hour", day, next);
        auto d = consumption(f, "day", day, next);
        REQUIRE(h.size() == hours);
        REQUIRE(d.size() == 1);
        double sum = 0;
        for (const Bucket &b : h) {
            sum += b.value;
            CHECK(b.value == static_cast<double>(ref.consumption(b.start_ns, b.end_ns)));
        }
        CHECK(sum == d[0].value);
    }
}

// Imports the 15-minute history (write_paris_history); it must succeed and count every row.
gs::test::RunResult import_paris_history(const Fixture &f, std::vector<IndexReading> &readings) {
    readings = write_paris_history(f.csv);
    // Bounded generously: sanitizer builds on a loaded machine are many times slower.
    auto imp = run({kBin, "import", "--config", f.site, "--data-dir", f.data, "--csv", f.csv},
                   std::nullopt, 600s);
    INFO(imp.out, imp.err);
    REQUIRE(imp.code == 0);
    CHECK(imp.out.find(std::to_string(readings.size()) + " values imported, 0 rows skipped, ") !=
          std::string::npos);
    return imp;
}

// Runs the site until the virtual meter's energy reached the store.
bool wait_until_stored(const Fixture &f) {
    for (int i = 0; i < 50; ++i) {
        auto list =
            run({kBin, "query", "--config", f.site, "--data-dir", f.data, "--format", "json"});
        if (list.code == 0 && list.out.find("\"data\": \"IEaPInst\"") != std::string::npos)
            return true;
        std::this_thread::sleep_for(200ms);
    }
    return false;
}

} // namespace

TEST_CASE("import, then consumption per local day across both DST changes and a reset") {
    Fixture f("storage_import");
    {
        std::ofstream out(f.csv);
        out << "time,source,circuit,data,value\n";
        double value = 1e6;
        // 2026-03-28T00:00+01:00 (27T23:00Z) to 2026-03-31T00:00+02:00, reset at 30T12:00+02.
        write_hours(out, 1774652400, 71, 1774864800, value);
        out << "2026-03-31T00:00:00+02:00,nosuch,1,IEaPInst,1\n"; // line 144
        out << "2026-03-31T00:00:00+02:00,m1,7,IEaPInst,1\n";     // line 145
        out << "2026-03-31T00:00:00+02:00,m1,1,NotAData,1\n";     // line 146
        value = 2e6;
        // 2026-10-24T00:00+02:00 (23T22:00Z) to 2026-10-27T00:00+01:00.
        write_hours(out, 1792792800, 73, 0, value);
    }
    auto imp = run({kBin, "import", "--config", f.site, "--data-dir", f.data, "--csv", f.csv},
                   std::nullopt, 120s);
    INFO(imp.err);
    REQUIRE(imp.code == 0);
    CHECK(imp.out.find("288 values imported, 3 rows skipped, ") != std::string::npos);
    CHECK(imp.out.find(" rollup buckets updated, 1 counter events\n") != std::string::npos);
    CHECK(imp.err.find("history.csv:144: unknown source 'nosuch'") != std::string::npos);
    CHECK(imp.err.find("history.csv:145: source 'm1' has no circuit '7'") != std::string::npos);
    CHECK(imp.err.find("history.csv:146: unknown data 'NotAData'") != std::string::npos);
    // The reset went through the event bus into the store; import reads the stored counter
    // events back and lists them.
    CHECK(imp.out.find("event 2026-03-30T10:00:00.000Z counter.reset m1/1: IEaPInst: counter "
                       "went from 1059000 to 500 (meter reset or replaced)\n") !=
          std::string::npos);
    size_t counter_events = 0;
    for (size_t at = imp.out.find(" counter."); at != std::string::npos;
         at = imp.out.find(" counter.", at + 1))
        ++counter_events;
    CHECK(counter_events == 1);

    auto spring = run({kBin, "query", "--config", f.site, "--data-dir", f.data, "--consumption",
                       "--circuit", "m1/1", "--bucket", "day", "--from", "2026-03-29", "--to",
                       "2026-03-31", "--format", "json"});
    INFO(spring.out, spring.err);
    REQUIRE(spring.code == 0);
    // 29 March has 23 hours. 30 March: the reading at its midnight closes 29 March, then 22
    // hours of 1000 Wh and the reset hour (500 Wh) up to the last March reading at 23:00; the
    // next reading is in October (+1,989,500 Wh over 4969 hours), of which floor(1989500 *
    // 3600 / 17888400) = 400 Wh fall before midnight.
    CHECK(spring.out.find("{\"start\": \"2026-03-29T00:00:00+01:00\", \"end\": "
                          "\"2026-03-30T00:00:00+02:00\", \"value\": 23000}") != std::string::npos);
    CHECK(spring.out.find("{\"start\": \"2026-03-30T00:00:00+02:00\", \"end\": "
                          "\"2026-03-31T00:00:00+02:00\", \"value\": 22900}") != std::string::npos);

    auto autumn = run({kBin, "query", "--config", f.site, "--data-dir", f.data, "--consumption",
                       "--circuit", "m1/1", "--bucket", "day", "--from", "2026-10-25", "--to",
                       "2026-10-26", "--format", "json"});
    INFO(autumn.out, autumn.err);
    CHECK(autumn.out.find("{\"start\": \"2026-10-25T00:00:00+02:00\", \"end\": "
                          "\"2026-10-26T00:00:00+01:00\", \"value\": 25000}") != std::string::npos);

    auto list = run({kBin, "query", "--config", f.site, "--data-dir", f.data, "--format", "json"});
    REQUIRE(list.code == 0);
    CHECK(list.out.find(
              "\"source\": \"m1\", \"circuit\": 1, \"data\": \"IV1Inst\", \"count\": 144") !=
          std::string::npos);
    auto id_at = list.out.find("\"data\": \"IV1Inst\"");
    auto id_start = list.out.rfind("{\"id\": ", id_at) + 7;
    std::string id = list.out.substr(id_start, list.out.find(',', id_start) - id_start);
    auto points =
        run({kBin, "query", "--config", f.site, "--data-dir", f.data, "--series", id, "--from",
             "2026-03-28T00:00:00+01:00", "--to", "2026-03-28T03:00:00+01:00", "--format", "json"});
    CHECK(points.out.find("{\"time\": \"2026-03-27T23:00:00.000Z\", \"value\": 230, \"quality\": "
                          "\"good\"}") != std::string::npos);
    CHECK(points.out.find("\"time\": \"2026-03-28T01:00:00.000Z\", \"value\": 232") !=
          std::string::npos);
}

TEST_CASE("import stores only what the circuits' models keep, and says why it skipped") {
    Fixture f("storage_import_models",
              "models:\n"
              "  - {id: live, name: Live voltage, history: false, data: [IV1Inst]}\n"
              "sources:\n"
              "  - {name: m1, profile: examples/virtual-meter, period_ms: 1000,\n"
              "     circuits: [{index: 1, models: [metered_energy, live]}]}\n"
              "  - {name: m2, profile: examples/virtual-meter, period_ms: 1000,\n"
              "     circuits: [{index: 1, enabled: false}]}\n"
              "  - {name: m3, profile: examples/virtual-meter, enabled: false}\n");
    {
        std::ofstream out(f.csv);
        out << "time,source,circuit,data,value\n"
               "2026-05-01T00:00:00Z,m1,1,IEaPInst,1000\n"  // 2: stored
               "2026-05-01T00:00:00Z,m1,1,IV1Inst,230\n"    // 3: history: false
               "2026-05-01T00:00:00Z,m1,1,IPSumInst,5\n"    // 4: in no model of m1/1
               "2026-05-01T01:00:00Z,m1,1,IEaPInst,2000\n"  // 5: stored
               "2026-05-01T01:00:00Z,m1,1,IV1Inst,231\n"    // 6: history: false
               "2026-05-01T01:00:00Z,m1,1,IPSumInst,6\n"    // 7: in no model
               "2026-05-01T01:00:00Z,m2,1,IEaPInst,10\n"    // 8: disabled circuit
               "2026-05-01T01:00:00Z,m3,1,IEaPInst,10\n"    // 9: disabled source
               "2026-05-01T02:00:00Z,m1,1,IEaPInst,3000\n"; // 10: stored
    }
    auto imp = run({kBin, "import", "--config", f.site, "--data-dir", f.data, "--csv", f.csv},
                   std::nullopt, 120s);
    INFO(imp.out, imp.err);
    REQUIRE(imp.code == 0);
    CHECK(imp.out.find("3 values imported, 6 rows skipped (6 not stored by the circuits' "
                       "models), ") != std::string::npos);
    CHECK(imp.err.find("history.csv:3: m1/1 IV1Inst: the data is only in models with history: "
                       "false; 2 row(s) skipped") != std::string::npos);
    CHECK(imp.err.find("history.csv:4: m1/1 IPSumInst: the data is in no model of the circuit (or "
                       "is disabled); 2 row(s) skipped") != std::string::npos);
    CHECK(imp.err.find("history.csv:8: m2/1 IEaPInst: the circuit is disabled (enabled: false); "
                       "1 row(s) skipped") != std::string::npos);
    CHECK(imp.err.find("history.csv:9: m3/1 IEaPInst: the source is disabled (enabled: false); "
                       "1 row(s) skipped") != std::string::npos);

    auto list = run({kBin, "query", "--config", f.site, "--data-dir", f.data, "--format", "json"});
    REQUIRE(list.code == 0);
    CHECK(list.out.find("\"source\": \"m1\", \"circuit\": 1, \"data\": \"IEaPInst\", "
                        "\"count\": 3") != std::string::npos);
    // Nothing else holds a value (the storage may list series the site declares, empty).
    std::regex stored(
        R"re("source": "([^"]+)", "circuit": ([0-9]+), "data": "([^"]+)", "count": [1-9])re");
    std::vector<std::string> with_values;
    for (std::sregex_iterator it(list.out.begin(), list.out.end(), stored), end; it != end; ++it)
        with_values.push_back((*it)[1].str() + "/" + (*it)[2].str() + "/" + (*it)[3].str());
    CHECK(with_values == std::vector<std::string>{"m1/1/IEaPInst"});
}

TEST_CASE("bucket rule: the 15-minute 2026 history imported into a fresh store") {
    Fixture f("storage_rule");
    std::vector<IndexReading> readings;
    auto imp = import_paris_history(f, readings);
    CHECK(imp.out.find("counter.reset m1/1: IEaPInst: counter went from") != std::string::npos);
    check_paris_history(f, readings);
}

TEST_CASE("backfill: the history imported after the site ran (newer data in the store)") {
    Fixture f("storage_backfill");
    {
        Process site({kBin, "run", "--config", f.site, "--data-dir", f.data});
        REQUIRE(site.wait_for_stdout("gridscope: ready", 20s));
        REQUIRE(wait_until_stored(f));
        site.signal(SIGTERM);
        REQUIRE(site.wait(20s));
    }
    std::vector<IndexReading> readings;
    import_paris_history(f, readings);
    check_paris_history(f, readings);
}

TEST_CASE("query works while the site runs; import into the running site goes through it") {
    Fixture f("storage_running");
    Process site({kBin, "run", "--config", f.site, "--data-dir", f.data});
    REQUIRE(site.wait_for_stdout("gridscope: ready", 20s));
    // Wait (bounded) until the virtual meter's samples reach the store.
    CHECK(wait_until_stored(f));
    // The running site holds the store: import hands the rows to it and reports what it did.
    std::vector<IndexReading> readings;
    auto imp = import_paris_history(f, readings);
    INFO(imp.out, imp.err);
    CHECK(imp.err.find("the site is running; its storage plugin imports the rows") !=
          std::string::npos);
    CHECK(imp.out.find(" 1 counter events (through the running site)\n") != std::string::npos);
    CHECK(imp.out.find("event 2026-06-15T08:07:30.000Z counter.reset m1/1: IEaPInst: counter "
                       "went from ") != std::string::npos);
    // Queried while the site runs (the read-only view follows it), then after it stopped.
    check_paris_history(f, readings);
    // A second site on the same data refuses to run rather than lose its samples.
    auto second = run({kBin, "run", "--config", f.site, "--data-dir", f.data}, std::nullopt, 30s);
    CHECK(second.code == 1);
    CHECK(second.err.find("storage 'storage_rocksdb' did not start") != std::string::npos);
    site.signal(SIGTERM);
    // Most of the history is past the 90-day raw retention: the site's first maintenance pass
    // (30 s after start) stores the derived buckets and drops those raw records; a stop ends a
    // pass under way after the raw window it is on (what it did stays done).
    auto code = site.wait(30s);
    REQUIRE(code);
    CHECK(*code == 0);
    check_paris_history(f, readings);
}
