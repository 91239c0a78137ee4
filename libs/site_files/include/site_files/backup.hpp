// The configuration backup (manual §3.4, docs/configuration.md "Backup and restore"): a site's
// own files in one zip, and the restore that checks the whole archive before replacing anything.
// Shared by `gridscope config export|import` and the web UI's GET /config/backup and
// POST /config/restore (through the kernel's gridscope.config/1), so both read and write the
// same archive. The kernel checks the site file; this library knows only files.
//
// The archive:
//   gridscope-backup.json         {"format": "gridscope-config-backup", "version": 1}
//   config/site.yaml              the site file as written (secrets included: keep it safe)
//   config/<folder>/<...>.yaml    the site's own profiles: each `profiles:` folder that lies
//                                 inside the site file's folder (installed profiles are not)
//   data/photoview/...            the Photoview pages and images (<data_dir>/photoview)
//   data/trends-favourites.json   the Trends favourites
#pragma once

#include <map>
#include <string>
#include <vector>

namespace gs::site_files {

struct SitePaths {
    std::string site_file; // its folder holds the site's own profile folders
    std::string data_dir;
};

// The archive of the site's files. Throws std::runtime_error when one cannot be read (a missing
// Photoview folder or favourites file is no error: the site has none).
std::string make_backup(const SitePaths &where);

struct Backup {
    std::string site_text;
    std::vector<std::string> profile_dirs;           // the archived folders (site text's own)
    std::map<std::string, std::string> config_files; // below the site file's folder, site left out
    std::map<std::string, std::string> data_files;   // below the data dir
};

// An archive read and checked as files: a zip with the manifest and config/site.yaml, every
// name a plain relative path (no "..", no absolute path, no backslash) under config/ or
// data/photoview/ or data/trends-favourites.json, config files only in the profile folders the
// site file names, pages.json and the favourites valid JSON, at most 10,000 files and 512 MiB.
// Throws std::runtime_error saying what is wrong.
Backup read_backup(const std::string &zip);

// The site's own profile folders of a site text, relative to its folder, as written in
// `profiles:` (normalised): those that stay inside it. [] when the text has none or is not YAML.
std::vector<std::string> own_profile_dirs(const std::string &site_text);

// Writes the backup's site file (named `site_name`) and profile folders under `folder`, which
// is created (it must not exist): where the kernel checks them before anything is replaced.
void stage_config(const Backup &backup, const std::string &folder, const std::string &site_name);

// Replaces the site's files with the backup's: each archived profile folder and the Photoview
// folder whole (renamed into place), the favourites file (removed when the backup has none),
// and last the site file, whose current text is kept as a save keeps it (keep_site_versions).
// Throws std::runtime_error when a step fails; the steps done are not undone.
void install_backup(const Backup &backup, const SitePaths &where);

// Before the site file is replaced: its versions shift (site.yaml.9 becomes .10...) and
// `current` is written as site.yaml.1. False with `error` when .1 cannot be written.
bool keep_site_versions(const std::string &file, const std::string &current, std::string &error);

} // namespace gs::site_files
