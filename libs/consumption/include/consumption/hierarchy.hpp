// The site's hierarchies (manual §8.5) as the consumption maths needs them, taken from the site
// model as the SDK's one reader gives it (gridscope/site.hpp: header-only, free of the C ABI):
// nodes with member loads, child nodes,
// linked son hierarchies and an optional feeder meter. SDK-free; the checks with file:line are
// the kernel's (kernel/src/site/site_loader.cpp): this reader trusts a checked document.
#pragma once

#include <gridscope/site.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gs::consumption {

// How far below zero a metered node's unmeasured part may go before the node is unbalanced:
// a fraction of the meter's consumption (`2%` in YAML) or an absolute amount in the data's unit.
struct Tolerance {
    bool relative = true;
    double amount = 0.02;
    double of(double meter) const; // the tolerance for a meter's consumption, >= 0
};

struct Node {
    std::string name;
    std::optional<std::string> meter; // "SOURCE/CIRCUIT", the load that feeds the node
    std::vector<std::string> loads;   // member loads, "SOURCE/CIRCUIT"
    std::vector<Node> children;
    std::vector<std::string> linked; // son hierarchies hanging under this node
};

struct Hierarchy {
    std::string name;
    std::string fluid;
    Tolerance tolerance;
    Node root;
    // The node named `name` in this hierarchy's own tree (not in linked ones), or nullptr.
    const Node *find(std::string_view name) const;
};

struct Hierarchies {
    std::vector<Hierarchy> list;
    std::vector<std::pair<std::string, std::string>> usages; // load "SOURCE/CIRCUIT" -> usage

    // The hierarchies and the circuits' usages of a site model. Throws std::invalid_argument on
    // a malformed hierarchy (a checked site never has one).
    static Hierarchies from_site(const site::Site &site);
    // The same from the site document (gs::site::read, whose ParseError is an
    // std::invalid_argument too).
    static Hierarchies from_site_json(const nlohmann::json &site);

    const Hierarchy *find(std::string_view name) const;
    std::string usage_of(std::string_view load) const; // "" when the circuit has none
};

// Parses a tolerance as written in the site file: "2%" / "2 %" (relative) or a number (absolute,
// in the data's unit). std::nullopt when the text is neither or negative.
std::optional<Tolerance> parse_tolerance(std::string_view text);

} // namespace gs::consumption
