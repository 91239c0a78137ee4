// The one gate of `check` and `run`: what check accepts, run starts, and a reload takes.
#pragma once

#include "cli/commands.hpp"
#include "runtime/runtime.hpp"

#include <memory>
#include <string>

namespace gs::kernel {

// The site file through the kernel's loader (YAML, profiles, cross-checks), then every
// plugin's own checks (sections, validate_point, instances created and given their sources,
// not started). Throws ConfigFailure with every error found. Runtime::reload runs the same
// plugin checks (Runtime::stage) on a file load_site() accepted.
std::unique_ptr<Runtime> checked_site(const std::string &file, const CommonOptions &common,
                                      PluginRegistry &registry, const RuntimeOptions &options);

} // namespace gs::kernel
