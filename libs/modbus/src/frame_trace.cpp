#include "modbus/frame_trace.hpp"

#include <algorithm>
#include <cstring>

namespace gs::modbus {

void FrameTrace::arm(std::chrono::steady_clock::duration how_long) {
    const int64_t until = (std::chrono::steady_clock::now() + how_long).time_since_epoch().count();
    int64_t current = armed_until_.load(std::memory_order_relaxed);
    while (current < until &&
           !armed_until_.compare_exchange_weak(current, until, std::memory_order_relaxed)) {
    }
}

void FrameTrace::record(FrameDirection direction, uint8_t unit, const uint8_t *data, size_t size,
                        const char *note) {
    const int64_t ts = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    size = std::min(size, kMaxFrame);
    std::lock_guard lock(mutex_);
    Slot &slot = ring_[recorded_++ % kCapacity];
    slot.ts_utc_ns = ts;
    slot.direction = direction;
    slot.unit = unit;
    slot.size = static_cast<uint16_t>(size);
    if (size) std::memcpy(slot.bytes.data(), data, size);
    const size_t n = note ? std::min(std::strlen(note), kNoteLength) : 0;
    if (n) std::memcpy(slot.note.data(), note, n);
    slot.note[n] = '\0';
}

std::vector<TracedFrame> FrameTrace::frames() const {
    std::lock_guard lock(mutex_);
    const uint64_t kept = std::min<uint64_t>(recorded_, kCapacity);
    std::vector<TracedFrame> out;
    out.reserve(kept);
    for (uint64_t i = recorded_ - kept; i < recorded_; ++i) {
        const Slot &slot = ring_[i % kCapacity];
        out.push_back({slot.ts_utc_ns, slot.direction, slot.unit,
                       std::vector<uint8_t>(slot.bytes.begin(), slot.bytes.begin() + slot.size),
                       slot.note.data()});
    }
    return out;
}

uint64_t FrameTrace::recorded() const {
    std::lock_guard lock(mutex_);
    return recorded_;
}

std::string hex_bytes(const std::vector<uint8_t> &bytes) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 3);
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (i) out += ' ';
        out += kDigits[bytes[i] >> 4];
        out += kDigits[bytes[i] & 0xF];
    }
    return out;
}

} // namespace gs::modbus
