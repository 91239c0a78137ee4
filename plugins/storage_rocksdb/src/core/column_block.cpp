#include "column_block.hpp"

#include <algorithm>
#include <map>

namespace gs::store {
namespace {

constexpr uint8_t kVersion = 1;

// The scale most of the column's values fit (the others become exceptions).
DecimalScale column_scale(const std::vector<double> &values) {
    std::map<uint8_t, size_t> votes;
    for (double v : values) {
        DecimalScale s;
        int64_t k;
        if (find_scale(v, s, k)) ++votes[s.packed()];
    }
    uint8_t best = 0;
    size_t most = 0;
    for (auto [packed, n] : votes)
        if (n > most) best = packed, most = n;
    return DecimalScale::unpack(best);
}

void encode_column(const ColumnInput &c, std::string &out) {
    // rows as runs
    std::vector<std::pair<uint32_t, uint32_t>> runs; // (skipped, present)
    uint32_t end = 0;
    for (size_t i = 0; i < c.rows.size();) {
        size_t j = i + 1;
        while (j < c.rows.size() && c.rows[j] == c.rows[j - 1] + 1)
            ++j;
        runs.emplace_back(c.rows[i] - end, static_cast<uint32_t>(j - i));
        end = c.rows[j - 1] + 1;
        i = j;
    }
    put_varint(out, runs.size());
    for (auto [skipped, present] : runs) {
        put_varint(out, skipped);
        put_varint(out, present);
    }
    std::string qualities;
    size_t changes = 0, last = 0;
    for (size_t i = 0; i < c.qualities.size(); ++i) {
        if (i > 0 && c.qualities[i] == c.qualities[i - 1]) continue;
        put_varint(qualities, i - last);
        put_u8(qualities, c.qualities[i]);
        last = i;
        ++changes;
    }
    put_varint(out, changes);
    out += qualities;
    DecimalScale scale = column_scale(c.values);
    put_u8(out, scale.packed());
    std::string exceptions, ks;
    size_t exception_count = 0;
    last = 0;
    int64_t prev_k = 0;
    for (size_t i = 0; i < c.values.size(); ++i) {
        int64_t k;
        if (fits_scale(c.values[i], scale, k)) {
            put_svarint(
                ks, static_cast<int64_t>(static_cast<uint64_t>(k) - static_cast<uint64_t>(prev_k)));
            prev_k = k;
            continue;
        }
        put_varint(exceptions, i - last);
        put_f64(exceptions, c.values[i]);
        last = i;
        ++exception_count;
    }
    put_varint(out, exception_count);
    out += exceptions;
    out += ks;
}

} // namespace

void encode_column_block(uint64_t covered_seq, int64_t window_start_ns,
                         const std::vector<int64_t> &ts_ns, const std::vector<ColumnInput> &columns,
                         std::string &out) {
    put_u8(out, kVersion);
    put_varint(out, covered_seq);
    int64_t min_ts =
        ts_ns.empty() ? window_start_ns : *std::min_element(ts_ns.begin(), ts_ns.end());
    int64_t max_ts =
        ts_ns.empty() ? window_start_ns : *std::max_element(ts_ns.begin(), ts_ns.end());
    put_svarint(out, min_ts - window_start_ns);
    put_varint(out, static_cast<uint64_t>(max_ts - min_ts));
    put_varint(out, ts_ns.size());
    int64_t prev = window_start_ns, prev_delta = 0;
    for (int64_t t : ts_ns) {
        int64_t delta = t - prev;
        put_svarint(out, delta - prev_delta);
        prev = t;
        prev_delta = delta;
    }
    put_varint(out, columns.size());
    std::string payload;
    for (const ColumnInput &c : columns) {
        payload.clear();
        encode_column(c, payload);
        put_varint(out, c.series);
        put_varint(out, payload.size());
        out += payload;
    }
}

ColumnBlock::ColumnBlock(std::string_view block, int64_t window_start_ns) {
    ByteReader in(block);
    if (in.u8() != kVersion) throw CorruptData("unknown column block version");
    covered_seq_ = in.varint();
    min_ts_ = window_start_ns + in.svarint();
    max_ts_ = min_ts_ + static_cast<int64_t>(in.varint());
    uint64_t rows = in.varint();
    if (rows > in.remaining()) throw CorruptData("bad column block rows");
    ts_.resize(rows);
    int64_t prev = window_start_ns, prev_delta = 0;
    for (uint64_t i = 0; i < rows; ++i) {
        prev_delta += in.svarint();
        prev += prev_delta;
        ts_[i] = prev;
    }
    uint64_t n = in.varint();
    if (n > in.remaining()) throw CorruptData("bad column count");
    columns_.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
        auto series = static_cast<uint32_t>(in.varint());
        columns_.emplace_back(series, in.bytes());
    }
}

std::string_view ColumnBlock::column(uint32_t series) const {
    for (const auto &[id, payload] : columns_)
        if (id == series) return payload;
    return {};
}

} // namespace gs::store
