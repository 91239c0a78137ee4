// gridscope check --config FILE: validates the site, its profiles and plugin sections, with the
// plugins themselves (driver keys, profile points), without starting anything.
#include "cli/commands.hpp"
#include "cli/site_gate.hpp"

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
        RuntimeOptions ro;
        ro.share_dir = common.share_dir;
        auto runtime = checked_site(file, common, registry, ro);
        std::cout << file << ": OK (" << runtime->site().sources.size() << " sources, "
                  << runtime->site().profiles.size() << " profiles, " << registry.all().size()
                  << " plugins)\n";
        return 0;
    } catch (const ConfigFailure &failure) {
        std::cerr << failure.diagnostics().str();
        std::cerr << file << ": " << failure.diagnostics().errors().size() << " error(s)\n";
        return 1;
    }
}

} // namespace gs::kernel
