#include "site_context.hpp"

#include <gridscope/plugin.hpp>
#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>

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
    std::string zone = out.site.timezone.empty() ? "UTC" : out.site.timezone;
    try {
        out.tz = date::locate_zone(zone);
    } catch (const std::exception &) {
        throw gs::Error("unknown time zone '" + zone + "' in the site", GS_ERR_INVALID_ARG);
    }
    return out;
}

} // namespace gs::exporter
