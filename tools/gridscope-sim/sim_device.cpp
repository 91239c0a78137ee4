#include "sim_device.hpp"

#include <algorithm>
#include <cmath>

namespace gs::sim {

namespace {
constexpr size_t kSpace = 65536;
// Holes up to this many registers between mapped ones read as 0 (most devices answer a
// request spanning reserved registers); further away is "illegal data address".
constexpr int kReadableHole = 32;
} // namespace

SimDevice::SimDevice(std::string name, uint8_t unit, std::vector<modbus::PointSpec> points,
                     DeviceSettings settings, Faults faults, Identification id)
    : name_(std::move(name)), unit_(unit), points_(std::move(points)), faults_(faults),
      id_(std::move(id)), model_(settings), holding_(kSpace), input_(kSpace), coils_(kSpace),
      discrete_(kSpace), mapped_holding_(kSpace), mapped_input_(kSpace) {
    auto mark = [&](std::vector<uint8_t> &mapped, size_t from, size_t count) {
        for (size_t a = from; a < from + count && a < kSpace; ++a)
            mapped[a] = 1;
    };
    for (const auto &p : points_) {
        if (p.function == modbus::Function::holding) mark(mapped_holding_, p.address, p.count());
        if (p.function == modbus::Function::input) mark(mapped_input_, p.address, p.count());
    }
    if (id_.socomec) {
        mark(mapped_holding_, 50000, 69);
        put_string(50000, "SOCO", 4, true);
        holding_[50004] = id_.product_order_id;
        holding_[50006] = 101; // table version 1.01
        holding_[50007] = 100; // software version 1.00
        holding_[50010] = static_cast<uint16_t>(unit_);
        put_string(50042, id_.vendor, 8, false);
        put_string(50050, id_.product_name, 8, false);
        put_string(50058, id_.extended_name, 8, false);
    }
}

void SimDevice::put_string(uint16_t address, const std::string &text, uint16_t registers,
                           bool one_per_word) {
    for (uint16_t r = 0; r < registers; ++r) {
        uint16_t word = 0;
        if (one_per_word) {
            word = r < text.size() ? static_cast<unsigned char>(text[r]) : 0;
        } else {
            size_t i = r * 2u;
            uint16_t hi = i < text.size() ? static_cast<unsigned char>(text[i]) : 0;
            uint16_t lo = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
            word = static_cast<uint16_t>(hi << 8 | lo);
        }
        holding_[address + r] = word;
    }
}

void SimDevice::update(int64_t ts_utc_ns) {
    std::lock_guard<std::mutex> lock(mutex_);
    model_.advance(ts_utc_ns);
    encode_points();
}

void SimDevice::add_command(std::string name, uint32_t circuit, modbus::PointSpec target,
                            double value) {
    auto words = modbus::encode(target.format(), modbus::Value{value});
    if (!words) return;
    commands_.push_back(Command{std::move(name), circuit, target.address, words.value()});
}

// [mutex_ held]
void SimDevice::encode_points() {
    for (const auto &p : points_) {
        double v = model_.value(p.circuit, p.data);
        auto words = modbus::encode(p.format(), modbus::Value{v});
        if (!words) { // out of the type's range: clamp to what the register can hold
            words = modbus::encode(p.format(), modbus::Value{0.0});
            if (!words) continue;
        }
        const auto &w = words.value();
        switch (p.function) {
        case modbus::Function::holding:
            std::copy(w.begin(), w.end(), holding_.begin() + p.address);
            break;
        case modbus::Function::input:
            std::copy(w.begin(), w.end(), input_.begin() + p.address);
            break;
        case modbus::Function::coils:
            coils_[p.address] = w.empty() ? 0 : w[0] != 0;
            break;
        case modbus::Function::discrete_inputs:
            discrete_[p.address] = w.empty() ? 0 : w[0] != 0;
            break;
        }
    }
}

bool SimDevice::readable(uint8_t function, uint16_t address, uint16_t count) const {
    if (function == 1 || function == 2) return true;
    const auto &mapped = function == 3 ? mapped_holding_ : mapped_input_;
    for (size_t a = address; a < size_t(address) + count; ++a) {
        if (a >= kSpace) return false;
        if (mapped[a]) continue;
        if (faults_.strict_holes) return false;
        // A hole is readable when a mapped register is near on both sides.
        bool before = false, after = false;
        for (int d = 1; d <= kReadableHole && !before; ++d)
            before = a >= size_t(d) && mapped[a - d];
        for (int d = 1; d <= kReadableHole && !after; ++d)
            after = a + d < kSpace && mapped[a + d];
        if (!before || !after) return false;
    }
    return true;
}

std::optional<Reply> SimDevice::fault(int64_t elapsed_s) {
    ++requests_;
    if (faults_.kind == "none") return std::nullopt;
    if (elapsed_s < faults_.start_after_s) return std::nullopt;
    if (faults_.duration_s > 0 && elapsed_s >= faults_.start_after_s + faults_.duration_s)
        return std::nullopt;
    if (faults_.every > 1 && requests_ % faults_.every != 0) return std::nullopt;
    Reply r;
    if (faults_.kind == "silent")
        r.kind = Reply::Kind::silent;
    else if (faults_.kind == "drop")
        r.kind = Reply::Kind::drop;
    else if (faults_.kind == "exception") {
        r.kind = Reply::Kind::exception;
        r.exception = faults_.exception;
    } else if (faults_.kind == "late") {
        r.delay_ms = faults_.late_ms;
        return r; // data, late: the caller fills the data
    }
    return r;
}

Reply SimDevice::read(uint8_t function, uint16_t address, uint16_t count, int64_t elapsed_s) {
    std::optional<Reply> f = fault(elapsed_s);
    if (f && f->kind != Reply::Kind::data) return *f;
    Reply r = f.value_or(Reply{});
    std::lock_guard<std::mutex> lock(mutex_);
    if (!readable(function, address, count)) {
        r.kind = Reply::Kind::exception;
        r.exception = 2;
        return r;
    }
    r.words.reserve(count);
    for (size_t a = address; a < size_t(address) + count; ++a) {
        switch (function) {
        case 1:
            r.words.push_back(coils_[a]);
            break;
        case 2:
            r.words.push_back(discrete_[a]);
            break;
        case 3:
            r.words.push_back(holding_[a]);
            break;
        default:
            r.words.push_back(input_[a]);
            break;
        }
    }
    return r;
}

Reply SimDevice::write(uint8_t function, uint16_t address, const std::vector<uint16_t> &words,
                       int64_t elapsed_s) {
    std::optional<Reply> f = fault(elapsed_s);
    if (f && f->kind != Reply::Kind::data) return *f;
    Reply r = f.value_or(Reply{});
    std::lock_guard<std::mutex> lock(mutex_);
    if (size_t(address) + words.size() > kSpace) {
        r.kind = Reply::Kind::exception;
        r.exception = 2;
        return r;
    }
    for (size_t i = 0; i < words.size(); ++i) {
        if (function == 5 || function == 15)
            coils_[address + i] = words[i] != 0;
        else
            holding_[address + i] = words[i];
    }
    if (function == 6 || function == 16)
        for (const auto &c : commands_)
            if (c.address == address && c.words == words && model_.run_command(c.name, c.circuit)) {
                ++commands_run_;
                encode_points(); // the device answers with the new values at once
            }
    return r;
}

} // namespace gs::sim
