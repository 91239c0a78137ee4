// A zip archive built in memory with Debian's libzip (the Alarms and events export, manual
// §7.3: "zip file with Alarms and Events files").
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gs::ui {

// The archive's bytes holding `files` (name, content), deflated, in that order. Throws
// std::runtime_error when libzip fails.
std::string zip_archive(const std::vector<std::pair<std::string, std::string>> &files);

} // namespace gs::ui
