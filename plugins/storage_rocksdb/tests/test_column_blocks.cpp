// Column blocks (column_block.hpp): the codec, the read served by blocks alone, stores written
// before blocks, retention and the disk budget.
#include <doctest/doctest.h>

#include <core/column_block.hpp>
#include <core/db.hpp>
#include <core/keys.hpp>
#include <core/store.hpp>
#include <temp_dir.hpp>

#include "history_equal.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace gs::store;
using gs::store::testing::check_same_history;
using gs::store::testing::same_bits;
using gs::store::testing::TempDir;

namespace {

constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kJan1 = 1767225600; // 2026-01-01T00:00:00Z

// Two sources, 1-minute polls with a series that comes and goes, over `days` days.
void fill(Store &store, int64_t from_s, int64_t days) {
    std::mt19937_64 rng(from_s);
    for (int64_t t = from_s; t < from_s + days * 86400; t += 60)
        for (const char *source : {"a", "b"}) {
            Batch b;
            b.source = source;
            b.ts_utc_ns = t * kNs;
            b.values = {{1, "V", 230.0 + static_cast<double>(rng() % 500) / 100, quality::good},
                        {1, "P", static_cast<double>(rng() % 10000), quality::good}};
            if (t % 7200 < 1800) b.values.push_back({2, "I", 0.1 * (t % 13), quality::timeout});
            store.append(b);
        }
}

std::vector<SeriesId> all_series(Store &store) {
    std::vector<SeriesId> ids;
    for (const char *source : {"a", "b"})
        for (auto [circuit, data] : {std::pair{1, "V"}, {1, "P"}, {2, "I"}})
            ids.push_back(*store.find_series(source, circuit, data));
    return ids;
}

// Raw reads of the first two days: values, and buckets of values (no rollup level is narrow
// enough to serve them).
std::vector<std::vector<HistorySeries>> raw_reads(Store &store) {
    std::vector<SeriesId> ids = all_series(store);
    std::vector<std::vector<HistorySeries>> out;
    for (size_t n : {size_t{500}, size_t{2000}, size_t{100000}}) // narrower than any rollup
        out.push_back(store.history(ids, kJan1 * kNs, (kJan1 + 2 * 86400) * kNs + 1, n));
    return out;
}

struct BlockKey {
    int64_t window_s;
    uint32_t source;
};
std::vector<BlockKey> block_keys(Db &db) {
    std::vector<BlockKey> out;
    std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator({}, db.cf(Cf::blocks)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        ByteReader r({it->key().data(), it->key().size()});
        int64_t w = r.be64_signed();
        out.push_back({w, r.be32()});
    }
    return out;
}

} // namespace

TEST_CASE("column block codec: bit-exact values, gaps, qualities, odd doubles") {
    const int64_t w = kJan1 * kNs;
    std::vector<int64_t> ts;
    for (int i = 0; i < 50; ++i)
        ts.push_back(w + i * 60 * kNs + (i % 3) * 1'000'000);
    ColumnInput odd{7, {}, {}, {}}, dense{9, {}, {}, {}};
    const double specials[] = {std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(),
                               -0.0,
                               0.0,
                               0.1 + 0.2,
                               1e300,
                               4.9e-324,
                               -123.456,
                               230.01};
    for (uint32_t row = 0; row < 50; ++row) {
        dense.rows.push_back(row);
        dense.values.push_back(230 + row * 0.01);
        dense.qualities.push_back(row / 10 % 2 ? quality::timeout : quality::good);
        if (row % 4 == 3) continue; // the series is missing from some rows
        odd.rows.push_back(row);
        odd.values.push_back(specials[row % std::size(specials)]);
        odd.qualities.push_back(static_cast<uint8_t>(row % 5));
    }
    std::string block;
    encode_column_block(1234, w, ts, {odd, dense}, block);
    ColumnBlock b(block, w);
    CHECK(b.covered_seq() == 1234);
    CHECK(b.ts() == ts);
    CHECK(b.min_ts_ns() == ts.front());
    CHECK(b.max_ts_ns() == ts.back());
    CHECK(b.column(8).empty());
    for (const ColumnInput *c : {&odd, &dense}) {
        size_t i = 0;
        b.for_each(b.column(c->series), [&](size_t row, double v, uint8_t q) {
            REQUIRE(i < c->rows.size());
            CHECK(row == c->rows[i]);
            CHECK(same_bits(v, c->values[i]));
            CHECK(q == c->qualities[i]);
            ++i;
        });
        CHECK(i == c->rows.size());
    }
    // Truncated or damaged blocks are refused, never read past their end.
    for (size_t cut = 0; cut < block.size(); cut += 7) {
        std::string part = block.substr(0, cut);
        CHECK_THROWS_AS(
            {
                ColumnBlock damaged(part, w);
                for (uint32_t id : {7u, 9u})
                    damaged.for_each(damaged.column(id), [](size_t, double, uint8_t) {});
                if (damaged.column(9).empty()) throw CorruptData("column cut away");
            },
            CorruptData);
    }
}

TEST_CASE("column blocks serve raw reads alone, and late data above them") {
    TempDir dir;
    Options o;
    o.time_zone = "UTC";
    std::vector<std::vector<HistorySeries>> before;
    {
        auto store = Store::open(dir.path(), o);
        fill(*store, kJan1, 3);
        before = raw_reads(*store);
        store->maintain((kJan1 + 4 * 86400) * kNs);
        for (size_t i = 0; i < before.size(); ++i)
            check_same_history(raw_reads(*store)[i], before[i]);
    }
    {
        // Without the records the blocks cover, the blocks alone give the same answers (they
        // do serve the read). The journal would not: this store is only read below.
        auto db = open_db(dir.path(), o, false);
        std::vector<BlockKey> blocks = block_keys(*db);
        CHECK(blocks.size() >= 2 * 3 * 24 / 4); // every closed window of both sources
        for (const BlockKey &k : blocks) {
            std::string value;
            REQUIRE(db->db->Get({}, db->cf(Cf::blocks), keys::block(k.window_s, k.source), &value)
                        .ok());
            ColumnBlock b(value, k.window_s * kNs);
            REQUIRE(db->db
                        ->DeleteRange({}, db->cf(Cf::raw), keys::raw(k.window_s, k.source, 0),
                                      keys::raw(k.window_s, k.source, b.covered_seq() + 1))
                        .ok());
        }
    }
    auto store = Store::open(dir.path(), o);
    std::vector<std::vector<HistorySeries>> from_blocks = raw_reads(*store);
    for (size_t i = 0; i < before.size(); ++i)
        check_same_history(from_blocks[i], before[i]);
    // A late poll into a window that has a block: read from the record above the block.
    SeriesId v = *store->find_series("a", 1, "V");
    Batch late;
    late.source = "a";
    late.ts_utc_ns = kJan1 * kNs + 30 * kNs; // window kJan1 has a block
    late.values = {{1, "V", -0.0, quality::good}, {1, "W", 1.5, quality::good}};
    store->append(late);
    HistorySeries h = store->history({v}, kJan1 * kNs, (kJan1 + 60) * kNs, 10)[0];
    REQUIRE(h.buckets.size() == 2);
    CHECK(h.width_ns == 0);
    CHECK(h.buckets[0].start_utc_ns == kJan1 * kNs);
    CHECK(h.buckets[1].start_utc_ns == late.ts_utc_ns);
    CHECK(std::signbit(h.buckets[1].min));
}

TEST_CASE("column blocks: a store written before them opens, reads, and gets them") {
    TempDir dir;
    Options o;
    o.time_zone = "UTC";
    std::vector<std::vector<HistorySeries>> before;
    {
        auto store = Store::open(dir.path(), o);
        fill(*store, kJan1, 2);
        before = raw_reads(*store);
    }
    {
        // What an older version left: no blocks column family at all.
        auto db = open_db(dir.path(), o, false);
        REQUIRE(db->db->DropColumnFamily(db->cf(Cf::blocks)).ok());
    }
    {
        auto reader = Store::open_read_only(dir.path(), o);
        for (size_t i = 0; i < before.size(); ++i)
            check_same_history(raw_reads(*reader)[i], before[i]);
        CHECK(reader->stats().sst_bytes_by_family.size() == 7);
    }
    auto store = Store::open(dir.path(), o);
    for (size_t i = 0; i < before.size(); ++i)
        check_same_history(raw_reads(*store)[i], before[i]);
    store->maintain((kJan1 + 3 * 86400) * kNs);
    store->compact();
    uint64_t block_bytes = 0;
    for (const auto &[family, bytes] : store->stats().sst_bytes_by_family)
        if (family == "blocks") block_bytes = bytes;
    CHECK(block_bytes > 0);
    for (size_t i = 0; i < before.size(); ++i)
        check_same_history(raw_reads(*store)[i], before[i]);
}

TEST_CASE("column blocks go with their raw windows (retention) and count in the budget") {
    TempDir dir;
    Options o;
    o.time_zone = "UTC";
    o.raw_retention_s = 2 * 86400;
    {
        auto store = Store::open(dir.path(), o);
        fill(*store, kJan1, 4);
        store->maintain((kJan1 + 4 * 86400) * kNs); // drops days 0-1, blocks for the rest
        fill(*store, kJan1 + 4 * 86400, 3);
        MaintenanceReport report = store->maintain((kJan1 + 7 * 86400) * kNs);
        CHECK(report.raw_windows_dropped > 0);
        store->compact();
    }
    {
        auto db = open_db(dir.path(), o, false);
        std::vector<BlockKey> blocks = block_keys(*db);
        REQUIRE(!blocks.empty());
        std::unique_ptr<rocksdb::Iterator> it(db->db->NewIterator({}, db->cf(Cf::raw)));
        it->SeekToFirst();
        REQUIRE(it->Valid());
        int64_t oldest_raw = keys::parse_raw({it->key().data(), it->key().size()}).window_start_s;
        CHECK(oldest_raw >= kJan1 + 4 * 86400);
        CHECK(blocks.front().window_s >= oldest_raw);       // no block outlives its records
        CHECK(blocks.back().window_s >= kJan1 + 6 * 86400); // and the new windows have theirs
    }
    // The budget: raw records and journal fit, raw records + blocks do not: windows go.
    uint64_t raw = 0, journal = 0, blocks = 0;
    {
        auto store = Store::open(dir.path(), o);
        for (const auto &[family, bytes] : store->stats().sst_bytes_by_family) {
            if (family == "raw") raw = bytes;
            if (family == "journal") journal = bytes;
            if (family == "blocks") blocks = bytes;
        }
    }
    REQUIRE(blocks > 4096);
    o.raw_retention_s = 0;
    o.journal_budget_bytes = raw + journal + blocks / 2;
    auto store = Store::open(dir.path(), o);
    CHECK(store->maintain((kJan1 + 7 * 86400) * kNs).raw_windows_dropped > 0);
}
