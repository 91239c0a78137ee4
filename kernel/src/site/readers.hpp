// Entry readers shared by the catalog, profile and site loaders.
#pragma once

#include "config/diagnostics.hpp"
#include "site/model.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

namespace gs::kernel {

class MapReader;

void read_data_def(const YAML::Node &node, const std::string &file, const std::string &path,
                   bool custom, Catalog &catalog, Diagnostics &diag);
void read_model(const YAML::Node &node, const std::string &file, const std::string &path,
                bool custom, std::map<std::string, Model> &models, Diagnostics &diag);

// The `points` list of a map (a profile's, or a site source's own, docs/profiles.md): each
// point's data (required) and circuit (default 1), no (data, circuit) mapped twice, no command
// key. Its other keys are the driver's, checked by its validate_point; the circuit's bound is
// the caller's (a profile's count, or the source's circuits).
std::vector<ProfilePoint> read_points(MapReader &map, Diagnostics &diag);
// Where key `key` of a point is written (the point itself when the key is absent).
Location key_location(const ProfilePoint &point, const std::string &key);

} // namespace gs::kernel
