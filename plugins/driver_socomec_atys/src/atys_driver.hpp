// driver_socomec_atys: polls ATyS p M transfer switches (status block 20480..20489) like
// driver_modbus, and publishes an "atys.transfer" event each time the switch position changes.
// The class is the plugin (see plugin.cpp); the decoding is in atys.hpp; sources, links, reads,
// writes and plans are DriverBase's (libs/modbus_driver).
#pragma once

#include "atys.hpp"
#include "modbus_driver/driver_base.hpp"

#include <gridscope/plugin.hpp>

namespace gs::socomec::atys {

// A source with the position tracker of its switch.
struct AtysEntry : modbus::SourceEntry {
    TransferTracker tracker; // [link thread]
};

class AtysDriver : public modbus::DriverBase<AtysDriver, AtysEntry> {
public:
    static constexpr const char *id = "driver_socomec_atys";
    static constexpr const char *version = "0.1.0";
    static constexpr const char *description =
        "SOCOMEC ATyS p M: switch position, mode, sources; an event at each transfer";
    static constexpr const char *plan_note = "; atys.transfer on each position change";
    static constexpr const char *plan_extra_json = "\"events\": [\"atys.transfer\"], ";
    static constexpr const char *polled_noun = "ATyS";

    explicit AtysDriver(gs::Host host);

    // Refuses a profile without the switch position point.
    void add_source(const gs::Source &source);

private:
    // [link thread] After each poll: an atys.transfer event when the position changed.
    void on_poll(const std::string &dev, const std::vector<modbus::PointResult> &results);
};

} // namespace gs::socomec::atys
