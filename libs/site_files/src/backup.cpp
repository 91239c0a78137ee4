#include "site_files/backup.hpp"

#include "site_files/atomic_file.hpp"
#include "site_files/zip_archive.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace gs::site_files {

namespace fs = std::filesystem;

namespace {

constexpr const char *kManifest = "gridscope-backup.json";
constexpr const char *kFormat = "gridscope-config-backup";
constexpr const char *kSite = "config/site.yaml";
constexpr const char *kFavourites = "trends-favourites.json";
constexpr size_t kMaxFiles = 10000;
constexpr size_t kMaxBytes = size_t{512} << 20;
constexpr int kKeptVersions = 10;

std::string read_file(const fs::path &p) {
    std::string error;
    auto text = read_whole_file(p.string(), error);
    if (!text) throw std::runtime_error(error.empty() ? "cannot read " + p.string() : error);
    return *text;
}

// Every regular file below `dir` (relative names, '/' separated), sorted.
std::vector<std::string> files_below(const fs::path &dir, bool yaml_only) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec))
        if (it->is_regular_file() && (!yaml_only || it->path().extension() == ".yaml"))
            out.push_back(fs::relative(it->path(), dir).generic_string());
    if (ec) throw std::runtime_error("cannot list " + dir.string() + ": " + ec.message());
    std::sort(out.begin(), out.end());
    return out;
}

// A relative path that stays where it is put: no "..", no absolute path, no backslash.
bool plain_relative(const std::string &name) {
    if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos ||
        name.find('\0') != std::string::npos)
        return false;
    for (const auto &part : fs::path(name))
        if (part == ".." || part == "." || part.empty()) return false;
    return true;
}

bool under(const std::string &name, const std::string &dir) {
    return name.size() > dir.size() + 1 && name.compare(0, dir.size(), dir) == 0 &&
           name[dir.size()] == '/';
}

void write_tree(const std::map<std::string, std::string> &files, const std::string &prefix,
                const fs::path &into) {
    for (const auto &[name, content] : files) {
        if (!prefix.empty() && !under(name, prefix)) continue;
        fs::path target = into / (prefix.empty() ? name : name.substr(prefix.size() + 1));
        fs::create_directories(target.parent_path());
        std::string error;
        if (!write_file_synced(target.string(), content, error)) throw std::runtime_error(error);
    }
}

// Puts `fresh` (a folder just written) in the place of `target`, the old one removed after.
void swap_folder(const fs::path &fresh, const fs::path &target) {
    fs::path old = target.string() + ".old-" + std::to_string(::getpid());
    std::error_code ec;
    fs::remove_all(old, ec);
    bool had = fs::exists(target, ec);
    if (had) fs::rename(target, old);
    fs::rename(fresh, target);
    sync_folder_of(target.string());
    if (had) fs::remove_all(old, ec);
}

} // namespace

std::vector<std::string> own_profile_dirs(const std::string &site_text) {
    std::vector<std::string> out;
    try {
        YAML::Node root = YAML::Load(site_text);
        if (!root.IsMap() || !root["profiles"] || !root["profiles"].IsSequence()) return out;
        for (const auto &item : root["profiles"]) {
            if (!item.IsScalar()) continue;
            std::string dir = fs::path(item.Scalar()).lexically_normal().generic_string();
            while (!dir.empty() && dir.back() == '/')
                dir.pop_back();
            if (plain_relative(dir) && std::find(out.begin(), out.end(), dir) == out.end())
                out.push_back(dir);
        }
    } catch (const YAML::Exception &) {
    }
    return out;
}

std::string make_backup(const SitePaths &where) {
    std::vector<std::pair<std::string, std::string>> files;
    files.emplace_back(kManifest,
                       nlohmann::json{{"format", kFormat}, {"version", 1}}.dump(1) + "\n");
    std::string site = read_file(where.site_file);
    files.emplace_back(kSite, site);
    fs::path base = fs::path(where.site_file).parent_path();
    for (const auto &dir : own_profile_dirs(site))
        for (const auto &name : files_below(base / dir, true))
            files.emplace_back("config/" + dir + "/" + name, read_file(base / dir / name));
    fs::path data(where.data_dir);
    for (const auto &name : files_below(data / "photoview", false))
        files.emplace_back("data/photoview/" + name, read_file(data / "photoview" / name));
    std::error_code ec;
    if (fs::exists(data / kFavourites, ec))
        files.emplace_back(std::string("data/") + kFavourites, read_file(data / kFavourites));
    return zip_archive(files);
}

Backup read_backup(const std::string &zip) {
    auto files = unzip_archive(zip, kMaxFiles, kMaxBytes);
    std::map<std::string, std::string> by_name;
    for (auto &[name, content] : files) {
        if (!plain_relative(name))
            throw std::runtime_error("refused file name in the archive: " + name);
        if (!by_name.emplace(name, std::move(content)).second)
            throw std::runtime_error(name + " is twice in the archive");
    }
    auto manifest = by_name.find(kManifest);
    if (manifest == by_name.end())
        throw std::runtime_error("not a gridscope configuration backup (no " +
                                 std::string(kManifest) + ")");
    auto m = nlohmann::json::parse(manifest->second, nullptr, false);
    if (!m.is_object() || m.value("format", "") != kFormat || !m.contains("version") ||
        !m["version"].is_number_integer())
        throw std::runtime_error(std::string(kManifest) + " is not a backup manifest");
    if (m["version"].get<int>() != 1)
        throw std::runtime_error("backup format version " + m["version"].dump() +
                                 " is newer than this gridscope's (1)");
    auto site = by_name.find(kSite);
    if (site == by_name.end())
        throw std::runtime_error(std::string("no ") + kSite + " in the archive");
    Backup out;
    out.site_text = site->second;
    out.profile_dirs = own_profile_dirs(out.site_text);
    for (auto &[name, content] : by_name) {
        if (name == kManifest || name == kSite) continue;
        if (under(name, "config")) {
            std::string rel = name.substr(7);
            bool in_profiles = std::any_of(out.profile_dirs.begin(), out.profile_dirs.end(),
                                           [&](const std::string &d) { return under(rel, d); });
            if (!in_profiles || fs::path(rel).extension() != ".yaml")
                throw std::runtime_error(name + ": not a profile of a folder the site file names");
            out.config_files[rel] = std::move(content);
        } else if (under(name, "data/photoview") || name == std::string("data/") + kFavourites) {
            std::string rel = name.substr(5);
            if (rel == "photoview/pages.json" || rel == kFavourites) {
                auto doc = nlohmann::json::parse(content, nullptr, false);
                if (!doc.is_object()) throw std::runtime_error(name + " is not a JSON object");
            }
            out.data_files[rel] = std::move(content);
        } else {
            throw std::runtime_error(name + ": not a file a backup holds");
        }
    }
    return out;
}

void stage_config(const Backup &backup, const std::string &folder, const std::string &site_name) {
    fs::path dir(folder);
    if (!fs::create_directories(dir)) throw std::runtime_error(folder + " exists already");
    std::string error;
    if (!write_file_synced((dir / site_name).string(), backup.site_text, error))
        throw std::runtime_error(error);
    write_tree(backup.config_files, "", dir);
    for (const auto &d : backup.profile_dirs) // a named folder the backup holds no file of
        fs::create_directories(dir / d);
}

bool keep_site_versions(const std::string &file, const std::string &current, std::string &error) {
    for (int i = kKeptVersions - 1; i >= 1; --i) {
        std::string from = file + "." + std::to_string(i);
        if (::access(from.c_str(), F_OK) == 0)
            std::rename(from.c_str(), (file + "." + std::to_string(i + 1)).c_str());
    }
    return write_file_atomically(file + ".1", current, error);
}

void install_backup(const Backup &backup, const SitePaths &where) {
    const fs::path base = fs::path(where.site_file).parent_path();
    const std::string tag = ".restore-" + std::to_string(::getpid());
    for (const auto &d : backup.profile_dirs) {
        fs::path fresh = (base / d).string() + tag;
        fs::remove_all(fresh);
        fs::create_directories(fresh);
        write_tree(backup.config_files, d, fresh);
        fs::create_directories((base / d).parent_path());
        swap_folder(fresh, base / d);
    }
    const fs::path data(where.data_dir);
    fs::create_directories(data);
    fs::path fresh = (data / "photoview").string() + tag;
    fs::remove_all(fresh);
    fs::create_directories(fresh);
    write_tree(backup.data_files, "photoview", fresh);
    swap_folder(fresh, data / "photoview");
    std::string error;
    auto favourites = backup.data_files.find(kFavourites);
    if (favourites != backup.data_files.end()) {
        if (!write_file_atomically((data / kFavourites).string(), favourites->second, error))
            throw std::runtime_error(error);
    } else {
        std::error_code ec;
        fs::remove(data / kFavourites, ec);
    }
    std::string current;
    if (auto text = read_whole_file(where.site_file, error)) current = *text;
    if (!current.empty() && !keep_site_versions(where.site_file, current, error))
        throw std::runtime_error(error);
    if (!write_file_atomically(where.site_file, backup.site_text, error))
        throw std::runtime_error(error);
}

} // namespace gs::site_files
