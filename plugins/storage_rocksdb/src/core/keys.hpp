// Key layouts of every column family. All integers are big-endian so that RocksDB's bytewise
// order is time order, and every time-partitioned key space is dropped by one DeleteRange.
//
//   raw      [window_start_s i64][source u32][seq u64]        -> record (record_codec.hpp)
//   blocks   [window_start_s i64][source u32]                 -> column block of the raw
//            records of that key window and source with seq <= its covered_seq
//            (column_block.hpp; derived by maintain() once the window's chains are closed,
//            dropped with the window; absent in stores written before them: readers fall
//            back to the records)
//   journal  [seq u64]                                        -> journal value (below)
//   rollup   [level u8][partition i32][series u32][first_start_s i64][seq u64] -> chunk of
//            consecutive buckets (written at checkpoints; late values as 1-bucket chunks)
//   series   [series u32]                                     -> SeriesSpec + first ts
//   state    [series u32]                                     -> checkpointed SeriesRuntime
//   events   'e' [ts_ns i64][id u64] -> Event ;  'i' [id u64] -> ts_ns i64
//   default  "meta:*" strings, "source:" [u32] -> name, "cursor:" name -> seq u64
#pragma once

#include "calendar.hpp"
#include "types.hpp"
#include "varint.hpp"

#include <string>
#include <string_view>

namespace gs::store::keys {

inline std::string raw(int64_t window_start_s, uint32_t source, uint64_t seq) {
    std::string k;
    k.reserve(20);
    put_be64_signed(k, window_start_s);
    put_be32(k, source);
    put_be64(k, seq);
    return k;
}
struct RawKey {
    int64_t window_start_s;
    uint32_t source;
    uint64_t seq;
};
inline RawKey parse_raw(std::string_view k) {
    ByteReader r(k);
    RawKey out;
    out.window_start_s = r.be64_signed();
    out.source = r.be32();
    out.seq = r.be64();
    return out;
}
// The key of a column block, also the prefix of the raw records it covers.
inline std::string block(int64_t window_start_s, uint32_t source) {
    std::string k;
    k.reserve(12);
    put_be64_signed(k, window_start_s);
    put_be32(k, source);
    return k;
}
inline std::string raw_window(int64_t window_start_s) {
    std::string k;
    put_be64_signed(k, window_start_s);
    return k;
}

inline std::string seq(uint64_t s) {
    std::string k;
    put_be64(k, s);
    return k;
}
inline uint64_t parse_seq(std::string_view k) {
    return ByteReader(k).be64();
}

// Rollup keys are grouped in fixed UTC partitions per level: a query walks one partition after
// the other (series-contiguous inside), retention drops whole partitions. Short partitions keep
// compactions from rewriting old rollups again and again (keys are series-major inside).
// Nominal bucket width of a level (the period level uses the series' period).
inline int64_t nominal_width_s(RollupLevel level, int32_t period_s) {
    switch (level) {
    case RollupLevel::period:
        return period_s;
    case RollupLevel::hour:
        return 3600;
    case RollupLevel::day:
        return 25 * 3600;
    case RollupLevel::month:
        return 31 * 86400;
    }
    return period_s;
}
inline int64_t partition_span_s(RollupLevel level) {
    switch (level) {
    case RollupLevel::period:
        return 86400;
    case RollupLevel::hour:
        return 7 * 86400;
    case RollupLevel::day:
        return 366 * 86400;
    case RollupLevel::month:
        return 3660 * 86400;
    }
    return 86400;
}
inline int64_t partition_of(RollupLevel level, int64_t start_s) {
    return floor_div(start_s, partition_span_s(level));
}
inline void put_partition(std::string &k, RollupLevel level, int64_t partition) {
    put_u8(k, static_cast<uint8_t>(level));
    put_be32(k, static_cast<uint32_t>(static_cast<int32_t>(partition)) ^ 0x80000000u);
}
inline std::string rollup_prefix(RollupLevel level, int64_t partition, uint32_t series) {
    std::string k;
    put_partition(k, level, partition);
    put_be32(k, series);
    return k;
}
inline std::string rollup(RollupLevel level, uint32_t series, int64_t first_start_s, uint64_t seq) {
    std::string k = rollup_prefix(level, partition_of(level, first_start_s), series);
    put_be64_signed(k, first_start_s);
    put_be64(k, seq);
    return k;
}
inline std::string rollup_partition(RollupLevel level, int64_t partition) {
    std::string k;
    put_partition(k, level, partition);
    return k;
}
// Chunk keys end with the writing batch's seq; fragments and checkpoint chunks of the same
// batch must not collide.
inline uint64_t chunk_suffix(uint64_t seq) {
    return seq << 1;
}
inline uint64_t fragment_suffix(uint64_t seq) {
    return (seq << 1) | 1;
}
inline bool is_fragment(std::string_view rollup_key) {
    return rollup_key.size() >= 8 && (static_cast<uint8_t>(rollup_key.back()) & 1) != 0;
}
inline int64_t parse_rollup_start(std::string_view k) {
    return ByteReader(k.substr(9)).be64_signed();
}

inline std::string series(uint32_t id) {
    std::string k;
    put_be32(k, id);
    return k;
}
inline uint32_t parse_series(std::string_view k) {
    return ByteReader(k).be32();
}

inline std::string event(int64_t ts_ns, uint64_t id) {
    std::string k = "e";
    put_be64_signed(k, ts_ns);
    put_be64(k, id);
    return k;
}
inline std::string event_time_bound(int64_t ts_ns) {
    std::string k = "e";
    put_be64_signed(k, ts_ns);
    return k;
}
inline std::string event_index(uint64_t id) {
    std::string k = "i";
    put_be64(k, id);
    return k;
}

inline std::string source(uint32_t id) {
    std::string k = "source:";
    put_be32(k, id);
    return k;
}
inline std::string cursor(std::string_view name) {
    return "cursor:" + std::string(name);
}
inline constexpr std::string_view kCursorPrefix = "cursor:";
inline constexpr std::string_view kSourcePrefix = "source:";
inline constexpr std::string_view kCheckpointSeq = "meta:checkpoint_seq";
inline constexpr std::string_view kRawWindow = "meta:raw_window_s";
inline constexpr std::string_view kFormat = "meta:format";
// Raw windows below this (i64 seconds, be64) were considered for column blocks.
inline constexpr std::string_view kBlocksUntil = "meta:blocks_until_s";

} // namespace gs::store::keys
