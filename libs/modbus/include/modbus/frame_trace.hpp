// The bus view of a link (the Diagnostics page): a bounded ring of the last frames sent and
// received, for troubleshooting. It records only while armed: a reader arms it for a while
// (arm()), so a link nobody looks at pays one pointer test per request and nothing else.
// Recording copies the frame into a preallocated slot (no allocation on the poll path).
//
// Threads: record() on the link thread; arm(), armed_at() and frames() on any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace gs::modbus {

enum class FrameDirection : uint8_t { sent = 1, received = 2 };

// One frame as the bus view shows it.
struct TracedFrame {
    int64_t ts_utc_ns = 0;
    FrameDirection direction = FrameDirection::sent;
    uint8_t unit = 0;
    std::vector<uint8_t> bytes; // the whole ADU (MBAP or RTU framing), as on the wire
    std::string note;           // the outcome of a received frame ("good", "timeout", ...)
};

class FrameTrace {
public:
    static constexpr size_t kCapacity = 64;   // frames kept per link
    static constexpr size_t kMaxFrame = 260;  // the longest Modbus ADU (TCP: 7 + 253)
    static constexpr size_t kNoteLength = 47; // longer notes are cut

    // Records from now until `now + how_long` (a later arm extends it).
    void arm(std::chrono::steady_clock::duration how_long);
    // Whether a recording is wanted at `now` (one relaxed atomic load).
    bool armed_at(std::chrono::steady_clock::time_point now) const {
        return now.time_since_epoch().count() < armed_until_.load(std::memory_order_relaxed);
    }

    // Keeps `size` bytes (cut at kMaxFrame) of one frame; the oldest frame goes when full.
    void record(FrameDirection direction, uint8_t unit, const uint8_t *data, size_t size,
                const char *note = "");
    // The frames kept, oldest first.
    std::vector<TracedFrame> frames() const;
    // Frames recorded since the link started (also those the ring no longer holds).
    uint64_t recorded() const;

private:
    struct Slot {
        int64_t ts_utc_ns = 0;
        FrameDirection direction = FrameDirection::sent;
        uint8_t unit = 0;
        uint16_t size = 0;
        std::array<uint8_t, kMaxFrame> bytes{};
        std::array<char, kNoteLength + 1> note{};
    };
    std::atomic<int64_t> armed_until_{0}; // steady_clock ticks
    mutable std::mutex mutex_;            // guards the ring
    std::array<Slot, kCapacity> ring_{};
    uint64_t recorded_ = 0; // next slot: recorded_ % kCapacity
};

// "01 03 00 00 00 0A C5 CD": bytes as upper-case hex pairs separated by spaces.
std::string hex_bytes(const std::vector<uint8_t> &bytes);

} // namespace gs::modbus
