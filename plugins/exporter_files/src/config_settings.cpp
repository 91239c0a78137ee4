#include "config_settings.hpp"

#include <gridscope/plugin.hpp>

#include <sstream>

namespace gs::exporter {

namespace {

gs_status collect_leaf(void *payload, const char *const *path, size_t depth, const char *value) {
    auto *leaves = static_cast<std::vector<publish::ConfigLeaf> *>(payload);
    publish::ConfigLeaf leaf;
    leaf.path.assign(path, path + depth);
    leaf.value = value ? value : "";
    leaves->push_back(std::move(leaf));
    return GS_OK;
}

// Where `key` ("plans.1.every") was written: the deepest node of its path that exists.
std::string location_of(const gs_host *host, const gs_config *section, const std::string &key) {
    const gs_config *node = section;
    std::istringstream parts(key);
    std::string part;
    while (std::getline(parts, part, '.')) {
        const gs_config *child = host->config_child(host, node, part.c_str());
        if (!child) break;
        node = child;
    }
    char buf[512];
    if (host->config_location(host, node, buf, sizeof buf) != GS_OK) return {};
    return buf;
}

} // namespace

publish::Settings settings_from_config(const gs_host *host, const gs_config *section) {
    std::vector<publish::ConfigLeaf> leaves;
    gs_status st = host->config_visit(host, section, &collect_leaf, &leaves);
    if (st != GS_OK) throw gs::Error("exporter_files: cannot read the plugin's section", st);
    publish::ParsedSettings parsed = publish::parse_settings(leaves);
    if (parsed.ok()) return parsed.settings;
    std::string text;
    for (const auto &e : parsed.errors) {
        std::string where = location_of(host, section, e.key);
        text += (text.empty() ? "" : "\n") + (where.empty() ? "" : where + ": ") +
                "field 'plugins.exporter_files." + e.key + "': " + e.message;
    }
    throw gs::InvalidArgument(text);
}

} // namespace gs::exporter
