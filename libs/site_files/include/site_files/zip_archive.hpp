// Zip archives in memory with Debian's libzip: built (the Alarms and events export, manual §7.3;
// the configuration backup) and read back with bounds (a restore).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gs::site_files {

// The archive's bytes holding `files` (name, content), deflated, in that order. Throws
// std::runtime_error when libzip fails.
std::string zip_archive(const std::vector<std::pair<std::string, std::string>> &files);

// The files of an archive (name, content) in its order, folders left out. Throws
// std::runtime_error when `bytes` is not a zip archive, holds more than max_files entries or
// more than max_bytes once inflated (counted as read, not as the archive claims), or an entry
// cannot be read whole.
std::vector<std::pair<std::string, std::string>> unzip_archive(const std::string &bytes,
                                                               size_t max_files, size_t max_bytes);

} // namespace gs::site_files
