// gridscope check --config FILE: validates the site, its profiles and plugin sections, with the
// plugins themselves (driver keys, profile points), without starting anything.
#include "cli/commands.hpp"
#include "runtime/runtime.hpp"

#include <iostream>

namespace gs::kernel {

int cmd_check(int argc, char **argv) {
    auto options = CommonOptions::value_options();
    options.insert("--config");
    Args args(argc, argv, 2, options, {});
    std::string file = args.required("--config");
    CommonOptions common = CommonOptions::from(args);
    PluginRegistry registry([](const std::string &line) { std::cerr << line << "\n"; });
    common.load_plugins(registry);
    try {
        SiteModel site = load_site(file, common.load_options());
        size_t sources = site.sources.size(), profiles = site.profiles.size();
        Diagnostics diag;
        RuntimeOptions ro;
        ro.share_dir = common.share_dir;
        Runtime runtime(std::move(site), registry, ro);
        runtime.build(diag);
        if (!diag.empty()) throw ConfigFailure(diag);
        std::cout << file << ": OK (" << sources << " sources, " << profiles << " profiles, "
                  << registry.all().size() << " plugins)\n";
        return 0;
    } catch (const ConfigFailure &failure) {
        std::cerr << failure.diagnostics().str();
        std::cerr << file << ": " << failure.diagnostics().errors().size() << " error(s)\n";
        return 1;
    }
}

} // namespace gs::kernel
