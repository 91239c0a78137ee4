// Replacing a small file of the data dir so that a reader or a crash sees the old content or the
// new one, never a mix: a temporary file beside it, written and fsync'ed, renamed over it, then
// the folder fsync'ed. Used by the passwords file and the Trends favourites.
#ifndef GS_UI_WEB_FILE_REPLACE_HPP
#define GS_UI_WEB_FILE_REPLACE_HPP

#include <string>

namespace gs::ui {

// Throws std::runtime_error with the path and the system's reason; the temporary file is
// removed on failure.
void replace_file(const std::string &path, const std::string &text, unsigned mode);

} // namespace gs::ui

#endif
