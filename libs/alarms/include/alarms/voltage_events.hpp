// EN 50160-style voltage events from polled phase-to-neutral RMS values against a declared
// nominal voltage: a dip below 90 %, a swell above 110 %, an interruption below 5 % on every
// phase. One event runs from the first phase crossing until every phase has recovered (with
// 2 % hysteresis: a dip ends at 92 %, a swell at 108 %), so a three-phase dip is one event.
#pragma once

#include "alarms/record.hpp"

#include <array>
#include <optional>
#include <vector>

namespace gs::alarms {

struct VoltageThresholds {
    double dip_pct = 90;
    double swell_pct = 110;
    double interruption_pct = 5;
    double hysteresis_pct = 2;
};

// One source's (circuit's) phases. Dips (and interruptions) and swells are followed
// independently: one phase low and another high are a dip and a swell.
class VoltageDetector {
public:
    VoltageDetector(std::string rule, std::string source, uint32_t circuit, double nominal_v,
                    std::size_t phase_count, VoltageThresholds thresholds = {});

    enum class What : uint8_t { started, updated, ended };
    struct Update {
        What what;
        VoltageEvent event;
    };
    // A good value of phase `phase` (0-based) polled at `t`. Returns the events that started,
    // changed (a deeper value, another phase) or ended at this value. `next_id` numbers new
    // events.
    std::vector<Update> update(std::size_t phase, double volts, TimeNs t, uint64_t &next_id);

    // An event restored from the journal (running at the last stop).
    void restore(const VoltageEvent &running);
    const std::optional<VoltageEvent> &dip() const { return low_; }
    const std::optional<VoltageEvent> &swell() const { return high_; }

private:
    std::string rule_, source_;
    uint32_t circuit_;
    double nominal_;
    std::size_t phase_count_;
    VoltageThresholds th_;
    std::array<double, 3> last_{};
    std::array<bool, 3> seen_{};
    std::array<bool, 3> low_phase_{}, high_phase_{};
    std::optional<VoltageEvent> low_, high_;
};

} // namespace gs::alarms
