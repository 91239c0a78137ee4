// Entry readers shared by the catalog, profile and site loaders.
#pragma once

#include "config/diagnostics.hpp"
#include "site/model.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>

namespace gs::kernel {

void read_data_def(const YAML::Node &node, const std::string &file, const std::string &path,
                   bool custom, Catalog &catalog, Diagnostics &diag);
void read_model(const YAML::Node &node, const std::string &file, const std::string &path,
                bool custom, std::map<std::string, Model> &models, Diagnostics &diag);

} // namespace gs::kernel
