// Byte-level primitives shared by the codecs and key builders: LEB128 varints, zigzag,
// big-endian fixed integers (big-endian so that byte order equals numeric order in keys).
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gs::store {

inline uint64_t zigzag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t unzigzag(uint64_t u) {
    return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
}

inline void put_varint(std::string &out, uint64_t v) {
    char buf[10];
    int n = 0;
    while (v >= 0x80) {
        buf[n++] = static_cast<char>(v | 0x80);
        v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out.append(buf, n);
}
inline void put_svarint(std::string &out, int64_t v) {
    put_varint(out, zigzag(v));
}

inline void put_u8(std::string &out, uint8_t v) {
    out.push_back(static_cast<char>(v));
}

inline void put_be32(std::string &out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>(v >> shift));
}
inline void put_be64(std::string &out, uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>(v >> shift));
}
// Signed values in keys: flipping the sign bit keeps byte order equal to numeric order.
inline void put_be64_signed(std::string &out, int64_t v) {
    put_be64(out, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}

inline void put_f64(std::string &out, double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    out.append(reinterpret_cast<const char *>(&bits), 8);
}

inline void put_bytes(std::string &out, std::string_view s) {
    put_varint(out, s.size());
    out.append(s.data(), s.size());
}

class CorruptData : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Sequential reader over a byte string; throws CorruptData when reading past the end.
class ByteReader {
public:
    explicit ByteReader(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}

    bool empty() const { return p_ == end_; }
    size_t remaining() const { return static_cast<size_t>(end_ - p_); }
    const char *position() const { return p_; }

    uint64_t varint() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            need(1);
            uint8_t b = static_cast<uint8_t>(*p_++);
            v |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        throw CorruptData("varint too long");
    }
    int64_t svarint() { return unzigzag(varint()); }
    // Steps over a varint (or n bytes) without computing it: decoders that skip fields.
    void skip_varint() {
        for (int i = 0; i < 10; ++i) {
            need(1);
            if (!(static_cast<uint8_t>(*p_++) & 0x80)) return;
        }
        throw CorruptData("varint too long");
    }
    // The same as varint() and skip_varint() (same values, same errors), in one 8-byte load
    // when at least 8 bytes remain: no loop nor bound check per byte (rollup chunks, where they
    // were half of a one-year history read).
    inline __attribute__((always_inline)) uint64_t varint_fast() {
        uint64_t x;
        if (remaining() < 8) return varint();
        std::memcpy(&x, p_, 8);
        if (!(x & 0x80)) {
            ++p_;
            return x & 0x7f;
        }
        if (!(x & 0x8000)) {
            p_ += 2;
            return (x & 0x7f) | ((x >> 1) & 0x3f80);
        }
        uint64_t stop = ~x & 0x8080808080808080ull; // the last byte's clear top bit
        if (!stop) return varint();                 // 9 or 10 bytes
        int last_bit = __builtin_ctzll(stop);       // 7, 15, ..., 63
        p_ += (last_bit >> 3) + 1;
        x &= (~uint64_t{0} >> (63 - last_bit)) & 0x7f7f7f7f7f7f7f7full;
        // The 7-bit groups packed together: pairs, then quads, then all eight.
        x = (x & 0x007f007f007f007full) | ((x & 0x7f007f007f007f00ull) >> 1);
        x = (x & 0x00003fff00003fffull) | ((x & 0x3fff00003fff0000ull) >> 2);
        return (x & 0x000000000fffffffull) | ((x & 0x0fffffff00000000ull) >> 4);
    }
    inline __attribute__((always_inline)) int64_t svarint_fast() { return unzigzag(varint_fast()); }
    // Steps over `n` (1..8) consecutive varints.
    inline __attribute__((always_inline)) void skip_varints_fast(int n) {
        if (remaining() >= 8) {
            uint64_t x;
            std::memcpy(&x, p_, 8);
            uint64_t stop = ~x & 0x8080808080808080ull; // one bit per varint's last byte
            for (int i = 1; i < n && stop; ++i)
                stop &= stop - 1;
            if (stop) {
                p_ += (__builtin_ctzll(stop) >> 3) + 1;
                return;
            }
        }
        for (; n > 0; --n)
            skip_varint();
    }
    void skip(uint64_t n) {
        need(n);
        p_ += n;
    }
    uint8_t u8() {
        need(1);
        return static_cast<uint8_t>(*p_++);
    }
    // Big-endian integers (keys) in one load each: every raw record's key is parsed on a read.
    uint32_t be32() {
        need(4);
        uint32_t v;
        std::memcpy(&v, p_, 4);
        p_ += 4;
        return __builtin_bswap32(v);
    }
    uint64_t be64() {
        need(8);
        uint64_t v;
        std::memcpy(&v, p_, 8);
        p_ += 8;
        return __builtin_bswap64(v);
    }
    int64_t be64_signed() { return static_cast<int64_t>(be64() ^ (uint64_t{1} << 63)); }
    double f64() {
        need(8);
        double v;
        std::memcpy(&v, p_, 8);
        p_ += 8;
        return v;
    }
    std::string_view bytes() {
        uint64_t n = varint();
        need(n);
        std::string_view s(p_, n);
        p_ += n;
        return s;
    }
    std::string_view rest() {
        std::string_view s(p_, remaining());
        p_ = end_;
        return s;
    }

private:
    void need(uint64_t n) const {
        if (n > remaining()) throw CorruptData("truncated record");
    }
    const char *p_;
    const char *end_;
};

} // namespace gs::store
