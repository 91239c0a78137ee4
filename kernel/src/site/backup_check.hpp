// A configuration backup's site file and profiles checked by the kernel before a restore
// replaces anything (`gridscope config import`, gridscope.config/1's restore).
#pragma once

#include "config/diagnostics.hpp"
#include "site/loader.hpp"

#include <site_files/backup.hpp>

#include <functional>
#include <string>

namespace gs::kernel {

// Writes the backup's site file and profile folders into a folder inside the site file's own
// (`.restore-<pid>`: where a save writes too, so no other folder needs to be writable; a
// profile folder named with ".." is then looked for one level too deep), loads that site with the
// kernel's loader, and has `check` run the plugins' checks on the model (whose `file` is the real
// site file). Every error goes into `diag`; `staged` names the staged site file (errors located
// there are about the backup's site file). The staging is removed before returning.
void check_backup(const site_files::Backup &backup, const std::string &site_file,
                  const LoadOptions &options, std::string &staged, Diagnostics &diag,
                  const std::function<void(SiteModel, Diagnostics &)> &check);

} // namespace gs::kernel
