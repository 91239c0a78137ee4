#include "site/plugin_config.hpp"

namespace gs::kernel {

const std::set<std::string> &kernel_source_keys() {
    static const std::set<std::string> keys{"name",    "profile",  "driver",  "period_ms",
                                            "enabled", "location", "circuits"};
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

YAML::Node checked_source_entry(const LoadedPlugin &driver, const SiteModel &site, size_t index,
                                Diagnostics &diag) {
    const Source &s = site.sources.at(index);
    if (driver.source_fields.empty()) return s.node;
    SectionCheck check{site.file,
                       s.where,
                       "sources[" + std::to_string(index) + "]",
                       "driver '" + driver.id + "'",
                       &kernel_source_keys(),
                       "source '" + s.name + "': "};
    return apply_config_map(driver.source_fields, s.node, check, diag);
}

} // namespace gs::kernel
