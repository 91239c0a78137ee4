#include "runtime/own_config.hpp"

#include "site/collected.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

namespace gs::kernel {

namespace {

// Keys of a source entry only the kernel reads (where it is, what its circuits feed): moving or
// renaming a circuit leaves the driver polling.
const std::set<std::string> kKernelOnlyKeys{"location", "circuits"};

std::string yaml_text(const YAML::Node &node) {
    if (!node.IsDefined()) return "~undefined";
    YAML::Emitter out;
    out << YAML::Flow << node;
    return out.c_str();
}

void append_profile(const Profile &p, const SiteModel &site, std::string &out) {
    out += "\nprofile " + p.id + " circuits " + std::to_string(p.circuits) + " defaults " +
           yaml_text(p.defaults) + " identification " + yaml_text(p.identification);
    for (const auto &point : p.points) {
        const DataDef *def = site.catalog.find(point.data);
        out += "\n point " + std::to_string(point.circuit) + " " + point.data + " unit " +
               (def ? def->unit : "?") + " " + yaml_text(point.node);
    }
    for (const auto &c : p.commands)
        out += "\n command " + c.name + " " + std::to_string(c.circuit) + " " +
               std::to_string(c.value) + " " + yaml_text(c.node);
}

} // namespace

std::string own_config_of(const LoadedPlugin &plugin, const SiteModel &site) {
    auto section = site.plugins.find(plugin.id);
    std::string out =
        "section " +
        (section == site.plugins.end() ? std::string("~absent") : yaml_text(section->second.node));
    for (const auto &key : plugin.site_sections) { // ABI 1.4: the sections it reads itself
        auto it = site.sections.find(key);
        out += "\nsite section " + key + " " +
               (it == site.sections.end() ? std::string("~absent") : yaml_text(it->second.node));
    }
    if (plugin.kind != GS_KIND_DRIVER) return out;
    std::set<std::string> profiles;
    for (const auto &s : site.sources) {
        if (s.driver != plugin.id) continue;
        out += "\nsource " + s.name + " profile " + s.profile + (s.enabled ? " on " : " off ") +
               std::to_string(s.period_ms);
        for (const auto &kv : s.node)
            if (!kv.first.IsScalar() || !kKernelOnlyKeys.count(kv.first.Scalar()))
                out += " " + yaml_text(kv.first) + "=" + yaml_text(kv.second);
        // The points the circuits' models collect are handed to the driver: a change of models
        // (or of `enabled` on a circuit or a data) gives it new points to poll.
        if (const Profile *p = site.find_profile(s.profile)) {
            out += "\n polls";
            for (const ProfilePoint *point : collected_points(site, s, *p))
                out += " " + std::to_string(point->circuit) + ":" + point->data;
        }
        profiles.insert(s.profile);
    }
    for (const auto &[id, p] : site.profiles)
        if (p.driver == plugin.id || profiles.count(id)) append_profile(p, site, out);
    return out;
}

} // namespace gs::kernel
