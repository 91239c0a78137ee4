#include <doctest/doctest.h>

#include <core/store.hpp>
#include <temp_dir.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace gs::store;
using gs::store::testing::TempDir;

namespace {

constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kJan1 = 1767225600; // 2026-01-01T00:00:00Z

Batch one(const std::string &source, uint32_t circuit, const std::string &data, int64_t ts_s,
          double v, uint8_t q = quality::good) {
    Batch b;
    b.source = source;
    b.ts_utc_ns = ts_s * kNs;
    b.values.push_back({circuit, data, v, q});
    return b;
}

SeriesSpec counter_spec(double max, double step) {
    SeriesSpec s;
    s.source = "meter";
    s.circuit = 1;
    s.data = "E";
    s.kind = SeriesKind::counter;
    s.counter_max = max;
    s.counter_step = step;
    return s;
}

} // namespace

TEST_CASE("counter deltas across a rollover and a reset, persisted across reopen") {
    TempDir dir;
    Options o;
    o.time_zone = "UTC";
    const double readings[] = {900, 950, 990, 10, 30, 5, 15};
    SeriesId id;
    {
        auto store = Store::open(dir.path(), o);
        id = store->declare_series(counter_spec(1000, 1));
        std::vector<CounterEvent> events;
        for (int i = 0; i < 7; ++i) {
            AppendResult r = store->append(one("meter", 1, "E", kJan1 + i * 600, readings[i]));
            events.insert(events.end(), r.counter_events.begin(), r.counter_events.end());
        }
        REQUIRE(events.size() == 2);
        CHECK(events[0].kind == CounterEventKind::rollover);
        CHECK(events[0].before == 990);
        CHECK(events[0].after == 10);
        CHECK(events[0].ts_utc_ns == (kJan1 + 3 * 600) * kNs);
        CHECK(events[1].kind == CounterEventKind::reset);
        CHECK(events[1].before == 30);
        CHECK(events[1].after == 5);
    }
    auto store = Store::open(dir.path(), o);
    // Deltas: 50 + 40 + (1000-990+1+10) + 20 + 5 + 10; the last reading, exactly at 01:00,
    // closes hour 0 (the bucket rule: index(01:00) - index(00:00)); nothing follows it.
    ConsumptionTable hourly =
        store->consumption({id}, ConsumptionStep::hour, kJan1 * kNs, (kJan1 + 7200) * kNs);
    REQUIRE(hourly.bucket_starts_utc_ns.size() == 2);
    CHECK(hourly.at(0, 0) == doctest::Approx(146));
    CHECK(hourly.at(0, 1) == doctest::Approx(0));
    ConsumptionTable daily =
        store->consumption({id}, ConsumptionStep::day, kJan1 * kNs, (kJan1 + 86400) * kNs);
    CHECK(daily.at(0, 0) == doctest::Approx(146));
    auto info = store->list_series();
    REQUIRE(info.size() == 1);
    CHECK(info[0].count == 7);
    CHECK(info[0].kind == SeriesKind::counter);
    CHECK(info[0].first_ts_utc_ns == kJan1 * kNs);
    CHECK(info[0].last_ts_utc_ns == (kJan1 + 3600) * kNs);
    auto latest = store->latest({id, 999});
    REQUIRE(latest[0].point);
    CHECK(latest[0].point->value == 15);
    CHECK_FALSE(latest[1].point);
}

TEST_CASE("Europe/Paris DST: 23 h and 25 h days, hourly, weekly and monthly sums") {
    TempDir dir;
    Options o;
    o.time_zone = "Europe/Paris";
    auto store = Store::open(dir.path(), o);
    SeriesId e = store->declare_series(counter_spec(0, 0));
    struct Case {
        int64_t first_local_midnight, dst_day_start;
        int64_t dst_day_hours;
    };
    // Mar 27 00:00 local .. Mar 31 00:00 local; Oct 23 .. Oct 27.
    const Case cases[] = {{1774566000, 1774738800, 23}, {1792706400, 1792879200, 25}};
    double counter = 1000;
    for (const Case &c : cases) {
        int64_t end = c.dst_day_start + (c.dst_day_hours + 2 * 24) * 3600;
        for (int64_t t = c.first_local_midnight; t < end; t += 900)
            store->append(one("meter", 1, "E", t, counter++));
        int64_t day_ns = c.dst_day_start * kNs;
        auto days = store->rollups(e, RollupLevel::day, day_ns, day_ns + 1);
        REQUIRE(days.size() == 1);
        CHECK(days[0].end_utc_ns - days[0].start_utc_ns == c.dst_day_hours * 3600 * kNs);
        CHECK(days[0].count == c.dst_day_hours * 4);
        CHECK(days[0].delta == doctest::Approx(c.dst_day_hours * 4));
        ConsumptionTable daily = store->consumption({e}, ConsumptionStep::day, day_ns - 86400 * kNs,
                                                    day_ns + (c.dst_day_hours + 24) * 3600 * kNs);
        REQUIRE(daily.bucket_starts_utc_ns.size() == 3);
        CHECK(daily.at(0, 0) == doctest::Approx(96));
        CHECK(daily.at(0, 1) == doctest::Approx(c.dst_day_hours * 4));
        CHECK(daily.at(0, 2) == doctest::Approx(96));
        CHECK(daily.bucket_ends_utc_ns[1] - daily.bucket_starts_utc_ns[1] ==
              c.dst_day_hours * 3600 * kNs);
        ConsumptionTable hourly = store->consumption({e}, ConsumptionStep::hour, day_ns,
                                                     day_ns + c.dst_day_hours * 3600 * kNs);
        REQUIRE(hourly.bucket_starts_utc_ns.size() == static_cast<size_t>(c.dst_day_hours));
        for (size_t h = 0; h < hourly.bucket_starts_utc_ns.size(); ++h)
            CHECK(hourly.at(0, h) == doctest::Approx(4));
    }
    // Week of Monday 2026-03-23: readings from Friday 27th 00:00 to Monday 30th 00:00, which
    // closes the week (index(Mon 30th) - index(Mon 23rd)).
    ConsumptionTable weekly = store->consumption({e}, ConsumptionStep::week, 1774738800 * kNs,
                                                 (1774738800 + 86400) * kNs);
    REQUIRE(weekly.bucket_starts_utc_ns.size() == 2);
    CHECK(weekly.bucket_starts_utc_ns[0] == 1774220400 * kNs);
    CHECK(weekly.at(0, 0) == doctest::Approx(96 + 96 + 92));
    // Mon 30th, then Tue 31st up to its last reading at 23:45: the next reading (+1, in
    // October) is 206 days away, and less than one whole Wh of it falls before midnight.
    CHECK(weekly.at(0, 1) == doctest::Approx(96 + 95));
    ConsumptionTable monthly =
        store->consumption({e}, ConsumptionStep::month, 1774738800 * kNs, 1774738800 * kNs + 1);
    REQUIRE(monthly.bucket_starts_utc_ns.size() == 1);
    CHECK(monthly.at(0, 0) == doctest::Approx(96 + 96 + 92 + 96 + 95));
}

TEST_CASE("gauge rollups, late values and peak-preserving downsampling") {
    TempDir dir;
    Options o;
    o.time_zone = "UTC";
    auto store = Store::open(dir.path(), o);
    const int64_t minutes = 30 * 1440;
    for (int64_t m = 0; m < minutes; ++m) {
        double v = 100 + (m % 7) * 0.01;
        if (m == 20000) v = 1000;
        if (m == 30000) v = -50;
        store->append(one("meter", 2, "V", kJan1 + m * 60, v));
    }
    SeriesId id = *store->find_series("meter", 2, "V");
    int64_t from = kJan1 * kNs, to = (kJan1 + minutes * 60) * kNs;

    auto hours = store->rollups(id, RollupLevel::hour, from, to);
    REQUIRE(hours.size() == 720);
    CHECK(hours[0].count == 60);
    CHECK(hours[0].min == 100);
    CHECK(hours[0].max == doctest::Approx(100.06));
    auto periods = store->rollups(id, RollupLevel::period, from, from + 3600 * kNs);
    REQUIRE(periods.size() == 6);
    CHECK(periods[5].count == 10);

    auto coarse = store->downsample(id, from, to, 200);
    CHECK(coarse.size() <= 200);
    auto [lo, hi] =
        std::minmax_element(coarse.begin(), coarse.end(),
                            [](const Point &a, const Point &b) { return a.value < b.value; });
    CHECK(hi->value == 1000);
    CHECK(lo->value == -50);

    int64_t spike = (kJan1 + 20000 * 60) * kNs;
    auto fine = store->downsample(id, spike - 3600 * kNs, spike + 3600 * kNs, 100);
    CHECK(fine.size() <= 100);
    CHECK(std::any_of(fine.begin(), fine.end(),
                      [&](const Point &p) { return p.value == 1000 && p.ts_utc_ns == spike; }));
    auto raw = store->range(id, spike - 60 * kNs, spike + 61 * kNs);
    REQUIRE(raw.size() == 3);
    CHECK(raw[1].value == 1000);

    store->append(one("meter", 2, "V", kJan1 + 30, 5000)); // late: hour 0 is closed
    hours = store->rollups(id, RollupLevel::hour, from, from + 1);
    REQUIRE(hours.size() == 1);
    CHECK(hours[0].count == 61);
    CHECK(hours[0].max == 5000);
}

// Every pixel of a downsampled view holds the extreme values of the raw samples whose rollup
// bucket starts in it: checked against a brute-force pass over the raw samples, with stored
// chunks, a checkpoint across a reopen, late values, a gap and the open bucket.
TEST_CASE("downsampling from rollups equals the raw extremes per pixel") {
    TempDir dir;
    Options o;
    o.time_zone = "Europe/Paris";
    const int64_t minutes = 20 * 1440;
    std::mt19937_64 rng(7);
    std::normal_distribution<double> noise(0, 1);
    {
        auto store = Store::open(dir.path(), o);
        for (int64_t m = 0; m < minutes; ++m) {
            if (m >= 5 * 1440 && m < 6 * 1440) continue; // one day offline
            if (m == 12 * 1440) {                        // reopen: checkpoint + replay
                store.reset();
                store = Store::open(dir.path(), o);
            }
            double v = std::round((230 + 3 * std::sin(m / 300.0) + noise(rng)) * 100) / 100;
            store->append(one("meter", 1, "V", kJan1 + m * 60 + 7, v));
            if (m % 3001 == 2000) // late values into closed hours
                store->append(one("meter", 1, "V", kJan1 + (m - 500) * 60 + 31, 200 + m % 97));
        }
        store->checkpoint();
    }
    auto store = Store::open(dir.path(), o);
    SeriesId id = *store->find_series("meter", 1, "V");
    int64_t from = kJan1 * kNs, to = (kJan1 + minutes * 60) * kNs;
    auto raw = store->range(id, from, to);
    const size_t pixels = 120; // 4-hour pixels: hour buckets
    int64_t width = (to - from) / pixels;
    REQUIRE(width == 4 * 3600 * kNs);
    auto pixel_of = [&](int64_t ts) { return static_cast<size_t>((ts - from) / width); };
    std::vector<std::pair<double, double>> want(pixels, {INFINITY, -INFINITY});
    for (const Point &p : raw) {
        auto &[lo, hi] = want[pixel_of(p.ts_utc_ns)];
        lo = std::min(lo, p.value);
        hi = std::max(hi, p.value);
    }
    auto points = store->downsample(id, from, to, 2 * pixels);
    std::vector<std::pair<double, double>> got(pixels, {INFINITY, -INFINITY});
    for (const Point &p : points) {
        auto &[lo, hi] = got[pixel_of(p.ts_utc_ns)];
        lo = std::min(lo, p.value);
        hi = std::max(hi, p.value);
        // A point is a raw sample of its hour (times rounded down inside the bucket).
        CHECK(std::any_of(raw.begin(), raw.end(), [&](const Point &r) {
            return r.value == p.value && r.ts_utc_ns >= p.ts_utc_ns &&
                   r.ts_utc_ns < p.ts_utc_ns + 3600 * kNs;
        }));
    }
    for (size_t i = 0; i < pixels; ++i) {
        INFO("pixel ", i);
        CHECK(got[i].first == want[i].first);
        CHECK(got[i].second == want[i].second);
    }
}
