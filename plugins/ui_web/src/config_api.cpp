// The configuration endpoints (docs/api.md, "Configuration"): the site file as one JSON document
// over the kernel's gridscope.config/1 (site_config.hpp). GET /config, PUT /config,
// POST /config/validate, GET /config/backup and POST /config/restore, Admin only; routed,
// authenticated and CSRF-checked by api.cpp.
#include "api.hpp"
#include "request_body.hpp"
#include "site_config.hpp"

#include <time_text/time_text.hpp>

namespace gs::ui {

namespace {

gs_status keep_text(void *payload, const char *text) {
    *static_cast<std::string *>(payload) = text ? text : "";
    return GS_OK;
}

HttpResponse json_text(std::string text) {
    HttpResponse r;
    r.body = std::move(text);
    return r;
}

// The kernel's "error" member, or the whole answer.
std::string why_of(const AlarmAnswer &a) {
    auto doc = nlohmann::json::parse(a.text, nullptr, false);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_string())
        return doc["error"].get<std::string>();
    return a.text;
}

HttpResponse refusal(const AlarmAnswer &a) {
    if (a.status == GS_ERR_STATE)
        return http_error(503, "no_config_service",
                          "this site's kernel offers no configuration service (gridscope run)");
    if (a.status == GS_ERR_TIMEOUT)
        return http_error(503, "busy", "the kernel is busy (a reload): try again");
    return http_error(500, "config_failed", "the configuration could not be handled: " + why_of(a));
}

// The body, checked as a JSON object, as the text the kernel reads.
std::variant<std::string, HttpResponse> document_body(const HttpRequest &request) {
    auto parsed = json_body(request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const auto &doc = std::get<nlohmann::json>(parsed);
    if (!doc.contains("site") || !doc["site"].is_object())
        return http_error(400, "invalid_field",
                          "site: expected an object (the site file's sections)");
    return request.body;
}

} // namespace

SiteConfig site_config_over(std::function<const gs_config_service_v1 *()> lookup,
                            std::function<std::string()> backup) {
    auto service = [lookup]() -> const gs_config_service_v1 * {
        const gs_config_service_v1 *s = lookup();
        return s && s->struct_size >= sizeof(gs_config_service_v1) ? s : nullptr;
    };
    SiteConfig c;
    c.get = [service] {
        const auto *s = service();
        AlarmAnswer a;
        a.status = s ? s->get(s->context, &keep_text, &a.text) : GS_ERR_STATE;
        return a;
    };
    c.validate = [service](const std::string &request) {
        const auto *s = service();
        AlarmAnswer a;
        a.status = s ? s->validate(s->context, request.c_str(), &keep_text, &a.text) : GS_ERR_STATE;
        return a;
    };
    c.save = [service](const std::string &request) {
        const auto *s = service();
        AlarmAnswer a;
        a.status = s ? s->save(s->context, request.c_str(), &keep_text, &a.text) : GS_ERR_STATE;
        return a;
    };
    c.restore = [service](const std::string &zip) {
        const auto *s = service();
        AlarmAnswer a;
        a.status =
            s ? s->restore(s->context, zip.data(), zip.size(), &keep_text, &a.text) : GS_ERR_STATE;
        return a;
    };
    c.backup = std::move(backup);
    return c;
}

HttpResponse Api::config_get(Context &) {
    if (!actions_.config) return refusal({GS_ERR_STATE, ""});
    AlarmAnswer a = actions_.config.get();
    return a.status == GS_OK ? json_text(std::move(a.text)) : refusal(a);
}

HttpResponse Api::config_put(Context &ctx) {
    if (!actions_.config) return refusal({GS_ERR_STATE, ""});
    auto body = document_body(ctx.request);
    if (auto *e = std::get_if<HttpResponse>(&body)) return *e;
    auto doc = nlohmann::json::parse(std::get<std::string>(body));
    if (!doc.contains("version") || !doc["version"].is_string())
        return error(400, "invalid_field", "version: expected the string GET /config gave");
    AlarmAnswer a = actions_.config.save(std::get<std::string>(body));
    if (a.status == GS_OK) {
        if (actions_.record_action)
            actions_.record_action("config.saved", "", 0,
                                   "site file saved by the " + who(ctx) + " profile");
        return json_text(std::move(a.text));
    }
    if (a.status == GS_ERR_STATE && !a.text.empty())
        return error(409, "conflict", "the site file changed since it was read: load it again");
    if (a.status == GS_ERR_INVALID_ARG) return invalid(a, "invalid_config");
    return refusal(a);
}

// 400 with the kernel's errors and warnings under `code`.
HttpResponse Api::invalid(const AlarmAnswer &a, const char *code) {
    auto answer = nlohmann::json::parse(a.text, nullptr, false);
    auto list = [&](const char *key) {
        return answer.is_object() && answer.contains(key) ? answer[key] : nlohmann::json::array();
    };
    HttpResponse r;
    r.status = 400;
    r.body =
        nlohmann::json{{"error", code}, {"errors", list("errors")}, {"warnings", list("warnings")}}
            .dump();
    return r;
}

HttpResponse Api::config_validate(Context &ctx) {
    if (!actions_.config) return refusal({GS_ERR_STATE, ""});
    auto body = document_body(ctx.request);
    if (auto *e = std::get_if<HttpResponse>(&body)) return *e;
    AlarmAnswer a = actions_.config.validate(std::get<std::string>(body));
    return a.status == GS_OK ? json_text(std::move(a.text)) : refusal(a);
}

HttpResponse Api::config_backup(Context &ctx) {
    if (!actions_.config || !actions_.config.backup) return refusal({GS_ERR_STATE, ""});
    HttpResponse r;
    r.content_type = "application/zip";
    try {
        r.body = actions_.config.backup();
    } catch (const std::exception &e) {
        return error(500, "backup_failed", e.what());
    }
    std::string day = time_text::format_utc(clock_.utc_ns()).substr(0, 10);
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"gridscope-config-" + day + ".zip\"");
    r.headers.emplace_back("Cache-Control", "no-store"); // it holds the secrets
    if (actions_.record_action)
        actions_.record_action("config.backup", "", 0,
                               "configuration backup taken by the " + who(ctx) + " profile");
    return r;
}

HttpResponse Api::config_restore(Context &ctx) {
    if (!actions_.config) return refusal({GS_ERR_STATE, ""});
    std::string type = ctx.request.content_type.substr(0, ctx.request.content_type.find(';'));
    if (type != "application/zip" && type != "application/octet-stream")
        return error(415, "unsupported_media_type", "send the backup as application/zip");
    AlarmAnswer a = actions_.config.restore(ctx.request.body);
    if (a.status == GS_OK) {
        if (actions_.record_action)
            actions_.record_action("config.restored", "", 0,
                                   "configuration restored by the " + who(ctx) + " profile");
        return json_text(std::move(a.text));
    }
    if (a.status == GS_ERR_INVALID_ARG) return invalid(a, "invalid_backup");
    return refusal(a);
}

} // namespace gs::ui
