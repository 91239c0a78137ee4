// Versioned static files: the web UI's files are also served under /v/<version>/<path>, where
// <version> names the state of webroot/ (a hash of every file's path, size and modification
// time). Under the current version a file never changes, so the browser keeps it for a year
// without asking again ("immutable"); index.html itself is asked for on every load (no-cache)
// and names the files under the current version, so a new or edited file gets a new URL.
// ES modules import each other by relative paths, so a module loaded under /v/<version>/ pulls
// its imports from there too.
//
//   GET /                     index.html, its src="/..." and href="/..." under /v/<version>/
//   GET /v/<version>/<path>   the file <path>; immutable when <version> is the current one,
//                             no-cache otherwise (a page loaded before the files changed)
//   GET /<path>               the file as before (CivetWeb, no-cache + ETag)
#ifndef GS_UI_WEB_STATIC_FILES_HPP
#define GS_UI_WEB_STATIC_FILES_HPP

#include "http.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gs::ui {

// The version of the files under `root`: 16 hex digits. Hidden files (a segment starting
// with '.') do not count. Walks the folder (a stat per file): about 80 files for the UI.
std::string webroot_version(const std::string &root);

// "/v/<version>/<path>" -> {version, "/<path>"}; nullopt for any other path.
struct VersionedPath {
    std::string version;
    std::string path;
};
std::optional<VersionedPath> split_versioned(std::string_view path);

// `html` with every src="/..." and href="/..." (not "//...", not "/api...") under `prefix`
// ("/v/<version>").
std::string with_versioned_urls(std::string_view html, std::string_view prefix);

// A file the static server never hands out (CivetWeb's hide_files_patterns): hidden segments,
// package.json, package-lock.json.
bool hidden_static_path(std::string_view path);

// The Content-Type of a static file, from its extension.
std::string static_content_type(std::string_view path);

// The regular file root + path with its Content-Type and `cache_control`; nullopt when it is
// not a readable regular file.
std::optional<HttpResponse> static_file(const std::string &root, const std::string &path,
                                        const std::string &cache_control);

} // namespace gs::ui

#endif
