// gridscope config export|import --config F --data-dir D --file X: the configuration backup
// (manual §3.4, docs/configuration.md "Backup and restore") as one zip: the site file, the
// site's own profiles, the Photoview pages and the Trends favourites. Import checks the whole
// archive (its files, then its site with every check `gridscope check` makes) before it
// replaces anything; a refused archive changes nothing. The archive is gs_site_files', the same
// as the web UI's GET /config/backup and POST /config/restore.
#include "cli/commands.hpp"
#include "runtime/runtime.hpp"
#include "site/backup_check.hpp"

#include <site_files/atomic_file.hpp>
#include <site_files/backup.hpp>

#include <iostream>

namespace gs::kernel {

namespace {

int config_export(const Args &args) {
    site_files::SitePaths where{args.required("--config"),
                                args.get("--data-dir", "gridscope-data")};
    std::string file = args.required("--file");
    std::string zip = site_files::make_backup(where);
    std::string error;
    if (!site_files::write_file_atomically(file, zip, error)) {
        std::cerr << "gridscope config export: " << error << "\n";
        return 1;
    }
    std::cout << file << ": configuration backup of " << where.site_file << " (" << zip.size()
              << " bytes)\n";
    return 0;
}

int config_import(const Args &args) {
    site_files::SitePaths where{args.required("--config"),
                                args.get("--data-dir", "gridscope-data")};
    std::string file = args.required("--file");
    CommonOptions common = CommonOptions::from(args);
    std::string error;
    auto zip = site_files::read_whole_file(file, error);
    if (!zip) {
        std::cerr << "gridscope config import: "
                  << (error.empty() ? file + ": no such file" : error) << "\n";
        return 1;
    }
    site_files::Backup backup;
    try {
        backup = site_files::read_backup(*zip);
    } catch (const std::exception &e) {
        std::cerr << "gridscope config import: " << file << ": " << e.what()
                  << "\nnothing was changed\n";
        return 1;
    }
    PluginRegistry registry([](const std::string &line) { std::cerr << line << "\n"; });
    common.load_plugins(registry);
    RuntimeOptions ro;
    ro.share_dir = common.share_dir;
    ro.data_dir = where.data_dir;
    Diagnostics diag;
    std::string staged;
    // The same gate as `check`: the loader, then every plugin's checks (instances not started).
    check_backup(backup, where.site_file, common.load_options(), staged, diag,
                 [&](SiteModel model, Diagnostics &d) {
                     Runtime runtime(std::move(model), registry, ro);
                     runtime.build(d);
                 });
    if (!diag.empty()) {
        std::cerr << diag.str() << file << ": its site file has " << diag.errors().size()
                  << " error(s); nothing was changed\n";
        return 1;
    }
    site_files::install_backup(backup, where);
    std::cout << where.site_file << ": restored from " << file
              << " (a running site takes it at its next reload: send it SIGHUP)\n";
    return 0;
}

} // namespace

int cmd_config(int argc, char **argv) {
    if (argc < 3) throw UsageError("expected export or import");
    std::string action = argv[2];
    auto options = CommonOptions::value_options();
    options.insert({"--config", "--data-dir", "--file"});
    Args args(argc, argv, 3, options, {});
    if (action == "export") return config_export(args);
    if (action == "import") return config_import(args);
    throw UsageError("unknown action '" + action + "' (expected export or import)");
}

} // namespace gs::kernel
