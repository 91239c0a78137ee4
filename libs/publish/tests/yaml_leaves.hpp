// Turns a YAML text into the leaves the host's config_visit hands a plugin (path + text), so the
// tests feed parse_settings exactly what the glue will.
#pragma once

#include "publish/settings.hpp"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace gs::publish::testing {

inline void collect(const YAML::Node &node, std::vector<std::string> &path,
                    std::vector<ConfigLeaf> &out) {
    if (node.IsMap()) {
        for (const auto &entry : node) {
            path.push_back(entry.first.as<std::string>());
            collect(entry.second, path, out);
            path.pop_back();
        }
    } else if (node.IsSequence()) {
        for (size_t i = 0; i < node.size(); ++i) {
            path.push_back(std::to_string(i));
            collect(node[i], path, out);
            path.pop_back();
        }
    } else if (node.IsScalar()) {
        out.push_back({path, node.Scalar()});
    }
}

// The leaves of `section` below the top-level key `plugin` (e.g. plugins.exporter_files).
inline std::vector<ConfigLeaf> leaves_of(const std::string &yaml,
                                         const char *plugin = "exporter_files") {
    const YAML::Node root = YAML::Load(yaml);
    std::vector<ConfigLeaf> out;
    std::vector<std::string> path;
    collect(root["plugins"][plugin], path, out);
    return out;
}

} // namespace gs::publish::testing
