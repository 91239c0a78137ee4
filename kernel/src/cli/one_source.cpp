#include "cli/one_source.hpp"

#include "cli/plugin_tools.hpp"

namespace gs::kernel {

OneSource::OneSource(int argc, char **argv) {
    load_plugins_of(argc, argv, registry);
}

std::set<std::string> OneSource::command_options(std::initializer_list<std::string> own) const {
    auto options = CommonOptions::value_options();
    options.insert(own.begin(), own.end());
    auto flags = connection_flags(registry);
    options.insert(flags.begin(), flags.end());
    return options;
}

namespace {

// Builds the runtime around the site's one source `one.name` and finds its driver.
void start_runtime(OneSource &one, SiteModel site, const RuntimeOptions &options) {
    const Source &s = site.sources.front();
    std::string driver = s.driver, profile = s.profile;
    one.runtime = std::make_unique<Runtime>(std::move(site), one.registry, options);
    Diagnostics diag;
    one.runtime->build(diag);
    if (!diag.empty()) throw ConfigFailure(diag);
    one.driver = one.runtime->driver_of(one.name);
    one.profile = one.runtime->site().find_profile(profile);
    if (!one.driver) throw UsageError("driver '" + driver + "' is not installed");
}

} // namespace

void build_one_source(OneSource &one, const Args &args, const std::string &profile,
                      bool need_address) {
    SiteModel site = load_profiles(CommonOptions::from(args).load_options());
    site.file = "(command line)";
    const Profile *p = site.find_profile(profile);
    if (!p) throw UsageError("unknown profile '" + profile + "' (see the profiles/ folder)");
    auto plugin = one.registry.find(p->driver);
    if (!plugin || !plugin->driver())
        throw UsageError("driver '" + p->driver + "' is not installed");
    Source s;
    s.name = OneSource::kName;
    s.profile = profile;
    s.driver = p->driver;
    s.node = connection_entry(args, one.registry, *plugin, need_address);
    s.node["name"] = s.name;
    s.node["profile"] = profile;
    one.entry = s.node;
    for (uint32_t k = 1; k <= p->circuits; ++k) {
        Circuit c;
        c.index = k;
        c.name = s.name + "/" + std::to_string(k);
        s.circuits.push_back(c);
    }
    site.sources.push_back(s);
    start_runtime(one, std::move(site), RuntimeOptions{});
}

void build_configured_source(OneSource &one, const Args &args, const std::string &config,
                             const std::string &source) {
    SiteModel site = load_site(config, CommonOptions::from(args).load_options());
    const Source *s = site.find_source(source);
    if (!s) throw UsageError("no source '" + source + "' in " + config);
    if (!s->enabled)
        throw UsageError("source '" + source + "' is disabled (enabled: false): nothing is polled");
    Source kept = *s;
    one.entry = kept.node;
    one.name = source;
    RuntimeOptions options;
    options.only = {kept.driver}; // its driver alone: no storage, exporter nor UI starts
    site.sources = {std::move(kept)};
    start_runtime(one, std::move(site), options);
}

} // namespace gs::kernel
