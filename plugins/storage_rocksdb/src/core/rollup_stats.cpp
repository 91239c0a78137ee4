#include "rollup_stats.hpp"

#include "calendar.hpp"
#include "decimal_fit.hpp"
#include "varint.hpp"

#include <algorithm>
#include <cmath>

namespace gs::store {

static_assert(sizeof(RollupStats) == 104, "a new field of RollupStats: add it to reset()");

namespace {

enum Flags : uint8_t { kHasGood = 1, kHasBad = 2, kHasDelta = 4 };

// Decimal digits of `v`, or -1 when it is no decimal.
int digits_of(double v) {
    DecimalScale scale;
    int64_t k;
    return find_scale(v, scale, k) ? scale.digits : -1;
}

// Timestamps inside a bucket only place min/max on a plot: they are kept in units of
// 2^shift seconds, chosen so that an offset fits one varint byte (8 s for 10-minute buckets).
int offset_shift(int64_t bucket_width_s) {
    int shift = 0;
    while (((bucket_width_s - 1) >> shift) >= 128)
        ++shift;
    return shift;
}
int64_t offset_units(int64_t ts_ns, int64_t start_s, int shift) {
    return floor_div(ns_to_s_floor(ts_ns) - start_s, int64_t{1} << shift);
}
int64_t offset_ns(ByteReader &in, int64_t start_s, int shift) {
    return (start_s + in.svarint() * (int64_t{1} << shift)) * kNsPerS;
}

} // namespace

void RollupStats::add_good(double v, int64_t ts_ns) {
    if (count == 0 || v < min) {
        min = v;
        min_ts_ns = ts_ns;
    }
    if (count == 0 || v > max) {
        max = v;
        max_ts_ns = ts_ns;
    }
    sum += v;
    ++count;
    if (count == 1 || ts_ns >= last_ts_ns) {
        last = v;
        last_ts_ns = ts_ns;
    }
}

void RollupStats::note_first(int64_t ts_ns, int64_t prev_ts_ns, double d) {
    if (ts_ns < first_ts_ns || (ts_ns == first_ts_ns && prev_ts_ns > first_prev_ts_ns)) {
        first_ts_ns = ts_ns;
        first_prev_ts_ns = prev_ts_ns;
        first_delta = d;
    }
}

void RollupStats::merge(const RollupStats &o) {
    if (o.has_first()) note_first(o.first_ts_ns, o.first_prev_ts_ns, o.first_delta);
    if (o.count) {
        if (count == 0 || o.min < min) {
            min = o.min;
            min_ts_ns = o.min_ts_ns;
        }
        if (count == 0 || o.max > max) {
            max = o.max;
            max_ts_ns = o.max_ts_ns;
        }
        if (count == 0 || o.last_ts_ns >= last_ts_ns) {
            last = o.last;
            last_ts_ns = o.last_ts_ns;
        }
        sum += o.sum;
        count += o.count;
    }
    bad_count += o.bad_count;
    delta += o.delta;
}

RollupBucket to_bucket(const RollupStats &s, int64_t end_s) {
    RollupBucket b;
    b.start_utc_ns = s.start_s * kNsPerS;
    b.end_utc_ns = end_s * kNsPerS;
    b.count = s.count;
    b.bad_count = s.bad_count;
    b.min = s.min;
    b.max = s.max;
    b.sum = s.sum;
    b.last = s.last;
    b.min_ts_utc_ns = s.min_ts_ns;
    b.max_ts_utc_ns = s.max_ts_ns;
    b.delta = s.delta;
    return b;
}

} // namespace gs::store

namespace gs::store {
namespace {

// A field value as (scale tag, integer) when decimal, else raw. Sums are snapped to the grid.
struct Coded {
    uint8_t tag = kRawNumberTag;
    int64_t k = 0;
    double raw = 0;
    static constexpr uint8_t kRawNumberTag = 0xff;
};

// Exact decimal when possible; else, within 1e-9 relative, snapped to at most `snap_digits`
// decimals (-1: never); else raw.
Coded code(double v, int snap_digits) {
    Coded c;
    DecimalScale scale;
    int64_t k;
    if (find_scale(v, scale, k)) {
        c.tag = scale.packed();
        c.k = k;
        return c;
    }
    {
        for (int d = 0; d <= snap_digits; ++d) {
            double scaled = v * std::pow(10.0, d);
            if (!(std::fabs(scaled) < 9e15)) break;
            int64_t kk = std::llround(scaled);
            DecimalScale s{static_cast<uint8_t>(d), false};
            if (std::fabs(decimal_value(kk, s) - v) <= 1e-9 * std::max(1.0, std::fabs(v))) {
                c.tag = s.packed();
                c.k = kk;
                return c;
            }
        }
    }
    c.raw = v;
    return c;
}

// Inline: three per bucket on the history's hot path (a call each cost 15 % of a read).
inline __attribute__((always_inline)) double uncode(const Coded &c) {
    if (c.tag == Coded::kRawNumberTag) return c.raw;
    DecimalScale scale = DecimalScale::unpack(c.tag);
    if (scale.digits > kMaxDecimalDigits) throw CorruptData("bad number tag");
    return decimal_value(c.k, scale);
}

constexpr int kFields = 5; // min, max, last, sum, delta
// kSingle: one good value (min = max = last = sum, one timestamp): sparse series stay small.
// kHasFirst: the counter's first-reading triple follows (exact times, see put_exact_ns).
enum ChunkFlags : uint8_t { kSameTags = 8, kSingle = 16, kHasFirst = 32 };

// Exact nanosecond offsets, in milliseconds when they are whole ones (the usual case).
void put_exact_ns(std::string &out, int64_t ns) {
    if (ns % 1'000'000 == 0)
        put_svarint(out, ns / 1'000'000 * 2);
    else
        put_svarint(out, ns * 2 + 1);
}
int64_t get_exact_ns(ByteReader &in) {
    int64_t v = in.svarint();
    int64_t half = floor_div(v, 2);
    return v - half * 2 ? half : half * 1'000'000;
}

} // namespace

void encode_rollup_chunk(const RollupStats *buckets, size_t n, int64_t bucket_width_s,
                         std::string &out) {
    put_varint(out, n);
    int shift = offset_shift(bucket_width_s);
    put_u8(out, static_cast<uint8_t>(shift));
    Coded prev[kFields];
    int64_t prev_start = 0, prev_gap = 0;
    for (size_t b = 0; b < n; ++b) {
        const RollupStats &s = buckets[b];
        bool single = s.count == 1;
        // Sums of decimals drift by a few ulps: snap them back to the inputs' decimal grid
        // (smaller and more accurate). Sums of other doubles stay exact.
        int digits =
            std::min(digits_of(s.min), std::min(digits_of(s.max), digits_of(s.last))) < 0
                ? -1
                : std::max(digits_of(s.min), std::max(digits_of(s.max), digits_of(s.last)));
        Coded cur[kFields] = {code(s.min, -1), code(s.max, -1), code(s.last, -1),
                              code(s.sum, digits), code(s.delta, kMaxDecimalDigits)};
        auto present = [&](int f) {
            return f == 0 ? s.count != 0 : f < 4 ? s.count != 0 && !single : s.delta != 0;
        };
        bool same = b > 0;
        for (int f = 0; f < kFields && same; ++f)
            same = !present(f) || (cur[f].tag == prev[f].tag && cur[f].tag != Coded::kRawNumberTag);
        uint8_t flags = (s.count ? kHasGood : 0) | (s.bad_count ? kHasBad : 0) |
                        (s.delta != 0 ? kHasDelta : 0) | (same ? kSameTags : 0) |
                        (single ? kSingle : 0) | (s.has_first() ? kHasFirst : 0);
        put_svarint(out, s.start_s - prev_start - prev_gap); // 0 for contiguous buckets
        prev_gap = s.start_s - prev_start;
        prev_start = s.start_s;
        put_u8(out, flags);
        if (s.count && !single) put_varint(out, s.count);
        if (s.bad_count) put_varint(out, s.bad_count);
        for (int f = 0; f < kFields; ++f) {
            if (!present(f)) {
                cur[f] = prev[f]; // absent field: keep the reference for the next bucket
                continue;
            }
            if (same) {
                put_svarint(out, static_cast<int64_t>(static_cast<uint64_t>(cur[f].k) -
                                                      static_cast<uint64_t>(prev[f].k)));
            } else {
                put_u8(out, cur[f].tag);
                if (cur[f].tag == Coded::kRawNumberTag)
                    put_f64(out, cur[f].raw);
                else
                    put_svarint(out, cur[f].k);
            }
        }
        if (s.count) put_svarint(out, offset_units(s.min_ts_ns, s.start_s, shift));
        if (s.count && !single) {
            put_svarint(out, offset_units(s.max_ts_ns, s.start_s, shift));
            put_svarint(out, offset_units(s.last_ts_ns, s.start_s, shift));
        }
        if (s.has_first()) {
            put_exact_ns(out, s.first_ts_ns - s.start_s * kNsPerS);
            put_exact_ns(out, s.first_ts_ns - s.first_prev_ts_ns);
            Coded d = code(s.first_delta, kMaxDecimalDigits);
            put_u8(out, d.tag);
            if (d.tag == Coded::kRawNumberTag)
                put_f64(out, d.raw);
            else
                put_svarint(out, d.k);
        }
        std::copy(std::begin(cur), std::end(cur), std::begin(prev));
    }
}

void decode_rollup_chunk(std::string_view data, std::vector<RollupStats> &out) {
    decode_rollup_chunk(data, out, RollupFilter{});
}

namespace {

// A coded number stepped over: its tag when it carries one, then 8 raw bytes or a varint.
inline __attribute__((always_inline)) void skip_coded(ByteReader &in, bool same) {
    if (same) {
        in.skip_varints_fast(1);
        return;
    }
    if (in.u8() == Coded::kRawNumberTag)
        in.skip(8);
    else
        in.skip_varints_fast(1);
}

} // namespace

void decode_rollup_chunk(std::string_view data, std::vector<RollupStats> &out,
                         const RollupFilter &filter) {
    ByteReader in(data);
    uint64_t n = in.varint_fast();
    if (n > data.size()) throw CorruptData("bad rollup chunk size");
    int shift = in.u8();
    if (shift > 40) throw CorruptData("bad rollup time unit");
    // Fields 0-3 (min, max, last, sum) are coded against the previous bucket's: the ones read
    // keep their reference; `last` (2) and `delta` (4) are skipped for values_only.
    auto wanted = [&](int f) { return !filter.values_only || f == 0 || f == 1 || f == 3; };
    Coded prev[kFields];
    int64_t start = 0, gap = 0;
    RollupStats s; // reset() for each bucket
    for (uint64_t b = 0; b < n; ++b) {
        gap += in.svarint_fast();
        start += gap;
        uint8_t flags = in.u8();
        bool same = flags & kSameTags;
        bool single = (flags & kSingle) && (flags & kHasGood);
        bool in_range = start >= filter.from_s && start < filter.to_s;
        // A bucket before the range is decoded whole only as a candidate for `before`.
        bool whole = !filter.values_only &&
                     (in_range || (filter.before && start < filter.from_s && (flags & kHasGood)));
        bool keep = in_range || whole;
        s.reset(start);
        if (flags & kHasGood) s.count = single ? 1 : static_cast<uint32_t>(in.varint_fast());
        if (flags & kHasBad) s.bad_count = static_cast<uint32_t>(in.varint_fast());
        double *fields[kFields] = {&s.min, &s.max, &s.last, &s.sum, &s.delta};
        // Unrolled: each field's presence and need fold to constants (-11 % instructions a read).
#pragma GCC unroll 5
        for (int f = 0; f < kFields; ++f) {
            bool present = f == 0  ? (flags & kHasGood) != 0
                           : f < 4 ? (flags & kHasGood) != 0 && !single
                                   : (flags & kHasDelta) != 0;
            if (!present) continue; // prev[f] stays the reference
            if (!wanted(f) && !whole) {
                skip_coded(in, same);
                continue;
            }
            if (same) {
                prev[f].k = static_cast<int64_t>(static_cast<uint64_t>(prev[f].k) +
                                                 static_cast<uint64_t>(in.svarint_fast()));
            } else {
                prev[f].tag = in.u8();
                if (prev[f].tag == Coded::kRawNumberTag)
                    prev[f].raw = in.f64();
                else
                    prev[f].k = in.svarint_fast();
            }
            if (keep) *fields[f] = uncode(prev[f]);
        }
        if (single) {
            s.max = s.last = s.sum = s.min;
            if (whole)
                s.min_ts_ns = s.max_ts_ns = s.last_ts_ns = offset_ns(in, start, shift);
            else
                in.skip_varints_fast(1);
        } else if (flags & kHasGood) {
            if (whole) {
                s.min_ts_ns = offset_ns(in, start, shift);
                s.max_ts_ns = offset_ns(in, start, shift);
                s.last_ts_ns = offset_ns(in, start, shift);
            } else {
                in.skip_varints_fast(3);
            }
        }
        if (flags & kHasFirst) {
            if (whole) {
                s.first_ts_ns = start * kNsPerS + get_exact_ns(in);
                s.first_prev_ts_ns = s.first_ts_ns - get_exact_ns(in);
                Coded d;
                d.tag = in.u8();
                if (d.tag == Coded::kRawNumberTag)
                    d.raw = in.f64();
                else
                    d.k = in.svarint_fast();
                s.first_delta = uncode(d);
            } else {
                in.skip_varints_fast(2);
                skip_coded(in, false);
            }
        }
        if (in_range) {
            out.push_back(s);
        } else if (whole && (!filter.before->count || s.last_ts_ns >= filter.before->last_ts_ns)) {
            *filter.before = s;
        }
    }
}

} // namespace gs::store
