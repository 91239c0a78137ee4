#include "diagnostics.hpp"

#include <site_files/zip_archive.hpp>

#include <publish/config_backup.hpp>

#include <unistd.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gs::ui {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::optional<std::string> read_text(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

json parsed_or_null(const std::optional<std::string> &text) {
    if (!text) return nullptr;
    json doc = json::parse(*text, nullptr, false);
    return doc.is_discarded() ? json(nullptr) : doc;
}

// "running" plugins of one kind in the kernel's plugins document.
std::vector<json> plugins_of_kind(const json &plugins, const std::string &kind) {
    std::vector<json> out;
    if (plugins.is_object() && plugins.contains("plugins") && plugins["plugins"].is_array())
        for (const auto &p : plugins["plugins"])
            if (p.value("kind", "") == kind && p.value("state", "") == "running") out.push_back(p);
    return out;
}

json storage_part(const DiagnosticsSource &source, const json &plugins) {
    json out = {{"data_dir", source.data_dir},
                {"data_dir_bytes", folder_bytes(source.data_dir)},
                {"values_stored", nullptr},
                {"retention_days", json::object()},
                {"cursors", json::array()}};
    const MetricsSources &m = source.counters;
    try {
        if (m.values_stored)
            if (auto stored = m.values_stored()) out["values_stored"] = *stored;
        if (m.cursors)
            for (const CursorLag &c : m.cursors())
                out["cursors"].push_back({{"cursor", c.cursor}, {"lag", c.lag}});
    } catch (const std::exception &) {
        // a service that fails leaves its part empty, as /metrics does
    }
    // The storage's retention keys (retention_raw_days...) from its settings.
    for (const json &storage : plugins_of_kind(plugins, "storage")) {
        out["plugin"] = storage.value("id", "");
        if (storage.contains("settings") && storage["settings"].is_object())
            for (const auto &[key, value] : storage["settings"].items()) {
                constexpr std::string_view prefix = "retention_", suffix = "_days";
                if (key.rfind(prefix, 0) != 0 || key.size() <= prefix.size() + suffix.size() ||
                    key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
                    continue;
                const std::string what =
                    key.substr(prefix.size(), key.size() - prefix.size() - suffix.size());
                const std::string text = value.is_string() ? value.get<std::string>() : "";
                char *end = nullptr;
                const long long days = std::strtoll(text.c_str(), &end, 10);
                out["retention_days"][what] =
                    end && *end == '\0' && !text.empty() ? json(days) : json(text);
            }
        break;
    }
    return out;
}

json global_part(const DiagnosticsSource &source, const json &plugins, const json &site) {
    json out = {{"gridscope", plugins.is_object() ? plugins.value("gridscope", "") : ""},
                {"abi", plugins.is_object() ? plugins.value("abi", "") : ""},
                {"site", site.is_object() ? site.value("name", "") : ""},
                {"plugins", plugins.is_object() && plugins.contains("plugins") ? plugins["plugins"]
                                                                               : json::array()},
                {"process", nullptr}};
    if (auto p = process_stats())
        out["process"] = {
            {"uptime_s", p->uptime_s},
            {"cpu_user_s", p->cpu_user_s},
            {"cpu_system_s", p->cpu_system_s},
            // over the whole uptime; the page shows the recent share too
            {"cpu_percent",
             p->uptime_s > 0 ? 100.0 * (p->cpu_user_s + p->cpu_system_s) / p->uptime_s : 0.0},
            {"rss_bytes", p->rss_bytes},
            {"virtual_bytes", p->virtual_bytes},
            {"threads", p->threads}};
    out["storage"] = storage_part(source, plugins);
    return out;
}

// One row per source of the live table (every source the site polls), with its driver's
// counters when the driver reports them.
json devices_part(const DiagnosticsSource &source, const json &live) {
    json links = json::array();
    std::map<std::string, json> counted; // source name -> its driver's entry
    if (source.drivers)
        for (const auto &[plugin, text] : source.drivers()) {
            json doc = json::parse(text, nullptr, false);
            if (!doc.is_object()) continue;
            for (auto &l : doc.value("links", json::array())) {
                l["plugin"] = plugin;
                links.push_back(std::move(l));
            }
            for (auto &s : doc.value("sources", json::array())) {
                s["plugin"] = plugin;
                const std::string name = s.value("source", ""); // before s is moved from
                counted[name] = std::move(s);
            }
        }
    json sources = json::array();
    for (const json &row : live.is_array() ? live : json::array()) {
        json entry = row;
        auto it = counted.find(row.value("source", ""));
        if (it != counted.end()) {
            for (const auto &[key, value] : it->second.items())
                if (key != "source") entry[key] = value;
            counted.erase(it);
        } else {
            entry["state"] = "unknown"; // its driver reports no counters
        }
        sources.push_back(std::move(entry));
    }
    for (auto &[name, entry] : counted) // polled, but unknown to the live table
        sources.push_back(std::move(entry));
    return {{"sources", std::move(sources)}, {"links", std::move(links)}};
}

} // namespace

std::optional<ProcessStats> process_stats() {
    auto stat = read_text("/proc/self/stat");
    auto uptime = read_text("/proc/uptime");
    if (!stat || !uptime) return std::nullopt;
    // Fields after the command name, which is in parentheses and may hold spaces.
    const size_t close = stat->rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(stat->substr(close + 2));
    std::vector<std::string> f;
    for (std::string word; fields >> word;)
        f.push_back(word);
    // f[0] is field 3 (state): utime 14, stime 15, num_threads 20, starttime 22, vsize 23,
    // rss 24 (pages).
    if (f.size() < 22) return std::nullopt;
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    ProcessStats p;
    try {
        p.cpu_user_s = std::stod(f[11]) / ticks;
        p.cpu_system_s = std::stod(f[12]) / ticks;
        p.threads = std::stoull(f[17]);
        p.uptime_s = std::max(0.0, std::stod(*uptime) - std::stod(f[19]) / ticks);
        p.virtual_bytes = std::stoull(f[20]);
        p.rss_bytes = static_cast<uint64_t>(std::stod(f[21]) * page);
    } catch (const std::exception &) {
        return std::nullopt;
    }
    return p;
}

uint64_t folder_bytes(const std::string &folder) {
    uint64_t total = 0;
    std::error_code ec;
    fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code size_ec;
        if (it->is_regular_file(size_ec)) {
            const auto size = it->file_size(size_ec);
            if (!size_ec) total += size;
        }
    }
    return total;
}

std::vector<std::string> last_log_lines(const std::string &logs_dir, size_t count) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(logs_dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("gridscope-", 0) == 0 && it->path().extension() == ".log")
            files.push_back(it->path());
    }
    std::sort(files.begin(), files.end()); // gridscope-YYYY-MM-DD.log: by day
    std::deque<std::string> lines;         // the newest `count`, oldest first
    for (auto file = files.rbegin(); file != files.rend() && lines.size() < count; ++file) {
        std::ifstream in(*file, std::ios::binary);
        std::deque<std::string> mine;
        for (std::string line; std::getline(in, line);) {
            mine.push_back(std::move(line));
            if (mine.size() > count) mine.pop_front();
        }
        while (!mine.empty() && lines.size() < count) {
            lines.push_front(std::move(mine.back()));
            mine.pop_back();
        }
    }
    return {lines.begin(), lines.end()};
}

json diagnostics_document(const DiagnosticsSource &source, const json &live, const json &site,
                          int64_t now_utc_ns) {
    json plugins = source.plugins ? parsed_or_null(source.plugins()) : json(nullptr);
    return {{"generated_utc_ns", now_utc_ns},
            {"global", global_part(source, plugins, site)},
            {"devices", devices_part(source, live)}};
}

std::string diagnostics_zip(const DiagnosticsSource &source, json document, size_t log_lines) {
    // Every link's bus view: what the frames looked like when the file was made.
    json bus = json::array();
    if (source.bus_trace && document.contains("devices"))
        for (const json &link : document["devices"].value("links", json::array()))
            if (auto trace = source.bus_trace(link.value("link", "")))
                bus.push_back(parsed_or_null(trace));
    document["bus"] = std::move(bus);

    std::string logs;
    const auto lines = last_log_lines((fs::path(source.data_dir) / "logs").string(), log_lines);
    for (const auto &line : lines)
        logs += line + "\n";

    std::vector<std::pair<std::string, std::string>> files;
    json exported = {{"log_lines", lines.size()}, {"site_file", nullptr}};
    if (auto yaml = read_text(source.site_file)) {
        size_t removed = 0;
        files.emplace_back("site.yaml", publish::without_secrets(*yaml, removed));
        exported["site_file"] = "site.yaml";
        exported["secrets_removed"] = removed;
    } else {
        exported["site_file_error"] = "cannot read " + source.site_file;
    }
    document["export"] = std::move(exported);
    files.insert(files.begin(), {"diagnostics.json", document.dump(2)});
    files.emplace_back("logs.txt", std::move(logs));
    return site_files::zip_archive(files);
}

} // namespace gs::ui
