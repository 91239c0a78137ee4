// What one plugin instance is built from, apart from the site model as a whole. A reload keeps
// a running instance whose text is unchanged (docs/architecture.md, "Start, stop, reload").
#pragma once

#include "plugin/loader.hpp"
#include "site/model.hpp"

#include <string>

namespace gs::kernel {

// The plugin's section of the site file; for a driver also every source it polls (but its
// `location` and `circuits`, which only the kernel reads) and every
// profile those sources or the driver itself use (points, commands, defaults, the units of the
// points' data) with the points its sources' circuits collect, since add_source() hands them
// to it. Equal texts make equal instances.
std::string own_config_of(const LoadedPlugin &plugin, const SiteModel &site);

} // namespace gs::kernel
