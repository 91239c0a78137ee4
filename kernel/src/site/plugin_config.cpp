#include "site/plugin_config.hpp"

namespace gs::kernel {

const std::set<std::string> &kernel_source_keys() {
    static const std::set<std::string> keys{"name",    "profile",  "driver",   "period_ms",
                                            "enabled", "location", "circuits", "points"};
    return keys;
}

YAML::Node checked_plugin_section(const LoadedPlugin &plugin, const SiteModel &site,
                                  Diagnostics &diag) {
    auto it = site.plugins.find(plugin.id);
    bool written = it != site.plugins.end();
    SectionCheck check{site.file,
                       written ? it->second.where : Location{site.file, 0, 0},
                       "plugins." + plugin.id,
                       "plugin '" + plugin.id + "'",
                       nullptr,
                       ""};
    return apply_config_map(plugin.config_fields, written ? it->second.node : YAML::Node(), check,
                            diag);
}

namespace {
// The entry without the keys only the kernel reads and drivers never see (`points`: they come
// as gs_point). A new top-level map over the written nodes, which keep their marks.
YAML::Node without_kernel_lists(const YAML::Node &entry) {
    if (!entry.IsMap() || !entry["points"]) return entry;
    YAML::Node out(YAML::NodeType::Map);
    for (const auto &kv : entry)
        if (kv.first.Scalar() != "points") out[kv.first.Scalar()] = kv.second;
    return out;
}
} // namespace

YAML::Node checked_source_entry(const LoadedPlugin &driver, const SiteModel &site, size_t index,
                                Diagnostics &diag) {
    const Source &s = site.sources.at(index);
    YAML::Node entry = without_kernel_lists(s.node);
    if (driver.source_fields.empty()) return entry;
    SectionCheck check{site.file,
                       s.where,
                       "sources[" + std::to_string(index) + "]",
                       "driver '" + driver.id + "'",
                       &kernel_source_keys(),
                       "source '" + s.name + "': "};
    return apply_config_map(driver.source_fields, entry, check, diag);
}

} // namespace gs::kernel
