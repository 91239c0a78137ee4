// The site model as the UI needs it: the SDK's reader of the "gridscope.site/1" document
// (gridscope/site.hpp) plus the whole document, which the configuration API serves as is.
// Free of the C ABI and CivetWeb types.
#ifndef GS_UI_WEB_SITE_MODEL_HPP
#define GS_UI_WEB_SITE_MODEL_HPP

#include <gridscope/site.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gs::ui {

using json = nlohmann::json;

using CatalogEntry = gs::site::CatalogEntry;
using ProfilePoint = gs::site::ProfilePoint;
using ProfileCommand = gs::site::ProfileCommand;
using DeviceProfile = gs::site::Profile;
using Circuit = gs::site::Circuit;
using SourceInfo = gs::site::Source;
using HierarchyNode = gs::site::HierarchyNode;
using Hierarchy = gs::site::Hierarchy;

struct SiteModel : gs::site::Site {
    uint32_t idle_timeout_s = 900;
    std::vector<std::string> languages{"en", "fr"};
    std::string default_language = "en";
    json document; // the whole document, for the configuration API

    // Throws std::invalid_argument (gs::site::ParseError) when the document is not the
    // expected JSON.
    static SiteModel parse(std::string_view text) {
        SiteModel site;
        site.document = json::parse(text.begin(), text.end(), nullptr, false);
        if (site.document.is_discarded()) throw gs::site::ParseError("not JSON");
        static_cast<gs::site::Site &>(site) = gs::site::read(site.document);
        site.idle_timeout_s = site.users.session_idle_timeout_s;
        site.languages = site.users.languages;
        site.default_language = site.users.default_language;
        return site;
    }
};

} // namespace gs::ui

#endif
