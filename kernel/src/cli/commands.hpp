// The gridscope subcommands. Each returns the process exit code.
#pragma once

#include "cli/args.hpp"
#include "plugin/loader.hpp"
#include "site/loader.hpp"

namespace gs::kernel {

// What most commands share: where plugins and profiles are, and loading them.
struct CommonOptions {
    std::string plugin_dir;
    std::string share_dir;
    std::vector<std::string> profile_dirs;
    static const std::set<std::string> &value_options(); // --plugin-dir, --profiles
    static CommonOptions from(const Args &args);
    LoadOptions load_options() const;
    void load_plugins(PluginRegistry &registry) const;
};

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_config(int argc, char **argv);

} // namespace gs::kernel
