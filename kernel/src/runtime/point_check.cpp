#include "runtime/point_check.hpp"

#include "runtime/plugin_calls.hpp"
#include "site/readers.hpp"

namespace gs::kernel {

std::string driver_point_error(const LoadedPlugin &driver, HostContext &host,
                               const gs_config *defaults, const YAML::Node &node,
                               const std::string &file) {
    gs_status st = call_plugin(host.who(), "validate_point", [&] {
        return driver.driver()->validate_point(host.raw(), defaults, host.handle(node, file));
    });
    return st == GS_OK ? "" : host.take_error(status_text(st));
}

void check_source_points(const SiteModel &site, const PluginRegistry &registry,
                         std::set<std::string> &bad_sources, Diagnostics &diag) {
    for (const Source &s : site.sources) {
        const Profile *profile = site.find_profile(s.profile);
        if (s.points.empty() || !profile) continue; // disabled ones too, as profiles are
        auto driver = registry.find(s.driver);
        if (!driver || !driver->driver()) continue; // reported as a missing driver
        HostContext host("check:" + s.driver, ConfigNode{});
        const gs_config *defaults =
            profile->defaults.IsDefined() ? host.handle(profile->defaults, profile->file) : nullptr;
        for (const auto &point : s.points) {
            std::string why = driver_point_error(*driver, host, defaults, point.node, site.file);
            if (why.empty()) continue;
            bad_sources.insert(s.name);
            // "field 'KEY': message" names a key of the point: reported at that key.
            const std::string mark = "field '";
            const size_t end = why.rfind(mark, 0) == 0 ? why.find("': ", mark.size()) : why.npos;
            if (end == why.npos) {
                diag.error(point.where, point.path, why);
                continue;
            }
            const std::string key = why.substr(mark.size(), end - mark.size());
            diag.error(key_location(point, key), point.path + "." + key, why.substr(end + 3));
        }
    }
}

} // namespace gs::kernel
