#include "live_table.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <thread>

using namespace gs::ui;
using nlohmann::json;

namespace {
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kT0 = 1'700'000'000'000 * kMs; // utc
json snap(LiveTable &t, const char *source, int64_t mono) {
    return json::parse(*t.snapshot(source, mono));
}
LiveTable table() {
    return LiveTable({{"m", 1000, {{1, "IV1Inst"}, {1, "IPSumInst"}}}}, 3);
}
} // namespace

TEST_CASE("expected values exist before any sample, as stale with no value") {
    LiveTable t({{"m", 1000, {{1, "IV1Inst"}}}}, 3);
    json s = snap(t, "m", 5 * kMs);
    CHECK(s["stale"] == true);
    CHECK(s["ts"].is_null());
    REQUIRE(s["values"].size() == 1);
    CHECK(s["values"][0]["v"].is_null());
    CHECK(s["values"][0]["q"] == "none");
    CHECK(s["values"][0]["s"] == true);
    CHECK(t.snapshot("nope", 0) == nullptr);
    CHECK_FALSE(t.update("nope", 0, 0, 0, nullptr, 0));
}

TEST_CASE("a good value is live, then stale after 3 periods without a good one") {
    LiveTable t({{"m", 1000, {{1, "IV1Inst"}}}}, 3);
    LiveSample s{1, "IV1Inst", 230.5, kQualityGood, 0};
    int64_t mono = 10'000 * kMs;
    CHECK(t.update("m", kT0, kT0, mono, &s, 1));
    json j = snap(t, "m", mono);
    CHECK(j["stale"] == false);
    CHECK(j["values"][0]["v"] == 230.5);
    CHECK(j["values"][0]["s"] == false);
    CHECK(j["values"][0]["t"] == kT0 / kMs);
    CHECK(snap(t, "m", mono + 3000 * kMs)["values"][0]["s"] == false);
    CHECK(snap(t, "m", mono + 3001 * kMs)["values"][0]["s"] == true);
    CHECK(snap(t, "m", mono + 3001 * kMs)["stale"] == true);
}

TEST_CASE("a bad quality makes the value stale at once, keeping the last good value") {
    LiveTable t = table();
    LiveSample good{1, "IV1Inst", 231.0, kQualityGood, 0};
    LiveSample bad{1, "IV1Inst", 0.0, kQualityTimeout, 0};
    t.update("m", kT0, kT0, 1000 * kMs, &good, 1);
    t.update("m", kT0 + 1000 * kMs, kT0 + 1000 * kMs, 2000 * kMs, &bad, 1);
    json v = snap(t, "m", 2000 * kMs)["values"][0];
    CHECK(v["s"] == true);
    CHECK(v["q"] == "timeout");
    CHECK(v["v"] == 231.0); // the last good value, shown as stale
    CHECK(v["t"] == kT0 / kMs);
}

TEST_CASE("NaN with good quality is refused as a bad response") {
    LiveTable t = table();
    LiveSample s{1, "IV1Inst", std::nan(""), kQualityGood, 0};
    t.update("m", kT0, kT0, 1000 * kMs, &s, 1);
    json v = snap(t, "m", 1000 * kMs)["values"][0];
    CHECK(v["q"] == "bad_response");
    CHECK(v["s"] == true);
}

TEST_CASE("the bus delay counts in the age of a value") {
    LiveTable t = table();
    LiveSample s{1, "IV1Inst", 230.0, kQualityGood, 0};
    // measured 2.5 s before it arrived: stale 0.5 s after arrival
    t.update("m", kT0, kT0 + 2500 * kMs, 10'000 * kMs, &s, 1);
    CHECK(snap(t, "m", 10'400 * kMs)["values"][0]["s"] == false);
    CHECK(snap(t, "m", 10'600 * kMs)["values"][0]["s"] == true);
}

TEST_CASE("the snapshot is cached until the source changes or a value turns stale") {
    LiveTable t = table();
    LiveSample s{1, "IV1Inst", 230.0, kQualityGood, 0};
    t.update("m", kT0, kT0, 1000 * kMs, &s, 1);
    auto a = t.snapshot("m", 1000 * kMs);
    CHECK(t.snapshot("m", 1500 * kMs) == a);
    CHECK(t.snapshot("m", 4001 * kMs) != a); // stale now: rebuilt
    auto b = t.snapshot("m", 4001 * kMs);
    CHECK(t.snapshot("m", 9000 * kMs) == b); // nothing fresh left: stays
    t.update("m", kT0, kT0, 9000 * kMs, &s, 1);
    CHECK(t.snapshot("m", 9000 * kMs) != b);
}

TEST_CASE("unexpected data are added; a runaway producer is bounded") {
    LiveTable t = table();
    std::vector<std::string> names;
    for (int i = 0; i < 5000; ++i)
        names.push_back("X" + std::to_string(i));
    std::vector<LiveSample> batch;
    for (const auto &n : names)
        batch.push_back({1, n, 1.0, kQualityGood, 0});
    t.update("m", kT0, kT0, kMs, batch.data(), batch.size());
    CHECK(snap(t, "m", kMs)["values"].size() == 4096);
}

TEST_CASE("status reports counters per source") {
    LiveTable t = table();
    LiveSample s[2] = {{1, "IV1Inst", 230.0, kQualityGood, 0},
                       {1, "IPSumInst", 0, kQualityTimeout, 0}};
    t.update("m", kT0, kT0, kMs, s, 2);
    json st = t.status(kMs);
    CHECK(st[0]["batches"] == 1);
    CHECK(st[0]["good_values"] == 1);
    CHECK(st[0]["bad_values"] == 1);
    CHECK(st[0]["stale"] == false);
}

TEST_CASE("concurrent updates and snapshots (run under -fsanitize=thread to check races)") {
    LiveTable t({{"a", 100, {}}, {"b", 100, {}}}, 3);
    std::atomic<bool> done{false};
    std::thread bus([&] {
        for (int i = 0; i < 20000; ++i) {
            LiveSample s{1, "IV1Inst", double(i), kQualityGood, 0};
            t.update(i % 2 ? "a" : "b", kT0, kT0, i * kMs, &s, 1);
        }
        done = true;
    });
    size_t reads = 0, missing = 0;
    std::thread reader([&] {
        while (!done) {
            if (!t.snapshot("a", 0)) ++missing;
            ++reads;
        }
    });
    bus.join();
    reader.join();
    CHECK(missing == 0);
    CHECK(json::parse(*t.snapshot("a", 20000 * kMs))["values"][0]["v"] == 19999.0);
}
