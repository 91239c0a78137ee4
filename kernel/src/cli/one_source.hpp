// A runtime around one source described on the command line (`gridscope read`, `plan`): the
// profiles from the profile folders, the driver the profile names, the connection options that
// driver declares (plugin_tools.hpp).
#pragma once

#include "cli/commands.hpp"
#include "runtime/runtime.hpp"

#include <memory>

namespace gs::kernel {

struct OneSource {
    PluginRegistry registry;
    std::unique_ptr<Runtime> runtime;
    Instance *driver = nullptr;
    const Profile *profile = nullptr;
    YAML::Node entry; // the source's entry: its connection keys, name and profile
    static constexpr const char *kName = "cli";
    std::string name = kName; // the source's name in the runtime

    // Loads the plugins as the raw command line says: before it is parsed, since the options
    // it may hold are the drivers' (command_options).
    OneSource(int argc, char **argv);
    // `own` and the common options and every installed driver's connection options.
    std::set<std::string> command_options(std::initializer_list<std::string> own) const;
};

// Builds the runtime for a source of `profile` with the connection options given for the
// profile's driver; `need_address`: see connection_entry. Throws UsageError / ConfigFailure /
// std::runtime_error.
void build_one_source(OneSource &one, const Args &args, const std::string &profile,
                      bool need_address);

// Builds the runtime for the source `source` of the site file `config`, with its circuits'
// models (the driver gets only the points they collect). Throws as build_one_source.
void build_configured_source(OneSource &one, const Args &args, const std::string &config,
                             const std::string &source);

} // namespace gs::kernel
