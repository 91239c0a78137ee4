// Storage end to end through the CLI: `gridscope import` feeds a known dataset through the
// storage plugin's ingest path; `gridscope query` gives series, points and consumption, with
// day buckets in local time across both daylight-saving changes of Europe/Paris and a meter
// reset (stored as a counter.reset event, which import lists); import refuses while the site
// runs; query works while it runs.
#include "../support/process.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

using gs::test::Process;
using gs::test::run;
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;

struct Fixture {
    std::filesystem::path dir;
    std::string site, data, csv;
    explicit Fixture(const std::string &name) : dir(std::filesystem::path(GS_TEST_TMP) / name) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        site = (dir / "site.yaml").string();
        data = (dir / "data").string();
        csv = (dir / "history.csv").string();
        std::ofstream(site) << "site: {name: Store test, timezone: Europe/Paris}\n"
                               "sources:\n"
                               "  - {name: m1, profile: examples/virtual-meter, period_ms: 1000,\n"
                               "     circuits: [{index: 1, models: [metered_energy]}]}\n"
                               "plugins:\n  storage_rocksdb: {}\n";
    }
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
    CHECK(imp.out.find("288 values imported, 3 rows skipped") != std::string::npos);
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
    // 29 March has 23 hours; 30 March has 24 readings, one of them the reset (500 Wh).
    CHECK(spring.out.find("{\"start\": \"2026-03-29T00:00:00+01:00\", \"end\": "
                          "\"2026-03-30T00:00:00+02:00\", \"value\": 23000}") != std::string::npos);
    CHECK(spring.out.find("{\"start\": \"2026-03-30T00:00:00+02:00\", \"end\": "
                          "\"2026-03-31T00:00:00+02:00\", \"value\": 23500}") != std::string::npos);

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

TEST_CASE("query works while the site runs; import into a running site refuses cleanly") {
    Fixture f("storage_running");
    Process site({kBin, "run", "--config", f.site, "--data-dir", f.data});
    REQUIRE(site.wait_for_stdout("gridscope: ready", 20s));
    // Wait (bounded) until the virtual meter's samples reach the store.
    bool stored = false;
    for (int i = 0; i < 50 && !stored; ++i) {
        auto list =
            run({kBin, "query", "--config", f.site, "--data-dir", f.data, "--format", "json"});
        stored = list.code == 0 && list.out.find("\"data\": \"IEaPInst\"") != std::string::npos;
        if (!stored) std::this_thread::sleep_for(200ms);
    }
    CHECK(stored);
    {
        std::ofstream(f.csv)
            << "time,source,circuit,data,value\n2026-01-01T00:00:00Z,m1,1,IV1Inst,1\n";
    }
    auto imp = run({kBin, "import", "--config", f.site, "--data-dir", f.data, "--csv", f.csv});
    CHECK(imp.code == 1);
    CHECK(imp.err.find("is in use by another gridscope process (is the site running?)") !=
          std::string::npos);
    // A second site on the same data refuses to run rather than lose its samples.
    auto second = run({kBin, "run", "--config", f.site, "--data-dir", f.data}, std::nullopt, 30s);
    CHECK(second.code == 1);
    CHECK(second.err.find("storage 'storage_rocksdb' did not start") != std::string::npos);
    site.signal(SIGTERM);
    auto code = site.wait(20s);
    REQUIRE(code);
    CHECK(*code == 0);
}
