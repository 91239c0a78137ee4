// What the CLI takes from plugins instead of knowing them (ABI 1.3): the command-line tools a
// plugin offers (`gridscope passwd`: the web UI's), and the connection options of a driver that
// `read` and `plan` copy into the source they build.
#pragma once

#include "cli/commands.hpp"

#include <yaml-cpp/yaml.h>

namespace gs::kernel {

// Runs `gridscope <argv[1]>` when an installed plugin offers a tool of that name; nullopt if
// none does. Throws UsageError for a wrong command line.
std::optional<int> run_plugin_tool(int argc, char **argv);
// "  <name> --config FILE [--data-dir DIR] <usage>   <summary>" per installed tool, for help.
std::string plugin_tools_usage();

// The value of `name` on a raw command line (before it can be parsed: the options it may hold
// depend on the plugins that --plugin-dir finds), or nullopt.
std::optional<std::string> raw_option(int argc, char **argv, const std::string &name);
// The plugins found as the command line's --plugin-dir says.
void load_plugins_of(int argc, char **argv, PluginRegistry &registry);

// The connection option flags of every installed driver ("--tcp", "--unit"...).
std::set<std::string> connection_flags(const PluginRegistry &registry);
// The source entry the options given for `driver` make (an option of another driver only is
// refused). `need_address`: one address option
// must be given (read); else (plan, which contacts nothing) the first address option's default
// stands in when none is given. Throws UsageError.
// The map the options `declared` make from the command line (connection or scan options):
// the value given or the default under each key; `need_address` as for connection_entry (with
// one address option, its absence reads "option --flag is required"). Throws UsageError.
YAML::Node option_entry(const Args &args, const std::vector<const gs_cli_option *> &declared,
                        bool need_address);
YAML::Node connection_entry(const Args &args, const PluginRegistry &registry,
                            const LoadedPlugin &driver, bool need_address);

} // namespace gs::kernel
