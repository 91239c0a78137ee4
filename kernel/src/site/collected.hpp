// What a source collects (manual §8.2.1, §8.3.5-8.3.6), computed once by the host from the site
// model: a circuit collects the union of its models' data, minus the data it disables; a point
// of no collected data is neither polled nor stored. Drivers get only the points to poll.
#pragma once

#include "site/model.hpp"

#include <string>
#include <vector>

namespace gs::kernel {

// True when `circuit` of `source` collects `data`. Circuit 0 (the device itself) collects a
// data that any enabled circuit of the source collects. A circuit without a `models:` key
// collects every data its profile maps; `models: []` collects none.
bool collects(const SiteModel &site, const Source &source, uint32_t circuit,
              const std::string &data);

// True when the collected `data` of `circuit` is stored for Trends and Consumptions: one of the
// circuit's models that holds it has `history: true` (a circuit without `models:` stores all).
bool keeps_history(const SiteModel &site, const Source &source, uint32_t circuit,
                   const std::string &data);

// True when the collected `data` of `circuit` is in one of its models with `datalogger: true`
// (published by the data-publishing exporters); never for a circuit without `models:`.
bool in_datalogger(const SiteModel &site, const Source &source, uint32_t circuit,
                   const std::string &data);

// The points the driver polls for `source`: those of `profile`, in profile order, then the
// source's own (`points:` of the site file), in file order; none when the source is disabled.
std::vector<const ProfilePoint *> collected_points(const SiteModel &site, const Source &source,
                                                   const Profile &profile);

} // namespace gs::kernel
