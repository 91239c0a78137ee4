#include "static_files.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

namespace gs::ui {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kVersionPrefix = "/v/";

void fnv1a(uint64_t &h, std::string_view bytes) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
}

} // namespace

std::string webroot_version(const std::string &root) {
    std::vector<std::string> entries;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::path &p = it->path();
        if (p.filename().string().front() == '.') {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        std::error_code fe;
        fs::file_status st = fs::status(p, fe); // a link to a file counts as that file
        if (fe || !fs::is_regular_file(st)) continue;
        auto size = fs::file_size(p, fe);
        auto mtime = fs::last_write_time(p, fe);
        if (fe) continue;
        entries.push_back(fs::relative(p, root, fe).string() + '\0' + std::to_string(size) + '\0' +
                          std::to_string(mtime.time_since_epoch().count()));
    }
    std::sort(entries.begin(), entries.end()); // the walk's order is the file system's
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const std::string &e : entries) {
        fnv1a(h, e);
        fnv1a(h, std::string_view("\n", 1));
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return hex;
}

std::optional<VersionedPath> split_versioned(std::string_view path) {
    if (path.substr(0, kVersionPrefix.size()) != kVersionPrefix) return std::nullopt;
    std::string_view rest = path.substr(kVersionPrefix.size());
    size_t slash = rest.find('/');
    if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
    return VersionedPath{std::string(rest.substr(0, slash)), std::string(rest.substr(slash))};
}

std::string with_versioned_urls(std::string_view html, std::string_view prefix) {
    std::string out;
    out.reserve(html.size() + 64 * prefix.size());
    size_t at = 0;
    for (;;) {
        size_t q = html.find("=\"/", at);
        if (q == std::string_view::npos) break;
        size_t value = q + 2; // the leading '/'
        std::string_view before = html.substr(0, q);
        bool attribute = (before.size() >= 3 && before.substr(before.size() - 3) == "src") ||
                         (before.size() >= 4 && before.substr(before.size() - 4) == "href");
        std::string_view rest = html.substr(value);
        bool local = rest.substr(0, 2) != "//" && rest.substr(0, 4) != "/api";
        out.append(html.substr(at, value - at));
        if (attribute && local) out.append(prefix);
        at = value;
    }
    out.append(html.substr(at));
    return out;
}

bool hidden_static_path(std::string_view path) {
    size_t start = 0;
    while (start < path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        std::string_view seg = path.substr(start, end - start);
        if (!seg.empty() && seg.front() == '.') return true;
        if (end == path.size() && (seg == "package.json" || seg == "package-lock.json"))
            return true;
        start = end + 1;
    }
    return false;
}

std::string static_content_type(std::string_view path) {
    static const std::pair<std::string_view, std::string_view> kTypes[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "application/javascript"}, // as CivetWeb serves the unversioned files
        {".mjs", "application/javascript"},
        {".css", "text/css"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain"},
    };
    for (auto [ext, type] : kTypes)
        if (path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext)
            return std::string(type);
    return "application/octet-stream";
}

std::optional<HttpResponse> static_file(const std::string &root, const std::string &path,
                                        const std::string &cache_control) {
    std::string file = root + path;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    HttpResponse r;
    r.content_type = static_content_type(path);
    r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    r.headers.emplace_back("Cache-Control", cache_control);
    return r;
}

} // namespace gs::ui
