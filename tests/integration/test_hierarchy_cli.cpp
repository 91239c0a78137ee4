// Hierarchy consumption end to end (issue 12 items 5, 6): a 15-minute history of four loads
// imported with `gridscope import`, then `gridscope query --consumption --hierarchy` checked
// exactly (the JSON shape) and against a brute-force reference built from the readings alone:
// every node value and part of every hour of both Europe/Paris DST days and every day around
// them equals the index differences at the bucket's bounds, with a meter reset, a meter
// replacement off the 15-minute grid and readings that straddle every boundary.
#include "../../plugins/storage_rocksdb/testing/index_reference.hpp"
#include "../support/iso_offset_time.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

using gs::store::testing::IndexReading;
using gs::store::testing::IndexReference;
using gs::test::run;
using gs::test::utc_ns_of;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;
constexpr int64_t kNs = 1'000'000'000;

// Site (meter main/1): load a/1, node Floor (loads b/1, c/1). Usages: a Lighting, b HVAC,
// c none.
struct Fixture {
    std::filesystem::path dir;
    std::string site, data, csv;
    std::map<std::string, std::vector<IndexReading>> readings; // per load
    explicit Fixture(const std::string &name) : dir(std::filesystem::path(GS_TEST_TMP) / name) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        site = (dir / "site.yaml").string();
        data = (dir / "data").string();
        csv = (dir / "history.csv").string();
        std::ofstream(site)
            << "site: {name: Hierarchy test, timezone: Europe/Paris}\n"
               "sources:\n"
               "  - {name: main, profile: examples/virtual-meter, circuits: [{index: 1}]}\n"
               "  - {name: a, profile: examples/virtual-meter,\n"
               "     circuits: [{index: 1, usage: Lighting}]}\n"
               "  - {name: b, profile: examples/virtual-meter, circuits: [{index: 1, usage: "
               "HVAC}]}\n"
               "  - {name: c, profile: examples/virtual-meter, circuits: [{index: 1}]}\n"
               "hierarchies:\n"
               "  - name: Elec\n"
               "    root:\n"
               "      name: Site\n"
               "      meter: main/1\n"
               "      loads: [a/1]\n"
               "      children:\n"
               "        - {name: Floor, loads: [b/1, c/1]}\n"
               "plugins:\n  storage_rocksdb: {}\n";
    }
};

// Two windows of 15-minute readings around the DST changes (2026-03-27..04-01 and
// 2026-10-23..28, Paris). a/1 is read 10 minutes off the grid (every boundary falls inside an
// interval); b/1 is reset to 0 on 2026-03-29 at 01:30Z; c/1 is replaced on 2026-10-25 at
// 10:07:30Z (the new meter's first reading 12 Wh); main/1 is the sum plus some losses.
void write_history(Fixture &f) {
    std::ofstream out(f.csv);
    out << "time,source,circuit,data,value\n";
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int64_t> use(0, 800);
    auto row = [&](const std::string &load, int64_t t, int64_t v) {
        char stamp[32];
        time_t tt = t;
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
        out << stamp << "," << load.substr(0, load.find('/')) << ",1,IEaPInst," << v << "\n";
        f.readings[load].push_back({t * kNs, v});
    };
    const int64_t reset_b = 1774747800, replace_c = 1792922850;
    for (auto [first, end] :
         {std::pair<int64_t, int64_t>{1774566000, 1775000000}, {1792706400, 1793142000}}) {
        int64_t a = 1000, b = 2000, c = 3000, main = 10000;
        for (int64_t t = first; t <= end; t += 900) {
            int64_t da = use(rng), db = use(rng), dc = use(rng);
            row("a/1", t + 600, a += da);
            row("b/1", t, b = t == reset_b ? 0 : b + db);
            if (t > replace_c && t - 900 < replace_c) row("c/1", replace_c, c = 12);
            row("c/1", t, c += dc);
            row("main/1", t, main += da + db + dc + use(rng) / 10);
        }
    }
}

struct Ref {
    std::map<std::string, IndexReference> loads;
    int64_t operator()(const std::string &load, int64_t s, int64_t e) const {
        return loads.at(load).consumption(s, e);
    }
};

json query(const Fixture &f, std::vector<std::string> args) {
    std::vector<std::string> cmd{kBin,         "query",    "--config",      f.site,
                                 "--data-dir", f.data,     "--consumption", "--hierarchy",
                                 "Elec",       "--format", "json"};
    cmd.insert(cmd.end(), args.begin(), args.end());
    auto q = run(cmd);
    INFO(q.err);
    REQUIRE(q.code == 0);
    json out = json::parse(q.out, nullptr, false);
    REQUIRE_FALSE(out.is_discarded());
    return out;
}

// The contract's shape, exactly: an array of {start, end, value, parts}, parts of
// {name, kind, value}, times ISO 8601 with an offset, parts adding up to the value.
void check_shape(const json &buckets, const std::vector<std::string> &kinds) {
    REQUIRE(buckets.is_array());
    for (const json &b : buckets) {
        REQUIRE(b.is_object());
        CHECK(b.size() == 4);
        REQUIRE(b["start"].is_string());
        REQUIRE(b["end"].is_string());
        CHECK(b["start"].get<std::string>().size() == 25); // 2026-03-29T00:00:00+01:00
        REQUIRE(b["value"].is_number());
        REQUIRE(b["parts"].is_array());
        double sum = 0;
        for (const json &p : b["parts"]) {
            CHECK(p.size() == 3);
            REQUIRE(p["name"].is_string());
            REQUIRE(p["value"].is_number());
            CHECK(std::find(kinds.begin(), kinds.end(), p["kind"].get<std::string>()) !=
                  kinds.end());
            sum += p["value"].get<double>();
        }
        CHECK(sum == b["value"].get<double>());
    }
}

double part(const json &bucket, const std::string &name, const std::string &kind) {
    for (const json &p : bucket["parts"])
        if (p["name"] == name) {
            CHECK(p["kind"] == kind);
            return p["value"].get<double>();
        }
    FAIL("no part " << name);
    return 0;
}

} // namespace

TEST_CASE("hierarchy consumption by node and by usage equals the brute-force reference; errors") {
    Fixture f("hierarchy_cli");
    write_history(f);
    auto imp = run({kBin, "import", "--config", f.site, "--data-dir", f.data, "--csv", f.csv},
                   std::nullopt, 600s);
    INFO(imp.out, imp.err);
    REQUIRE(imp.code == 0);
    Ref ref;
    for (const auto &[load, r] : f.readings)
        ref.loads.emplace(load, IndexReference(r, 4294967295));

    size_t buckets_checked = 0;
    for (auto [bucket, from, to, count] :
         {std::tuple<const char *, const char *, const char *, size_t>{"hour", "2026-03-29",
                                                                       "2026-03-30", 23},
          {"hour", "2026-10-25", "2026-10-26", 25},
          {"day", "2026-03-28", "2026-04-01", 4},
          {"day", "2026-10-24", "2026-10-28", 4}}) {
        CAPTURE(bucket);
        CAPTURE(from);
        json site = query(f, {"--node", "Site", "--bucket", bucket, "--from", from, "--to", to});
        json floor = query(f, {"--node", "Floor", "--bucket", bucket, "--from", from, "--to", to});
        json usage = query(f, {"--by", "usage", "--bucket", bucket, "--from", from, "--to", to});
        check_shape(site, {"load", "node", "unmeasured"});
        check_shape(floor, {"load", "node", "unmeasured"});
        check_shape(usage, {"usage", "unmeasured"});
        REQUIRE(site.size() == count);
        REQUIRE(floor.size() == count);
        REQUIRE(usage.size() == count);
        for (size_t i = 0; i < count; ++i) {
            int64_t s = utc_ns_of(site[i]["start"]), e = utc_ns_of(site[i]["end"]);
            double a = ref("a/1", s, e), b = ref("b/1", s, e), c = ref("c/1", s, e),
                   main = ref("main/1", s, e);
            CHECK(site[i]["value"].get<double>() == main);
            CHECK(site[i]["parts"].size() == 3);
            CHECK(part(site[i], "a/1", "load") == a);
            CHECK(part(site[i], "Floor", "node") == b + c);
            CHECK(part(site[i], "unmeasured", "unmeasured") == main - a - b - c);
            CHECK(floor[i]["value"].get<double>() == b + c);
            CHECK(floor[i]["parts"].size() == 2); // no meter: no unmeasured part
            CHECK(part(floor[i], "b/1", "load") == b);
            CHECK(part(floor[i], "c/1", "load") == c);
            CHECK(usage[i]["value"].get<double>() == main);
            CHECK(part(usage[i], "Lighting", "usage") == a);
            CHECK(part(usage[i], "HVAC", "usage") == b);
            CHECK(part(usage[i], "none", "usage") == c);
            CHECK(part(usage[i], "unmeasured", "unmeasured") == main - a - b - c);
            ++buckets_checked;
        }
    }
    CHECK(buckets_checked == 56);

    // What is wrong is named (on the store imported above).

    for (auto [args, why] : {std::pair<std::vector<std::string>, std::string>{
                                 {"--hierarchy", "Nope", "--node", "Site"}, "no such hierarchy"},
                             {{"--hierarchy", "Elec", "--node", "Nope"}, "has no such node"},
                             {{"--hierarchy", "Elec"}, "give --node NAME or --by usage"},
                             {{"--hierarchy", "Elec", "--by", "fluid"}, "--by is 'usage'"}}) {
        std::vector<std::string> cmd{kBin,         "query",  "--config",      f.site,
                                     "--data-dir", f.data,   "--consumption", "--bucket",
                                     "day",        "--from", "2026-03-28",    "--to",
                                     "2026-03-29"};
        cmd.insert(cmd.end(), args.begin(), args.end());
        auto q = run(cmd);
        CHECK(q.code != 0);
        CHECK(q.err.find(why) != std::string::npos);
    }
}
