// Device profiles: every *.yaml below a profiles folder, except the catalog and models files at
// its root. A profile's id is its path below the folder without ".yaml".
#include "config/map_reader.hpp"
#include "site/loader.hpp"
#include "site/readers.hpp"

#include <algorithm>
#include <filesystem>

namespace gs::kernel {

namespace fs = std::filesystem;

namespace {

bool is_command_name(const std::string &name) {
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

} // namespace

Location key_location(const ProfilePoint &point, const std::string &key) {
    const YAML::Node &node = point.node; // const: reading a missing key adds nothing
    return node.IsMap() && node[key] ? location_of(node[key], point.where.file) : point.where;
}

std::vector<ProfilePoint> read_points(MapReader &map, Diagnostics &diag) {
    std::vector<ProfilePoint> out;
    size_t i = 0;
    for (const auto &node : list_of(map, "points")) {
        std::string path = map.field("points[" + std::to_string(i++) + "]");
        MapReader pm(node, map.file(), path, diag);
        if (!pm.is_map()) continue;
        ProfilePoint point;
        point.where = pm.where();
        point.path = path;
        point.node = node;
        point.data = pm.required<std::string>("data").value_or("");
        point.circuit = pm.get<uint32_t>("circuit", 1);
        for (const auto &other : out)
            if (other.data == point.data && other.circuit == point.circuit && !point.data.empty())
                diag.error(point.where, path,
                           "'" + point.data + "' of circuit " + std::to_string(point.circuit) +
                               " is already mapped at " + other.where.str());
        for (const char *key : {"name", "value"})
            if (node[key])
                diag.error(pm.where(key), pm.field(key), "is a command key: points have 'data'");
        // Other keys are the driver's: it checks them (validate_point).
        out.push_back(std::move(point));
    }
    return out;
}

namespace {

void read_profile(const std::string &file, const std::string &id, SiteModel &site,
                  Diagnostics &diag) {
    YAML::Node root = load_yaml_file(file, diag);
    if (!root) return;
    MapReader top(root, file, "", diag);
    MapReader map(top.child("profile"), file, "profile", diag);
    top.refuse_unknown_keys();
    if (!map.is_map()) return;

    Profile p;
    p.file = file;
    p.where = map.where();
    p.id = map.get<std::string>("id", id);
    if (p.id != id)
        diag.error(map.where("id"), map.field("id"),
                   "is '" + p.id + "' but the file's path says '" + id + "'");
    p.name = map.required<std::string>("name").value_or(id);
    p.maker = map.get<std::string>("maker", "");
    p.model = map.get<std::string>("model", p.name);
    p.models = map.get<std::vector<std::string>>("models", {p.model});
    p.family = map.get<std::string>("family", "");
    // Required (docs/profiles.md), checked where a source uses the profile (Runtime::build):
    // the kernel names no driver, so there is no default.
    p.driver = map.get<std::string>("driver", "");
    p.circuits = map.get<uint32_t>("circuits", 1);
    p.identification = map.child("identification");
    p.defaults = map.child("defaults");
    if (p.defaults.IsDefined() && !p.defaults.IsNull() && !p.defaults.IsMap())
        diag.error(location_of(p.defaults, file), "profile.defaults", "expected a map");

    size_t i = 0;
    for (const auto &node : list_of(map, "custom_data"))
        read_data_def(node, file, "profile.custom_data[" + std::to_string(i++) + "]", true,
                      site.catalog, diag);

    // A point's or a command's circuit: 0 (the device) up to the profile's circuits.
    auto read_circuit = [&](MapReader &reader, uint32_t fallback) {
        uint32_t circuit = reader.get<uint32_t>("circuit", fallback);
        if (circuit > p.circuits)
            diag.error(reader.where("circuit"), reader.field("circuit"),
                       "circuit " + std::to_string(circuit) + " but the profile has " +
                           std::to_string(p.circuits));
        return circuit;
    };

    p.points = read_points(map, diag);
    for (const auto &point : p.points)
        if (point.circuit > p.circuits)
            diag.error(key_location(point, "circuit"), point.path + ".circuit",
                       "circuit " + std::to_string(point.circuit) + " but the profile has " +
                           std::to_string(p.circuits));

    i = 0;
    for (const auto &node : list_of(map, "commands")) {
        std::string path = "profile.commands[" + std::to_string(i++) + "]";
        MapReader cm(node, file, path, diag);
        if (!cm.is_map()) continue;
        ProfileCommand command;
        command.where = cm.where();
        command.node = node;
        command.name = cm.required<std::string>("name").value_or("");
        if (!command.name.empty() && !is_command_name(command.name))
            diag.error(cm.where("name"), cm.field("name"),
                       "'" + command.name + "' is not a command name (a-z, 0-9 and _)");
        command.circuit = read_circuit(cm, 0);
        command.value = cm.required<double>("value").value_or(0);
        for (const char *key : {"data", "states"})
            if (node[key]) diag.error(cm.where(key), cm.field(key), "is not a command key");
        for (const auto &other : p.commands)
            if (other.name == command.name && other.circuit == command.circuit)
                diag.error(command.where, path,
                           "command '" + command.name + "' of circuit " +
                               std::to_string(command.circuit) + " is already declared at " +
                               other.where.str());
        // Other keys are the driver's, as for a point (validate_point).
        p.commands.push_back(std::move(command));
    }
    map.refuse_unknown_keys();

    if (auto existing = site.profiles.find(p.id); existing != site.profiles.end()) {
        diag.error(p.where, "profile.id",
                   "profile '" + p.id + "' is already defined in " + existing->second.file);
        return;
    }
    site.profiles.emplace(p.id, std::move(p));
}

} // namespace

void load_profile_dir(const std::string &dir, SiteModel &site, Diagnostics &diag) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        diag.error({dir, 0, 0}, "", "profiles folder not found");
        return;
    }
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".yaml") files.push_back(it->path());
    }
    std::sort(files.begin(), files.end()); // stable order, stable messages
    for (const auto &path : files) {
        fs::path rel = fs::relative(path, dir);
        if (rel == "catalog.yaml") {
            load_catalog_file(path.string(), site.catalog, diag);
        } else if (rel == "models.yaml") {
            load_models_file(path.string(), site.models, diag);
        } else {
            read_profile(path.string(), rel.replace_extension().generic_string(), site, diag);
        }
    }
}

} // namespace gs::kernel
