// Just enough JSON writing for the CLI's --format json outputs.
#pragma once

#include <string>
#include <string_view>

namespace gs::kernel {

// A JSON string literal, quotes included.
std::string json_string(std::string_view text);

} // namespace gs::kernel
