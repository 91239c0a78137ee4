#include "consumption/hierarchy.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace gs::consumption {

namespace {

// The site reader's node as the maths needs it.
Node node_from(const site::HierarchyNode &n) {
    Node out;
    out.name = n.name;
    if (!n.meter.empty()) out.meter = n.meter;
    out.loads = n.loads;
    out.linked = n.hierarchies;
    for (const auto &c : n.children)
        out.children.push_back(node_from(c));
    return out;
}

const Node *find_in(const Node &n, std::string_view name) {
    if (n.name == name) return &n;
    for (const auto &c : n.children)
        if (const Node *found = find_in(c, name)) return found;
    return nullptr;
}

} // namespace

double Tolerance::of(double meter) const {
    return relative ? std::fabs(meter) * amount : amount;
}

std::optional<Tolerance> parse_tolerance(std::string_view s) {
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    bool relative = !s.empty() && s.back() == '%';
    if (relative) s.remove_suffix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    std::string number(s);
    char *end = nullptr;
    double v = number.empty() ? NAN : std::strtod(number.c_str(), &end);
    if (!(v >= 0) || !std::isfinite(v) || end != number.c_str() + number.size())
        return std::nullopt;
    return Tolerance{relative, relative ? v / 100 : v};
}

const Node *Hierarchy::find(std::string_view name) const {
    return find_in(root, name);
}

Hierarchies Hierarchies::from_site(const site::Site &doc) {
    Hierarchies out;
    for (const auto &h : doc.hierarchies) {
        Hierarchy hier;
        hier.name = h.name;
        hier.fluid = h.fluid;
        if (!h.balance_tolerance.empty()) {
            auto parsed = parse_tolerance(h.balance_tolerance);
            if (!parsed)
                throw std::invalid_argument("hierarchy '" + hier.name +
                                            "': bad balance_tolerance '" + h.balance_tolerance +
                                            "'");
            hier.tolerance = *parsed;
        }
        hier.root = node_from(h.root);
        out.list.push_back(std::move(hier));
    }
    for (const auto &s : doc.sources)
        for (const auto &c : s.circuits)
            out.usages.emplace_back(s.name + "/" + std::to_string(c.index), c.usage);
    return out;
}

Hierarchies Hierarchies::from_site_json(const nlohmann::json &document) {
    return from_site(site::read(document));
}

const Hierarchy *Hierarchies::find(std::string_view name) const {
    for (const auto &h : list)
        if (h.name == name) return &h;
    return nullptr;
}

std::string Hierarchies::usage_of(std::string_view load) const {
    for (const auto &[l, usage] : usages)
        if (l == load) return usage;
    return {};
}

} // namespace gs::consumption
