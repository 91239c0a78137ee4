// Small files that must survive a crash or a power cut whole: written to a temporary name in the
// same folder, flushed to disk (fsync), renamed over the old one, and the folder flushed. A
// reader sees the old content or the new one, never a mix.
#pragma once

#include <optional>
#include <string>

namespace gs::publish {

bool write_file_atomically(const std::string &path, const std::string &content, std::string &error);
// The whole file; nullopt with `error` empty when it does not exist, or with the reason.
std::optional<std::string> read_whole_file(const std::string &path, std::string &error);

} // namespace gs::publish
