// Store::history against a brute-force reference computed from the appended values.
#include <doctest/doctest.h>

#include <core/store.hpp>
#include <temp_dir.hpp>

#include "history_equal.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

using namespace gs::store;
using gs::store::testing::check_same_history;
using gs::store::testing::TempDir;

namespace {

constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kJan1 = 1767225600; // 2026-01-01T00:00:00Z

struct Reading {
    int64_t ts_ns;
    double value;
    uint8_t quality;
};

bool good(const Reading &r) {
    return r.quality == quality::good && std::isfinite(r.value);
}

// Checks one answer: the bucket rule (raw values when the range holds at most max_points,
// else at most max_points buckets of a grid covering the range) and every bucket's exact min,
// max, count and average over the readings it covers.
void check_against_reference(const HistorySeries &h, const std::vector<Reading> &readings,
                             int64_t from, int64_t to, size_t max_points) {
    INFO("range [" << from << ", " << to << ") max_points " << max_points << " width "
                   << h.width_ns);
    REQUIRE(h.buckets.size() <= max_points);
    std::vector<Reading> in_range;
    for (const Reading &r : readings)
        if (good(r) && r.ts_ns >= from && r.ts_ns < to) in_range.push_back(r);
    if (in_range.size() <= max_points) {
        REQUIRE(h.width_ns == 0);
        REQUIRE(h.buckets.size() == in_range.size());
        for (size_t i = 0; i < in_range.size(); ++i) {
            CHECK(h.buckets[i].start_utc_ns == in_range[i].ts_ns);
            CHECK(h.buckets[i].min == in_range[i].value);
            CHECK(h.buckets[i].max == in_range[i].value);
            CHECK(h.buckets[i].avg == in_range[i].value);
        }
        return;
    }
    REQUIRE(h.width_ns > 0);
    REQUIRE(h.from_utc_ns <= from);
    REQUIRE(h.to_utc_ns >= to);
    int64_t cells = (h.to_utc_ns - h.from_utc_ns + h.width_ns - 1) / h.width_ns;
    REQUIRE(cells <= static_cast<int64_t>(max_points));
    struct Ref {
        double min = INFINITY, max = -INFINITY, sum = 0;
        uint32_t count = 0;
    };
    std::map<int64_t, Ref> ref;
    for (const Reading &r : readings) {
        if (!good(r) || r.ts_ns < h.from_utc_ns || r.ts_ns >= h.to_utc_ns) continue;
        Ref &b = ref[h.from_utc_ns + (r.ts_ns - h.from_utc_ns) / h.width_ns * h.width_ns];
        b.min = std::min(b.min, r.value);
        b.max = std::max(b.max, r.value);
        b.sum += r.value;
        ++b.count;
    }
    REQUIRE(h.buckets.size() == ref.size()); // gaps stay gaps
    size_t i = 0;
    for (const auto &[start, b] : ref) {
        const HistoryBucket &got = h.buckets[i++];
        CHECK(got.start_utc_ns == start);
        CHECK(got.min == b.min);
        CHECK(got.max == b.max);
        CHECK(got.count == b.count);
        CHECK(got.avg == doctest::Approx(b.sum / b.count).epsilon(1e-9));
    }
}

} // namespace

// Run over the raw records alone (no maintenance pass yet: a store written before column
// blocks), then with the blocks of the closed windows built (answers bit for bit the same), then
// with late batches written after the blocks (read from the records above a block's coverage).
// The energy index "m/1/E" both reference tests declare (a counter, so its rollups are kept).
static SeriesSpec energy_counter() {
    SeriesSpec e;
    e.source = "m";
    e.circuit = 1;
    e.data = "E";
    e.kind = SeriesKind::counter;
    e.counter_max = 1e9;
    e.counter_step = 1;
    return e;
}

TEST_CASE("history: buckets of gauges and counters with gaps equal a brute-force reference") {
    TempDir dir;
    Options o;
    o.time_zone = "Europe/Paris";
    std::mt19937_64 rng(1302);
    const char *names[] = {"V", "P", "E"};
    std::map<std::string, std::vector<Reading>> written;
    int64_t first = kJan1 * kNs, last = 0;
    auto value_of = [&](const std::string &name, double &energy) {
        double v = name == "V"   ? 230 + static_cast<int>(rng() % 500) / 100.0
                   : name == "P" ? static_cast<double>(rng() % 20000) - 5000
                                 : (energy += static_cast<double>(rng() % 50));
        if (rng() % 300 == 0) v = NAN;
        if (rng() % 4000 == 0) v = 1e6; // a spike
        if (rng() % 1000 == 0) v = INFINITY;
        if (name == "P" && rng() % 100 == 0) v = rng() % 2 ? -0.0 : 0.0;
        return v;
    };
    double energy = 1000;
    {
        auto store = Store::open(dir.path(), o);
        store->declare_series(energy_counter());
        int64_t ts = kJan1;
        for (int poll = 0; poll < 12000; ++poll) {
            // Mostly 60-s polls with jitter, and gaps of up to a day (no value, not zero).
            ts += rng() % 200 == 0 ? static_cast<int64_t>(rng() % 86400) : 55 + rng() % 11;
            Batch b;
            b.source = "m";
            b.ts_utc_ns = ts * kNs + static_cast<int64_t>(rng() % 1000) * 1'000'000;
            for (const char *name : names) {
                if (rng() % 50 == 0) continue; // a series missing from a poll: layout change
                double v = value_of(name, energy);
                uint8_t q = rng() % 40 == 0 ? quality::timeout : quality::good;
                b.values.push_back({1, name, v, q});
                written[name].push_back({b.ts_utc_ns, v, q});
            }
            store->append(b);
            last = b.ts_utc_ns;
            if (poll == 6000) store->checkpoint(); // stored chunks and open buckets both
        }
    }
    auto store = Store::open(dir.path(), o); // rollups from stored chunks after a reopen
    std::vector<SeriesId> ids;
    for (const char *name : names)
        ids.push_back(*store->find_series("m", 1, name));
    const size_t sizes[] = {1, 2, 7, 50, 333, 2000, 10000};
    struct Query {
        int64_t from, to;
        size_t n;
    };
    std::vector<Query> queries;
    for (int q = 0; q < 120; ++q) {
        int64_t span = last - first + 4 * 3600 * kNs;
        int64_t a = first - 2 * 3600 * kNs + static_cast<int64_t>(rng() % span);
        // Short, medium and long ranges: raw records, period and hour rollups serve.
        int64_t length = static_cast<int64_t>(rng() % 3 == 0   ? rng() % (6 * 3600)
                                              : rng() % 2 == 0 ? rng() % (3 * 86400)
                                                               : rng() % (12 * 86400)) *
                             kNs +
                         1 + static_cast<int64_t>(rng() % kNs);
        queries.push_back({a, a + length, sizes[rng() % std::size(sizes)]});
    }
    std::vector<std::vector<HistorySeries>> from_records;
    for (const char *pass : {"records", "blocks", "blocks and late batches"}) {
        INFO("read from " << pass);
        if (std::string(pass) == "blocks") {
            store->maintain(last + 2 * 86400 * kNs); // builds the closed windows' blocks
            store->compact();
            uint64_t block_bytes = 0;
            for (const auto &[family, bytes] : store->stats().sst_bytes_by_family)
                if (family == "blocks") block_bytes = bytes;
            CHECK(block_bytes > 0);
        }
        if (std::string(pass) == "blocks and late batches") {
            // Late polls (older than the newest) into windows that have blocks, some with
            // fewer series (layout change), qualities and odd values.
            for (int i = 0; i < 300; ++i) {
                Batch b;
                b.source = "m";
                b.ts_utc_ns =
                    first + static_cast<int64_t>(rng() % (last - first)) / 1000 * 1000 + 7;
                for (const char *name : names) {
                    if (rng() % 5 == 0) continue;
                    double v = value_of(name, energy);
                    uint8_t q = rng() % 10 == 0 ? quality::bad_response : quality::good;
                    b.values.push_back({1, name, v, q});
                    written[name].push_back({b.ts_utc_ns, v, q});
                }
                store->append(b);
            }
            for (auto &[name, list] : written)
                std::stable_sort(list.begin(), list.end(), [](const Reading &a, const Reading &b) {
                    return a.ts_ns < b.ts_ns;
                });
        }
        size_t raw_values = 0, raw_buckets = 0, rollup_buckets = 0; // every path is exercised
        for (size_t q = 0; q < queries.size(); ++q) {
            const Query &query = queries[q];
            std::vector<HistorySeries> got = store->history(ids, query.from, query.to, query.n);
            REQUIRE(got.size() == ids.size());
            if (std::string(pass) == "records") from_records.push_back(got);
            if (std::string(pass) == "blocks") check_same_history(got, from_records[q]);
            for (size_t s = 0; s < ids.size(); ++s) {
                INFO("query " << q << " series " << names[s]);
                CHECK(got[s].series == ids[s]);
                check_against_reference(got[s], written[names[s]], query.from, query.to, query.n);
                int64_t w = got[s].width_ns;
                (w == 0 ? raw_values : w < 600 * kNs ? raw_buckets : rollup_buckets)++;
            }
        }
        CHECK(raw_values > 10);
        CHECK(raw_buckets > 10);
        CHECK(rollup_buckets > 10);
    }
    CHECK_THROWS_AS(store->history(ids, last, first, 10), StoreError);
    CHECK_THROWS_AS(store->history(ids, first, last, 0), StoreError);
    CHECK_THROWS_AS(store->history({9999}, first, last, 10), StoreError);
}

TEST_CASE("history: one spike in a year of one-minute data shows at every zoom") {
    TempDir dir;
    Options o;
    o.time_zone = "UTC";
    auto store = Store::open(dir.path(), o);
    std::mt19937_64 rng(7);
    std::vector<Reading> written;
    const int64_t minutes = 365 * 1440, spike_at = 200'000, dip_at = 300'001;
    for (int64_t m = 0; m < minutes; ++m) {
        double v = 400 + static_cast<double>(rng() % 100);
        if (m == spike_at) v = 9000;
        if (m == dip_at) v = -50;
        Batch b;
        b.source = "s";
        b.ts_utc_ns = (kJan1 + m * 60) * kNs;
        b.values.push_back({1, "P", v, quality::good});
        store->append(b);
        written.push_back({b.ts_utc_ns, v, quality::good});
    }
    SeriesId id = *store->find_series("s", 1, "P");
    int64_t from = kJan1 * kNs, to = (kJan1 + minutes * 60) * kNs;
    for (size_t n : {size_t{1}, size_t{3}, size_t{100}, size_t{2000}, size_t{10000}}) {
        HistorySeries h = store->history({id}, from, to, n)[0];
        INFO("max_points " << n);
        CHECK(h.width_ns >= 600 * kNs); // served by rollups (period or hour)
        size_t spikes = 0, dips = 0;
        for (const HistoryBucket &b : h.buckets) {
            spikes += b.max == 9000;
            dips += b.min == -50;
        }
        CHECK(spikes == 1);
        CHECK(dips == 1);
        check_against_reference(h, written, from, to, n);
    }
    // Zoomed in around the spike: raw buckets, then raw values.
    int64_t at = (kJan1 + spike_at * 60) * kNs;
    for (int64_t half_minutes : {3000, 30}) {
        HistorySeries h = store->history({id}, at - half_minutes * 60 * kNs,
                                         at + half_minutes * 60 * kNs, 100)[0];
        CHECK(std::count_if(h.buckets.begin(), h.buckets.end(),
                            [](const HistoryBucket &b) { return b.max == 9000; }) == 1);
        check_against_reference(h, written, at - half_minutes * 60 * kNs,
                                at + half_minutes * 60 * kNs, 100);
    }
}

TEST_CASE("history: raw reads of late batches and of a series asked twice") {
    TempDir dir;
    Options o;
    o.time_zone = "UTC";
    auto store = Store::open(dir.path(), o);
    std::mt19937_64 rng(13);
    std::vector<Reading> written;
    auto append = [&](int64_t ts_ns) {
        double v = static_cast<double>(rng() % 1000) / 10;
        Batch b;
        b.source = "late";
        b.ts_utc_ns = ts_ns;
        b.values.push_back({1, "P", v, quality::good});
        b.values.push_back({1, "Q", -v, quality::good});
        store->append(b);
        written.push_back({ts_ns, v, quality::good});
    };
    for (int64_t m = 0; m < 600; ++m)
        append((kJan1 + m * 60) * kNs);
    SeriesId p = *store->find_series("late", 1, "P");
    int64_t from = kJan1 * kNs, to = (kJan1 + 600 * 60) * kNs;
    // In time order: the series asked twice gets the same answer twice.
    for (size_t n : {size_t{100}, size_t{2000}}) {
        std::vector<HistorySeries> h = store->history({p, p}, from, to, n);
        REQUIRE(h.size() == 2);
        check_against_reference(h[0], written, from, to, n);
        check_against_reference(h[1], written, from, to, n);
    }
    // Late values (older than the last one stored) come after it in the records: the answers
    // still follow time order.
    for (int i = 0; i < 20; ++i)
        append((kJan1 + 30 + static_cast<int64_t>(rng() % 590) * 60) * kNs);
    std::stable_sort(written.begin(), written.end(),
                     [](const Reading &a, const Reading &b) { return a.ts_ns < b.ts_ns; });
    for (size_t n : {size_t{100}, size_t{2000}}) {
        std::vector<HistorySeries> h = store->history({p, p}, from, to, n);
        REQUIRE(h.size() == 2);
        INFO("max_points " << n);
        CHECK((h[0].width_ns == 0) == (n == 2000)); // raw values, else buckets of raw values
        check_against_reference(h[0], written, from, to, n);
        check_against_reference(h[1], written, from, to, n);
    }
}

// The one-year read path (hour rollups, one RocksDB partition per 7 days) across partition
// boundaries: 3 partitions, a series that has no value in the middle one, chunks of several
// checkpoints, late values in stored buckets (1-bucket fragments), open buckets of the runtime.
TEST_CASE("history: hour rollups across three partitions, a series missing in one, late values") {
    TempDir dir;
    Options o;
    o.checkpoint_every_values = 7000; // many chunks, some cut inside a partition
    std::mt19937_64 rng(1313);
    constexpr int64_t kWeek = 7 * 86400;
    int64_t p0 = (kJan1 / kWeek + 1) * kWeek; // a partition start
    int64_t start = p0 - 3 * 86400 + 1234;    // in the partition before it
    int64_t end = p0 + kWeek + 4 * 86400;     // in the partition after the next
    const char *names[] = {"V", "P", "E"};
    std::map<std::string, std::vector<Reading>> written;
    double energy = 5000;
    auto poll = [&](Store &store, int64_t ts_ns) {
        Batch b;
        b.source = "m";
        b.ts_utc_ns = ts_ns;
        int64_t ts_s = ts_ns / kNs;
        for (const char *name : names) {
            std::string n = name;
            if (n == "P" && ts_s >= p0 && ts_s < p0 + kWeek) continue; // none in the middle one
            if (rng() % 60 == 0) continue;
            double v = n == "V"   ? 228 + static_cast<int>(rng() % 800) / 100.0
                       : n == "P" ? static_cast<double>(rng() % 9000) - 1000
                                  : (energy += static_cast<double>(rng() % 30));
            uint8_t q = rng() % 50 == 0 ? quality::timeout : quality::good;
            if (rng() % 500 == 0) v = NAN;
            if (rng() % 5000 == 0) v = -1e5; // a dip
            b.values.push_back({1, name, v, q});
            written[n].push_back({ts_ns, v, q});
        }
        store.append(b);
    };
    {
        auto store = Store::open(dir.path(), o);
        store->declare_series(energy_counter());
        for (int64_t ts = start; ts < end;) {
            poll(*store, ts * kNs + static_cast<int64_t>(rng() % 1000) * 1'000'000);
            ts += rng() % 400 == 0 ? static_cast<int64_t>(rng() % 40000) : 60;
        }
        store->checkpoint();
        // Late values into stored buckets of the three partitions (fragments), then more
        // values left in the runtime's open buckets.
        for (int i = 0; i < 200; ++i)
            poll(*store, (start + static_cast<int64_t>(rng() % (end - start))) * kNs + 7);
        for (const char *name : names)
            std::stable_sort(written[name].begin(), written[name].end(),
                             [](const Reading &a, const Reading &b) { return a.ts_ns < b.ts_ns; });
    }
    auto store = Store::open(dir.path(), o);
    std::vector<SeriesId> ids;
    for (const char *name : names)
        ids.push_back(*store->find_series("m", 1, name));
    size_t hour_answers = 0;
    for (int q = 0; q < 40; ++q) {
        // Whole range and random ranges of 4 to 24 days, most across a boundary.
        int64_t from = q == 0 ? start : start - 86400 + static_cast<int64_t>(rng() % (8 * 86400));
        int64_t to = q == 0 ? end : from + 4 * 86400 + static_cast<int64_t>(rng() % (20 * 86400));
        size_t n = q == 0 ? 2000 : 20 + rng() % 300;
        std::vector<HistorySeries> got = store->history(ids, from * kNs, to * kNs, n);
        REQUIRE(got.size() == ids.size());
        for (size_t s = 0; s < ids.size(); ++s) {
            INFO("query " << q << " series " << names[s]);
            check_against_reference(got[s], written[names[s]], from * kNs, to * kNs, n);
            if (got[s].width_ns > 0 && got[s].width_ns % (3600 * kNs) == 0) ++hour_answers;
        }
    }
    CHECK(hour_answers > 60); // the hour rollups served most answers
}
