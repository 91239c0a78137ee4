// Just enough JSON writing for the CLI's --format json outputs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gs::kernel {

// A JSON string literal, quotes included.
std::string json_string(std::string_view text);
// A JSON number with 10 significant digits; null for NaN and infinities.
std::string json_number(double value);
// The name of a gs_quality: "good", "timeout", "exception", "disconnected", "bad_response".
const char *quality_text(uint32_t quality);

} // namespace gs::kernel
