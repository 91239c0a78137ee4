// Small files that must survive a crash or a power cut whole: written to a temporary name in the
// same folder, flushed to disk (fsync), renamed over the old one, and the folder flushed. A
// reader sees the old content or the new one, never a mix.
#pragma once

#include <optional>
#include <string>

namespace gs::site_files {

bool write_file_atomically(const std::string &path, const std::string &content, std::string &error);
// The whole file; nullopt with `error` empty when it does not exist, or with the reason.
std::optional<std::string> read_whole_file(const std::string &path, std::string &error);

// The steps of write_file_atomically, for a caller that renames later: `path` written and
// flushed (removed again on failure); the folder holding `path` flushed after a rename.
bool write_file_synced(const std::string &path, const std::string &content, std::string &error);
void sync_folder_of(const std::string &path);

} // namespace gs::site_files
