#include "atys.hpp"

#include <cstdio>

namespace gs::socomec::atys {

std::string position_name(int raw) {
    switch (raw) {
    case 0:
        return "unknown";
    case 1:
        return "O";
    case 2:
        return "I";
    case 3:
        return "II";
    default:
        return "code " + std::to_string(raw);
    }
}

std::string mode_name(int raw) {
    switch (raw) {
    case 0x0000:
        return "manual";
    case 0x0010:
        return "automatic";
    case 0x0020:
        return "remote control";
    case 0x0040:
        return "inhibit";
    default: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "0x%04X", static_cast<unsigned>(raw) & 0xffffu);
        return std::string("mode ") + buf;
    }
    }
}

bool is_automatic(int raw_mode) {
    return raw_mode == 0x0010;
}

std::string source_state_name(int raw) {
    switch (raw) {
    case 0:
        return "under threshold";
    case 1:
        return "present";
    case 2:
        return "available";
    default:
        return "state " + std::to_string(raw);
    }
}

bool is_available(int raw_state) {
    return raw_state == 2;
}

std::string Status::describe() const {
    std::string out;
    auto add = [&](const std::string &part) { out += (out.empty() ? "" : ", ") + part; };
    if (mode) add("mode " + mode_name(*mode));
    if (source1) add("source 1 " + source_state_name(*source1));
    if (source2) add("source 2 " + source_state_name(*source2));
    return out;
}

std::optional<std::string> TransferTracker::update(int raw_position) {
    if (raw_position == 0) return std::nullopt; // unknown: keep the last known position
    std::optional<int> previous = last_;
    last_ = raw_position;
    if (!previous || *previous == raw_position) return std::nullopt;
    return "transfer " + position_name(*previous) + " \u2192 " + position_name(raw_position);
}

} // namespace gs::socomec::atys
