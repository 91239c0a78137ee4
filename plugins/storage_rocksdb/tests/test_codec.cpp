#include <doctest/doctest.h>

#include <core/bit_stream.hpp>
#include <core/decimal_fit.hpp>
#include <core/record_codec.hpp>
#include <core/rollup_stats.hpp>
#include <core/types.hpp>
#include <core/varint.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace gs::store;

namespace {

uint64_t bits(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    return b;
}

struct Poll {
    int64_t ts;
    std::vector<uint32_t> ids;
    std::vector<double> values;
    std::vector<uint8_t> qualities;
};

// Encodes the polls as one chain, decodes them back and checks every bit.
size_t round_trip(const std::vector<Poll> &polls, int64_t window_start_ns) {
    ChainState enc_chain, dec_chain;
    RecordEncoder encoder;
    std::vector<std::string> records;
    size_t bytes = 0;
    for (const Poll &p : polls) {
        std::string rec;
        encoder.encode(enc_chain, window_start_ns, p.ts, p.ids.data(), p.values.data(),
                       p.qualities.data(), p.ids.size(), rec);
        bytes += rec.size();
        records.push_back(std::move(rec));
    }
    DecodedRecord out;
    for (size_t r = 0; r < polls.size(); ++r) {
        decode_record(dec_chain, window_start_ns, records[r], out);
        REQUIRE(out.ts_ns == polls[r].ts);
        REQUIRE(*out.ids == polls[r].ids);
        for (size_t i = 0; i < polls[r].values.size(); ++i) {
            INFO("record " << r << " value " << i << " expected " << polls[r].values[i]);
            REQUIRE(bits(out.values[i]) == bits(polls[r].values[i]));
            REQUIRE(out.qualities[i] == polls[r].qualities[i]);
        }
    }
    // Reading some series only (decode_record's `only`) gives those series' values bit for bit,
    // whatever the others do (escapes, XOR, layout changes).
    std::vector<uint32_t> all_ids;
    for (const Poll &p : polls)
        for (uint32_t id : p.ids)
            if (std::find(all_ids.begin(), all_ids.end(), id) == all_ids.end())
                all_ids.push_back(id);
    std::vector<std::vector<uint32_t>> subsets = {{}, {999999}};
    for (size_t i = 0; i < all_ids.size() && i < 4; ++i)
        subsets.push_back({all_ids[i]});
    subsets.emplace_back();
    for (size_t i = 1; i < all_ids.size(); i += 2)
        subsets.back().push_back(all_ids[i]);
    for (const std::vector<uint32_t> &only : subsets) {
        ChainState partial;
        for (size_t r = 0; r < polls.size(); ++r) {
            decode_record(partial, window_start_ns, records[r], out, &only);
            REQUIRE(out.ts_ns == polls[r].ts);
            REQUIRE(*out.ids == polls[r].ids);
            for (size_t i = 0; i < polls[r].values.size(); ++i) {
                bool wanted = std::find(only.begin(), only.end(), polls[r].ids[i]) != only.end();
                if (!wanted) continue;
                INFO("only, record " << r << " value " << i);
                REQUIRE(bits(out.values[i]) == bits(polls[r].values[i]));
                REQUIRE(out.qualities[i] == polls[r].qualities[i]);
            }
        }
        if (polls.size() > 1) { // a partly decoded chain refuses to decode everything
            ChainState again;
            decode_record(again, window_start_ns, records[0], out, &only);
            CHECK_THROWS_AS(decode_record(again, window_start_ns, records[1], out), CorruptData);
        }
    }
    return bytes;
}

} // namespace

TEST_CASE("bit stream round trip") {
    std::mt19937_64 rng(1);
    std::vector<std::pair<uint64_t, int>> items;
    std::string buf;
    BitWriter w(buf);
    for (int i = 0; i < 5000; ++i) {
        int n = static_cast<int>(rng() % 65);
        uint64_t v = n == 64 ? rng() : rng() & ((uint64_t{1} << n) - 1);
        items.emplace_back(v, n);
        w.write(v, n);
        w.write_unary(n % 30);
    }
    w.finish();
    BitReader r(buf);
    for (auto [v, n] : items) {
        CHECK(r.read(n) == v);
        CHECK(r.read_unary(40) == n % 30);
    }
}

TEST_CASE("decimal fit recognises meter values and rejects the rest") {
    DecimalScale scale;
    int64_t k;
    REQUIRE(find_scale(23001 * 0.01, scale, k));
    CHECK(k == 23001);
    CHECK(bits(decimal_value(k, scale)) == bits(23001 * 0.01));
    REQUIRE(find_scale(230.01, scale, k));
    CHECK(bits(decimal_value(k, scale)) == bits(230.01));
    CHECK(find_scale(1234567.0, scale, k));
    CHECK(scale.digits == 0);
    CHECK_FALSE(find_scale(-0.0, scale, k));
    CHECK_FALSE(find_scale(std::nan(""), scale, k));
    CHECK_FALSE(find_scale(INFINITY, scale, k));
    CHECK_FALSE(find_scale(M_PI, scale, k));
    CHECK_FALSE(find_scale(1e300, scale, k));
}

TEST_CASE("record codec: meter-like values with quality changes and irregular timestamps") {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> noise(0, 1);
    std::vector<Poll> polls;
    int64_t ts = 1'700'000'000'000'000'000;
    double energy = 123456;
    for (int r = 0; r < 2000; ++r) {
        Poll p;
        ts += 1'000'000'000 + static_cast<int64_t>(noise(rng) * 3e6); // jitter
        if (r == 500) ts -= 5'000'000'000;                            // clock step backwards
        p.ts = ts;
        energy += std::floor(std::fabs(noise(rng)) * 3);
        double v = static_cast<double>(std::llround((230 + noise(rng) * 0.2) * 100)) * 0.01;
        double i = static_cast<double>(std::llround((12 + noise(rng) * 0.05) * 1000)) / 1000;
        p.ids = {1, 2, 3, 4};
        p.values = {v, i, std::round(v * i), energy};
        p.qualities = {quality::good, quality::good, quality::good, quality::good};
        if (r % 97 == 5) p.qualities[1] = quality::timeout;
        if (r % 301 == 7) {
            p.values[2] = std::nan("");
            p.qualities[2] = quality::bad_response;
        }
        if (r >= 1000 && r < 1100) { // a series disappears then comes back
            p.ids = {1, 3, 4, 9};
            p.values = {v, std::round(v * i), energy, 0.5};
            p.qualities.resize(4, quality::good);
        }
        polls.push_back(std::move(p));
    }
    size_t bytes = round_trip(polls, 1'699'999'000'000'000'000);
    double per_value = static_cast<double>(bytes) / (polls.size() * 4);
    // Only 4 values per record here, so the per-record header (flags, jittery timestamp) weighs.
    MESSAGE("meter-like record bytes/value (4 values per record): " << per_value);
    CHECK(per_value < 3.0);
}

TEST_CASE("record codec: adversarial and random doubles are bit-exact") {
    const double adversarial[] = {0.0,
                                  -0.0,
                                  std::numeric_limits<double>::quiet_NaN(),
                                  -std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::signaling_NaN(),
                                  INFINITY,
                                  -INFINITY,
                                  DBL_MAX,
                                  -DBL_MAX,
                                  DBL_MIN,
                                  std::numeric_limits<double>::denorm_min(),
                                  9007199254740993.0,
                                  -9007199254740992.0,
                                  0.1 + 0.2,
                                  1e-9,
                                  123456789.123,
                                  1.0 / 3.0,
                                  -1e300};
    std::mt19937_64 rng(42);
    std::vector<Poll> polls;
    int64_t ts = 0;
    for (int r = 0; r < 600; ++r) {
        Poll p;
        ts += static_cast<int64_t>(rng() % 5'000'000'000); // irregular
        p.ts = ts;
        for (uint32_t s = 0; s < 8; ++s) {
            p.ids.push_back(100 + s * 3);
            double v;
            uint64_t b;
            switch (s) {
            case 0:
                v = adversarial[rng() % std::size(adversarial)];
                break;
            case 1:
                b = rng(); // any bit pattern, NaN payloads included
                std::memcpy(&v, &b, 8);
                break;
            case 2:
                v = std::ldexp(static_cast<double>(rng() % 1000), -static_cast<int>(rng() % 60));
                break;
            case 3:
                v = r % 10 == 0 ? adversarial[rng() % std::size(adversarial)] : (r % 500) * 0.25;
                break;
            case 4:
                v = static_cast<double>(static_cast<int64_t>(rng() >> 11)) * (rng() % 2 ? 1 : -1);
                break;
            case 5:
                v = std::sin(r * 0.01) * 1000;
                break; // arbitrary doubles: XOR path
            case 6:
                v = static_cast<double>(rng() % 100000) * 0.001;
                break;
            default:
                v = r < 300 ? 42.0 : static_cast<double>(rng() % 7) / 10;
                break;
            }
            p.values.push_back(v);
            p.qualities.push_back(static_cast<uint8_t>(rng() % 6));
        }
        polls.push_back(std::move(p));
    }
    round_trip(polls, 0);
}

TEST_CASE("record codec: truncated records throw instead of crashing") {
    ChainState chain;
    RecordEncoder encoder;
    uint32_t ids[] = {1, 2};
    double values[] = {230.01, M_PI};
    uint8_t q[] = {1, 1};
    std::string rec;
    encoder.encode(chain, 0, 5, ids, values, q, 2, rec);
    for (size_t cut = 0; cut + 1 < rec.size(); ++cut) {
        ChainState dec;
        DecodedRecord out;
        CHECK_THROWS_AS(decode_record(dec, 0, rec.substr(0, cut), out), CorruptData);
    }
    ChainState unstarted;
    std::string second;
    encoder.encode(chain, 0, 6, ids, values, q, 2, second);
    DecodedRecord out;
    CHECK_THROWS_AS(decode_record(unstarted, 0, second, out), CorruptData);
}

TEST_CASE("rollup chunks round trip") {
    std::mt19937_64 rng(3);
    std::vector<RollupStats> buckets;
    int64_t start = 1767225600;
    for (int b = 0; b < 300; ++b) {
        RollupStats s;
        start += b % 50 == 7 ? 1800 : 600; // gaps
        s.start_s = start;
        if (b % 13 != 5) {
            int n = 1 + static_cast<int>(rng() % 20);
            for (int i = 0; i < n; ++i) {
                double v =
                    b % 41 == 3 ? std::sin(i + b) : static_cast<double>(23000 + rng() % 40) * 0.01;
                s.add_good(v, (start + i * 30) * 1'000'000'000LL);
            }
        }
        if (b % 17 == 2) s.bad_count = 3;
        if (b % 3 == 0) s.delta = static_cast<double>(rng() % 1000) * 0.5;
        buckets.push_back(s);
    }
    std::string chunk;
    encode_rollup_chunk(buckets.data(), buckets.size(), 600, chunk); // 8-s time units
    std::vector<RollupStats> back;
    decode_rollup_chunk(chunk, back);
    REQUIRE(back.size() == buckets.size());
    for (size_t i = 0; i < buckets.size(); ++i) {
        const RollupStats &a = buckets[i], &b = back[i];
        CHECK(a.start_s == b.start_s);
        CHECK(a.count == b.count);
        CHECK(a.bad_count == b.bad_count);
        if (a.count) {
            CHECK(bits(a.min) == bits(b.min));
            CHECK(bits(a.max) == bits(b.max));
            CHECK(bits(a.last) == bits(b.last));
            CHECK(b.sum == doctest::Approx(a.sum).epsilon(1e-12));
            CHECK(b.min_ts_ns <= a.min_ts_ns);
            CHECK(a.min_ts_ns - b.min_ts_ns < 8'000'000'000LL);
            CHECK(b.last_ts_ns <= a.last_ts_ns);
            CHECK(a.last_ts_ns - b.last_ts_ns < 8'000'000'000LL);
        }
        CHECK(b.delta == doctest::Approx(a.delta).epsilon(1e-12));
    }
    MESSAGE("rollup chunk bytes per bucket: " << static_cast<double>(chunk.size()) /
                                                     buckets.size());
}

TEST_CASE("rollup chunks: a filtered decode keeps the buckets of its range and the fields asked") {
    std::mt19937_64 rng(11);
    std::vector<RollupStats> buckets;
    int64_t start = 1767225600;
    for (int b = 0; b < 400; ++b) {
        RollupStats s;
        start += b % 37 == 9 ? 7200 : 3600; // gaps
        s.start_s = start;
        int n = b % 11 == 4 ? 0 : b % 7 == 1 ? 1 : 1 + static_cast<int>(rng() % 30);
        for (int i = 0; i < n; ++i) {
            // decimals mostly (same tags, deltas coded), raw doubles now and then
            double v = b % 23 == 5 ? std::cos(i * 0.7 + b) * 1e3
                                   : static_cast<double>(100000 + rng() % 5000) * 0.1;
            s.add_good(v, (start + i * 60) * 1'000'000'000LL);
        }
        if (b % 19 == 3) s.bad_count = 2;
        if (b % 2 == 0) s.delta = static_cast<double>(rng() % 800) * 0.25;
        if (n && b % 5 == 0)
            s.note_first((start + 60) * 1'000'000'000LL, start * 1'000'000'000LL, 1.5);
        buckets.push_back(s);
    }
    std::string chunk;
    encode_rollup_chunk(buckets.data(), buckets.size(), 3600, chunk);
    std::vector<RollupStats> all;
    decode_rollup_chunk(chunk, all);
    REQUIRE(all.size() == buckets.size());
    for (int trial = 0; trial < 20; ++trial) {
        int64_t from = all[rng() % all.size()].start_s + static_cast<int64_t>(rng() % 3) - 1;
        int64_t to = from + static_cast<int64_t>(rng() % (100 * 3600));
        for (bool values_only : {false, true}) {
            RollupStats before;
            std::vector<RollupStats> got;
            decode_rollup_chunk(chunk, got, {from, to, values_only, &before});
            std::vector<const RollupStats *> want;
            const RollupStats *latest = nullptr;
            for (const RollupStats &b : all) {
                if (b.start_s >= from && b.start_s < to) want.push_back(&b);
                if (b.start_s < from && b.count && (!latest || b.last_ts_ns >= latest->last_ts_ns))
                    latest = &b;
            }
            REQUIRE(got.size() == want.size());
            for (size_t i = 0; i < got.size(); ++i) {
                const RollupStats &a = *want[i], &b = got[i];
                CHECK(a.start_s == b.start_s);
                CHECK(a.count == b.count);
                CHECK(a.bad_count == b.bad_count);
                CHECK(bits(a.min) == bits(b.min));
                CHECK(bits(a.max) == bits(b.max));
                CHECK(bits(a.sum) == bits(b.sum));
                if (values_only) { // the other fields are left at their defaults
                    CHECK(b.delta == 0);
                    CHECK(!b.has_first());
                    CHECK(b.min_ts_ns == 0);
                } else {
                    CHECK(bits(a.last) == bits(b.last));
                    CHECK(bits(a.delta) == bits(b.delta));
                    CHECK(a.last_ts_ns == b.last_ts_ns);
                    CHECK(a.min_ts_ns == b.min_ts_ns);
                    CHECK(a.has_first() == b.has_first());
                    CHECK(a.first_ts_ns == b.first_ts_ns);
                    CHECK(bits(a.first_delta) == bits(b.first_delta));
                }
            }
            if (values_only || !latest) {
                CHECK(before.count == 0);
            } else {
                CHECK(before.start_s == latest->start_s);
                CHECK(bits(before.last) == bits(latest->last));
                CHECK(before.last_ts_ns == latest->last_ts_ns);
            }
        }
    }
}

TEST_CASE("record codec: integers in units of a power of ten (10 W, kWh as Wh) stay exact") {
    std::vector<Poll> polls;
    std::mt19937_64 rng(3);
    double kwh = 1.0e6, watts = 4000;
    for (int t = 0; t < 300; ++t) {
        Poll p;
        p.ts = int64_t{1'000'000'000} * 300 * t;
        kwh += rng() % 3 == 0 ? 1000 : 0;
        watts =
            std::max(0.0, watts + 10.0 * static_cast<double>(static_cast<int>(rng() % 21) - 10));
        double odd = t == 150 ? kwh + 1 : kwh; // a value off the unit, then back on it
        double zero = t % 50 == 0 ? 0 : 10.0 * t;
        p.ids = {1, 2, 3, 4};
        p.values = {odd, watts, zero, -20000.0 * (t % 7)};
        p.qualities = {quality::good, quality::good, quality::good, quality::good};
        polls.push_back(std::move(p));
    }
    size_t bytes = round_trip(polls, 0);
    // The same steps in units of 1 (values + 1 keep every delta): units save the zeros' bits.
    std::vector<Poll> plain = polls;
    for (Poll &p : plain)
        for (double &v : p.values)
            v += 1;
    size_t plain_bytes = round_trip(plain, 0);
    CHECK(bytes * 100 < plain_bytes * 85); // 1932 vs 2421 bytes when written
}

namespace {
// A chain encoded by the codec as it was before reads could decode some series only (commit
// 8f5019e): layout changes, a quality change, decimal, 10-W unit, kWh, XOR
// and NaN escapes. The format must keep decoding it.
const char *const kGoldenChain[] = {
    "1b00a0380603020604060606000400012e0104000302020400030a0304000380890f0404000f000501000000000000"
    "f87f",
    "0880e9b485bf0305000202fae702010200ea0f02040001f6070401d65938c45278724005020232a0",
    "0800010401d16117c923a58140fc695f8d3ba6fc5c80",
    "08ff9aee020104034e76cb829d7a8840f57e3c139b88",
    "00809bee02caface6db955acd8e86c18fa40",
    "0800010501000000000000f87f8aea9cd20ba5b7c4d53b",
    "00ff9aee028af3ce68a299249de2cbf100",
    "00809bee02fc8d4ea4e6a4bb59d6ca492320",
    "00004ae0ce6d987f10c28356a7d900",
    "00ff9aee024af937f1b4b68d3feb69d952bc66c8",
    "0a809bee02070302060406060c020501000000000000f87f06040001024abb8e6d79ec571399bd1dc8",
    "0200060302060406064ac447360fe0008502e8b49399e900",
    "00ff9aee024acb139a00181f8f05afeec364",
    "04809bee020101024a91473401fdace54893b2d6c8",
    "0400010101e532f8e6800390ae8da071fcd900",
    "08ff9aee02010501000000000000f87f4ac15734000b614d018b4d34",
    "00809bee024aa4ce680006b5b2c0ed81c690",
    "0a000603080406060c01050200224a73400079faacc89cac0c80",
    "0aff9aee02060302060406060101020098194afc6d2d0002644ce9c6e45c32",
    "00809bee024afc9d14e6800244d99599cfe99900",
    "0800010501000000000000f87f4afc9fd8e6803c10f7872c660080",
    "00ff9aee02e53f936e9cd4020d37f14a502fbd20",
    "00809bee024afca8bc734008751e549e7d09ac80",
    "00004afc99d4e6803c5acb73fe2654d900",
};

std::string from_hex(const std::string &hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

double golden_value(int r, uint32_t id) {
    switch (id) {
    case 3:
        return (23000 + (r * 37) % 250) / 100.0;
    case 4:
        return 1000 + (r * r * 13) % 900;
    case 7:
        return 10.0 * (500 + (r * 7) % 60);
    case 9:
        return 1000 * (123456 + r * 3);
    case 12:
        return std::sin(r * 0.3) * 1000;
    case 15:
        return r % 5 == 0 ? NAN : r * 0.25;
    default:
        return -0.0 + r;
    }
}
} // namespace

TEST_CASE("record codec: a chain written by an earlier version decodes, whole or some series") {
    const std::vector<std::vector<uint32_t>> subsets = {{}, {4}, {12, 21}, {3, 9, 15}};
    for (size_t pass = 0; pass <= subsets.size(); ++pass) {
        const std::vector<uint32_t> *only = pass == 0 ? nullptr : &subsets[pass - 1];
        ChainState chain;
        DecodedRecord out;
        for (int r = 0; r < static_cast<int>(std::size(kGoldenChain)); ++r) {
            decode_record(chain, 0, from_hex(kGoldenChain[r]), out, only);
            INFO("pass " << pass << " record " << r);
            CHECK(out.ts_ns == int64_t{r} * 60'000'000'000 + (r % 3) * 1'000'000);
            CHECK(out.ids->size() == (r == 10 ? 7u : 6u));
            for (size_t i = 0; i < out.ids->size(); ++i) {
                uint32_t id = (*out.ids)[i];
                if (only && std::find(only->begin(), only->end(), id) == only->end()) continue;
                double want = golden_value(r, id);
                if (std::isnan(want))
                    CHECK(std::isnan(out.values[i]));
                else
                    CHECK(bits(out.values[i]) == bits(want));
                CHECK(out.qualities[i] == (r == 13 && id == 4 ? 2 : 1));
            }
        }
    }
}

// The one-load varint readers of the rollup decoder equal the byte-by-byte ones: every length
// (1..10 bytes), at the end of a buffer (fewer than 8 bytes left) and truncated.
TEST_CASE("varint: the fast readers equal the byte-by-byte ones") {
    std::mt19937_64 rng(13);
    std::vector<uint64_t> values;
    for (int bits_used = 0; bits_used <= 64; ++bits_used)
        for (int i = 0; i < 20; ++i) {
            uint64_t v = bits_used == 64 ? rng() : rng() & ((uint64_t{1} << bits_used) - 1);
            values.push_back(v);
        }
    std::string buf;
    for (uint64_t v : values)
        put_varint(buf, v);
    for (size_t cut : {buf.size(), buf.size() - 1}) { // whole, then truncated in the last one
        std::string_view data(buf.data(), cut);
        ByteReader slow(data), fast(data), skip(data);
        for (size_t i = 0; i + 1 < values.size(); ++i)
            skip.skip_varints_fast(1);
        for (size_t i = 0; i < values.size(); ++i) {
            bool last = i + 1 == values.size();
            if (last && cut < buf.size()) {
                CHECK_THROWS_AS(slow.varint(), CorruptData);
                CHECK_THROWS_AS(fast.varint_fast(), CorruptData);
                CHECK_THROWS_AS(skip.skip_varints_fast(1), CorruptData);
                break;
            }
            CHECK(slow.varint() == values[i]);
            CHECK(fast.varint_fast() == values[i]);
            CHECK(fast.position() == slow.position());
        }
        ByteReader a(data), b(data);
        size_t i = 0;
        while (i < values.size()) {
            int n = static_cast<int>(std::min<size_t>(1 + i % 3, values.size() - i));
            if (cut < buf.size() && i + n == values.size()) {
                CHECK_THROWS_AS(b.skip_varints_fast(n), CorruptData);
                break;
            }
            for (int k = 0; k < n; ++k)
                a.skip_varint();
            b.skip_varints_fast(n);
            CHECK(a.position() == b.position());
            i += n;
        }
    }
    std::string zig;
    put_svarint(zig, -123456789012345);
    ByteReader z(zig);
    CHECK(z.svarint_fast() == -123456789012345);
}
