// Loading the site model from YAML: catalog and models, device profiles, the site file.
#pragma once

#include "config/diagnostics.hpp"
#include "site/model.hpp"

#include <string>
#include <vector>

namespace gs::kernel {

struct LoadOptions {
    // Profile folders searched before those the site file names (the installed profiles/).
    std::vector<std::string> profile_dirs;
};

// Loads and cross-checks everything; throws ConfigFailure listing every error found.
// Driver-specific keys (connections, profile points) are checked later by the drivers.
SiteModel load_site(const std::string &site_file, const LoadOptions &options);

// The catalog, models and profiles alone (no site file), for tools such as `gridscope read`.
SiteModel load_profiles(const LoadOptions &options);

// Pieces, for tests and tools.
void load_catalog_file(const std::string &file, Catalog &catalog, Diagnostics &diag);
void load_models_file(const std::string &file, std::map<std::string, Model> &models,
                      Diagnostics &diag);
void load_profile_dir(const std::string &dir, SiteModel &site, Diagnostics &diag);

} // namespace gs::kernel
