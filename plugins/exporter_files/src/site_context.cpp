#include "site_context.hpp"

#include <gridscope/plugin.hpp>
#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>

#include <nlohmann/json.hpp>

#include <filesystem>

namespace gs::exporter {

SiteContext site_context(const gs_host *host) {
    gs::Host h(host);
    const auto *site = h.service<gs_site_service_v1>(GS_SITE_SERVICE_V1);
    const auto *runtime = h.service<gs_runtime_service_v1>(GS_RUNTIME_SERVICE_V1);
    if (!site || !site->site_json || !runtime || !runtime->data_dir)
        throw gs::Error("the kernel offers no site or runtime service", GS_ERR_STATE);
    SiteContext out;
    out.site = gs::site::parse(site->site_json);
    out.data_dir = runtime->data_dir;
    out.site_file = runtime->site_file ? runtime->site_file : "";
    // A profile is the site's own when no installed file has its id (profiles/<id>.yaml).
    const std::string installed =
        std::string(runtime->share_dir ? runtime->share_dir : "") + "/profiles/";
    auto custom = nlohmann::json::array();
    auto doc = nlohmann::json::parse(site->site_json, nullptr, false);
    if (doc.is_object() && doc.contains("profiles") && doc["profiles"].is_array())
        for (const auto &p : doc["profiles"]) {
            std::error_code ec;
            if (!p.is_object() || !p.contains("id") || !p["id"].is_string()) continue;
            if (!std::filesystem::exists(installed + p["id"].get<std::string>() + ".yaml", ec))
                custom.push_back(p);
        }
    out.custom_profiles = custom.dump(1);
    std::string zone = out.site.timezone.empty() ? "UTC" : out.site.timezone;
    try {
        out.tz = date::locate_zone(zone);
    } catch (const std::exception &) {
        throw gs::Error("unknown time zone '" + zone + "' in the site", GS_ERR_INVALID_ARG);
    }
    return out;
}

} // namespace gs::exporter
