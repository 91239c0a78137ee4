#include "site_model.hpp"

#include <algorithm>

#include <stdexcept>

namespace gs::ui {

namespace {

std::string str(const json &o, const char *key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <class T> T num(const json &o, const char *key, T fallback) {
    auto it = o.find(key);
    return it != o.end() && it->is_number() ? it->get<T>() : fallback;
}

const json &list(const json &o, const char *key) {
    static const json empty = json::array();
    auto it = o.find(key);
    return it != o.end() && it->is_array() ? *it : empty;
}

HierarchyNode node_from(const json &j, int depth) {
    if (depth > 64) throw std::invalid_argument("site JSON: hierarchy deeper than 64 levels");
    HierarchyNode n;
    n.name = str(j, "name");
    for (const auto &l : list(j, "loads"))
        if (l.is_string()) n.loads.push_back(l.get<std::string>());
    for (const auto &c : list(j, "children"))
        if (c.is_object()) n.children.push_back(node_from(c, depth + 1));
    return n;
}

} // namespace

const Circuit *SourceInfo::circuit(uint32_t index) const {
    for (const auto &c : circuits)
        if (c.index == index) return &c;
    return nullptr;
}

SiteModel SiteModel::parse(std::string_view text) {
    try {
        return parse_document(text);
    } catch (const json::exception &e) {
        throw std::invalid_argument(std::string("site JSON: ") + e.what());
    }
}

SiteModel SiteModel::parse_document(std::string_view text) {
    SiteModel site;
    json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        throw std::invalid_argument("site JSON: not a JSON object");
    site.name = str(doc, "name");
    site.timezone = str(doc, "timezone");
    for (const auto &c : list(doc, "catalog")) {
        if (!c.is_object()) continue;
        CatalogEntry e{str(c, "name"),          str(c, "type"),        str(c, "group"),
                       str(c, "unit"),          str(c, "description"), c.value("counter", false),
                       c.value("custom", false)};
        if (!e.name.empty()) site.catalog[e.name] = e;
    }
    for (const auto &p : list(doc, "profiles")) {
        if (!p.is_object()) continue;
        DeviceProfile d{str(p, "id"),
                        str(p, "name"),
                        str(p, "maker"),
                        str(p, "model"),
                        str(p, "family"),
                        str(p, "driver"),
                        num<uint32_t>(p, "circuits", 1),
                        {},
                        {}};
        for (const auto &pt : list(p, "data")) {
            if (!pt.is_object()) continue;
            ProfilePoint point{num<uint32_t>(pt, "circuit", 1), str(pt, "data"), nullptr};
            if (auto it = pt.find("states"); it != pt.end() && it->is_object()) point.states = *it;
            d.data.push_back(std::move(point));
        }
        for (const auto &c : list(p, "commands"))
            if (c.is_object() && !str(c, "name").empty())
                d.commands.push_back(
                    ProfileCommand{str(c, "name"), num<uint32_t>(c, "circuit", 0)});
        if (!d.id.empty()) site.profiles[d.id] = std::move(d);
    }
    for (const auto &s : list(doc, "sources")) {
        if (!s.is_object()) continue;
        SourceInfo src{str(s, "name"),
                       str(s, "profile"),
                       str(s, "driver"),
                       str(s, "location"),
                       num<int64_t>(s, "period_ms", 1000),
                       s.value("enabled", true),
                       {}};
        if (src.period_ms <= 0) src.period_ms = 1000;
        for (const auto &c : list(s, "circuits")) {
            if (!c.is_object()) continue;
            src.circuits.push_back(Circuit{num<uint32_t>(c, "index", 1), str(c, "name"),
                                           str(c, "fluid"), str(c, "usage"), str(c, "zone")});
        }
        if (!src.name.empty()) site.sources.push_back(std::move(src));
    }
    for (const auto &h : list(doc, "hierarchies")) {
        if (!h.is_object()) continue;
        Hierarchy hier{str(h, "name"), str(h, "fluid"), {}};
        if (auto it = h.find("root"); it != h.end() && it->is_object())
            hier.root = node_from(*it, 0);
        site.hierarchies.push_back(std::move(hier));
    }
    if (auto it = doc.find("users"); it != doc.end() && it->is_object()) {
        site.idle_timeout_s = num<uint32_t>(*it, "session_idle_timeout_s", 900);
        std::vector<std::string> langs;
        for (const auto &l : list(*it, "languages"))
            if (l.is_string()) langs.push_back(l.get<std::string>());
        if (!langs.empty()) site.languages = langs;
        std::string def = str(*it, "default_language");
        if (!def.empty()) site.default_language = def;
    }
    if (site.idle_timeout_s == 0) site.idle_timeout_s = 900;
    site.document = std::move(doc);
    return site;
}

const SourceInfo *SiteModel::source(std::string_view name) const {
    for (const auto &s : sources)
        if (s.name == name) return &s;
    return nullptr;
}

const DeviceProfile *SiteModel::profile_of(const SourceInfo &source) const {
    auto it = profiles.find(source.profile);
    return it == profiles.end() ? nullptr : &it->second;
}

const CatalogEntry *SiteModel::data(std::string_view name) const {
    auto it = catalog.find(name);
    return it == catalog.end() ? nullptr : &it->second;
}

std::vector<std::string> DeviceProfile::commands_for(uint32_t circuit) const {
    std::vector<std::string> out;
    for (const auto &c : commands)
        if ((c.circuit == 0 || c.circuit == circuit) &&
            std::find(out.begin(), out.end(), c.name) == out.end())
            out.push_back(c.name);
    return out;
}

bool DeviceProfile::has_command(std::string_view name, uint32_t circuit) const {
    const auto names = commands_for(circuit);
    return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace gs::ui
