#include <doctest/doctest.h>

#include <core/store.hpp>
#include <temp_dir.hpp>

using namespace gs::store;
using gs::store::testing::TempDir;

namespace {
constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kJan1 = 1767225600;

Batch poll(int i) {
    Batch b;
    b.source = i % 2 ? "odd" : "even";
    b.ts_utc_ns = (kJan1 + i * 60) * kNs;
    b.values = {{1, "V", 230 + i * 0.01, quality::good},
                {1, "E", 1000.0 + i, quality::good},
                {2, "PF", 0.123456789 * i, i % 10 == 3 ? quality::timeout : quality::good}};
    return b;
}

void check_same(const Batch &got, const Batch &want) {
    CHECK(got.source == want.source);
    CHECK(got.ts_utc_ns == want.ts_utc_ns);
    REQUIRE(got.values.size() == want.values.size());
    for (size_t i = 0; i < want.values.size(); ++i) {
        CHECK(got.values[i].circuit == want.values[i].circuit);
        CHECK(got.values[i].data == want.values[i].data);
        CHECK(got.values[i].value == want.values[i].value);
        CHECK(got.values[i].quality == want.values[i].quality);
    }
}
} // namespace

TEST_CASE("journal cursors resume after close and reopen") {
    TempDir dir;
    Options o;
    o.checkpoint_every_values = 50;
    uint64_t committed;
    {
        auto store = Store::open(dir.path(), o);
        store->open_cursor("mqtt");
        for (int i = 0; i < 100; ++i) {
            store->append(poll(i));
            if (i == 40) {
                Event e;
                e.ts_utc_ns = poll(i).ts_utc_ns;
                e.type = "door.open";
                store->append_event(e);
            }
        }
        auto entries = store->read_journal("mqtt", 30);
        REQUIRE(entries.size() == 30);
        for (int i = 0; i < 30; ++i) {
            CHECK(entries[i].kind == JournalEntryKind::samples);
            check_same(entries[i].samples, poll(i));
        }
        committed = entries.back().seq;
        store->commit_cursor("mqtt", committed);
        store->maintain((kJan1 + 100 * 60) * kNs); // must keep what the cursor has not read
    }
    auto store = Store::open(dir.path(), o);
    CHECK(store->cursor_position("mqtt") == committed);
    auto rest = store->read_journal("mqtt", 1000);
    REQUIRE(rest.size() == 71);
    int next = 30;
    for (auto &entry : rest) {
        if (entry.kind == JournalEntryKind::event) {
            CHECK(entry.event.type == "door.open");
            CHECK(next == 41);
            continue;
        }
        check_same(entry.samples, poll(next++));
    }
    CHECK(next == 100);
    CHECK(store->read_journal("mqtt", 10).size() == 10); // reading does not move the cursor
    store->commit_cursor("mqtt", rest.back().seq);
    CHECK(store->read_journal("mqtt", 10).empty());
    CHECK_THROWS_AS(store->read_journal("nobody", 10), StoreError);
}

TEST_CASE("journal budget: the oldest entries go and the lagging cursor is told") {
    TempDir dir;
    Options o;
    o.raw_retention_s = 0;
    auto store = Store::open(dir.path(), o);
    store->open_cursor("slow");
    for (int i = 0; i < 600; ++i) // 10 hours: chains of 60-s polls span 1 to 3 raw windows
        store->append(poll(i));
    store->compact();
    CHECK(store->maintain((kJan1 + 600 * 60) * kNs).overflows.empty());
    CHECK(store->read_journal("slow", 1000).size() == 600);

    store->remove_cursor("slow");
    store->open_cursor("slow");
    Options tight = o;
    store.reset();
    tight.journal_budget_bytes = 1; // everything is over budget
    store = Store::open(dir.path(), tight);
    uint64_t before = store->cursor_position("slow");
    MaintenanceReport report = store->maintain((kJan1 + 600 * 60) * kNs);
    CHECK(report.raw_windows_dropped >= 4);
    CHECK(report.raw_windows_dropped <= 10);
    REQUIRE(report.overflows.size() == 1);
    CHECK(report.overflows[0].cursor == "slow");
    CHECK(report.overflows[0].lost_after_seq == before);
    CHECK(report.overflows[0].resumed_after_seq == 600);
    CHECK(store->cursor_position("slow") == 600);
    store->append(poll(600));
    store->append(poll(601));
    auto entries = store->read_journal("slow", 10);
    REQUIRE(entries.size() == 2);
    check_same(entries[1].samples, poll(601));
}

TEST_CASE("read-only instance follows a running writer") {
    TempDir dir;
    auto writer = Store::open(dir.path());
    for (int i = 0; i < 10; ++i)
        writer->append(poll(i));
    auto reader = Store::open_read_only(dir.path());
    CHECK(reader->read_only());
    SeriesId v = *reader->find_series("even", 1, "V");
    CHECK(reader->range(v, 0, INT64_MAX).size() == 5);
    CHECK(reader->latest({v})[0].point->value == poll(8).values[0].value);
    CHECK_THROWS_AS(reader->append(poll(10)), StoreError);
    for (int i = 10; i < 20; ++i)
        writer->append(poll(i));
    reader->catch_up();
    CHECK(reader->range(v, 0, INT64_MAX).size() == 10);
    CHECK(reader->latest({v})[0].point->value == poll(18).values[0].value);
    CHECK(reader->rollups(v, RollupLevel::hour, 0, INT64_MAX).size() == 1);
}
