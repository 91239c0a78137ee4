#include "cli/site_gate.hpp"

namespace gs::kernel {

std::unique_ptr<Runtime> checked_site(const std::string &file, const CommonOptions &common,
                                      PluginRegistry &registry, const RuntimeOptions &options) {
    auto runtime =
        std::make_unique<Runtime>(load_site(file, common.load_options()), registry, options);
    Diagnostics diag;
    runtime->build(diag);
    if (!diag.empty()) throw ConfigFailure(diag);
    return runtime;
}

} // namespace gs::kernel
