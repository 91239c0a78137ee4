// The Diagnostics endpoints (docs/api.md, "Diagnostics page", manual §8 "Diagnosis"):
// GET /diagnostics/report, GET /diagnostics/bus?link=..., GET /diagnostics/export. Admin only:
// the versions, the bus frames, the log lines and the site file are for who configures the
// site (the communication status of GET /diagnostics stays open to every profile, manual §4).
// Routed, authenticated and checked by api.cpp like the others; the document is diagnostics.cpp's.
#include "api.hpp"
#include "diagnostics.hpp"

#include "time_text/time_text.hpp"

namespace gs::ui {

namespace {
constexpr size_t kMaxLinkName = 512;
} // namespace

nlohmann::json Api::diagnostics_now() {
    return diagnostics_document(actions_.diagnostics, live_.status(clock_.mono_ns()),
                                site_.document, clock_.utc_ns());
}

HttpResponse Api::diagnostics_report(Context &) {
    HttpResponse r;
    r.body = diagnostics_now().dump();
    return r;
}

HttpResponse Api::diagnostics_bus(Context &ctx) {
    auto link = ctx.query.find("link");
    if (link == ctx.query.end() || link->second.empty() || link->second.size() > kMaxLinkName)
        return error(400, "invalid_parameter", "link: give the name of a link (see the report)");
    if (!actions_.diagnostics.bus_trace)
        return error(501, "not_implemented", "this server has no bus view");
    auto trace = actions_.diagnostics.bus_trace(link->second);
    if (!trace) return error(404, "unknown_link", "no driver polls a link '" + link->second + "'");
    HttpResponse r;
    r.body = std::move(*trace);
    return r;
}

HttpResponse Api::diagnostics_export(Context &) {
    HttpResponse r;
    r.content_type = "application/zip";
    r.body = diagnostics_zip(actions_.diagnostics, diagnostics_now()); // libzip failure: 500
    const std::string day = time_text::format_utc(clock_.utc_ns()).substr(0, 10);
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"gridscope-diagnostics-" + day + ".zip\"");
    return r;
}

} // namespace gs::ui
