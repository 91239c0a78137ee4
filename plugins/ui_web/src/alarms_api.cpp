// The alarm endpoints (docs/api.md, "Alarms"), over the alarms plugin's engine (ApiActions::alarms,
// alarm_engine.hpp): GET /alarms (the original list, or the Alarms page's paged rows),
// GET /alarms/export (zip), POST /alarms/ack, /alarms/shelve, /alarms/unshelve,
// /alarms/out-of-service, and the banner's count. Routed, authenticated and CSRF-checked by
// api.cpp like the others; who may do what is here (auth.hpp's permissions).
#include "alarms_page.hpp"
#include "api.hpp"
#include "request_body.hpp"
#include <site_files/zip_archive.hpp>

#include "time_text/time_text.hpp"

namespace gs::ui {

namespace {

HttpResponse json_answer(std::string text) {
    HttpResponse r;
    r.body = std::move(text);
    return r;
}

HttpResponse engine_refusal(const AlarmAnswer &a) {
    if (a.status == GS_ERR_STATE)
        return http_error(503, "no_alarm_engine",
                          a.text.empty() ? "this site runs no alarm engine" : a.text);
    if (a.status == GS_ERR_NOT_FOUND) return http_error(404, "unknown_alarm", a.text);
    if (a.status == GS_ERR_INVALID_ARG) return http_error(400, "refused", a.text);
    if (a.status == GS_ERR_UNSUPPORTED) return http_error(501, "not_supported", a.text);
    return http_error(500, "alarm_engine_failed",
                      "the alarm engine failed (status " + std::to_string(a.status) + ")" +
                          (a.text.empty() ? "" : ": " + a.text));
}

// An id of the body: a non-negative integer.
std::optional<uint64_t> id_of(const json &v) {
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    if (v.is_number_integer() && v.get<int64_t>() >= 0) return v.get<int64_t>();
    return std::nullopt;
}

} // namespace

std::string Api::who(const Context &ctx) const {
    return ctx.session ? profile_name(ctx.session->profile) : "";
}

HttpResponse Api::alarms_list(Context &ctx) {
    if (!actions_.alarms) return engine_refusal({GS_ERR_STATE, ""});
    if (is_page_request(ctx.query)) return alarms_page(ctx);
    std::string state = "all";
    if (auto s = ctx.query.find("state"); s != ctx.query.end()) state = s->second;
    if (state != "all" && state != "active" && state != "unacked")
        return error(400, "invalid_parameter", "state: expected active, unacked or all");
    int64_t bounds[2] = {GS_ALARMS_NO_TIME, GS_ALARMS_NO_TIME};
    const char *names[2] = {"from", "to"};
    for (int i = 0; i < 2; ++i) {
        auto q = ctx.query.find(names[i]);
        if (q == ctx.query.end()) continue;
        auto t = time_text::parse_iso(q->second);
        if (!t)
            return error(400, "invalid_parameter",
                         std::string(names[i]) + ": expected an ISO 8601 time with its offset");
        bounds[i] = *t;
    }
    auto details = ctx.query.find("details");
    bool with_details = details != ctx.query.end() && details->second == "1";
    AlarmAnswer a = actions_.alarms.list(state, bounds[0], bounds[1], with_details);
    if (a.status != GS_OK) return engine_refusal(a);
    return json_answer("{\"alarms\":" + a.text + "}");
}

HttpResponse Api::alarms_page(Context &ctx) {
    auto q =
        page_query(ctx.query, true, ctx.session ? ctx.session->language : "en", site_.timezone);
    if (auto *why = std::get_if<std::string>(&q)) return error(400, "invalid_parameter", *why);
    AlarmAnswer a = actions_.alarms.query(std::get<PageQuery>(q).json);
    if (a.status == GS_ERR_INVALID_ARG) return error(400, "invalid_parameter", a.text);
    if (a.status != GS_OK) return engine_refusal(a);
    return json_answer(std::move(a.text));
}

HttpResponse Api::alarms_export(Context &ctx) {
    if (!actions_.alarms) return engine_refusal({GS_ERR_STATE, ""});
    auto q =
        page_query(ctx.query, false, ctx.session ? ctx.session->language : "en", site_.timezone);
    if (auto *why = std::get_if<std::string>(&q)) return error(400, "invalid_parameter", *why);
    std::vector<AlarmEngine::File> files;
    AlarmAnswer a = actions_.alarms.export_files(std::get<PageQuery>(q).json, files);
    if (a.status == GS_ERR_INVALID_ARG) return error(400, "invalid_parameter", a.text);
    if (a.status != GS_OK) return engine_refusal(a);
    std::vector<std::pair<std::string, std::string>> entries;
    for (auto &f : files)
        entries.emplace_back(std::move(f.name), std::move(f.data));
    HttpResponse r;
    r.content_type = "application/zip";
    r.body = site_files::zip_archive(entries); // a libzip failure is the router's 500
    std::string day = time_text::format_utc(clock_.utc_ns()).substr(0, 10);
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"alarms-events-" + day + ".zip\"");
    return r;
}

HttpResponse Api::alarms_ack(Context &ctx) {
    if (!actions_.alarms) return engine_refusal({GS_ERR_STATE, ""});
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const json &doc = std::get<json>(parsed);
    auto ids = doc.find("ids");
    if (ids == doc.end() || !ids->is_array() || ids->empty() || ids->size() > 10000)
        return error(400, "invalid_field", "ids: expected a list of 1 to 10000 alarm ids");
    std::vector<uint64_t> wanted;
    for (const auto &v : *ids) {
        auto id = id_of(v);
        if (!id) return error(400, "invalid_field", "ids: expected alarm ids (integers)");
        wanted.push_back(*id);
    }
    auto comment = string_field(doc, "comment", false, 1024);
    if (auto *e = std::get_if<HttpResponse>(&comment)) return *e;
    AlarmAnswer a = actions_.alarms.acknowledge(wanted, who(ctx), std::get<std::string>(comment));
    if (a.status != GS_OK) return engine_refusal(a);
    return json_answer(a.text);
}

HttpResponse Api::alarms_shelve(Context &ctx) {
    return shelve_or_unshelve(ctx, true);
}

HttpResponse Api::alarms_unshelve(Context &ctx) {
    return shelve_or_unshelve(ctx, false);
}

HttpResponse Api::shelve_or_unshelve(Context &ctx, bool shelve) {
    if (!actions_.alarms) return engine_refusal({GS_ERR_STATE, ""});
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const json &doc = std::get<json>(parsed);
    auto id = doc.contains("id") ? id_of(doc["id"]) : std::nullopt;
    if (!id) return error(400, "invalid_field", "id: expected an alarm id (integer)");
    int64_t duration_s = 0;
    if (shelve) {
        auto d = doc.find("duration_s");
        if (d == doc.end() || !d->is_number_integer() || d->get<int64_t>() <= 0)
            return error(400, "invalid_field", "duration_s: expected a positive number of seconds");
        duration_s = d->get<int64_t>();
    }
    AlarmAnswer a = actions_.alarms.shelve(*id, duration_s, who(ctx));
    if (a.status != GS_OK) return engine_refusal(a);
    return json_answer("{\"ok\":true}");
}

HttpResponse Api::alarms_out_of_service(Context &ctx) {
    if (!actions_.alarms) return engine_refusal({GS_ERR_STATE, ""});
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const json &doc = std::get<json>(parsed);
    auto rule = string_field(doc, "rule", true, 256);
    if (auto *e = std::get_if<HttpResponse>(&rule)) return *e;
    auto out = doc.find("out");
    if (out == doc.end() || !out->is_boolean())
        return error(400, "invalid_field", "out: expected true or false");
    AlarmAnswer a =
        actions_.alarms.out_of_service(std::get<std::string>(rule), out->get<bool>(), who(ctx));
    if (a.status != GS_OK) return engine_refusal(a);
    return json_answer("{\"ok\":true}");
}

int64_t Api::alarm_count() const {
    return actions_.alarms ? actions_.alarms.unacked_count() : -1;
}

uint64_t Api::alarm_revision() const {
    return actions_.alarms && actions_.alarms.revision ? actions_.alarms.revision() : 0;
}

} // namespace gs::ui
