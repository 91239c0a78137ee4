#include <doctest/doctest.h>

#include <core/store.hpp>
#include <temp_dir.hpp>

#include <thread>

using namespace gs::store;
using gs::store::testing::TempDir;

namespace {
constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kJan1 = 1767225600;
} // namespace

TEST_CASE("retention drops whole raw windows, rollup partitions and old events") {
    TempDir dir;
    Options o;
    o.time_zone = "UTC";
    o.raw_retention_s = 2 * 86400;
    o.period_retention_s = 5 * 86400;
    o.hour_retention_s = 0; // forever
    o.event_retention_s = 5 * 86400;
    auto store = Store::open(dir.path(), o);
    const int64_t days = 20;
    for (int64_t t = kJan1; t < kJan1 + days * 86400; t += 60) {
        Batch b;
        b.source = "m";
        b.ts_utc_ns = t * kNs;
        b.values = {{1, "V", 230.0 + (t % 100) * 0.01, quality::good}};
        store->append(b);
    }
    Event old_event, new_event;
    old_event.ts_utc_ns = kJan1 * kNs;
    old_event.type = "old";
    new_event.ts_utc_ns = (kJan1 + 19 * 86400) * kNs;
    new_event.type = "new";
    store->append_event(old_event);
    store->append_event(new_event);
    store->compact();
    SeriesId id = *store->find_series("m", 1, "V");
    const int64_t now = (kJan1 + days * 86400) * kNs;

    MaintenanceReport report = store->maintain(now);
    // 60-s polls: chains span up to 4 hours (3 h here, after 1-h and 2-h chains while aligning).
    CHECK(report.raw_windows_dropped >= 18 * 6);
    CHECK(report.raw_windows_dropped <= 18 * 24);
    CHECK(report.overflows.empty());
    CHECK(store->range(id, kJan1 * kNs, (kJan1 + 17 * 86400) * kNs).empty());
    CHECK(store->range(id, now - 86400 * kNs, now).size() == 1440);
    CHECK(store->range(id, now - 2 * 86400 * kNs, now).size() == 2 * 1440);

    CHECK(store->rollups(id, RollupLevel::period, kJan1 * kNs, (kJan1 + 7 * 86400) * kNs).empty());
    CHECK(store->rollups(id, RollupLevel::period, now - 5 * 86400 * kNs, now).size() == 5 * 144);
    CHECK(store->rollups(id, RollupLevel::hour, kJan1 * kNs, now).size() == days * 24);

    auto events = store->query_events({});
    REQUIRE(events.size() == 1);
    CHECK(events[0].type == "new");

    store->compact();
    CHECK(store->stats().raw_sst_bytes < 100'000);
    // Appending continues normally after drops.
    Batch b;
    b.source = "m";
    b.ts_utc_ns = now;
    b.values = {{1, "V", 231.0, quality::good}};
    store->append(b);
    CHECK(store->range(id, now, now + 1).size() == 1);
}

TEST_CASE("an interrupted maintenance pass loses nothing; the next store resumes it") {
    TempDir dir;
    Options o;
    o.time_zone = "UTC";
    o.raw_retention_s = 2 * 86400;
    o.hour_retention_s = 0; // forever
    const int64_t days = 20;
    const int64_t now = (kJan1 + days * 86400) * kNs;
    {
        auto store = Store::open(dir.path(), o);
        for (int64_t t = kJan1; t < kJan1 + days * 86400; t += 60) {
            Batch b;
            b.source = "m";
            b.ts_utc_ns = t * kNs;
            b.values = {{1, "V", 230.0, quality::good}};
            store->append(b);
        }
        store->compact();
        // Interrupted from another thread while it runs (or before it starts: either way it
        // stops between raw windows), then asked again: an interrupted store stays so.
        std::thread pass([&] { store->maintain(now); });
        store->interrupt();
        pass.join();
        CHECK(store->maintain(now).raw_windows_dropped == 0);
    }
    auto store = Store::open(dir.path(), o);
    SeriesId id = *store->find_series("m", 1, "V");
    store->maintain(now);
    CHECK(store->range(id, kJan1 * kNs, (kJan1 + 17 * 86400) * kNs).empty());
    CHECK(store->range(id, now - 86400 * kNs, now).size() == 1440);
    auto hours = store->rollups(id, RollupLevel::hour, kJan1 * kNs, now);
    REQUIRE(hours.size() == days * 24);
    for (const auto &h : hours)
        CHECK(h.count == 60);
}
