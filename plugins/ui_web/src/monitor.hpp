// The Monitor function (manual §7.2): which views a device can fill for one of its circuits,
// and the data each view shows. Views a device cannot fill are left out (manual §7.1).
#ifndef GS_UI_WEB_MONITOR_HPP
#define GS_UI_WEB_MONITOR_HPP

#include "site_model.hpp"

#include <vector>

namespace gs::ui {

// The data `circuit` of `source` has, in profile order: the profile's points of the circuit,
// then the device's own (circuit 0) not already listed (a circuit's point wins over a
// device-wide one of the same name). None when the site does not know the source's profile.
std::vector<const ProfilePoint *> circuit_points(const SiteModel &site, const SourceInfo &source,
                                                 uint32_t circuit);

// The Monitor description of circuit `circuit` of `source` (device-wide data, circuit 0, is
// included):
//   {"source", "circuit", "circuit_name", "period_ms",
//    "profile": {"id", "name", "maker", "model", "family"},
//    "network_type": "3P+N" | "3P" | "1P+N" | "",
//    "views": [{"id": "network-summary", "section": "network", "data": ["IV1Inst", ...]}, ...],
//    "commands": ["partial_energy_reset", ...],  (the profile's, for this circuit)
//    "data": [{"circuit", "name", "unit", "group", "type", "description", "states"?}, ...]}
// View ids: network-summary, network-quality, load-summary, load-currents-voltages, load-power,
// load-energy, load-quality, load-inputs, atys-status, data-table.
json monitor_description(const SiteModel &site, const SourceInfo &source, uint32_t circuit);

} // namespace gs::ui

#endif
