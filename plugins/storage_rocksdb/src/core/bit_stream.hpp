// MSB-first bit writer/reader used by the value codecs (Rice codes, Gorilla XOR).
#pragma once

#include "varint.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace gs::store {

class BitWriter {
public:
    explicit BitWriter(std::string &out) : out_(out) {}

    // Appends the low `n` bits of `v` (0 <= n <= 64), most significant first.
    void write(uint64_t v, int n) {
        if (n == 0) return;
        if (n < 64) v &= (uint64_t{1} << n) - 1;
        int free = 64 - fill_;
        if (n < free) {
            acc_ |= v << (free - n);
            fill_ += n;
            return;
        }
        int rest = n - free;
        acc_ |= v >> rest;
        flush_word();
        if (rest > 0) {
            acc_ = v << (64 - rest);
            fill_ = rest;
        }
    }
    void write_bit(bool b) { write(b ? 1 : 0, 1); }
    // `count` one bits followed by a zero (count <= 62).
    void write_unary(int count) { write((uint64_t{1} << (count + 1)) - 2, count + 1); }

    // Flushes the partial last byte; the writer must not be used afterwards.
    void finish() {
        for (int shift = 56; fill_ > 0; shift -= 8, fill_ -= 8)
            out_.push_back(static_cast<char>(acc_ >> shift));
        fill_ = 0;
        acc_ = 0;
    }

private:
    void flush_word() {
        for (int shift = 56; shift >= 0; shift -= 8)
            out_.push_back(static_cast<char>(acc_ >> shift));
        acc_ = 0;
        fill_ = 0;
    }
    std::string &out_;
    uint64_t acc_ = 0;
    int fill_ = 0;
};

class BitReader {
public:
    explicit BitReader(std::string_view data)
        : p_(reinterpret_cast<const uint8_t *>(data.data())), end_(p_ + data.size()) {}

    __attribute__((always_inline)) uint64_t read(int n) {
        if (n == 0) return 0;
        if (n > 56) return read_wide(n);
        refill();
        if (avail_ < n) truncated();
        uint64_t v = acc_ >> (64 - n);
        acc_ <<= n;
        avail_ -= n;
        return v;
    }
    bool read_bit() { return read(1) != 0; }
    // Counts one bits up to the first zero (consumed) or up to `limit` ones (no zero consumed).
    __attribute__((always_inline)) int read_unary(int limit) {
        refill();
        if (avail_ > limit) { // the answer lies within the loaded bits: one count
            int ones = acc_ == ~uint64_t{0} ? 64 : __builtin_clzll(~acc_);
            if (ones < limit) {
                acc_ <<= ones + 1; // ones + 1 <= limit < avail_ <= 64
                avail_ -= ones + 1;
                return ones;
            }
            acc_ <<= limit;
            avail_ -= limit;
            return limit;
        }
        int count = 0;
        while (count < limit) {
            refill();
            if (avail_ == 0) truncated();
            int ones = acc_ == ~uint64_t{0} ? 64 : __builtin_clzll(~acc_);
            if (ones > avail_) ones = avail_;
            if (ones > limit - count) ones = limit - count;
            count += ones;
            acc_ = ones == 64 ? 0 : acc_ << ones;
            avail_ -= ones;
            if (count < limit && avail_ > 0) {
                acc_ <<= 1; // the terminating zero
                --avail_;
                return count;
            }
        }
        return count;
    }

private:
    __attribute__((noinline)) uint64_t read_wide(int n) { // more than a refill holds
        uint64_t hi = read(n - 32);
        return (hi << 32) | read(32);
    }
    [[noreturn]] __attribute__((noinline, cold)) static void truncated() {
        throw CorruptData("bit stream truncated");
    }
    __attribute__((always_inline)) void refill() {
        if (avail_ <= 56 && end_ - p_ >= 8) {
            // Whole bytes that fit, from one big-endian load. The bits of the following bytes
            // that land below them are the same bits the next refill ORs in again.
            uint64_t w;
            std::memcpy(&w, p_, 8);
            w = __builtin_bswap64(w);
            int take = (64 - avail_) >> 3;
            acc_ |= w >> avail_;
            p_ += take;
            avail_ += take * 8;
            return;
        }
        while (avail_ <= 56 && p_ < end_) {
            acc_ |= static_cast<uint64_t>(*p_++) << (56 - avail_);
            avail_ += 8;
        }
    }
    const uint8_t *p_;
    const uint8_t *end_;
    uint64_t acc_ = 0;
    int avail_ = 0;
};

} // namespace gs::store
