// The hub's sources learned from a box's description, as entries of the hub's site document
// (the JSON of gridscope.config/1, the site file's keys). Pure: no MQTT, no host.
//
// A learned entry is the box's source under the name "<box>.<source>":
//   {name: box-01.tgbt, profile: <the box's>, driver: driver_mqtt, box: box-01,
//    remote_source: tgbt, learned: true, period_ms: <the box's>,
//    location: box-01/<the box's location>,       (the box is the top of the perimeter)
//    circuits: [{index, name (unless the box's default), fluid, usage, zone, models}]}
// `learned: true` marks it as the box's: a later description updates or removes it. An entry
// without it is hand-made and never touched: a hand-made source fed by the same source of the
// box wins (the box's is not learned), and a hand-made source holding the learned name stops
// that source from being learned (a problem is reported).
#pragma once

#include "description.hpp"

#include <gridscope/site.hpp>

#include <set>
#include <string>
#include <vector>

namespace gs::hub {

// Ordered: the site document keeps the order of its keys when it is saved back.
using json = nlohmann::ordered_json;

// What the hub has to take a box's source: its profiles and models (its site model).
struct HubKnows {
    std::set<std::string, std::less<>> profiles, models;
    static HubKnows of(const gs::site::Site &site);
};

struct Learned {
    std::vector<json> entries;         // the entries for the box's sources the hub can take
    std::vector<std::string> problems; // the sources or circuits it cannot take, and why
};

// The learned entries of `box` from its description. A source whose profile the hub lacks is
// left out, as is a circuit with none of the hub's models; each is a problem.
Learned learned_entries(const std::string &box, const BoxDescription &d, const HubKnows &hub);

struct MergeCount {
    size_t added = 0, updated = 0, removed = 0, kept = 0;
    bool changed() const { return added || updated || removed; }
};

// Puts `learned.entries` into the site document `site` (its `sources` list): a learned entry of
// `box` that the description no longer has is removed, one that differs is replaced in place,
// a new one is appended; hand-made entries stay as they are. Conflicts with hand-made entries
// are added to learned.problems.
MergeCount merge_learned(json &site, const std::string &box, Learned &learned);

// `entry` as the kernel reads it: the defaults of the keys filled in, every scalar as text.
// Two entries that give the same source compare equal.
json effective_entry(const json &entry);

// True for an entry with `learned: true`.
bool is_learned(const json &entry);

} // namespace gs::hub
