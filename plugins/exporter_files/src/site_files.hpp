// The files of the site itself rather than of its stored data: the gridscope log lines of a
// period (plan type log; the kernel writes them to <data_dir>/logs/gridscope-<UTC day>.log) and
// the configuration backup (plan type config_backup): the site file with its secret values
// removed, and the site's own profiles (those not installed with gridscope) as JSON.
#pragma once

#include "site_context.hpp"

#include <publish/file_builder.hpp>

namespace gs::exporter {

// No file when the period has no log line. Throws std::runtime_error when the site file cannot
// be read (the run stops, the cursor stays, the next attempt tries again).
std::vector<publish::BuiltFile> build_site_files(const SiteContext &site,
                                                 const publish::Settings &settings,
                                                 const publish::Plan &plan,
                                                 const publish::Period &period);

} // namespace gs::exporter
