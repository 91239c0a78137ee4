// gridscope C++ layer: the one reader of the site model. Reads the JSON document of service
// "gridscope.site/1" (services/site.h) into plain structs. Header-only, over nlohmann::json
// (the SDK's CMake package finds it); free of the C ABI, so SDK-free cores may use it too.
//
//   gs::site::Site site = gs::site::parse(service->site_json);
//   for (const gs::site::Source &s : site.sources) ...
//
// Fields the document lacks keep the defaults below; fields a reader does not know are ignored
// (later minor versions may add some). Numbers and booleans may come as their text ("4",
// "true"); a text or number field of another JSON type reads as its default. A boolean field
// of another type, a document that is not a JSON object or a hierarchy deeper than
// kMaxHierarchyDepth throws gs::site::ParseError (a std::invalid_argument).
#ifndef GRIDSCOPE_SITE_HPP
#define GRIDSCOPE_SITE_HPP

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gs::site {

using json = nlohmann::json;

class ParseError : public std::invalid_argument {
public:
    explicit ParseError(const std::string &what) : std::invalid_argument("site JSON: " + what) {}
};

inline constexpr int kMaxHierarchyDepth = 64;

struct CatalogEntry {
    std::string name, type, group, unit, description;
    bool counter = false;
    bool custom = false;
    bool enabled = true; // false: collected on no circuit
};

struct Model {
    std::string id, name;
    int64_t history_period_s = 0; // 0: the document did not say
    std::vector<std::string> data;
    bool custom = false;
    bool history = true;     // its data are stored for Trends and Consumptions
    bool datalogger = false; // its data are published by the data-publishing exporters
};

struct ProfilePoint {
    uint32_t circuit = 1; // 0 = the device as a whole
    std::string data;
    json attrs;  // the point's entry as the profile file has it (scalars as strings), or null
    json states; // {"0": "Unknown", ...}: the point's "states" (or attrs.states), else null
};

struct ProfileCommand {
    std::string name;     // "partial_energy_reset", ...
    uint32_t circuit = 0; // 0 = the device (answers every circuit)
};

struct Profile {
    std::string id, name, maker, model, family, driver;
    uint32_t circuits = 1;
    std::vector<std::string> models; // every model name it serves; {model} when not listed
    json defaults;                   // the profile's defaults section (scalars as strings), or null
    json identification;             // {"product_order_id": "100"} or null
    std::vector<ProfilePoint> data;
    std::vector<ProfileCommand> commands;

    // The commands that can run for `circuit` (declared for it or for the device, circuit 0).
    std::vector<std::string> commands_for(uint32_t circuit) const {
        std::vector<std::string> out;
        for (const auto &c : commands)
            if ((c.circuit == 0 || c.circuit == circuit) &&
                std::find(out.begin(), out.end(), c.name) == out.end())
                out.push_back(c.name);
        return out;
    }
    bool has_command(std::string_view name, uint32_t circuit) const {
        const auto names = commands_for(circuit);
        return std::find(names.begin(), names.end(), name) != names.end();
    }
};

struct Circuit {
    uint32_t index = 1;
    std::string name, fluid, usage, zone;
    std::vector<std::string> models;
    bool enabled = true;
    std::vector<std::string> collected;  // the profile's data this circuit polls (its models')
    std::vector<std::string> history;    // those of them stored (in a model with history)
    std::vector<std::string> datalogger; // those of them in a model with datalogger
};

struct Source {
    std::string name, profile, driver, location;
    int64_t period_ms = 1000; // a missing or non-positive period reads as 1000
    bool enabled = true;
    std::vector<Circuit> circuits;

    const Circuit *circuit(uint32_t index) const {
        for (const auto &c : circuits)
            if (c.index == index) return &c;
        return nullptr;
    }
};

struct HierarchyNode {
    std::string name;
    std::string meter;                    // "source/circuit" feeding the node, "" if none
    std::vector<std::string> loads;       // "source/circuit"
    std::vector<std::string> hierarchies; // other hierarchies included here
    std::vector<HierarchyNode> children;
};

struct Hierarchy {
    std::string name, fluid;
    std::string balance_tolerance; // "2%" or an amount in the data's unit (docs/consumption.md)
    HierarchyNode root;
};

struct Users {
    uint32_t session_idle_timeout_s = 900; // 0 in the document reads as 900
    std::vector<std::string> languages{"en", "fr"};
    std::string default_language = "en";
};

struct Site {
    std::string name, timezone, file;
    std::map<std::string, CatalogEntry, std::less<>> catalog; // by name
    std::map<std::string, Model, std::less<>> models;         // by id
    std::map<std::string, Profile, std::less<>> profiles;     // by id
    std::vector<Source> sources;                              // in document order
    std::vector<Hierarchy> hierarchies;
    Users users;

    const Source *source(std::string_view source_name) const {
        for (const auto &s : sources)
            if (s.name == source_name) return &s;
        return nullptr;
    }
    const Profile *profile(std::string_view id) const {
        auto it = profiles.find(id);
        return it == profiles.end() ? nullptr : &it->second;
    }
    const Profile *profile_of(const Source &s) const { return profile(s.profile); }
    const CatalogEntry *data(std::string_view data_name) const {
        auto it = catalog.find(data_name);
        return it == catalog.end() ? nullptr : &it->second;
    }
    const Model *model(std::string_view id) const {
        auto it = models.find(id);
        return it == models.end() ? nullptr : &it->second;
    }
};

namespace detail {

// A member of `o`, nullptr when absent or null.
inline const json *member(const json &o, const char *key) {
    auto it = o.find(key);
    return it == o.end() || it->is_null() ? nullptr : &*it;
}

inline std::string text(const json &o, const char *key) {
    const json *v = member(o, key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

// true/false, or their text ("true", as a property-tree writer gives).
inline bool flag(const json &o, const char *key, bool fallback) {
    const json *v = member(o, key);
    if (!v) return fallback;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_string() && (*v == "true" || *v == "false")) return *v == "true";
    throw ParseError(std::string("'") + key + "' is not true or false");
}

// An integer, or its decimal text ("4"); anything else reads as `fallback`.
template <class T> T number(const json &o, const char *key, T fallback) {
    const json *v = member(o, key);
    if (!v) return fallback;
    if (v->is_number()) return v->get<T>();
    if (!v->is_string()) return fallback;
    const std::string &t = v->get_ref<const std::string &>();
    T out{};
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc() && end == t.data() + t.size() && !t.empty() ? out : fallback;
}

// The objects of array `key` (other items are skipped).
inline std::vector<const json *> objects(const json &o, const char *key) {
    std::vector<const json *> out;
    if (const json *v = member(o, key); v && v->is_array())
        for (const auto &item : *v)
            if (item.is_object()) out.push_back(&item);
    return out;
}

inline std::vector<std::string> texts(const json &o, const char *key) {
    std::vector<std::string> out;
    if (const json *v = member(o, key); v && v->is_array())
        for (const auto &item : *v)
            if (item.is_string()) out.push_back(item.get<std::string>());
    return out;
}

inline json object_or_null(const json &o, const char *key) {
    const json *v = member(o, key);
    return v && v->is_object() ? *v : json();
}

inline HierarchyNode node(const json &j, int depth) {
    if (depth > kMaxHierarchyDepth)
        throw ParseError("hierarchy deeper than " + std::to_string(kMaxHierarchyDepth) + " levels");
    HierarchyNode n;
    n.name = text(j, "name");
    n.meter = text(j, "meter");
    n.loads = texts(j, "loads");
    n.hierarchies = texts(j, "hierarchies");
    for (const json *c : objects(j, "children"))
        n.children.push_back(node(*c, depth + 1));
    return n;
}

inline Profile profile(const json &p) {
    Profile d;
    d.id = text(p, "id");
    d.name = text(p, "name");
    d.maker = text(p, "maker");
    d.model = text(p, "model");
    d.family = text(p, "family");
    d.driver = text(p, "driver");
    d.circuits = number<uint32_t>(p, "circuits", 1);
    d.models = texts(p, "models");
    if (d.models.empty() && !d.model.empty()) d.models.push_back(d.model);
    d.defaults = object_or_null(p, "defaults");
    d.identification = object_or_null(p, "identification");
    for (const json *pt : objects(p, "data")) {
        ProfilePoint point{number<uint32_t>(*pt, "circuit", 1), text(*pt, "data"),
                           object_or_null(*pt, "attrs"), object_or_null(*pt, "states")};
        if (point.states.is_null() && point.attrs.is_object())
            point.states = object_or_null(point.attrs, "states");
        d.data.push_back(std::move(point));
    }
    for (const json *c : objects(p, "commands"))
        if (std::string name = text(*c, "name"); !name.empty())
            d.commands.push_back(ProfileCommand{name, number<uint32_t>(*c, "circuit", 0)});
    return d;
}

inline Source source(const json &s) {
    Source src;
    src.name = text(s, "name");
    src.profile = text(s, "profile");
    src.driver = text(s, "driver");
    src.location = text(s, "location");
    src.period_ms = number<int64_t>(s, "period_ms", 1000);
    if (src.period_ms <= 0) src.period_ms = 1000;
    src.enabled = flag(s, "enabled", true);
    for (const json *c : objects(s, "circuits"))
        src.circuits.push_back(Circuit{
            number<uint32_t>(*c, "index", 1), text(*c, "name"), text(*c, "fluid"),
            text(*c, "usage"), text(*c, "zone"), texts(*c, "models"), flag(*c, "enabled", true),
            texts(*c, "collected"), texts(*c, "history"), texts(*c, "datalogger")});
    return src;
}

inline Site read(const json &doc) {
    if (!doc.is_object()) throw ParseError("not a JSON object");
    Site site;
    site.name = text(doc, "name");
    site.timezone = text(doc, "timezone");
    site.file = text(doc, "file");
    for (const json *c : objects(doc, "catalog")) {
        CatalogEntry e{text(*c, "name"),          text(*c, "type"),
                       text(*c, "group"),         text(*c, "unit"),
                       text(*c, "description"),   flag(*c, "counter", false),
                       flag(*c, "custom", false), flag(*c, "enabled", true)};
        if (!e.name.empty()) site.catalog[e.name] = std::move(e);
    }
    for (const json *m : objects(doc, "models")) {
        Model model{text(*m, "id"),
                    text(*m, "name"),
                    number<int64_t>(*m, "history_period_s", 0),
                    texts(*m, "data"),
                    flag(*m, "custom", false),
                    flag(*m, "history", true),
                    flag(*m, "datalogger", false)};
        if (!model.id.empty()) site.models[model.id] = std::move(model);
    }
    for (const json *p : objects(doc, "profiles"))
        if (Profile d = profile(*p); !d.id.empty()) site.profiles[d.id] = std::move(d);
    for (const json *s : objects(doc, "sources"))
        if (Source src = source(*s); !src.name.empty()) site.sources.push_back(std::move(src));
    for (const json *h : objects(doc, "hierarchies")) {
        Hierarchy hier{text(*h, "name"), text(*h, "fluid"), text(*h, "balance_tolerance"), {}};
        if (const json *root = member(*h, "root"); root && root->is_object())
            hier.root = node(*root, 0);
        site.hierarchies.push_back(std::move(hier));
    }
    if (const json *u = member(doc, "users"); u && u->is_object()) {
        site.users.session_idle_timeout_s = number<uint32_t>(*u, "session_idle_timeout_s", 900);
        if (site.users.session_idle_timeout_s == 0) site.users.session_idle_timeout_s = 900;
        if (auto langs = texts(*u, "languages"); !langs.empty()) site.users.languages = langs;
        if (auto def = text(*u, "default_language"); !def.empty())
            site.users.default_language = def;
    }
    return site;
}

} // namespace detail

// The site model of a parsed document.
inline Site read(const json &document) {
    try {
        return detail::read(document);
    } catch (const json::exception &e) { // a number out of its type's range, ...
        throw ParseError(e.what());
    }
}

// The site model of a document's text.
inline Site parse(std::string_view text) {
    json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) throw ParseError("not JSON");
    return read(doc);
}

} // namespace gs::site

#endif
