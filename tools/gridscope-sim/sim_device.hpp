// One simulated Modbus device: its registers, filled from a DeviceModel through the points of
// its profile (encoded exactly as the driver will decode them), its SOCOMEC identification
// block, and the faults the site file asks it to inject.
#pragma once

#include "device_model.hpp"

#include "modbus/point.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace gs::sim {

struct Faults {
    std::string kind = "none"; // none | silent | late | exception | drop
    uint32_t late_ms = 0;
    uint8_t exception = 4;     // the code answered by kind "exception"
    uint32_t every = 1;        // inject on every Nth request
    int64_t start_after_s = 0; // faults begin this long after start...
    int64_t duration_s = 0;    // ...and last this long (0 = for ever)
    bool strict_holes = false; // exception 2 on any register no point maps
};

struct Identification {
    bool socomec = false;
    uint16_t product_order_id = 0; // 100 COUNTIS, 300 ATYS, 400 DIRIS
    std::string vendor = "SOCOMEC";
    std::string product_name;
    std::string extended_name;
};

// What a request gets: registers/bits, an exception code, or the fault's verdict.
struct Reply {
    enum class Kind { data, exception, silent, drop } kind = Kind::data;
    uint8_t exception = 0;
    uint32_t delay_ms = 0;
    std::vector<uint16_t> words; // registers, or one word per bit
};

class SimDevice {
public:
    SimDevice(std::string name, uint8_t unit, std::vector<modbus::PointSpec> points,
              DeviceSettings settings, Faults faults, Identification id);

    const std::string &name() const { return name_; }
    uint8_t unit() const { return unit_; }

    // Recomputes every value at `ts_utc_ns` and encodes it into the registers.
    void update(int64_t ts_utc_ns);
    // Serves a read (function 1..4) or a write (5, 6, 15, 16); `elapsed_s` is the time since
    // the simulator started, for fault windows.
    Reply read(uint8_t function, uint16_t address, uint16_t count, int64_t elapsed_s);
    Reply write(uint8_t function, uint16_t address, const std::vector<uint16_t> &words,
                int64_t elapsed_s);
    // A profile command: writing `value` (encoded as `target` says) to target's address makes
    // the device run it (DeviceModel::run_command). Before serving only.
    void add_command(std::string name, uint32_t circuit, modbus::PointSpec target, double value);
    // How many commands the device ran.
    uint64_t commands_run() const { return commands_run_; }

private:
    struct Command {
        std::string name;
        uint32_t circuit;
        uint16_t address;
        std::vector<uint16_t> words; // the value, encoded
    };
    bool readable(uint8_t function, uint16_t address, uint16_t count) const;
    void encode_points();
    std::optional<Reply> fault(int64_t elapsed_s);
    void put_string(uint16_t address, const std::string &text, uint16_t registers,
                    bool one_per_word);

    std::string name_;
    uint8_t unit_;
    std::vector<modbus::PointSpec> points_;
    Faults faults_;
    Identification id_;
    DeviceModel model_;
    std::mutex mutex_;
    std::vector<uint16_t> holding_, input_;
    std::vector<uint8_t> coils_, discrete_;
    std::vector<uint8_t> mapped_holding_, mapped_input_; // 1 where a point (or the id block) is
    uint64_t requests_ = 0;
    std::vector<Command> commands_;
    std::atomic<uint64_t> commands_run_{0};
};

} // namespace gs::sim
