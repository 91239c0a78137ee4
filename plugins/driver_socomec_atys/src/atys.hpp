// ATyS p M status decoding and transfer detection. Free of the SDK.
//
// The status block 0x5000 (20480..20489), FC 3, U16 each (public register facts,
// socomec-registers.md §6, table [S16]):
//   20481 operating mode (U16_HEX): 0x0000 Manual, 0x0010 Auto, 0x0020 Remote control,
//         0x0040 Inhibit
//   20482 switch position: 0 Unknown, 1 Position 0 (O), 2 Position 1 (I), 3 Position 2 (II)
//   20486 / 20487 source 1 / source 2 state: 0 under threshold, 1 present, 2 available
// Whether mode values combine as bits is not public: they are compared as whole values.
#pragma once

#include <optional>
#include <string>

namespace gs::socomec::atys {

inline constexpr const char *kPositionData = "AtysSwitchPosition";
inline constexpr const char *kModeData = "AtysOperatingMode";
inline constexpr const char *kSource1Data = "AtysSource1State";
inline constexpr const char *kSource2Data = "AtysSource2State";

// "O", "I", "II", "unknown" (0), or "code N" for a value the table does not list.
std::string position_name(int raw);
// "manual", "automatic", "remote control", "inhibit", or "mode 0xNNNN".
std::string mode_name(int raw);
bool is_automatic(int raw_mode);
// "under threshold", "present", "available", or "state N".
std::string source_state_name(int raw);
// A source is available (usable for a transfer) when its state is 2.
bool is_available(int raw_state);

// The decoded status of one poll; a field is empty when its point had no good value.
struct Status {
    std::optional<int> position, mode, source1, source2;
    // "mode automatic, source 1 available, source 2 present" (what is known).
    std::string describe() const;
};

// Detects changes of the switch position between polls. The first known position is only
// remembered (no event); "unknown" (0) readings are skipped, so I -> unknown -> II is one
// transfer I -> II.
class TransferTracker {
public:
    // The event message ("transfer I → II") when the position changed, else nullopt.
    std::optional<std::string> update(int raw_position);
    std::optional<int> position() const { return last_; }

private:
    std::optional<int> last_;
};

} // namespace gs::socomec::atys
