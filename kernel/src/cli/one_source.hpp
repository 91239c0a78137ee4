// A runtime around one source described on the command line (`gridscope read`, `plan`,
// `discover`): the profiles from the profile folders, the driver the profile names.
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
    static constexpr const char *kName = "cli";
};

// Adds --tcp HOST:PORT | --rtu DEVICE [--baud B --parity N|E|O], --unit N, --timeout-ms T to
// the source entry. Throws UsageError / ConfigFailure.
void build_one_source(OneSource &one, const CommonOptions &common, const std::string &profile,
                      const YAML::Node &source_entry);
YAML::Node connection_entry(const Args &args);
const std::set<std::string> &connection_options();

} // namespace gs::kernel
