// The Datalogger endpoints (docs/api.md, "Datalogger", manual §8.7), over exporter_files's
// service (datalogger.hpp): GET /datalogger, POST /datalogger/send-now,
// POST /datalogger/test-connection. Admin only (the manual puts the Datalogger in the
// configuration section). Routed, authenticated and CSRF-checked by api.cpp like the others.
#include "api.hpp"
#include "datalogger.hpp"
#include "request_body.hpp"

#include <atomic>
#include <memory>

namespace gs::ui {

namespace {

gs_status keep_text(void *payload, const char *text) {
    *static_cast<std::string *>(payload) = text ? text : "";
    return GS_OK;
}

HttpResponse refusal(const AlarmAnswer &a) {
    if (a.status == GS_ERR_STATE)
        return http_error(503, "no_datalogger",
                          a.text.empty() ? "this site runs no Datalogger (plugins.exporter_files)"
                                         : a.text);
    if (a.status == GS_ERR_INVALID_ARG) return http_error(400, "invalid_field", "type: " + a.text);
    if (a.status == GS_ERR_RETRY_LATER) return http_error(409, "busy", a.text);
    return http_error(500, "datalogger_failed",
                      "the Datalogger failed (status " + std::to_string(a.status) + ")" +
                          (a.text.empty() ? "" : ": " + a.text));
}

HttpResponse json_text(std::string text) {
    HttpResponse r;
    r.body = std::move(text);
    return r;
}

} // namespace

Datalogger datalogger_over(std::function<const gs_datalogger_service_v1 *()> lookup) {
    auto cached = std::make_shared<std::atomic<const gs_datalogger_service_v1 *>>(nullptr);
    auto service = [lookup, cached]() -> const gs_datalogger_service_v1 * {
        if (const auto *known = cached->load()) return known;
        const gs_datalogger_service_v1 *s = lookup();
        if (!s || s->struct_size < sizeof(gs_datalogger_service_v1)) return nullptr;
        cached->store(s);
        return s;
    };
    Datalogger d;
    d.status = [service] {
        const auto *s = service();
        AlarmAnswer a;
        a.status = s ? s->status(s->context, &keep_text, &a.text) : GS_ERR_STATE;
        return a;
    };
    d.send_now = [service](const std::string &type) {
        const auto *s = service();
        AlarmAnswer a;
        a.status = s ? s->send_now(s->context, type.c_str(), &keep_text, &a.text) : GS_ERR_STATE;
        return a;
    };
    d.test_connection = [service] {
        const auto *s = service();
        AlarmAnswer a;
        a.status = s ? s->test_connection(s->context, &keep_text, &a.text) : GS_ERR_STATE;
        return a;
    };
    return d;
}

HttpResponse Api::datalogger_status(Context &) {
    if (!actions_.datalogger) return refusal({GS_ERR_STATE, ""});
    AlarmAnswer a = actions_.datalogger.status();
    return a.status == GS_OK ? json_text(std::move(a.text)) : refusal(a);
}

HttpResponse Api::datalogger_send_now(Context &ctx) {
    if (!actions_.datalogger) return refusal({GS_ERR_STATE, ""});
    auto parsed = json_body(ctx.request.body.empty() ? "{}" : ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    auto type = string_field(std::get<nlohmann::json>(parsed), "type", false, 64);
    if (auto *e = std::get_if<HttpResponse>(&type)) return *e;
    const std::string &wanted = std::get<std::string>(type);
    AlarmAnswer a = actions_.datalogger.send_now(wanted);
    if (a.status != GS_OK) return refusal(a);
    if (actions_.record_action)
        actions_.record_action("datalogger.send_now", "", 0,
                               "files sent now" + (wanted.empty() ? "" : " (" + wanted + ")") +
                                   " by the " + who(ctx) + " profile");
    return json_text("{\"files\":" + a.text + "}");
}

HttpResponse Api::datalogger_test_connection(Context &) {
    if (!actions_.datalogger) return refusal({GS_ERR_STATE, ""});
    AlarmAnswer a = actions_.datalogger.test_connection();
    return a.status == GS_OK ? json_text(std::move(a.text)) : refusal(a);
}

} // namespace gs::ui
