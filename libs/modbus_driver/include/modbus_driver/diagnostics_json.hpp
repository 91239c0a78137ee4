// The JSON documents a Modbus-based driver hands the kernel for the Diagnostics page (ABI 1.6,
// gs_driver_vtable.diagnostics and bus_trace); their shapes are documented in plugin.h.
#pragma once

#include "modbus_driver/links.hpp"

#include <string>
#include <vector>

namespace gs::modbus {

// {"links": [{"link", "requests", "timeouts", "exceptions", "invalid", "disconnected",
//   "busy_us", "running_us", "utilisation"}], "sources": [{"source", "link", "state",
//   "last_good_utc_ns", "requests", "timeouts", "exceptions", "invalid", "disconnected",
//   "mean_response_us"}]}
std::string diagnostics_json(const Links &links);

// {"link", "capacity", "frames": [{"ts_utc_ns", "direction": "sent"|"received", "unit",
//   "hex", "note"}]}, oldest frame first.
std::string bus_trace_json(const std::string &link, const std::vector<TracedFrame> &frames);

} // namespace gs::modbus
