// A plugin's config map (its gs_config_field table) as the kernel keeps it, and the check of a
// config section against it: every error at once, with the key's file:line:column and dotted
// path, then the defaults of the absent keys filled in (Fluent Bit's config_map is the model).
#pragma once

#include "config/diagnostics.hpp"

#include <gridscope/plugin.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

namespace gs::kernel {

struct ConfigField {
    std::string key;
    gs_config_type type = GS_CONFIG_INVALID;
    bool required = false;
    std::string default_value; // "" when has_default is false
    bool has_default = false;
    std::string description;
    // Since ABI 1.3; empty when the plugin was built against an older SDK.
    std::string min_value, max_value; // "" = unbounded on that side
    std::vector<std::string> allowed_values;
};
using ConfigMap = std::vector<ConfigField>;

// Copies a plugin's table. Entries are laid out with the plugin's sizeof(gs_config_field): the
// first entry's struct_size is the stride. Returns "" or why the table is malformed (a bound
// or default that is not of the key's type counts: the plugin is refused, not the site file).
std::string read_config_map(const gs_config_field *fields, size_t count, ConfigMap &out);

// "an integer", "true or false", ... for messages.
const char *config_type_phrase(gs_config_type type);

struct SectionCheck {
    std::string file;  // where the section was written
    Location where;    // the section itself (for missing required keys)
    std::string path;  // "plugins.ui_web", "sources[2]"
    std::string owner; // "plugin 'ui_web'", "driver 'driver_modbus'"
    // Keys someone else reads (the kernel's own source keys): accepted, not checked.
    const std::set<std::string> *other_keys = nullptr;
    // Non-empty: every error is reported at the section itself, with the section's path and
    // "<entry>field '<key>': ..." as message (a source entry: "source 'm1': "), as drivers did
    // before they declared their keys. Empty: at the key, with path "<path>.<key>".
    std::string entry;
};

// Checks `section` (a map, or undefined/null for an absent section) against `map`: unknown
// keys, missing required keys, types, bounds and allowed values, each error into diag. Returns
// a copy of the section with the default of every absent key filled in.
YAML::Node apply_config_map(const ConfigMap &map, const YAML::Node &section,
                            const SectionCheck &check, Diagnostics &diag);

} // namespace gs::kernel
