// Column blocks: the raw records of one (raw window, source) rewritten column-wise once the
// window is closed, so that a read seeks once per window and decodes only the series it wants.
// Derived data: the per-poll records stay the source of truth (journal, exporters), a block
// says which of them it covers (every record of its key with seq <= covered_seq), and readers
// read the records above that (late data) after it. See keys.hpp (Cf::blocks).
//
// Block layout:
//   u8 version (1)
//   varint covered_seq
//   svarint min_ts - window_start (ns), varint max_ts - min_ts
//   varint rows; rows x svarint delta-of-delta of the timestamps (first one from window_start)
//   varint columns; per column: varint series id, varint payload bytes, payload:
//     varint runs, (varint rows skipped, varint rows present)*  the rows holding the series
//     varint quality changes, (varint value index delta, u8 quality)*   (first at index 0)
//     u8 decimal scale (DecimalScale::packed)
//     varint exceptions, (varint value index delta, f64)*    values that do not fit the scale
//                                                          (NaN, inf, -0.0, other doubles)
//     svarint deltas of k (value = decimal_value(k, scale)) for the other values
// Rows are in the records' key order (seq), so a reader sees the values exactly as the
// records give them (same order: same sums, same late-batch detection).
#pragma once

#include "decimal_fit.hpp"
#include "varint.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gs::store {

// One series' values of a block, as the encoder takes them.
struct ColumnInput {
    uint32_t series = 0;
    std::vector<uint32_t> rows; // ascending row indexes holding the series
    std::vector<double> values; // parallel to rows
    std::vector<uint8_t> qualities;
};

void encode_column_block(uint64_t covered_seq, int64_t window_start_ns,
                         const std::vector<int64_t> &ts_ns, const std::vector<ColumnInput> &columns,
                         std::string &out);

// A parsed block: header and timestamps decoded, columns located (decoded on demand).
class ColumnBlock {
public:
    // Throws CorruptData on malformed input.
    ColumnBlock(std::string_view block, int64_t window_start_ns);

    uint64_t covered_seq() const { return covered_seq_; }
    int64_t min_ts_ns() const { return min_ts_; }
    int64_t max_ts_ns() const { return max_ts_; }
    const std::vector<int64_t> &ts() const { return ts_; }
    // The payload of a series' column; empty when the block has none.
    std::string_view column(uint32_t series) const;

    // Calls fn(row, value, quality) for every value of the column, in row order. Throws
    // CorruptData on a malformed column.
    template <typename Fn> void for_each(std::string_view column, Fn &&fn) const;

private:
    uint64_t covered_seq_ = 0;
    int64_t min_ts_ = 0, max_ts_ = 0;
    std::vector<int64_t> ts_;
    std::vector<std::pair<uint32_t, std::string_view>> columns_;
};

template <typename Fn> void ColumnBlock::for_each(std::string_view column, Fn &&fn) const {
    ByteReader in(column);
    uint64_t runs = in.varint();
    const char *runs_at = in.position();
    for (uint64_t i = 0; i < 2 * runs; ++i)
        in.skip_varint();
    uint64_t quality_changes = in.varint();
    const char *qualities_at = in.position();
    for (uint64_t i = 0; i < quality_changes; ++i) {
        in.skip_varint();
        in.skip(1);
    }
    DecimalScale scale = DecimalScale::unpack(in.u8());
    if (scale.digits > kMaxDecimalDigits) throw CorruptData("bad column scale");
    uint64_t exceptions = in.varint();
    ByteReader exc(std::string_view(in.position(), in.remaining()));
    for (uint64_t i = 0; i < exceptions; ++i) {
        in.skip_varint();
        in.skip(8);
    }
    ByteReader ks = in; // the k deltas
    ByteReader run_in(std::string_view(runs_at, static_cast<size_t>(qualities_at - runs_at)));
    ByteReader q_in(
        std::string_view(qualities_at, static_cast<size_t>(ks.position() - qualities_at)));

    uint64_t next_quality = quality_changes ? q_in.varint() : UINT64_MAX;
    uint8_t quality = 0;
    uint64_t next_exception = exceptions ? exc.varint() : UINT64_MAX;
    int64_t k = 0;
    uint64_t index = 0; // value index
    uint64_t row = 0;
    const uint64_t rows = ts_.size();
    for (uint64_t r = 0; r < runs; ++r) {
        row += run_in.varint();
        uint64_t len = run_in.varint();
        if (row + len > rows || row + len < row) throw CorruptData("bad column rows");
        for (uint64_t end = row + len; row < end; ++row, ++index) {
            if (index == next_quality) {
                quality = q_in.u8();
                next_quality = --quality_changes ? index + q_in.varint() : UINT64_MAX;
            }
            double v;
            if (index == next_exception) {
                v = exc.f64();
                next_exception = --exceptions ? index + exc.varint() : UINT64_MAX;
            } else {
                k = static_cast<int64_t>(static_cast<uint64_t>(k) +
                                         static_cast<uint64_t>(ks.svarint()));
                v = decimal_value(k, scale);
            }
            fn(static_cast<size_t>(row), v, quality);
        }
    }
}

} // namespace gs::store
