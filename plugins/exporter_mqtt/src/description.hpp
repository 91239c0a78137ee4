// The box's description for a hub (plugins/driver_mqtt): one retained message on
//   <topic_prefix>/description
// that lists the sources the box publishes, so that a hub learns them instead of having them
// listed by hand. One topic level below the prefix: it cannot be a data topic (two levels,
// <source>/<circuit>) and is neither `events` nor `status`. The payload (README.md, "Description
// for a hub"):
//   {"format": 1, "site": "<site name>",
//    "sources": [{"name": "tgbt", "profile": "socomec/diris-a40", "period_ms": 1000,
//                 "location": "Building A/Floor 1",
//                 "circuits": [{"index": 1, "name": "Main", "fluid": "electricity",
//                               "usage": "", "zone": "", "models": ["metered_energy"],
//                               "data": ["IEaPInst", ...],      (what it publishes)
//                               "history": ["IEaPInst", ...]}]}, ...],   (of those, stored)
//    "units": {"IEaPInst": "Wh", ...}}        (of every data listed)
// Only enabled sources and circuits; sources in the site file's order.
#pragma once

#include "payload.hpp"

#include <gridscope/site.hpp>

#include <string>

namespace gs::mqtt {

inline constexpr int kDescriptionFormat = 1;

Message description_message(const std::string &topic_prefix, const gs::site::Site &site);

} // namespace gs::mqtt
