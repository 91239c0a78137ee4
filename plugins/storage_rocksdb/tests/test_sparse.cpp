// Sparse polling (300 s): raw chains spanning several windows, and period/hour rollups that are
// derived from raw records instead of stored, then stored by maintain() before raw data goes.
#include <doctest/doctest.h>

#include <core/store.hpp>
#include <core/store_impl.hpp>
#include <index_reference.hpp>
#include <temp_dir.hpp>

#include <cmath>
#include <map>

using namespace gs::store;
using gs::store::testing::IndexReading;
using gs::store::testing::IndexReference;
using gs::store::testing::TempDir;

namespace {

constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kJan1 = 1767225600; // 2026-01-01T00:00:00Z
constexpr int64_t kStep = 300;
constexpr int kPolls = 3 * 288; // 3 days

double gauge(int i) {
    return 230.0 + static_cast<double>((i * 37) % 101) * 0.01;
}
double counter(int i) { // a meter reset (replacement) at poll 500
    return i < 500 ? 1000.0 + i * 7.0 : (i - 500) * 5.0 + 3.0;
}

Batch poll(int i) {
    Batch b;
    b.source = "m";
    b.ts_utc_ns = (kJan1 + i * kStep) * kNs + 1'000'000;
    b.values = {{1, "V", gauge(i), quality::good}, {1, "E", counter(i), quality::good}};
    if (i % 97 == 5) b.values[0].quality = quality::timeout;
    return b;
}

// Reference buckets of `width` seconds computed from the inputs, in time order.
std::map<int64_t, RollupBucket> reference(bool is_counter, int64_t width) {
    std::map<int64_t, RollupBucket> out;
    double prev = 0;
    for (int i = 0; i < kPolls; ++i) {
        Batch b = poll(i);
        const Value &v = b.values[is_counter ? 1 : 0];
        int64_t ts_s = b.ts_utc_ns / kNs;
        int64_t start = ts_s / width * width;
        RollupBucket &r = out[start];
        r.start_utc_ns = start * kNs;
        if (v.quality != quality::good) {
            ++r.bad_count;
            continue;
        }
        if (r.count == 0 || v.value < r.min) r.min = v.value;
        if (r.count == 0 || v.value > r.max) r.max = v.value;
        r.sum += v.value;
        r.last = v.value;
        ++r.count;
        if (is_counter && i > 0) r.delta += v.value >= prev ? v.value - prev : v.value;
        prev = v.value;
    }
    return out;
}

void check_same(const std::vector<RollupBucket> &got, const std::map<int64_t, RollupBucket> &want) {
    REQUIRE(got.size() == want.size());
    size_t i = 0;
    for (auto &[start, w] : want) {
        const RollupBucket &g = got[i++];
        CHECK(g.start_utc_ns == w.start_utc_ns);
        CHECK(g.count == w.count);
        CHECK(g.bad_count == w.bad_count);
        CHECK(g.min == w.min);
        CHECK(g.max == w.max);
        CHECK(g.sum == doctest::Approx(w.sum));
        CHECK(g.last == w.last);
        CHECK(g.delta == doctest::Approx(w.delta));
    }
}

void check_rollups(Store &store, SeriesId v, SeriesId e, int64_t period_s) {
    const int64_t from = kJan1 * kNs, to = (kJan1 + kPolls * kStep) * kNs;
    check_same(store.rollups(v, RollupLevel::hour, from, to), reference(false, 3600));
    check_same(store.rollups(e, RollupLevel::hour, from, to), reference(true, 3600));
    check_same(store.rollups(v, RollupLevel::period, from, to), reference(false, period_s));
    check_same(store.rollups(e, RollupLevel::period, from, to), reference(true, period_s));
    ConsumptionTable hourly = store.consumption({e}, ConsumptionStep::hour, from, to);
    auto ref = reference(true, 3600);
    REQUIRE(hourly.bucket_starts_utc_ns.size() == ref.size());
    // Consumption is the index difference at each hour's bounds: a poll 1 ms after the hour
    // straddles it, so nearly all of its delta belongs to the hour before.
    std::vector<IndexReading> readings;
    for (int i = 0; i < kPolls; ++i)
        readings.push_back({poll(i).ts_utc_ns, static_cast<int64_t>(counter(i))});
    IndexReference index(readings, 4294967295);
    for (size_t b = 0; b < hourly.bucket_starts_utc_ns.size(); ++b)
        CHECK(hourly.at(0, b) ==
              static_cast<double>(
                  index.consumption(hourly.bucket_starts_utc_ns[b], hourly.bucket_ends_utc_ns[b])));
}

} // namespace

TEST_CASE("chain span: fits the polling interval, divides a day, never overlaps the last chain") {
    CHECK(chain_span(kJan1, 0, 3600, INT64_MIN) == 3600);     // interval unknown
    CHECK(chain_span(kJan1, 10, 3600, INT64_MIN) == 3600);    // dense polling: one window
    CHECK(chain_span(kJan1, 60, 3600, INT64_MIN) == 14400);   // 256 polls -> 4 h
    CHECK(chain_span(kJan1, 300, 3600, INT64_MIN) == 43200);  // 12 h
    CHECK(chain_span(kJan1, 3600, 3600, INT64_MIN) == 86400); // at most a day
    // The aligned start must not precede the end of the previous chain.
    CHECK(chain_span(kJan1 + 3600, 300, 3600, kJan1 + 3600) == 3600);
    CHECK(chain_span(kJan1 + 7200, 300, 3600, kJan1 + 7200) == 7200);
}

TEST_CASE("sparse polling: rollups derived from raw records equal the ingest rollups, across "
          "restart, raw retention and a meter reset") {
    TempDir dir;
    Options o;
    o.time_zone = "UTC";
    o.raw_retention_s = 0;
    o.period_retention_s = 0;
    o.hour_retention_s = 0;
    SeriesId v, e;
    {
        auto store = Store::open(dir.path(), o);
        SeriesSpec spec;
        spec.source = "m";
        spec.circuit = 1;
        spec.data = "E";
        spec.kind = SeriesKind::counter;
        spec.counter_max = 4294967295.0;
        spec.counter_step = 1;
        e = store->declare_series(spec);
        for (int i = 0; i < kPolls; ++i)
            store->append(poll(i));
        v = *store->find_series("m", 1, "V");
        // In memory (open and pending buckets), then after a checkpoint that does not store
        // the sparse levels.
        check_rollups(*store, v, e, 600);
        store->compact();
        check_rollups(*store, v, e, 600);
        // Raw ranges starting inside a chain that spans many windows.
        for (int64_t from_poll : {0, 7, 100, 401}) {
            auto points = store->range(v, (kJan1 + from_poll * kStep) * kNs,
                                       (kJan1 + (from_poll + 50) * kStep) * kNs);
            REQUIRE(points.size() == 50);
            CHECK(points.front().value == gauge(static_cast<int>(from_poll)));
            CHECK(points.back().value == gauge(static_cast<int>(from_poll) + 49));
        }
    }
    {
        auto store = Store::open(dir.path(), o); // replays nothing: checkpointed on close
        check_rollups(*store, v, e, 600);
        // 300-s polls give chains of 12 h: few keys, no dense period or hour chunks.
        StoreStats st = store->stats();
        CHECK(st.raw_sst_bytes > 0);
    }
    {
        Options keep_one_day = o;
        keep_one_day.raw_retention_s = 86400;
        auto store = Store::open(dir.path(), keep_one_day);
        MaintenanceReport r = store->maintain((kJan1 + kPolls * kStep) * kNs);
        CHECK(r.raw_windows_dropped >= 3);
        CHECK(store->range(v, kJan1 * kNs, (kJan1 + 86400) * kNs).empty());
        // The buckets of dropped raw records were stored first: same answers.
        check_rollups(*store, v, e, 600);
        store->compact();
        check_rollups(*store, v, e, 600);
    }
}
