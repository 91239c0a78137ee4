// Device profiles read straight from their YAML files (profiles/**/*.yaml), for what the
// gridscope.site/1 service does not carry: the `models` aliases, `identification` and the
// points with their Modbus keys. Used to choose and poll the profile of a `socomec/auto`
// source, and by the tests. Free of the SDK (yaml-cpp and property trees).
#pragma once

#include "identify.hpp"

#include <boost/property_tree/ptree.hpp>

#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace gs::socomec {

// A YAML node as a property tree: maps by key, sequences by index "0", "1", ...; scalars as text.
boost::property_tree::ptree to_ptree(const YAML::Node &node);

// One profile file; its id is `id` unless the file says otherwise. Throws std::runtime_error
// naming the file when it cannot be read or has no `profile:` map.
ProfileDef load_profile_file(const std::string &file, const std::string &id);

// Every file below `dir` whose top level has a `profile:` map (catalog.yaml and models.yaml are
// skipped that way), sorted by id. Files that fail to load are skipped, their message appended
// to `errors`.
std::vector<ProfileDef> load_profile_dir(const std::string &dir, std::vector<std::string> &errors);

} // namespace gs::socomec
