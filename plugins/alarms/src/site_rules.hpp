// The `alarms:` section of a site file, for the engine: read with libs/alarms' parser (which
// gives every error its file:line:column and key) and checked against the site model (the
// data is in the catalog; the sources, circuits, models and hierarchies exist).
#pragma once

#include "alarms/rule.hpp"
#include "alarms/rule_parser.hpp"

#include <gridscope/site.hpp>

#include <string>
#include <vector>

namespace gs::alarm_glue {

struct SiteRules {
    std::vector<alarms::Rule> rules;
    std::vector<alarms::SiteCircuit> circuits; // every circuit of the site, for the selectors
};

// Every problem of the section, as "file:line:column: field 'alarms[0].data': ...".
std::vector<alarms::RuleError> check_site_rules(const std::string &site_file,
                                                const gs::site::Site &site, SiteRules &out);

// The same, throwing gs::InvalidArgument with every error, one per line.
SiteRules load_site_rules(const std::string &site_file, const gs::site::Site &site);

} // namespace gs::alarm_glue
