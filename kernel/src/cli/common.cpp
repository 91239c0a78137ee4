#include "cli/commands.hpp"

namespace gs::kernel {

const std::set<std::string> &CommonOptions::value_options() {
    static const std::set<std::string> options{"--plugin-dir", "--profiles"};
    return options;
}

CommonOptions CommonOptions::from(const Args &args) {
    CommonOptions o;
    o.plugin_dir = args.get("--plugin-dir", default_plugin_dir());
    o.share_dir = default_share_dir();
    o.profile_dirs = args.all("--profiles");
    return o;
}

LoadOptions CommonOptions::load_options() const {
    LoadOptions lo;
    lo.profile_dirs.push_back(share_dir + "/profiles");
    for (const auto &d : profile_dirs)
        lo.profile_dirs.push_back(d);
    return lo;
}

void CommonOptions::load_plugins(PluginRegistry &registry) const {
    registry.load_dir(plugin_dir);
}

} // namespace gs::kernel
