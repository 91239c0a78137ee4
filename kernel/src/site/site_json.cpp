#include "site/site_json.hpp"

#include "site/collected.hpp"

#include <nlohmann/json.hpp>

namespace gs::kernel {

namespace {

// Members keep the order of the document described in services/site.h.
using json = nlohmann::ordered_json;

json node_json(const HierarchyNode &node) {
    json children = json::array();
    for (const auto &child : node.children)
        children.push_back(node_json(child));
    json out = {{"name", node.name}};
    if (!node.meter.empty()) out["meter"] = node.meter; // only when set (services/site.h)
    out["loads"] = node.loads;
    out["hierarchies"] = node.hierarchies;
    out["children"] = std::move(children);
    return out;
}

// A YAML node as JSON; scalars stay strings (their YAML type is the reader's business).
json yaml_json(const YAML::Node &node) {
    if (!node.IsDefined() || node.IsNull()) return nullptr;
    if (node.IsScalar()) return node.Scalar();
    json out = node.IsMap() ? json::object() : json::array();
    for (const auto &item : node) {
        if (node.IsMap())
            out[item.first.Scalar()] = yaml_json(item.second);
        else
            out.push_back(yaml_json(item));
    }
    return out;
}

json catalog_json(const SiteModel &site) {
    json out = json::array();
    for (const auto &[name, d] : site.catalog.data)
        out.push_back({{"name", d.name},
                       {"type", d.type},
                       {"group", d.group},
                       {"unit", d.unit},
                       {"description", d.description},
                       {"counter", d.counter},
                       {"custom", d.custom},
                       {"enabled", d.enabled}});
    return out;
}

json models_json(const SiteModel &site) {
    json out = json::array();
    for (const auto &[id, m] : site.models)
        out.push_back({{"id", m.id},
                       {"name", m.name},
                       {"history_period_s", m.history_period_s},
                       {"data", m.data},
                       {"custom", m.custom},
                       {"history", m.history},
                       {"datalogger", m.datalogger}});
    return out;
}

// A source with points of its own, or a generic device with more circuits than its profile,
// is shown with a profile of its own (services/site.h): every reader of the document then
// finds its points and circuits where it finds any device's.
bool has_own_profile(const Source &s, const Profile &p) {
    return !s.points.empty() || (p.generic() && s.circuit_count() > p.circuits);
}

std::string own_profile_id(const Source &s) {
    return s.profile + "@" + s.name;
}

json profile_json(const Profile &p, const Source *own) {
    json points = json::array(), commands = json::array();
    auto add = [&](const std::vector<ProfilePoint> &list) {
        for (const auto &point : list)
            points.push_back({{"circuit", point.circuit},
                              {"data", point.data},
                              {"attrs", yaml_json(point.node)}});
    };
    add(p.points);
    if (own) add(own->points);
    for (const auto &command : p.commands)
        commands.push_back({{"name", command.name}, {"circuit", command.circuit}});
    json out = {{"id", own ? own_profile_id(*own) : p.id},
                {"name", p.name},
                {"maker", p.maker},
                // A source's own profile names no product: discovery never matches a device to it.
                {"model", own ? "" : p.model},
                {"family", p.family},
                {"driver", p.driver},
                {"circuits", own ? own->circuit_count() : p.circuits},
                {"models", own ? std::vector<std::string>{} : p.models},
                {"defaults", yaml_json(p.defaults)},
                {"identification", own ? json() : yaml_json(p.identification)},
                {"data", std::move(points)},
                {"commands", std::move(commands)}};
    if (own) out["source"] = own->name;
    return out;
}

json profiles_json(const SiteModel &site) {
    json out = json::array();
    for (const auto &[id, p] : site.profiles)
        out.push_back(profile_json(p, nullptr));
    for (const Source &s : site.sources)
        if (const Profile *p = site.find_profile(s.profile); p && has_own_profile(s, *p))
            out.push_back(profile_json(*p, &s));
    return out;
}

// The profile data `circuit` collects, and those of them it stores and publishes.
json circuit_json(const SiteModel &site, const Source &s, const Circuit &c) {
    json collected = json::array(), history = json::array(), datalogger = json::array();
    if (const Profile *profile = site.find_profile(s.profile))
        for (const ProfilePoint *p : collected_points(site, s, *profile)) {
            if (p->circuit != c.index) continue;
            collected.push_back(p->data);
            if (keeps_history(site, s, c.index, p->data)) history.push_back(p->data);
            if (in_datalogger(site, s, c.index, p->data)) datalogger.push_back(p->data);
        }
    return {{"index", c.index},
            {"name", c.name},
            {"fluid", c.fluid},
            {"usage", c.usage},
            {"zone", c.zone},
            {"models", c.models},
            {"enabled", c.enabled},
            {"collected", std::move(collected)},
            {"history", std::move(history)},
            {"datalogger", std::move(datalogger)}};
}

json sources_json(const SiteModel &site) {
    json out = json::array();
    for (const Source &s : site.sources) {
        json circuits = json::array();
        for (const Circuit &c : s.circuits)
            circuits.push_back(circuit_json(site, s, c));
        const Profile *profile = site.find_profile(s.profile);
        const bool own = profile && has_own_profile(s, *profile);
        json source = {{"name", s.name},
                       {"profile", own ? own_profile_id(s) : s.profile},
                       {"driver", s.driver},
                       {"period_ms", s.period_ms},
                       {"enabled", s.enabled},
                       {"location", s.location},
                       {"circuits", std::move(circuits)}};
        if (!s.configured_profile.empty() || own)
            source["configured_profile"] =
                s.configured_profile.empty() ? s.profile : s.configured_profile;
        out.push_back(std::move(source));
    }
    return out;
}

json hierarchies_json(const SiteModel &site) {
    json out = json::array();
    for (const Hierarchy &h : site.hierarchies)
        out.push_back({{"name", h.name},
                       {"fluid", h.fluid},
                       {"balance_tolerance", h.balance_tolerance},
                       {"root", node_json(h.root)}});
    return out;
}

// One line per item of the top-level arrays, ", " and ": " between items: the document reads
// well in a log or a test and stays compact. Strings are escaped by the library (invalid UTF-8,
// which the loaders refuse, would become U+FFFD).
void write(const json &value, int depth, std::string &out) {
    if (!value.is_structured()) {
        out += value.dump(-1, ' ', false, json::error_handler_t::replace);
        return;
    }
    const bool object = value.is_object();
    const char *between = depth == 1 ? ",\n" : ", ";
    out += object ? '{' : '[';
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
        out += first ? "" : (depth == 0 && object ? ",\n" : between);
        first = false;
        if (object)
            out += json(it.key()).dump(-1, ' ', false, json::error_handler_t::replace) + ": ";
        write(*it, depth + 1, out);
    }
    out += object ? '}' : ']';
}

} // namespace

std::string site_to_json(const SiteModel &site) {
    json doc = {{"name", site.name},
                {"timezone", site.timezone},
                {"file", site.file},
                {"catalog", catalog_json(site)},
                {"models", models_json(site)},
                {"profiles", profiles_json(site)},
                {"sources", sources_json(site)},
                {"hierarchies", hierarchies_json(site)},
                {"users",
                 {{"session_idle_timeout_s", site.users.session_idle_timeout_s},
                  {"languages", site.users.languages},
                  {"default_language", site.users.default_language}}}};
    std::string out;
    write(doc, 0, out);
    return out + "\n";
}

} // namespace gs::kernel
