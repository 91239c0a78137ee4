#include "site/site_json.hpp"

#include "cli/json.hpp"

namespace gs::kernel {

namespace {

std::string strings(const std::vector<std::string> &items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + json_string(items[i]);
    return out + "]";
}

std::string node_json(const HierarchyNode &node) {
    std::string out = "{\"name\": " + json_string(node.name) +
                      (node.meter.empty() ? "" : ", \"meter\": " + json_string(node.meter)) +
                      ", \"loads\": " + strings(node.loads) +
                      ", \"hierarchies\": " + strings(node.hierarchies) + ", \"children\": [";
    for (size_t i = 0; i < node.children.size(); ++i)
        out += (i ? ", " : "") + node_json(node.children[i]);
    return out + "]}";
}

const char *boolean(bool b) {
    return b ? "true" : "false";
}

// A YAML node as JSON; scalars stay strings (their YAML type is the reader's business).
std::string yaml_json(const YAML::Node &node) {
    if (!node.IsDefined() || node.IsNull()) return "null";
    if (node.IsScalar()) return json_string(node.Scalar());
    std::string out = node.IsMap() ? "{" : "[";
    bool first = true;
    for (const auto &item : node) {
        out += first ? "" : ", ";
        if (node.IsMap())
            out += json_string(item.first.Scalar()) + ": " + yaml_json(item.second);
        else
            out += yaml_json(item);
        first = false;
    }
    return out + (node.IsMap() ? "}" : "]");
}

} // namespace

std::string site_to_json(const SiteModel &site) {
    std::string out = "{\"name\": " + json_string(site.name) +
                      ", \"timezone\": " + json_string(site.timezone) +
                      ", \"file\": " + json_string(site.file) + ",\n\"catalog\": [";
    bool first = true;
    for (const auto &[name, d] : site.catalog.data) {
        out += std::string(first ? "" : ",\n") + "{\"name\": " + json_string(d.name) +
               ", \"type\": " + json_string(d.type) + ", \"group\": " + json_string(d.group) +
               ", \"unit\": " + json_string(d.unit) +
               ", \"description\": " + json_string(d.description) +
               ", \"counter\": " + boolean(d.counter) + ", \"custom\": " + boolean(d.custom) + "}";
        first = false;
    }
    out += "],\n\"models\": [";
    first = true;
    for (const auto &[id, m] : site.models) {
        out += std::string(first ? "" : ",\n") + "{\"id\": " + json_string(m.id) +
               ", \"name\": " + json_string(m.name) +
               ", \"history_period_s\": " + std::to_string(m.history_period_s) +
               ", \"data\": " + strings(m.data) + ", \"custom\": " + boolean(m.custom) + "}";
        first = false;
    }
    out += "],\n\"profiles\": [";
    first = true;
    for (const auto &[id, p] : site.profiles) {
        out += std::string(first ? "" : ",\n") + "{\"id\": " + json_string(p.id) +
               ", \"name\": " + json_string(p.name) + ", \"maker\": " + json_string(p.maker) +
               ", \"model\": " + json_string(p.model) + ", \"family\": " + json_string(p.family) +
               ", \"driver\": " + json_string(p.driver) +
               ", \"circuits\": " + std::to_string(p.circuits) +
               ", \"models\": " + strings(p.models) + ", \"defaults\": " + yaml_json(p.defaults) +
               ", \"identification\": " + yaml_json(p.identification) + ", \"data\": [";
        for (size_t i = 0; i < p.points.size(); ++i)
            out += std::string(i ? ", " : "") +
                   "{\"circuit\": " + std::to_string(p.points[i].circuit) +
                   ", \"data\": " + json_string(p.points[i].data) +
                   ", \"attrs\": " + yaml_json(p.points[i].node) + "}";
        out += "], \"commands\": [";
        for (size_t i = 0; i < p.commands.size(); ++i)
            out += std::string(i ? ", " : "") + "{\"name\": " + json_string(p.commands[i].name) +
                   ", \"circuit\": " + std::to_string(p.commands[i].circuit) + "}";
        out += "]}";
        first = false;
    }
    out += "],\n\"sources\": [";
    for (size_t i = 0; i < site.sources.size(); ++i) {
        const Source &s = site.sources[i];
        out += std::string(i ? ",\n" : "") + "{\"name\": " + json_string(s.name) +
               ", \"profile\": " + json_string(s.profile) +
               ", \"driver\": " + json_string(s.driver) +
               ", \"period_ms\": " + std::to_string(s.period_ms) +
               ", \"enabled\": " + boolean(s.enabled) +
               ", \"location\": " + json_string(s.location) + ", \"circuits\": [";
        for (size_t k = 0; k < s.circuits.size(); ++k) {
            const Circuit &c = s.circuits[k];
            out += std::string(k ? ", " : "") + "{\"index\": " + std::to_string(c.index) +
                   ", \"name\": " + json_string(c.name) + ", \"fluid\": " + json_string(c.fluid) +
                   ", \"usage\": " + json_string(c.usage) + ", \"zone\": " + json_string(c.zone) +
                   ", \"models\": " + strings(c.models) + "}";
        }
        out += "]}";
    }
    out += "],\n\"hierarchies\": [";
    for (size_t i = 0; i < site.hierarchies.size(); ++i) {
        const Hierarchy &h = site.hierarchies[i];
        out += std::string(i ? ",\n" : "") + "{\"name\": " + json_string(h.name) +
               ", \"fluid\": " + json_string(h.fluid) +
               ", \"balance_tolerance\": " + json_string(h.balance_tolerance) +
               ", \"root\": " + node_json(h.root) + "}";
    }
    out += "],\n\"users\": {\"session_idle_timeout_s\": " +
           std::to_string(site.users.session_idle_timeout_s) +
           ", \"languages\": " + strings(site.users.languages) +
           ", \"default_language\": " + json_string(site.users.default_language) + "}}\n";
    return out;
}

} // namespace gs::kernel
