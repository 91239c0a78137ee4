// The bucket rule and backfill against a brute-force reference (testing/index_reference.hpp):
// every hour, day, week and month bucket equals index(end) - index(start), hours add up
// exactly to their day, days to their week and month; a store that already holds newer data
// (or gets the readings in random order) gives the same buckets as one fed in time order.
#include <doctest/doctest.h>

#include <core/store.hpp>
#include <index_reference.hpp>
#include <temp_dir.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

using namespace gs::store;
using gs::store::testing::IndexReading;
using gs::store::testing::IndexReference;
using gs::store::testing::TempDir;

namespace {

constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kU32Max = 4294967295;

struct History {
    std::vector<IndexReading> readings; // in time order
    int64_t max = 0;
    int64_t from_ns = 0, to_ns = 0; // the range checked
};

// The example: a 15-minute index of one circuit from 2026-03-01 to 2026-12-01 in
// Europe/Paris (both DST changes), the meter replaced on 2026-06-15 at 10:07:30 local: the new
// meter's first reading (12 Wh) is off the 15-minute grid, so its interval straddles nothing
// but splits a quarter-hour in two.
History paris_2026() {
    History h;
    h.max = kU32Max;
    const int64_t first = 1772319600;    // 2026-03-01T00:00:00+01:00
    const int64_t end = 1796079600;      // 2026-12-01T00:00:00+01:00
    const int64_t replaced = 1781510850; // 2026-06-15T10:07:30+02:00
    std::mt19937_64 rng(2026);
    std::uniform_int_distribution<int64_t> use(0, 3000);
    int64_t value = 5'000'000;
    for (int64_t t = first; t <= end; t += 900) {
        if (t > replaced && t - 900 < replaced) {
            h.readings.push_back({replaced * kNs, 12});
            value = 12;
        }
        value += use(rng);
        h.readings.push_back({t * kNs, value});
    }
    h.from_ns = first * kNs;
    h.to_ns = end * kNs;
    return h;
}

// Irregular readings (sub-second times, gaps from a second to three days), resets and
// rollovers of a counter whose maximum is 1,000,000, around both DST changes.
History random_history(uint64_t seed, int64_t first_s, int n) {
    History h;
    h.max = 1'000'000;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int64_t> gap_ns(kNs, 1800 * kNs),
        long_gap_ns(86400 * kNs, 3 * 86400 * kNs);
    std::uniform_int_distribution<int64_t> use(0, 5000), small(0, 100);
    std::uniform_real_distribution<double> chance(0, 1);
    int64_t t = first_s * kNs, value = 900'000;
    for (int i = 0; i < n; ++i) {
        double c = chance(rng);
        t += c < 0.003 ? long_gap_ns(rng) : gap_ns(rng);
        if (c > 0.996)
            value = small(rng); // reset (replacement)
        else
            value += use(rng);
        if (value > h.max) value -= h.max + 1; // rollover
        h.readings.push_back({t, value});
    }
    h.from_ns = (first_s - 86400) * kNs;
    h.to_ns = t + 2 * 86400 * kNs;
    return h;
}

// 10-second polling for two days around the autumn DST change: dense enough for the period
// and hour buckets to be stored (not derived from raw records).
History dense_autumn() {
    History h;
    h.max = kU32Max;
    const int64_t first = 1792706400; // 2026-10-24T00:00:00+02:00
    std::mt19937_64 rng(25);
    std::uniform_int_distribution<int64_t> use(0, 9);
    int64_t value = 77;
    for (int64_t t = first; t < first + 2 * 86400 + 3600; t += 10)
        h.readings.push_back({t * kNs + 3 * kNs / 10, value += use(rng)});
    h.from_ns = first * kNs;
    h.to_ns = (first + 2 * 86400 + 3600) * kNs;
    return h;
}

Options paris() {
    Options o;
    o.time_zone = "Europe/Paris";
    return o;
}

SeriesSpec energy(int64_t max) {
    SeriesSpec s;
    s.source = "m1";
    s.circuit = 1;
    s.data = "IEaPInst";
    s.kind = SeriesKind::counter;
    s.counter_max = static_cast<double>(max);
    s.counter_step = 1;
    s.history_period_s = 600;
    return s;
}

void append(Store &store, const IndexReading &r) {
    Batch b;
    b.source = "m1";
    b.ts_utc_ns = r.ts_ns;
    b.values.push_back({1, "IEaPInst", static_cast<double>(r.value), quality::good});
    // A gauge next to the counter, as a real device poll has.
    b.values.push_back({1, "IV1Inst", 230.0 + static_cast<double>(r.value % 7), quality::good});
    store.append(b);
}

// Appends `order` (indexes into h.readings), reopening the store once halfway; returns the
// store still open (closing it checkpoints and consolidates late-value fragments).
std::unique_ptr<Store> feed_open(const std::string &dir, const History &h,
                                 const std::vector<size_t> &order) {
    auto store = Store::open(dir, paris());
    store->declare_series(energy(h.max));
    for (size_t i = 0; i < order.size(); ++i) {
        if (i == order.size() / 2) { // checkpoint + journal replay
            store.reset();
            store = Store::open(dir, paris());
        }
        append(*store, h.readings[order[i]]);
    }
    return store;
}
void feed(const std::string &dir, const History &h, const std::vector<size_t> &order) {
    feed_open(dir, h, order);
}

struct Table {
    std::vector<int64_t> starts, ends;
    std::vector<double> values;
};

Table table_of(Store &store, ConsumptionStep step, const History &h) {
    SeriesId id = *store.find_series("m1", 1, "IEaPInst");
    ConsumptionTable t = store.consumption({id}, step, h.from_ns, h.to_ns);
    return {t.bucket_starts_utc_ns, t.bucket_ends_utc_ns, t.values};
}

// Every bucket of every step equals the reference; finer buckets add up exactly to coarser ones.
void check_against_reference(Store &store, const History &h) {
    IndexReference ref(h.readings, h.max);
    std::map<ConsumptionStep, Table> tables;
    for (ConsumptionStep step : {ConsumptionStep::hour, ConsumptionStep::day, ConsumptionStep::week,
                                 ConsumptionStep::month}) {
        Table t = table_of(store, step, h);
        REQUIRE(!t.starts.empty());
        size_t wrong = 0;
        for (size_t b = 0; b < t.starts.size(); ++b) {
            if (b > 0) REQUIRE(t.starts[b] == t.ends[b - 1]);
            double want = static_cast<double>(ref.consumption(t.starts[b], t.ends[b]));
            if (t.values[b] != want && wrong++ < 5) {
                INFO("step ", static_cast<int>(step), " bucket ", t.starts[b] / kNs, "..",
                     t.ends[b] / kNs);
                CHECK(t.values[b] == want);
            }
        }
        CHECK(wrong == 0);
        tables[step] = std::move(t);
    }
    // Exact sums: hours -> days, days -> weeks and months (integers, nothing lost or doubled).
    auto check_sums = [&](ConsumptionStep fine, ConsumptionStep coarse) {
        const Table &f = tables[fine], &c = tables[coarse];
        size_t mismatches = 0, i = 0;
        for (size_t b = 0; b < c.starts.size(); ++b) {
            if (c.starts[b] < f.starts.front() || c.ends[b] > f.ends.back()) continue;
            while (i < f.starts.size() && f.starts[i] < c.starts[b])
                ++i;
            double sum = 0;
            for (; i < f.starts.size() && f.ends[i] <= c.ends[b]; ++i)
                sum += f.values[i];
            mismatches += sum != c.values[b];
        }
        CHECK(mismatches == 0);
    };
    check_sums(ConsumptionStep::hour, ConsumptionStep::day);
    check_sums(ConsumptionStep::day, ConsumptionStep::week);
    check_sums(ConsumptionStep::day, ConsumptionStep::month);
}

// A fresh store fed in `order`, checked against the reference.
void check_fed(const History &h, const std::vector<size_t> &order) {
    TempDir dir;
    feed(dir.path(), h, order);
    auto store = Store::open(dir.path(), paris());
    check_against_reference(*store, h);
}

std::vector<size_t> in_order(const History &h) {
    std::vector<size_t> order(h.readings.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    return order;
}

// The newest `live` readings first (a site that ran), then the whole history in time order.
std::vector<size_t> live_then_history(const History &h, size_t live) {
    std::vector<size_t> order;
    for (size_t i = h.readings.size() - live; i < h.readings.size(); ++i)
        order.push_back(i);
    for (size_t i = 0; i + live < h.readings.size(); ++i)
        order.push_back(i);
    return order;
}

} // namespace

TEST_CASE("bucket rule: 15-minute Paris history 2026, both DST changes, meter replacement") {
    History h = paris_2026();
    TempDir dir;
    feed(dir.path(), h, in_order(h));
    auto store = Store::open(dir.path(), paris());
    check_against_reference(*store, h);

    // The example: the day of 2026-03-20 is index(20T23:00Z) - index(19T23:00Z), and
    // the local days of the DST changes have 23 and 25 hours.
    IndexReference ref(h.readings, h.max);
    SeriesId id = *store->find_series("m1", 1, "IEaPInst");
    const int64_t mar19_23z = 1773961200;
    ConsumptionTable day = store->consumption({id}, ConsumptionStep::day, (mar19_23z + 3600) * kNs,
                                              (mar19_23z + 7200) * kNs);
    REQUIRE(day.bucket_starts_utc_ns.size() == 1);
    CHECK(day.bucket_starts_utc_ns[0] == mar19_23z * kNs);
    CHECK(day.at(0, 0) ==
          static_cast<double>(ref.at((mar19_23z + 86400) * kNs) - ref.at(mar19_23z * kNs)));
    for (auto [local_day_utc, hours] :
         {std::pair<int64_t, size_t>{1774738800, 23}, {1792879200, 25}}) {
        ConsumptionTable t = store->consumption({id}, ConsumptionStep::hour, local_day_utc * kNs,
                                                (local_day_utc + 1) * kNs);
        ConsumptionTable d = store->consumption({id}, ConsumptionStep::day, local_day_utc * kNs,
                                                (local_day_utc + 1) * kNs);
        REQUIRE(d.bucket_starts_utc_ns.size() == 1);
        t = store->consumption({id}, ConsumptionStep::hour, d.bucket_starts_utc_ns[0],
                               d.bucket_ends_utc_ns[0]);
        CHECK(t.bucket_starts_utc_ns.size() == hours);
        double sum = 0;
        for (size_t b = 0; b < hours; ++b)
            sum += t.at(0, b);
        CHECK(sum == d.at(0, 0));
    }
}

TEST_CASE("bucket rule: irregular readings with resets, rollovers and long gaps") {
    for (auto [seed, first_s] : {std::pair<uint64_t, int64_t>{1, 1774220400}, {2, 1792188000}}) {
        INFO("seed ", seed);
        History h = random_history(seed, first_s, 5000);
        check_fed(h, in_order(h));
    }
}

TEST_CASE("bucket rule: dense polling (stored period and hour buckets)") {
    History h = dense_autumn();
    check_fed(h, in_order(h));
}

TEST_CASE("backfill: history imported into a store holding newer data equals an in-order import") {
    SUBCASE("15-minute Paris history after 2 days of live data") {
        History h = paris_2026();
        TempDir dir;
        // As written (late-value fragments), then consolidated, then reopened.
        auto store = feed_open(dir.path(), h, live_then_history(h, 192));
        check_against_reference(*store, h);
        store->consolidate();
        uint64_t merged = store->stats().fragments_consolidated;
        CHECK(merged > 26000); // about two per imported reading per stored level
        store->consolidate();  // nothing left to merge
        CHECK(store->stats().fragments_consolidated == merged);
        check_against_reference(*store, h);
        store.reset();
        store = Store::open(dir.path(), paris());
        check_against_reference(*store, h);
    }
    SUBCASE("then the raw records go (retention): the derived buckets are stored, once") {
        History h = paris_2026();
        TempDir dir;
        feed(dir.path(), h, live_then_history(h, 192));
        Options short_raw = paris();
        short_raw.raw_retention_s = 86400;
        auto store = Store::open(dir.path(), short_raw);
        MaintenanceReport r = store->maintain(h.to_ns + 86400 * kNs);
        CHECK(r.raw_windows_dropped > 100);
        SeriesId id = *store->find_series("m1", 1, "IEaPInst");
        CHECK(store->range(id, h.from_ns, h.to_ns - 86400 * kNs).empty());
        check_against_reference(*store, h);
    }
    SUBCASE("dense polling after an hour of live data") {
        History h = dense_autumn();
        check_fed(h, live_then_history(h, 360));
    }
    SUBCASE("irregular readings in random order") {
        History h = random_history(3, 1774220400, 3000);
        std::vector<size_t> order = in_order(h);
        std::shuffle(order.begin(), order.end(), std::mt19937_64(99));
        check_fed(h, order);
    }
    SUBCASE("the same history imported twice changes nothing") {
        History h = random_history(4, 1792188000, 2000);
        std::vector<size_t> twice = in_order(h), again = in_order(h);
        twice.insert(twice.end(), again.begin(), again.end());
        check_fed(h, twice);
    }
}

TEST_CASE("backfill reports the buckets it updates and the counter events it finds") {
    TempDir dir;
    auto store = Store::open(dir.path(), paris());
    store->declare_series(energy(kU32Max));
    const int64_t t0 = 1774738800;              // 2026-03-29T00:00:00+01:00
    append(*store, {(t0 + 86400) * kNs, 5000}); // live data first
    BucketTally tally;
    Batch b;
    b.source = "m1";
    b.values.push_back({1, "IEaPInst", 0, quality::good});
    std::vector<CounterEvent> events;
    for (int i = 0; i < 4; ++i) {
        b.ts_utc_ns = (t0 + i * 900) * kNs;
        b.values[0].value = i == 2 ? 10 : 1000 + i * 100; // a replacement at the third reading
        AppendResult r = store->append(b, &tally);
        events.insert(events.end(), r.counter_events.begin(), r.counter_events.end());
    }
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == CounterEventKind::reset);
    CHECK(events[0].ts_utc_ns == (t0 + 1800) * kNs);
    CHECK(events[0].before == 1100);
    CHECK(events[0].after == 10);
    // Period, hour, day and month buckets of the readings and of the live reading they precede.
    std::set<int64_t> days;
    for (auto &[level, series, start] : tally.buckets)
        if (level == static_cast<uint8_t>(RollupLevel::day)) days.insert(start);
    CHECK(days == std::set<int64_t>{t0, t0 + 23 * 3600});
    SeriesId id = *store->find_series("m1", 1, "IEaPInst");
    ConsumptionTable t =
        store->consumption({id}, ConsumptionStep::day, t0 * kNs, (t0 + 23 * 3600 + 1) * kNs);
    REQUIRE(t.bucket_starts_utc_ns.size() == 2);
    // 100 + 10 (reset) + 1290, then 5000 - 1300 over the rest of the day and the next one,
    // split in proportion to time (whole Wh).
    IndexReference ref({{t0 * kNs, 1000},
                        {(t0 + 900) * kNs, 1100},
                        {(t0 + 1800) * kNs, 10},
                        {(t0 + 2700) * kNs, 1300},
                        {(t0 + 86400) * kNs, 5000}},
                       kU32Max);
    CHECK(t.at(0, 0) == static_cast<double>(ref.consumption(t0 * kNs, (t0 + 23 * 3600) * kNs)));
    CHECK(t.at(0, 1) ==
          static_cast<double>(ref.consumption((t0 + 23 * 3600) * kNs, (t0 + 47 * 3600) * kNs)));
    CHECK(t.at(0, 0) == 1400 + 3540); // floor(3700 * 80100 / 83700)
    CHECK(t.at(0, 0) + t.at(0, 1) == 1400 + 3700);
}
