// Reads the `alarms:` section of a site file into rules. The kernel's site loader hands over the
// section's yaml-cpp node and the file name; every problem comes back with its position.
#pragma once

#include "alarms/rule.hpp"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace gs::alarms {

// "file:line:column: field 'alarms[2].deadband': message" (the kernel's diagnostics format).
struct RuleError {
    std::string file;
    int line = 0;   // 1-based, 0 = unknown
    int column = 0; // 1-based
    std::string field;
    std::string message;
    std::string str() const;
};

struct ParsedRules {
    std::vector<Rule> rules;       // only when errors is empty
    std::vector<RuleError> errors; // every problem found, in file order
};

// `alarms` is the section's value (a list; a null node is an empty list). Unknown keys, wrong
// types, bad values, duplicate names and keys of another kind are all refused.
ParsedRules parse_rules(const YAML::Node &alarms, const std::string &file);

} // namespace gs::alarms
