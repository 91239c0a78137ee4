// The site file, and the cross-checks between it, the catalog, the models and the profiles.
#include "config/map_reader.hpp"
#include "site/loader.hpp"
#include "site/plugin_config.hpp"
#include "site/readers.hpp"

#include <consumption/hierarchy.hpp>

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

namespace gs::kernel {

namespace fs = std::filesystem;

const DataDef *Catalog::find(const std::string &name) const {
    auto it = data.find(name);
    return it == data.end() ? nullptr : &it->second;
}

bool Profile::generic() const {
    std::string upper = family;
    for (char &c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper == "GENERIC";
}

uint32_t Source::circuit_count() const {
    uint32_t count = 0;
    for (const auto &c : circuits)
        count = std::max(count, c.index);
    return count;
}

const Source *SiteModel::find_source(const std::string &name) const {
    for (const auto &s : sources)
        if (s.name == name) return &s;
    return nullptr;
}

const Profile *SiteModel::find_profile(const std::string &id) const {
    auto it = profiles.find(id);
    return it == profiles.end() ? nullptr : &it->second;
}

namespace {

void read_circuit(const YAML::Node &node, const std::string &file, const std::string &path,
                  Source &source, Diagnostics &diag) {
    MapReader map(node, file, path, diag);
    if (!map.is_map()) return;
    Circuit c;
    c.where = map.where();
    c.index = map.get<uint32_t>("index", static_cast<uint32_t>(source.circuits.size() + 1));
    c.name = map.get<std::string>("name", source.name + "/" + std::to_string(c.index));
    c.fluid = map.get<std::string>("fluid", "electricity");
    c.usage = map.get<std::string>("usage", "");
    c.zone = map.get<std::string>("zone", "");
    c.models_given = map.has("models");
    c.models = map.get<std::vector<std::string>>("models", {});
    c.enabled = map.get<bool>("enabled", true);
    size_t i = 0;
    for (const auto &item : list_of(map, "data")) {
        MapReader d(item, file, map.field("data[" + std::to_string(i++) + "]"), diag);
        if (!d.is_map()) continue;
        std::string name = d.required<std::string>("name").value_or("");
        bool enabled = d.get<bool>("enabled", true);
        d.refuse_unknown_keys();
        if (!name.empty() && !c.data_enabled.emplace(name, enabled).second)
            diag.error(d.where("name"), d.field("name"),
                       "data '" + name + "' is listed twice on this circuit");
    }
    map.refuse_unknown_keys();
    if (c.index == 0) diag.error(map.where("index"), map.field("index"), "circuits start at 1");
    source.circuits.push_back(std::move(c));
}

void read_source(const YAML::Node &node, const std::string &file, const std::string &path,
                 SiteModel &site, Diagnostics &diag) {
    MapReader map(node, file, path, diag);
    if (!map.is_map()) return;
    Source s;
    s.where = map.where();
    s.node = node;
    s.name = map.required<std::string>("name").value_or("");
    s.profile = map.required<std::string>("profile").value_or("");
    s.driver = map.get<std::string>("driver", "");
    s.period_ms = map.get<int64_t>("period_ms", 1000);
    s.enabled = map.get<bool>("enabled", true);
    s.location = map.get<std::string>("location", "");
    size_t i = 0;
    for (const auto &c : list_of(map, "circuits"))
        read_circuit(c, file, map.field("circuits[" + std::to_string(i++) + "]"), s, diag);
    s.points = read_points(map, diag);
    for (const auto &kv : node) // the driver checks its own keys when the source is added
        if (kv.first.IsScalar() && !kernel_source_keys().count(kv.first.Scalar()))
            map.allow(kv.first.Scalar());
    map.refuse_unknown_keys();
    if (s.period_ms < 10)
        diag.error(map.where("period_ms"), map.field("period_ms"), "must be at least 10 ms");
    if (!s.name.empty() && site.find_source(s.name))
        diag.error(map.where("name"), map.field("name"),
                   "source '" + s.name + "' is defined twice");
    if (s.name.find('/') != std::string::npos)
        diag.error(map.where("name"), map.field("name"), "must not contain '/'");
    site.sources.push_back(std::move(s));
}

HierarchyNode read_hierarchy_node(const YAML::Node &node, const std::string &file,
                                  const std::string &path, int depth, Diagnostics &diag) {
    MapReader map(node, file, path, diag);
    HierarchyNode out;
    out.where = map.where();
    if (!map.is_map()) return out;
    out.name = map.required<std::string>("name").value_or("");
    out.meter = map.get<std::string>("meter", "");
    out.loads = map.get<std::vector<std::string>>("loads", {});
    out.hierarchies = map.get<std::vector<std::string>>("hierarchies", {});
    if (depth >= 32) {
        diag.error(out.where, path, "a hierarchy has at most 32 levels");
        return out;
    }
    size_t i = 0;
    for (const auto &child : list_of(map, "children"))
        out.children.push_back(read_hierarchy_node(
            child, file, map.field("children[" + std::to_string(i++) + "]"), depth + 1, diag));
    map.refuse_unknown_keys();
    return out;
}

void read_hierarchy(const YAML::Node &node, const std::string &file, const std::string &path,
                    SiteModel &site, Diagnostics &diag) {
    MapReader map(node, file, path, diag);
    if (!map.is_map()) return;
    Hierarchy h;
    h.where = map.where();
    h.name = map.required<std::string>("name").value_or("");
    h.fluid = map.get<std::string>("fluid", "electricity");
    h.balance_tolerance = map.get<std::string>("balance_tolerance", "2%");
    if (!consumption::parse_tolerance(h.balance_tolerance))
        diag.error(map.where("balance_tolerance"), map.field("balance_tolerance"),
                   "'" + h.balance_tolerance +
                       "' is not a tolerance (a percentage of the meter such as 2%, or an "
                       "amount in the data's unit such as 500)");
    h.root = read_hierarchy_node(map.child("root"), file, map.field("root"), 1, diag);
    map.refuse_unknown_keys();
    site.hierarchies.push_back(std::move(h));
}

void read_users(const YAML::Node &node, const std::string &file, SiteModel &site,
                Diagnostics &diag) {
    if (!node.IsDefined() || node.IsNull()) return;
    MapReader map(node, file, "users", diag);
    site.users.session_idle_timeout_s = map.get<uint32_t>("session_idle_timeout_s", 900);
    site.users.languages = map.get<std::vector<std::string>>("languages", {"en", "fr"});
    site.users.default_language = map.get<std::string>("default_language", "en");
    map.refuse_unknown_keys();
}

void read_plugins(const YAML::Node &node, const std::string &file, SiteModel &site,
                  Diagnostics &diag) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) {
        diag.error(location_of(node, file), "plugins", "expected a map of plugin id to settings");
        return;
    }
    for (const auto &kv : node) {
        std::string id = kv.first.Scalar();
        if (!kv.second.IsMap() && !kv.second.IsNull())
            diag.error(location_of(kv.second, file), "plugins." + id, "expected a map of settings");
        site.plugins[id] = PluginSection{id, kv.second, location_of(kv.first, file)};
    }
}

const Circuit *find_load(const std::string &load, const SiteModel &site) {
    auto slash = load.rfind('/');
    const Source *source =
        slash == std::string::npos ? nullptr : site.find_source(load.substr(0, slash));
    if (!source) return nullptr;
    for (const auto &c : source->circuits)
        if (std::to_string(c.index) == load.substr(slash + 1)) return &c;
    return nullptr;
}

// One walk over a hierarchy, and through the son hierarchies linked under its nodes: every load
// and meter names a circuit of the hierarchy's fluid; a load (meters included) counts once, or
// it would be summed twice into every node above; node names are unique in the hierarchy; son
// hierarchies exist, share the fluid and link into no cycle. A son's own loads and names are
// checked when the son itself is walked: under its father only counting once and cycles are.
class HierarchyCheck {
public:
    HierarchyCheck(const SiteModel &site, Diagnostics &diag) : site_(site), diag_(diag) {}

    void run(const Hierarchy &h, const std::string &path) {
        top_ = &h;
        seen_.clear();
        names_.clear();
        chain_ = {h.name};
        walk(h.root, path, false);
    }

private:
    void load(const std::string &load, const HierarchyNode &node, const std::string &field,
              bool in_son) {
        if (!in_son) {
            auto slash = load.rfind('/');
            if (slash == std::string::npos || !site_.find_source(load.substr(0, slash)))
                diag_.error(node.where, field,
                            "load '" + load + "' names no source (expected SOURCE/CIRCUIT)");
            else if (const Circuit *c = find_load(load, site_); !c)
                diag_.error(node.where, field, "load '" + load + "': source has no such circuit");
            else if (c->fluid != top_->fluid)
                diag_.error(node.where, field,
                            "load '" + load + "' is " + c->fluid + " but hierarchy '" + top_->name +
                                "' is " + top_->fluid + " (one fluid per hierarchy)");
        }
        auto [it, fresh] = seen_.emplace(load, node.where);
        if (!fresh)
            diag_.error(node.where, field,
                        "load '" + load + "' is already counted in " +
                            (in_son ? "hierarchy '" + top_->name + "', which links this one"
                                    : std::string("this hierarchy")) +
                            " (" + it->second.str() + "); list it in one node only");
    }

    void walk(const HierarchyNode &node, const std::string &path, bool in_son) {
        if (!in_son && !node.name.empty()) {
            auto [it, fresh] = names_.emplace(node.name, node.where);
            if (!fresh)
                diag_.error(node.where, path + ".name",
                            "node name '" + node.name + "' is already used in this hierarchy (" +
                                it->second.str() + ")");
        }
        if (!node.meter.empty()) load(node.meter, node, path + ".meter", in_son);
        for (const auto &l : node.loads)
            load(l, node, path + ".loads", in_son);
        for (const auto &name : node.hierarchies)
            son(name, node, path + ".hierarchies", in_son);
        for (size_t i = 0; i < node.children.size(); ++i)
            walk(node.children[i], path + ".children[" + std::to_string(i) + "]", in_son);
    }

    void son(const std::string &name, const HierarchyNode &node, const std::string &field,
             bool in_son) {
        const Hierarchy *h = nullptr;
        size_t index = 0;
        for (size_t i = 0; i < site_.hierarchies.size(); ++i)
            if (site_.hierarchies[i].name == name) h = &site_.hierarchies[index = i];
        if (!h) {
            if (!in_son) diag_.error(node.where, field, "no hierarchy named '" + name + "'");
            return;
        }
        if (std::find(chain_.begin(), chain_.end(), name) != chain_.end()) {
            std::string cycle;
            for (const auto &n : chain_)
                cycle += n + " -> ";
            diag_.error(node.where, field,
                        "hierarchy '" + name + "' links into a cycle: " + cycle + name);
            return;
        }
        if (!in_son && h->fluid != top_->fluid)
            diag_.error(node.where, field,
                        "son hierarchy '" + name + "' is " + h->fluid + " but '" + top_->name +
                            "' is " + top_->fluid + " (one fluid per hierarchy)");
        chain_.push_back(name);
        walk(h->root, "hierarchies[" + std::to_string(index) + "].root", true);
        chain_.pop_back();
    }

    const SiteModel &site_;
    Diagnostics &diag_;
    const Hierarchy *top_ = nullptr;
    std::map<std::string, Location> seen_;  // loads and meters counted so far
    std::map<std::string, Location> names_; // node names of the hierarchy's own tree
    std::vector<std::string> chain_;        // hierarchies being walked, father first
};

// A source's own points: known data, circuits it has, none the profile maps already.
void check_source_points(const Source &s, const Profile &profile, uint32_t circuits,
                         const SiteModel &site, Diagnostics &diag) {
    for (const auto &point : s.points) {
        if (!point.data.empty() && !site.catalog.find(point.data))
            diag.error(
                key_location(point, "data"), point.path + ".data",
                "'" + point.data +
                    "' is neither a catalog data nor a custom data (declare it under data:)");
        if (point.circuit > circuits)
            diag.error(key_location(point, "circuit"), point.path + ".circuit",
                       "circuit " + std::to_string(point.circuit) + " but source '" + s.name +
                           "' has " + std::to_string(circuits) +
                           (profile.generic() ? " (add it under circuits:)" : ""));
        for (const auto &mapped : profile.points)
            if (mapped.data == point.data && mapped.circuit == point.circuit)
                diag.error(point.where, point.path,
                           "'" + point.data + "' of circuit " + std::to_string(point.circuit) +
                               " is already mapped by profile '" + profile.id + "' at " +
                               mapped.where.str());
    }
}

// References between parts: profiles -> catalog, sources -> profiles, circuits -> models, ...
void cross_check(SiteModel &site, Diagnostics &diag) {
    for (const auto &[id, profile] : site.profiles) {
        for (size_t i = 0; i < profile.points.size(); ++i) {
            const auto &point = profile.points[i];
            if (!point.data.empty() && !site.catalog.find(point.data))
                diag.error(point.where, "profile.points[" + std::to_string(i) + "].data",
                           "'" + point.data + "' is neither a catalog data nor a custom data");
        }
    }
    for (const auto &[id, model] : site.models)
        for (const auto &d : model.data)
            if (!site.catalog.find(d))
                diag.error(model.where, "models." + id + ".data",
                           "'" + d + "' is not a known data");
    for (size_t i = 0; i < site.sources.size(); ++i) {
        Source &s = site.sources[i];
        std::string path = "sources[" + std::to_string(i) + "]";
        const Profile *profile = site.find_profile(s.profile);
        if (!profile) {
            if (!s.profile.empty())
                diag.error(location_of(s.node["profile"], site.file), path + ".profile",
                           "unknown profile '" + s.profile + "'");
            continue;
        }
        if (s.driver.empty()) s.driver = profile->driver;
        // Circuits not declared take the profile's count, with default names; a generic
        // device's count is also its highest declared circuit.
        std::set<uint32_t> declared;
        uint32_t count = profile->circuits;
        for (const auto &c : s.circuits) {
            if (c.index > profile->circuits && !profile->generic())
                diag.error(c.where, path + ".circuits",
                           "circuit " + std::to_string(c.index) + " but profile '" + profile->id +
                               "' has " + std::to_string(profile->circuits) +
                               " (only a generic Modbus device takes more circuits)");
            count = std::max(count, c.index);
            if (!declared.insert(c.index).second)
                diag.error(c.where, path + ".circuits",
                           "circuit " + std::to_string(c.index) + " is declared twice");
            for (const auto &m : c.models)
                if (!site.models.count(m))
                    diag.error(c.where, path + ".circuits.models", "unknown model '" + m + "'");
            for (const auto &[name, on] : c.data_enabled)
                if (!site.catalog.find(name))
                    diag.error(c.where, path + ".circuits.data",
                               "'" + name + "' is not a known data");
        }
        if (!profile->generic()) count = profile->circuits;
        for (uint32_t k = 1; k <= count; ++k) {
            if (declared.count(k)) continue;
            Circuit c;
            c.index = k;
            c.name = s.name + "/" + std::to_string(k);
            c.fluid = "electricity";
            c.implied = true;
            c.where = s.where;
            s.circuits.push_back(c);
        }
        check_source_points(s, *profile, count, site, diag);
    }
    HierarchyCheck check(site, diag);
    for (size_t i = 0; i < site.hierarchies.size(); ++i)
        check.run(site.hierarchies[i], "hierarchies[" + std::to_string(i) + "].root");
}

} // namespace

SiteModel load_profiles(const LoadOptions &options) {
    Diagnostics diag;
    SiteModel site;
    site.profile_dirs = options.profile_dirs;
    for (const auto &dir : site.profile_dirs)
        load_profile_dir(dir, site, diag);
    cross_check(site, diag);
    if (!diag.empty()) throw ConfigFailure(diag);
    return site;
}

SiteModel load_site(const std::string &site_file, const LoadOptions &options) {
    Diagnostics diag;
    SiteModel site;
    site.file = site_file;
    YAML::Node root = load_yaml_file(site_file, diag);
    if (!root) throw ConfigFailure(diag);
    MapReader top(root, site_file, "", diag);
    if (!top.is_map()) throw ConfigFailure(diag);

    if (top.has("site")) {
        MapReader s(top.child("site"), site_file, "site", diag);
        site.name = s.get<std::string>("name", "");
        site.timezone = s.get<std::string>("timezone", "UTC");
        s.refuse_unknown_keys();
        try {
            (void)date::locate_zone(site.timezone);
        } catch (const std::exception &) {
            diag.error(s.where("timezone"), "site.timezone",
                       "unknown time zone '" + site.timezone + "' (expected e.g. Europe/Paris)");
        }
    }

    site.profile_dirs = options.profile_dirs;
    fs::path base = fs::path(site_file).parent_path();
    for (const auto &dir : top.get<std::vector<std::string>>("profiles", {}))
        site.profile_dirs.push_back((base / dir).lexically_normal().string());
    for (const auto &dir : site.profile_dirs)
        load_profile_dir(dir, site, diag);

    size_t i = 0;
    for (const auto &node : list_of(top, "data"))
        read_data_def(node, site_file, "data[" + std::to_string(i++) + "]", true, site.catalog,
                      diag);
    i = 0;
    for (const auto &node : list_of(top, "models"))
        read_model(node, site_file, "models[" + std::to_string(i++) + "]", true, site.models, diag);
    i = 0;
    for (const auto &node : list_of(top, "sources"))
        read_source(node, site_file, "sources[" + std::to_string(i++) + "]", site, diag);
    i = 0;
    for (const auto &node : list_of(top, "hierarchies"))
        read_hierarchy(node, site_file, "hierarchies[" + std::to_string(i++) + "]", site, diag);
    read_users(top.child("users"), site_file, site, diag);
    read_plugins(top.child("plugins"), site_file, site, diag);
    // Other top-level sections may belong to a plugin (ABI 1.4 site_sections): kept with their
    // position; Runtime::wanted_plugins refuses those no loaded plugin declares.
    for (const auto &key : top.unread_keys()) {
        YAML::Node node = top.child(key);
        site.sections[key] = PluginSection{key, node, top.where(key)};
    }
    top.refuse_unknown_keys();

    cross_check(site, diag);
    if (!diag.empty()) throw ConfigFailure(diag);
    return site;
}

} // namespace gs::kernel
