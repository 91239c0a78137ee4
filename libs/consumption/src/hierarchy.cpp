#include "consumption/hierarchy.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace gs::consumption {

namespace {

using json = nlohmann::json;

std::string text(const json &o, const char *key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings(const json &o, const char *key) {
    std::vector<std::string> out;
    auto it = o.find(key);
    if (it == o.end() || !it->is_array()) return out;
    for (const auto &s : *it)
        if (s.is_string()) out.push_back(s.get<std::string>());
    return out;
}

Node node_from(const json &j, int depth) {
    if (depth > 64) throw std::invalid_argument("hierarchy deeper than 64 levels");
    if (!j.is_object()) throw std::invalid_argument("a hierarchy node is not an object");
    Node n;
    n.name = text(j, "name");
    if (std::string meter = text(j, "meter"); !meter.empty()) n.meter = meter;
    n.loads = strings(j, "loads");
    n.linked = strings(j, "hierarchies");
    if (auto it = j.find("children"); it != j.end() && it->is_array())
        for (const auto &c : *it)
            n.children.push_back(node_from(c, depth + 1));
    return n;
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

Hierarchies Hierarchies::from_site_json(const json &site) {
    Hierarchies out;
    if (auto it = site.find("hierarchies"); it != site.end() && it->is_array())
        for (const auto &h : *it) {
            if (!h.is_object()) throw std::invalid_argument("a hierarchy is not an object");
            Hierarchy hier;
            hier.name = text(h, "name");
            hier.fluid = text(h, "fluid");
            if (std::string tol = text(h, "balance_tolerance"); !tol.empty()) {
                auto parsed = parse_tolerance(tol);
                if (!parsed)
                    throw std::invalid_argument("hierarchy '" + hier.name +
                                                "': bad balance_tolerance '" + tol + "'");
                hier.tolerance = *parsed;
            }
            if (auto r = h.find("root"); r != h.end()) hier.root = node_from(*r, 1);
            out.list.push_back(std::move(hier));
        }
    if (auto it = site.find("sources"); it != site.end() && it->is_array())
        for (const auto &s : *it) {
            if (!s.is_object()) continue;
            auto circuits = s.find("circuits");
            if (circuits == s.end() || !circuits->is_array()) continue;
            for (const auto &c : *circuits)
                if (c.is_object() && c.contains("index") && c["index"].is_number_unsigned())
                    out.usages.emplace_back(text(s, "name") + "/" +
                                                std::to_string(c["index"].get<uint32_t>()),
                                            text(c, "usage"));
        }
    return out;
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
