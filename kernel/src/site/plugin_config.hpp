// The site's plugin-defined config checked against the plugins' config maps: a plugin's section
// (`plugins.<id>`) and a driver's keys of a source entry (`sources[i]`). Used by the one check
// of a site with its plugins (Runtime::stage), so check, run and reload report the same errors.
#pragma once

#include "config/config_map.hpp"
#include "plugin/loader.hpp"
#include "site/model.hpp"

#include <set>
#include <string>

namespace gs::kernel {

// Keys of a source entry the kernel reads itself; the rest belongs to the driver.
const std::set<std::string> &kernel_source_keys();

// The plugin's section with its defaults filled in (an empty map with them if the site file has
// no section); every problem goes to diag.
YAML::Node checked_plugin_section(const LoadedPlugin &plugin, const SiteModel &site,
                                  Diagnostics &diag);

// Source `index` of the site with the driver's defaults filled in, checked against the driver's
// source_fields (errors at the entry: "source 'm1': field 'key': ..."). A driver that declares none
// checks its keys itself: the entry is returned as is. Without `points` either way: the driver
// gets those as points (gs_source.points), not as a key of the entry.
YAML::Node checked_source_entry(const LoadedPlugin &driver, const SiteModel &site, size_t index,
                                Diagnostics &diag);

} // namespace gs::kernel
