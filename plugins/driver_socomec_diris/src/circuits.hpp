// The circuits a SOCOMEC device really has, read at identification. A multi-load device (DIRIS
// B-30, Digiware I-modules) has one block per load whose first register is the load status:
// 0 disabled, 1 enabled (socomec-registers.md §5, [S8]). Its profile maps that register as the
// data `LoadStatus` of each circuit; a circuit whose status reads 0, or whose block the device
// refuses (an exception), is not there. A profile without `LoadStatus` points (a single-load
// meter) has all its circuits. Free of the SDK.
#pragma once

#include "identify.hpp"
#include "scanner.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace gs::socomec {

// The data whose value tells whether a circuit (a load) is enabled in the device.
inline constexpr const char *kLoadStatusData = "LoadStatus";

// The circuits of `profile` that the device at `unit` has, ascending. nullopt when the device
// did not answer (a timeout, no connection): identification is tried again later. Throws
// std::invalid_argument when a LoadStatus point of the profile cannot be parsed.
std::optional<std::vector<uint32_t>> present_circuits(const UnitReader &read, uint8_t unit,
                                                      uint32_t timeout_ms,
                                                      const ProfileDef &profile);

} // namespace gs::socomec
