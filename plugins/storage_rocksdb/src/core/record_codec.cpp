#include "record_codec.hpp"

#include "bit_stream.hpp"
#include "types.hpp"
#include "varint.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

namespace gs::store {
namespace {

// Per-value steps of the decoder: inlined, the read path spends most of its time in them.
#define GS_HOT_INLINE inline __attribute__((always_inline))

enum Flags : uint8_t { kKeyframe = 1, kLayout = 2, kQualities = 4, kEscapes = 8, kSpan = 16 };
// rescale_unit: an integer scale whose values are multiples of 10^z (u8 z), coded as k / 10^z.
enum class EscapeKind : uint8_t { raw = 1, rescale = 2, xor_start = 3, rescale_unit = 4 };

constexpr int kRiceEscapeOnes = 6;
constexpr uint64_t kCostCap = uint64_t{1} << 40;

uint64_t bits_of(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    return b;
}
double double_of(uint64_t b) {
    double v;
    std::memcpy(&v, &b, 8);
    return v;
}
uint64_t abs_diff(int64_t a, int64_t b) {
    uint64_t d = a > b ? static_cast<uint64_t>(a) - static_cast<uint64_t>(b)
                       : static_cast<uint64_t>(b) - static_cast<uint64_t>(a);
    return std::min(d, kCostCap);
}

// --- predictor + adaptive Rice parameter, shared by encoder and decoder ---

GS_HOT_INLINE int64_t predict(const SeriesCodecState &s) {
    if (s.have_two && s.cost_dod < s.cost_delta)
        return static_cast<int64_t>(2 * static_cast<uint64_t>(s.prev_k) -
                                    static_cast<uint64_t>(s.prev2_k));
    return s.prev_k;
}

// The smallest p (at most 60) with rice_n << p >= rice_sum. Computed from the bit lengths
// instead of a loop (the read path's hottest spot): the answer is p0 or p0 + 1.
GS_HOT_INLINE int rice_param(const SeriesCodecState &s) {
    uint64_t n = s.rice_n, sum = s.rice_sum;
    if (n >= sum) return 0;
    int p = (64 - __builtin_clzll(sum)) - (64 - __builtin_clzll(n));
    if (p >= 60) return 60;
    if ((n << p) < sum) ++p;
    return std::min(p, 60);
}

// x / n for the Rice count n (1..15) without a division instruction (the read path's hottest
// spot): floor(x * ceil(2^64 / n) / 2^64) is exact while x * n < 2^64.
GS_HOT_INLINE uint64_t div_by_count(uint64_t x, uint32_t n) {
    static const uint64_t kInverse[16] = {
        0,
        0, // n = 1: x itself
        (~uint64_t{0} / 2) + 1,
        (~uint64_t{0} / 3) + 1,
        (~uint64_t{0} / 4) + 1,
        (~uint64_t{0} / 5) + 1,
        (~uint64_t{0} / 6) + 1,
        (~uint64_t{0} / 7) + 1,
        (~uint64_t{0} / 8) + 1,
        (~uint64_t{0} / 9) + 1,
        (~uint64_t{0} / 10) + 1,
        (~uint64_t{0} / 11) + 1,
        (~uint64_t{0} / 12) + 1,
        (~uint64_t{0} / 13) + 1,
        (~uint64_t{0} / 14) + 1,
        (~uint64_t{0} / 15) + 1,
    };
    if (n < 2 || n > 15 || x >= (uint64_t{1} << 59)) return x / n;
    return static_cast<uint64_t>((static_cast<unsigned __int128>(x) * kInverse[n]) >> 64);
}

// The Rice parameter's statistics: all a reader that skips the series needs to keep (the
// length of a code depends on them and on nothing else).
GS_HOT_INLINE void observe_rice(SeriesCodecState &s, uint64_t u) {
    // Outliers (load steps) count at most 4x the running mean, so that one step does not
    // inflate the Rice parameter of the values after it.
    s.rice_sum += std::min(u, std::max<uint64_t>(16, div_by_count(4 * s.rice_sum, s.rice_n)));
    if (++s.rice_n >= 16) {
        s.rice_sum = (s.rice_sum + 1) >> 1;
        s.rice_n >>= 1;
    }
}

GS_HOT_INLINE void observe(SeriesCodecState &s, int64_t k, uint64_t u) {
    observe_rice(s, u);
    uint64_t e1 = abs_diff(k, s.prev_k);
    uint64_t e2 = s.have_two
                      ? abs_diff(k, static_cast<int64_t>(2 * static_cast<uint64_t>(s.prev_k) -
                                                         static_cast<uint64_t>(s.prev2_k)))
                      : kCostCap;
    s.cost_delta += e1 - (s.cost_delta >> 3);
    s.cost_dod += e2 - (s.cost_dod >> 3);
    s.prev2_k = s.prev_k;
    s.prev_k = k;
    s.have_two = true;
}

constexpr int kMaxUnitZeros = 15;

int64_t pow10_int(int z) {
    int64_t u = 1;
    while (z-- > 0)
        u *= 10;
    return u;
}

// Decimal zeros ending integer k (kMaxUnitZeros for 0), at most kMaxUnitZeros.
int trailing_zeros10(int64_t k) {
    int z = 0;
    while (k % 10 == 0 && z < kMaxUnitZeros) {
        k /= 10;
        ++z;
    }
    return z;
}

// `k` is in units of s.unit (set by the caller before).
void start_decimal(SeriesCodecState &s, DecimalScale scale, int64_t k) {
    s.mode = SeriesCodecState::Mode::decimal;
    s.scale = scale;
    s.prev_k = k;
    s.have_two = false;
    s.cost_delta = s.cost_dod = 0;
}

void start_xor(SeriesCodecState &s, uint64_t bits) {
    s.mode = SeriesCodecState::Mode::xor_bits;
    s.prev_bits = bits;
    s.xor_lead = 0xff;
}

void write_rice(BitWriter &w, uint64_t u, int p) {
    uint64_t q = u >> p;
    if (q < kRiceEscapeOnes) {
        w.write_unary(static_cast<int>(q));
        w.write(u, p);
        return;
    }
    w.write((uint64_t{1} << kRiceEscapeOnes) - 1, kRiceEscapeOnes);
    int len = 64 - __builtin_clzll(u);
    w.write(static_cast<uint64_t>(len - 1), 6);
    w.write(u, len);
}

GS_HOT_INLINE uint64_t read_rice(BitReader &r, int p) {
    int q = r.read_unary(kRiceEscapeOnes);
    if (q < kRiceEscapeOnes) return (static_cast<uint64_t>(q) << p) | r.read(p);
    int len = static_cast<int>(r.read(6)) + 1;
    return r.read(len);
}

void write_xor(BitWriter &w, SeriesCodecState &s, uint64_t bits) {
    uint64_t x = bits ^ s.prev_bits;
    s.prev_bits = bits;
    if (x == 0) {
        w.write_bit(false);
        return;
    }
    w.write_bit(true);
    int lead = std::min(__builtin_clzll(x), 31);
    int trail = __builtin_ctzll(x);
    if (s.xor_lead != 0xff && lead >= s.xor_lead && trail >= s.xor_trail) {
        w.write_bit(false);
        w.write(x >> s.xor_trail, 64 - s.xor_lead - s.xor_trail);
        return;
    }
    int len = 64 - lead - trail;
    w.write_bit(true);
    w.write(static_cast<uint64_t>(lead), 5);
    w.write(static_cast<uint64_t>(len - 1), 6);
    w.write(x >> trail, len);
    s.xor_lead = static_cast<uint8_t>(lead);
    s.xor_trail = static_cast<uint8_t>(trail);
}

uint64_t read_xor(BitReader &r, SeriesCodecState &s) {
    if (!r.read_bit()) return s.prev_bits;
    uint64_t x;
    if (!r.read_bit()) {
        if (s.xor_lead == 0xff) throw CorruptData("xor window reused before set");
        x = r.read(64 - s.xor_lead - s.xor_trail) << s.xor_trail;
    } else {
        int lead = static_cast<int>(r.read(5));
        int len = static_cast<int>(r.read(6)) + 1;
        if (lead + len > 64) throw CorruptData("bad xor window");
        int trail = 64 - lead - len;
        x = r.read(len) << trail;
        s.xor_lead = static_cast<uint8_t>(lead);
        s.xor_trail = static_cast<uint8_t>(trail);
    }
    s.prev_bits ^= x;
    return s.prev_bits;
}

// Re-orders per-series states after a layout change; series new to the chain start unset.
void apply_layout(ChainState &chain, std::vector<uint32_t> layout) {
    std::vector<SeriesCodecState> states(layout.size());
    std::unordered_map<uint32_t, size_t> old_index;
    old_index.reserve(chain.layout.size());
    for (size_t i = 0; i < chain.layout.size(); ++i)
        old_index.emplace(chain.layout[i], i);
    for (size_t i = 0; i < layout.size(); ++i) {
        auto it = old_index.find(layout[i]);
        if (it != old_index.end())
            states[i] = chain.series[it->second];
        else
            states[i].quality = quality::good;
    }
    chain.layout = std::move(layout);
    chain.series = std::move(states);
}

void start_chain(ChainState &chain) {
    chain.reset();
    chain.started = true;
}

} // namespace

void RecordEncoder::encode(ChainState &chain, int64_t window_start_ns, int64_t ts_ns,
                           const uint32_t *ids, const double *values, const uint8_t *qualities,
                           size_t n, std::string &out, int64_t chain_span_s) {
    uint8_t flags = 0;
    if (!chain.started) {
        start_chain(chain);
        flags |= kKeyframe;
        if (chain_span_s > 0) flags |= kSpan;
    }
    bool layout_changed = (flags & kKeyframe) || chain.layout.size() != n ||
                          !std::equal(ids, ids + n, chain.layout.begin());
    if (layout_changed) {
        flags |= kLayout;
        apply_layout(chain, std::vector<uint32_t>(ids, ids + n));
    }

    size_t quality_changes = 0;
    for (size_t i = 0; i < n; ++i)
        quality_changes += chain.series[i].quality != qualities[i];
    if (quality_changes) flags |= kQualities;

    escapes_.clear();
    bits_.clear();
    size_t escape_count = 0;
    BitWriter bits(bits_);
    auto escape = [&](size_t i, EscapeKind kind) {
        put_varint(escapes_, i);
        put_u8(escapes_, static_cast<uint8_t>(kind));
        ++escape_count;
    };
    for (size_t i = 0; i < n; ++i) {
        SeriesCodecState &s = chain.series[i];
        double v = values[i];
        int64_t k;
        if (s.mode == SeriesCodecState::Mode::xor_bits) {
            write_xor(bits, s, bits_of(v));
            continue;
        }
        if (s.mode == SeriesCodecState::Mode::decimal && fits_scale(v, s.scale, k) &&
            k % s.unit == 0) {
            k /= s.unit;
            int64_t residual =
                static_cast<int64_t>(static_cast<uint64_t>(k) - static_cast<uint64_t>(predict(s)));
            uint64_t u = zigzag(residual);
            write_rice(bits, u, rice_param(s));
            observe(s, k, u);
            continue;
        }
        DecimalScale scale;
        if (find_scale(v, scale, k)) {
            // Integers ending in zeros (10-W or kWh registers) are coded in units of 10^z.
            // A series that leaves its unit takes a smaller one (the unit of a chain only
            // shrinks: a first value of 0 or 1230000 Wh does not make it escape for ever).
            int z = scale.digits == 0 ? trailing_zeros10(k) : 0;
            if (z > 0 && s.mode == SeriesCodecState::Mode::decimal && s.scale == scale) {
                int old_z = 0;
                for (int64_t u = s.unit; u > 1; u /= 10)
                    ++old_z;
                z = std::max(0, std::min(z, old_z - 1));
            }
            if (z > 0) {
                escape(i, EscapeKind::rescale_unit);
                put_u8(escapes_, scale.packed());
                put_u8(escapes_, static_cast<uint8_t>(z));
                s.unit = pow10_int(z);
                k /= s.unit;
            } else {
                escape(i, EscapeKind::rescale);
                put_u8(escapes_, scale.packed());
                s.unit = 1;
            }
            put_svarint(escapes_, k);
            start_decimal(s, scale, k);
            continue;
        }
        bool plain_number = std::isfinite(v) && !(v == 0.0 && std::signbit(v));
        if (plain_number && (s.mode == SeriesCodecState::Mode::unset || s.raw_escapes >= 2)) {
            escape(i, EscapeKind::xor_start);
            put_f64(escapes_, v);
            start_xor(s, bits_of(v));
            continue;
        }
        escape(i, EscapeKind::raw);
        put_f64(escapes_, v);
        if (plain_number && s.raw_escapes < 255) ++s.raw_escapes;
    }
    bits.finish();
    if (escape_count) flags |= kEscapes;

    put_u8(out, flags);
    if (flags & kKeyframe) {
        put_svarint(out, ts_ns - window_start_ns);
        if (flags & kSpan) put_varint(out, static_cast<uint64_t>(chain_span_s));
        chain.prev_delta_ns = 0;
    } else {
        int64_t delta = ts_ns - chain.prev_ts_ns;
        put_svarint(out, delta - chain.prev_delta_ns);
        chain.prev_delta_ns = delta;
    }
    chain.prev_ts_ns = ts_ns;
    if (flags & kLayout) {
        put_varint(out, n);
        for (size_t i = 0; i < n; ++i) {
            if (i == 0)
                put_varint(out, ids[0]);
            else
                put_svarint(out, static_cast<int64_t>(ids[i]) - static_cast<int64_t>(ids[i - 1]));
        }
    }
    if (flags & kQualities) {
        put_varint(out, quality_changes);
        for (size_t i = 0; i < n; ++i) {
            if (chain.series[i].quality != qualities[i]) {
                put_varint(out, i);
                put_u8(out, qualities[i]);
                chain.series[i].quality = qualities[i];
            }
        }
    }
    if (flags & kEscapes) {
        put_varint(out, escape_count);
        out += escapes_;
    }
    out += bits_;
}

void decode_record(ChainState &chain, int64_t window_start_ns, std::string_view record,
                   DecodedRecord &out, const std::vector<uint32_t> *only) {
    ByteReader in(record);
    uint8_t flags = in.u8();
    if (flags & kKeyframe) {
        start_chain(chain);
        out.ts_ns = window_start_ns + in.svarint();
        if (flags & kSpan) in.varint();
        chain.prev_delta_ns = 0;
    } else {
        if (!chain.started) throw CorruptData("record without keyframe");
        int64_t delta = chain.prev_delta_ns + in.svarint();
        out.ts_ns = chain.prev_ts_ns + delta;
        chain.prev_delta_ns = delta;
    }
    chain.prev_ts_ns = out.ts_ns;
    out.layout_changed = (flags & kLayout) != 0;
    if (flags & kLayout) {
        uint64_t n = in.varint();
        if (n > in.remaining() + 1) throw CorruptData("bad layout size");
        std::vector<uint32_t> layout(n);
        for (uint64_t i = 0; i < n; ++i)
            layout[i] = static_cast<uint32_t>(i == 0 ? in.varint() : layout[i - 1] + in.svarint());
        apply_layout(chain, std::move(layout));
    }
    size_t n = chain.layout.size();
    if (flags & kQualities) {
        uint64_t count = in.varint();
        for (uint64_t c = 0; c < count; ++c) {
            uint64_t i = in.varint();
            if (i >= n) throw CorruptData("bad quality index");
            chain.series[i].quality = in.u8();
        }
    }
    out.ids = &chain.layout;
    out.values.resize(n);
    out.qualities.resize(n);
    // Series outside `only` are skipped: their codes are walked over (Rice statistics and XOR
    // windows kept, so later codes stay aligned) but their values are not rebuilt.
    if (only && (flags & kLayout || chain.wanted.size() != n)) {
        chain.wanted.assign(n, 0);
        for (size_t i = 0; i < n; ++i)
            chain.wanted[i] = std::find(only->begin(), only->end(), chain.layout[i]) != only->end();
    } else if (!only && !chain.wanted.empty()) {
        throw CorruptData("a chain decoded for some series only cannot decode them all");
    }

    // Escapes are decoded lazily while walking the layout; they are sorted by index.
    uint64_t escapes_left = (flags & kEscapes) ? in.varint() : 0;
    uint64_t next_escape = escapes_left ? in.varint() : UINT64_MAX;
    ByteReader escape_in = in; // escapes continue here; the bit stream follows them
    // Skip over the escape section to find the bit stream start.
    {
        ByteReader scan = in;
        for (uint64_t e = 0; e < escapes_left; ++e) {
            if (e > 0) scan.varint();
            auto kind = static_cast<EscapeKind>(scan.u8());
            if (kind == EscapeKind::rescale || kind == EscapeKind::rescale_unit) {
                scan.u8();
                if (kind == EscapeKind::rescale_unit) scan.u8();
                scan.svarint();
            } else {
                scan.f64();
            }
        }
        in = scan;
    }
    BitReader bits(in.rest());
    for (size_t i = 0; i < n; ++i) {
        SeriesCodecState &s = chain.series[i];
        if (i == next_escape) {
            auto kind = static_cast<EscapeKind>(escape_in.u8());
            if (kind == EscapeKind::rescale || kind == EscapeKind::rescale_unit) {
                DecimalScale scale = DecimalScale::unpack(escape_in.u8());
                if (scale.digits > kMaxDecimalDigits) throw CorruptData("bad decimal scale");
                int z = kind == EscapeKind::rescale_unit ? escape_in.u8() : 0;
                if (z > kMaxUnitZeros) throw CorruptData("bad decimal unit");
                s.unit = pow10_int(z);
                int64_t k = escape_in.svarint();
                start_decimal(s, scale, k);
                out.values[i] = decimal_value(k * s.unit, scale);
            } else if (kind == EscapeKind::xor_start) {
                double v = escape_in.f64();
                start_xor(s, bits_of(v));
                out.values[i] = v;
            } else if (kind == EscapeKind::raw) {
                double v = escape_in.f64();
                out.values[i] = v;
                bool plain_number = std::isfinite(v) && !(v == 0.0 && std::signbit(v));
                if (plain_number && s.raw_escapes < 255) ++s.raw_escapes;
            } else {
                throw CorruptData("bad escape kind");
            }
            out.qualities[i] = s.quality;
            next_escape = --escapes_left ? escape_in.varint() : UINT64_MAX;
            continue;
        }
        if (s.mode == SeriesCodecState::Mode::xor_bits) {
            out.values[i] = double_of(read_xor(bits, s));
        } else if (s.mode == SeriesCodecState::Mode::decimal && only && !chain.wanted[i]) {
            observe_rice(s, read_rice(bits, rice_param(s)));
            out.values[i] = std::numeric_limits<double>::quiet_NaN();
        } else if (s.mode == SeriesCodecState::Mode::decimal) {
            uint64_t u = read_rice(bits, rice_param(s));
            int64_t k = static_cast<int64_t>(static_cast<uint64_t>(predict(s)) +
                                             static_cast<uint64_t>(unzigzag(u)));
            observe(s, k, u);
            out.values[i] = decimal_value(
                static_cast<int64_t>(static_cast<uint64_t>(k) * static_cast<uint64_t>(s.unit)),
                s.scale);
        } else {
            throw CorruptData("value of an unset series without escape");
        }
        out.qualities[i] = s.quality;
    }
}

int64_t keyframe_span_s(std::string_view record) {
    ByteReader in(record);
    uint8_t flags = in.u8();
    if (!(flags & kKeyframe)) return -1;
    in.svarint();
    return (flags & kSpan) ? static_cast<int64_t>(in.varint()) : 0;
}

} // namespace gs::store
