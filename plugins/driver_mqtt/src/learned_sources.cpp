#include "learned_sources.hpp"

#include <map>

namespace gs::hub {
namespace {

// A scalar as text: "1000" for the number 1000 and for the string "1000" alike.
std::string text_of(const json &v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

std::string member_text(const json &o, const char *key, const std::string &fallback = "") {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return fallback;
    return text_of(*it);
}

json text_list(const json &o, const char *key) {
    json out = json::array();
    auto it = o.find(key);
    if (it != o.end() && it->is_array())
        for (const auto &v : *it)
            out.push_back(text_of(v));
    return out;
}

std::string joined(const std::vector<std::string> &names) {
    std::string out;
    for (const auto &n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

} // namespace

HubKnows HubKnows::of(const gs::site::Site &site) {
    HubKnows k;
    for (const auto &kv : site.profiles)
        k.profiles.insert(kv.first);
    for (const auto &kv : site.models)
        k.models.insert(kv.first);
    return k;
}

bool is_learned(const json &entry) {
    auto it = entry.find("learned");
    return it != entry.end() && text_of(*it) == "true";
}

json effective_entry(const json &entry) {
    const std::string name = member_text(entry, "name");
    json circuits = json::array();
    auto list = entry.find("circuits");
    if (list != entry.end() && list->is_array()) {
        size_t position = 0;
        for (const auto &c : *list) {
            ++position;
            if (!c.is_object()) {
                circuits.push_back(text_of(c));
                continue;
            }
            const std::string index = member_text(c, "index", std::to_string(position));
            circuits.push_back({{"index", index},
                                {"name", member_text(c, "name", name + "/" + index)},
                                {"fluid", member_text(c, "fluid", "electricity")},
                                {"usage", member_text(c, "usage")},
                                {"zone", member_text(c, "zone")},
                                {"models", text_list(c, "models")},
                                {"enabled", member_text(c, "enabled", "true")}});
        }
    }
    return {{"name", name},
            {"profile", member_text(entry, "profile")},
            {"driver", member_text(entry, "driver")},
            {"box", member_text(entry, "box")},
            {"remote_source", member_text(entry, "remote_source", name)},
            {"learned", is_learned(entry) ? "true" : "false"},
            {"period_ms", member_text(entry, "period_ms", "1000")},
            {"enabled", member_text(entry, "enabled", "true")},
            {"location", member_text(entry, "location")},
            {"circuits", std::move(circuits)}};
}

Learned learned_entries(const std::string &box, const BoxDescription &d, const HubKnows &hub) {
    Learned out;
    for (const RemoteSource &s : d.sources) {
        const std::string where = "box " + box + ", source '" + s.name + "': ";
        if (!hub.profiles.count(s.profile)) {
            out.problems.push_back(where + "profile '" + s.profile +
                                   "' is not installed on this hub: not added (install the "
                                   "profile file in the hub's profile folders)");
            continue;
        }
        json circuits = json::array();
        for (const RemoteCircuit &c : s.circuits) {
            std::vector<std::string> models, unknown;
            for (const auto &m : c.models)
                (hub.models.count(m) ? models : unknown).push_back(m);
            const std::string circuit = "circuit " + std::to_string(c.index) + ": ";
            if (models.empty()) {
                out.problems.push_back(where + circuit + "none of its models (" + joined(unknown) +
                                       ") is known on this hub: not added");
                continue;
            }
            if (!unknown.empty())
                out.problems.push_back(where + circuit + "model(s) " + joined(unknown) +
                                       " unknown on this hub: left out");
            json entry = {{"index", c.index}};
            // The box's default name ("tgbt/1") would read wrong on the hub: its own default.
            if (!c.name.empty() && c.name != s.name + "/" + std::to_string(c.index))
                entry["name"] = c.name;
            if (!c.fluid.empty()) entry["fluid"] = c.fluid;
            if (!c.usage.empty()) entry["usage"] = c.usage;
            if (!c.zone.empty()) entry["zone"] = c.zone;
            entry["models"] = models;
            circuits.push_back(std::move(entry));
        }
        if (circuits.empty() && !s.circuits.empty()) {
            out.problems.push_back(where + "no circuit this hub can collect: not added");
            continue;
        }
        json entry = {{"name", box + "." + s.name},
                      {"profile", s.profile},
                      {"driver", "driver_mqtt"},
                      {"box", box},
                      {"remote_source", s.name},
                      {"learned", true},
                      {"period_ms", s.period_ms},
                      {"location", s.location.empty() ? box : box + "/" + s.location}};
        if (!circuits.empty()) entry["circuits"] = std::move(circuits);
        out.entries.push_back(std::move(entry));
    }
    return out;
}

MergeCount merge_learned(json &site, const std::string &box, Learned &learned) {
    MergeCount count;
    if (!site.contains("sources") || !site["sources"].is_array()) site["sources"] = json::array();
    json &sources = site["sources"];
    std::set<std::string> hand_names, hand_remotes; // hand-made entries' names, and box's sources
    for (const auto &e : sources) {
        if (!e.is_object() || (is_learned(e) && member_text(e, "box") == box)) continue;
        const std::string name = member_text(e, "name");
        hand_names.insert(name);
        if (member_text(e, "driver") == "driver_mqtt" && member_text(e, "box") == box)
            hand_remotes.insert(member_text(e, "remote_source", name));
    }
    std::map<std::string, const json *> wanted; // by the hub's name
    for (const json &entry : learned.entries) {
        const std::string name = entry["name"].get<std::string>();
        if (hand_remotes.count(entry["remote_source"].get<std::string>())) continue; // hand-made
        if (hand_names.count(name)) {
            learned.problems.push_back(
                "box " + box + ", source '" + entry["remote_source"].get<std::string>() +
                "': not added: the name '" + name + "' is taken by a source listed by hand");
            continue;
        }
        wanted[name] = &entry;
    }
    json next = json::array();
    std::set<std::string> placed;
    for (auto &e : sources) {
        if (!e.is_object() || !is_learned(e) || member_text(e, "box") != box) {
            next.push_back(std::move(e));
            continue;
        }
        auto it = wanted.find(member_text(e, "name"));
        if (it == wanted.end() || placed.count(it->first)) {
            ++count.removed;
            continue;
        }
        placed.insert(it->first);
        if (effective_entry(e) == effective_entry(*it->second)) {
            ++count.kept;
            next.push_back(std::move(e));
        } else {
            ++count.updated;
            next.push_back(*it->second);
        }
    }
    for (const json &entry : learned.entries) { // the new ones, in the description's order
        const std::string name = entry["name"].get<std::string>();
        if (!wanted.count(name) || placed.count(name)) continue;
        placed.insert(name);
        ++count.added;
        next.push_back(entry);
    }
    sources = std::move(next);
    return count;
}

} // namespace gs::hub
