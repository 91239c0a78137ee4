#include "site/identified.hpp"

#include <gridscope/plugin.h>

#include <algorithm>

namespace gs::kernel {

std::string check_identified(const SiteModel &site, const std::string &source,
                             const Identified &identified, int32_t &code) {
    const Source *s = site.find_source(source);
    if (!s) {
        code = GS_ERR_NOT_FOUND;
        return "no source '" + source + "'";
    }
    if (!s->enabled) {
        code = GS_ERR_STATE;
        return "source '" + source + "' is disabled";
    }
    const Profile *profile = site.find_profile(identified.profile);
    if (!profile) {
        code = GS_ERR_NOT_FOUND;
        return "no profile '" + identified.profile + "' in the site";
    }
    uint32_t previous = 0;
    for (uint32_t c : identified.circuits) {
        if (c == 0 || c > profile->circuits || c <= previous) {
            code = GS_ERR_INVALID_ARG;
            return "circuit " + std::to_string(c) + ": circuits must be ascending, within 1.." +
                   std::to_string(profile->circuits) + " (profile " + profile->id + ")";
        }
        previous = c;
    }
    code = GS_OK;
    return "";
}

void apply_identified(SiteModel &site, const std::string &source, const Identified &identified,
                      std::vector<std::string> &warnings) {
    auto s = std::find_if(site.sources.begin(), site.sources.end(),
                          [&](const Source &x) { return x.name == source; });
    if (s == site.sources.end()) return;
    if (s->configured_profile.empty()) s->configured_profile = s->profile;
    s->profile = identified.profile;
    std::vector<Circuit> circuits;
    for (uint32_t index : identified.circuits) {
        auto configured = std::find_if(s->circuits.begin(), s->circuits.end(), [&](const auto &c) {
            return c.index == index && !c.implied;
        });
        if (configured != s->circuits.end()) {
            circuits.push_back(*configured);
            continue;
        }
        Circuit c;
        c.index = index;
        c.name = s->name + "/" + std::to_string(index);
        c.fluid = "electricity";
        c.implied = true;
        c.where = s->where;
        circuits.push_back(c);
    }
    for (const Circuit &c : s->circuits) {
        bool declared = std::count(identified.circuits.begin(), identified.circuits.end(), c.index);
        if (c.implied || declared) continue;
        warnings.push_back(c.where.str() + ": circuit " + std::to_string(c.index) + " of '" +
                           s->name + "' is configured but the device (" + identified.profile +
                           ") does not have it: kept, it will get no values");
        circuits.push_back(c);
    }
    std::sort(circuits.begin(), circuits.end(),
              [](const Circuit &a, const Circuit &b) { return a.index < b.index; });
    s->circuits = std::move(circuits);
}

} // namespace gs::kernel
