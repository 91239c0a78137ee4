// Per-poll record codec. A "chain" is the sequence of records of one source inside one raw
// time window; each record is encoded relative to the previous one of its chain (the first is
// a keyframe), so a record only decodes after its predecessors, in chain order.
//
// Record layout:
//   u8 flags (keyframe | layout | qualities | escapes | span)
//   svarint: keyframe ? ts - window_start : delta-of-delta of ts (ns)
//   [span]      varint chain span in seconds (keyframes of chains longer than the raw window)
//   [layout]    varint n, varint first id, svarint id deltas       (keyframe or when changed)
//   [qualities] varint count, (varint index, u8 quality)*         (only changed ones)
//   [escapes]   varint count, (varint index, u8 kind, payload)*   (see EscapeKind)
//   bit stream  one code per non-escaped value, in layout order:
//       decimal series: zigzag residual of an adaptive delta / delta-of-delta predictor on the
//                       scaled integer, Rice-coded with an adaptive parameter (LOCO-I style);
//       xor series:     Gorilla XOR against the previous bit pattern.
// Doubles round-trip bit-exactly: values that fit no decimal scale (NaN, inf, -0.0, arbitrary
// doubles) are escaped as raw 8 bytes, and a series that keeps missing switches to XOR mode.
#pragma once

#include "decimal_fit.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gs::store {

struct SeriesCodecState {
    enum class Mode : uint8_t { unset, decimal, xor_bits };
    Mode mode = Mode::unset;
    DecimalScale scale;
    int64_t unit = 1; // integers that are multiples of a power of ten (10 W, kWh as Wh) code k/unit
    bool have_two = false;
    int64_t prev_k = 0;
    int64_t prev2_k = 0;
    uint64_t rice_sum = 4;
    uint32_t rice_n = 1;
    uint64_t cost_delta = 0;
    uint64_t cost_dod = 0;
    uint64_t prev_bits = 0;
    uint8_t xor_lead = 0xff;
    uint8_t xor_trail = 0;
    uint8_t quality = 0;
    uint8_t raw_escapes = 0;
};

struct ChainState {
    bool started = false;
    int64_t prev_ts_ns = 0;
    int64_t prev_delta_ns = 0;
    std::vector<uint32_t> layout;         // series ids of the last record, in order
    std::vector<SeriesCodecState> series; // parallel to layout
    std::vector<uint8_t> wanted;          // decode_record(only): layout indexes decoded

    void reset() { *this = ChainState{}; }
};

class RecordEncoder {
public:
    // Appends the encoded record to `out`. Starts a keyframe if the chain is not started;
    // a keyframe records `chain_span_s` (the time the chain covers from window_start) when it
    // is not 0.
    void encode(ChainState &chain, int64_t window_start_ns, int64_t ts_ns, const uint32_t *ids,
                const double *values, const uint8_t *qualities, size_t n, std::string &out,
                int64_t chain_span_s = 0);

private:
    std::string escapes_;
    std::string bits_;
};

struct DecodedRecord {
    int64_t ts_ns = 0;
    const std::vector<uint32_t> *ids = nullptr; // points into the chain state
    bool layout_changed = false;                // ids differ from the previous record's
    std::vector<double> values;
    std::vector<uint8_t> qualities;
};

// Decodes one record, advancing `chain`. Throws CorruptData on malformed input or when a
// non-keyframe record arrives on an unstarted chain.
// `only` (ids, optional): decode the values of these series only; the others are NaN in
// `out` and their state in `chain` is only what finding the next codes needs, so a chain
// decoded with `only` must go on with the same `only` (checked: without it, it throws).
// Reading one series of a 12-series record this way costs a fraction of the whole record.
void decode_record(ChainState &chain, int64_t window_start_ns, std::string_view record,
                   DecodedRecord &out, const std::vector<uint32_t> *only = nullptr);

// Keyframes: the span their chain covers from its window start (0 when the keyframe carries
// none: the raw window). Other records: -1. Reads only the header.
int64_t keyframe_span_s(std::string_view record);

} // namespace gs::store
