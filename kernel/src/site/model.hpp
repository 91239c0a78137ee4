// The site model: what the kernel knows of a site, loaded from YAML (catalog, models, device
// profiles and the site file). Plain data; loaders live in site/*_loader.cpp.
#pragma once

#include "config/diagnostics.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gs::kernel {

// A catalog data (the manual's Appendix 2, or a custom data of a site or profile).
struct DataDef {
    std::string name;
    std::string type; // measure | meter | status | alarm
    std::string group;
    std::string unit;
    std::string description;
    bool counter = false; // a monotonic counter whose differences are consumption
    bool custom = false;
    bool enabled = true; // false: collected on no circuit (site/collected.hpp)
    Location where;
};

struct Catalog {
    std::map<std::string, DataDef> data;
    const DataDef *find(const std::string &name) const;
};

// A data model (§8.2.1): a named set of data with a history period.
struct Model {
    std::string id;
    std::string name;
    uint32_t history_period_s = 600;
    bool history = true;     // its data are stored for Trends and Consumptions
    bool datalogger = false; // its data are published by the data-publishing exporters
    std::vector<std::string> data;
    bool custom = false;
    Location where;
};

// A point of a device profile, or of a site source's own `points` (a generic Modbus device,
// docs/configuration.md). Driver-specific keys stay in `node`, checked by the driver.
struct ProfilePoint {
    uint32_t circuit = 0;
    std::string data;
    YAML::Node node;
    Location where;   // where.file: the profile's file or the site file
    std::string path; // its field path: "profile.points[2]", "sources[3].points[0]"
};

// A command of a device profile (docs/profiles.md §1.5): running it writes `value` through the
// driver, which added the command as a write-only point; driver keys stay in `node`.
struct ProfileCommand {
    std::string name; // e.g. "partial_energy_reset"
    uint32_t circuit = 0;
    double value = 0;
    YAML::Node node;
    Location where;
};

struct Profile {
    std::string id; // path below profiles/ without .yaml, e.g. "socomec/countis-e2x"
    std::string name;
    std::string maker;
    std::string model;
    std::vector<std::string> models;
    std::string family;
    std::string driver;
    uint32_t circuits = 1;
    YAML::Node identification;
    YAML::Node defaults;
    std::vector<ProfilePoint> points;
    std::vector<ProfileCommand> commands;
    std::string file;
    Location where;

    // A generic Modbus device (family GENERIC): the site file may give a source of it more
    // circuits than `circuits` (manual §8.4.4 "add a circuit").
    bool generic() const;
};

struct Circuit {
    uint32_t index = 1; // 1-based
    std::string name;
    std::string fluid; // electricity, gas, water, ...
    std::string usage;
    std::string zone;
    std::vector<std::string> models;
    bool models_given = false; // no `models:` key: the circuit collects all its profile's data
    bool enabled = true;
    std::map<std::string, bool> data_enabled; // `data: [{name, enabled}]`: collected data set off
    bool implied = false; // not in the site file: one of the profile's circuits, default settings
    Location where;
};

// A data source: one device.
struct Source {
    std::string name;
    std::string profile;
    std::string driver; // from the profile unless overridden
    int64_t period_ms = 1000;
    bool enabled = true;
    std::string location;          // "Building A/Floor 1"
    std::vector<Circuit> circuits; // declared and implied, once loaded
    // The source's own points (`points:`), polled with its profile's: the Modbus properties of
    // data the profile does not map (manual §8.3.8), e.g. a generic Modbus device's.
    std::vector<ProfilePoint> points;
    // The site file's profile when the driver declared the device as another one (a
    // `socomec/auto` source identified at start, site/identified.hpp); "" otherwise.
    std::string configured_profile;
    YAML::Node node; // the whole entry, handed to the driver (connection, ...)
    Location where;

    // The highest circuit index (the circuits a driver is told the device has).
    uint32_t circuit_count() const;
};

// A hierarchy node (§8.5): a tree of nodes with loads ("source/circuit") attached. A node with a
// meter is worth the meter's consumption; the rest of it is its unmeasured part.
struct HierarchyNode {
    std::string name;
    std::string meter;                    // "source/circuit" feeding the node, "" for none
    std::vector<std::string> loads;       // "source/circuit"
    std::vector<std::string> hierarchies; // linked child hierarchies
    std::vector<HierarchyNode> children;
    Location where;
};

struct Hierarchy {
    std::string name;
    std::string fluid;
    std::string balance_tolerance = "2%"; // "2%" of a node's meter, or an amount in its unit
    HierarchyNode root;
    Location where;
};

struct UsersConfig {
    uint32_t session_idle_timeout_s = 900;
    std::vector<std::string> languages{"en", "fr"};
    std::string default_language = "en";
};

struct PluginSection {
    std::string id;
    YAML::Node node;
    Location where;
};

struct SiteModel {
    std::string file; // the site file
    std::string name;
    std::string timezone = "UTC";
    std::vector<std::string> profile_dirs;
    Catalog catalog;
    std::map<std::string, Model> models;
    std::map<std::string, Profile> profiles;
    std::vector<Source> sources;
    std::vector<Hierarchy> hierarchies;
    UsersConfig users;
    std::map<std::string, PluginSection> plugins;
    // Top-level keys the kernel does not read ("alarms"), by name: the runtime accepts those a
    // loaded plugin declares (ABI 1.4 site_sections) and refuses the others as unknown keys.
    std::map<std::string, PluginSection> sections;

    const Source *find_source(const std::string &name) const;
    const Profile *find_profile(const std::string &id) const;
};

} // namespace gs::kernel
