// Series declarations derived from the site model (the "gridscope.site/1" JSON): which stored
// series are counters, their limits, and their history period. SDK-free, testable alone.
#pragma once

#include "core/types.hpp"

#include <string>
#include <vector>

namespace gs::storage {

// Largest raw value of a Modbus point type ("u16" -> 65535, "u32" -> 4294967295, ...);
// 0 when the type has no fixed maximum (f32, f64, unknown).
double raw_max_of_type(const std::string &type);

// One SeriesSpec per (enabled source, profile point):
//   kind          counter when the catalog entry of the point's data says `counter: true`
//   counter_max   raw maximum of the point's `type` x `coefficient` (+ `offset`); 0 for floats
//   counter_step  the coefficient (one raw count)
//   period        the smallest history_period_s of the models of the point's circuit (600)
// Reads the document with gridscope/site.hpp; throws std::runtime_error when it is not valid.
std::vector<store::SeriesSpec> series_from_site_json(const std::string &site_json);

} // namespace gs::storage
