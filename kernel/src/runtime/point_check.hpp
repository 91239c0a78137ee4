// A driver's check of points (validate_point, plugin.h): a profile's points and commands, and a
// site source's own points (`sources[i].points`), in the one check of a site (Runtime::stage).
#pragma once

#include "config/diagnostics.hpp"
#include "host/host_context.hpp"
#include "plugin/loader.hpp"
#include "site/model.hpp"

#include <set>
#include <string>

namespace gs::kernel {

// "" when `driver` takes the point (or command) `node`, else its message ("field 'address':
// ..."). `defaults` is the profile's defaults section, or null; `host` a check context.
std::string driver_point_error(const LoadedPlugin &driver, HostContext &host,
                               const gs_config *defaults, const YAML::Node &node,
                               const std::string &file);

// Every source's own points checked by its profile's driver (when installed). A refusal naming
// a field ("field 'address': ...") is reported at that key (`sources[3].points[0].address`);
// the sources with a refused point go into `bad_sources` (not handed to their driver).
void check_source_points(const SiteModel &site, const PluginRegistry &registry,
                         std::set<std::string> &bad_sources, Diagnostics &diag);

} // namespace gs::kernel
