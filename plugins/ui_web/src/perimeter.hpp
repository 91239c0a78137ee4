// The perimeter (manual §6.2): the site's loads as a navigation tree by location, usage, fluid
// or hierarchy, filtered by name, with the number of loads at every level.
#ifndef GS_UI_WEB_PERIMETER_HPP
#define GS_UI_WEB_PERIMETER_HPP

#include "site_model.hpp"

#include <optional>
#include <string_view>

namespace gs::ui {

// The tree for `view` ("location", "usage", "fluid", "hierarchy"), keeping the nodes whose
// name, detail or model contains `filter` (case-insensitive) with their ancestors, and whole
// subtrees under a matching folder. nullopt for an unknown view. The result:
//   {"view": "location", "filter": "", "loads": 3, "nodes": [node...]}
//   node = {"name", "type": "folder"|"device"|"load", "loads": n, "children": [...],
//           "source"?, "circuit"?, "detail"?, "model"?, "unassigned"?}
// A single-circuit device is one "device" node that carries its circuit; a multi-circuit device
// has one "load" child per circuit. In the hierarchy view every folder carries "hierarchy" (the
// hierarchy it belongs to), a whole hierarchy's folder "top": true; a node's meter is its first
// child, a load with "meter": true; a son hierarchy hangs (as its top folder) under the node that
// links it, not at the top level.
//   node += {"hierarchy"?, "top"?, "meter"?}
std::optional<json> perimeter_tree(const SiteModel &site, std::string_view view,
                                   std::string_view filter);

} // namespace gs::ui

#endif
