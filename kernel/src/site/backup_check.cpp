#include "site/backup_check.hpp"

#include <filesystem>
#include <unistd.h>

namespace gs::kernel {

namespace fs = std::filesystem;

void check_backup(const site_files::Backup &backup, const std::string &site_file,
                  const LoadOptions &options, std::string &staged, Diagnostics &diag,
                  const std::function<void(SiteModel, Diagnostics &)> &check) {
    fs::path file = fs::absolute(site_file).lexically_normal();
    fs::path folder = file.parent_path();
    fs::path stage = folder / (".restore-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(stage, ec);
    staged = (stage / file.filename()).string();
    struct Cleanup {
        fs::path path;
        ~Cleanup() {
            std::error_code ignored;
            fs::remove_all(path, ignored);
        }
    } cleanup{stage};
    try {
        site_files::stage_config(backup, stage.string(), file.filename().string());
    } catch (const std::exception &e) {
        diag.error({site_file, 0, 0}, "", std::string("cannot stage the backup: ") + e.what());
        return;
    }
    try {
        SiteModel model = load_site(staged, options);
        model.file = site_file;
        check(std::move(model), diag);
    } catch (const ConfigFailure &failure) {
        diag.append(failure.diagnostics());
    }
}

} // namespace gs::kernel
