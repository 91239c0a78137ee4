// catalog.yaml, models.yaml and custom data/models declared in a site file or a profile.
#include "config/map_reader.hpp"
#include "site/loader.hpp"
#include "site/readers.hpp"

#include <set>

namespace gs::kernel {

namespace {
const std::set<std::string> kDataTypes{"measure", "meter", "status", "alarm"};
}

void read_data_def(const YAML::Node &node, const std::string &file, const std::string &path,
                   bool custom, Catalog &catalog, Diagnostics &diag) {
    MapReader map(node, file, path, diag);
    if (!map.is_map()) return;
    DataDef def;
    def.custom = custom;
    def.where = map.where();
    def.name = map.required<std::string>("name").value_or("");
    def.type = map.required<std::string>("type").value_or("measure");
    def.group = map.get<std::string>("group", "custom");
    def.unit = map.get<std::string>("unit", "");
    def.description = map.get<std::string>("description", "");
    def.counter = map.get<bool>("counter", false);
    def.enabled = map.get<bool>("enabled", true);
    map.refuse_unknown_keys();
    if (!kDataTypes.count(def.type))
        diag.error(map.where("type"), map.field("type"),
                   "unknown data type '" + def.type + "' (expected measure, meter, status, alarm)");
    if (def.name.empty()) return;
    auto [it, inserted] = catalog.data.emplace(def.name, def);
    // Profiles of one family may each declare the same custom data: fine if they agree.
    bool same_custom = custom && it->second.custom && it->second.type == def.type &&
                       it->second.unit == def.unit && it->second.counter == def.counter;
    if (!inserted && !same_custom)
        diag.error(def.where, map.field("name"),
                   "data '" + def.name + "' is already defined at " + it->second.where.str());
}

void read_model(const YAML::Node &node, const std::string &file, const std::string &path,
                bool custom, std::map<std::string, Model> &models, Diagnostics &diag) {
    MapReader map(node, file, path, diag);
    if (!map.is_map()) return;
    Model model;
    model.custom = custom;
    model.where = map.where();
    model.id = map.required<std::string>("id").value_or("");
    model.name = map.get<std::string>("name", model.id);
    model.history_period_s = map.get<uint32_t>("history_period_s", 600);
    model.history = map.get<bool>("history", true);
    model.datalogger = map.get<bool>("datalogger", false);
    model.data = map.get<std::vector<std::string>>("data", {});
    map.refuse_unknown_keys();
    if (model.history_period_s == 0)
        diag.error(map.where("history_period_s"), map.field("history_period_s"),
                   "must be at least 1 second");
    if (model.id.empty()) return;
    auto [it, inserted] = models.emplace(model.id, model);
    if (!inserted)
        diag.error(model.where, map.field("id"),
                   "model '" + model.id + "' is already defined at " + it->second.where.str());
}

void load_catalog_file(const std::string &file, Catalog &catalog, Diagnostics &diag) {
    YAML::Node root = load_yaml_file(file, diag);
    if (!root) return;
    MapReader top(root, file, "", diag);
    size_t i = 0;
    for (const auto &item : list_of(top, "catalog"))
        read_data_def(item, file, "catalog[" + std::to_string(i++) + "]", false, catalog, diag);
    top.refuse_unknown_keys();
}

void load_models_file(const std::string &file, std::map<std::string, Model> &models,
                      Diagnostics &diag) {
    YAML::Node root = load_yaml_file(file, diag);
    if (!root) return;
    MapReader top(root, file, "", diag);
    size_t i = 0;
    for (const auto &item : list_of(top, "models"))
        read_model(item, file, "models[" + std::to_string(i++) + "]", false, models, diag);
    top.refuse_unknown_keys();
}

} // namespace gs::kernel
