// The Auto discovery endpoints (docs/api.md, "Discovery", manual §8.2.6 and §8.3.2), over the
// kernel's service gridscope.discovery/1 (discovery.hpp): GET /discovery/scan (the drivers
// that can scan, the scan's progress and the devices found), POST /discovery/scan (start one),
// POST /discovery/scan/cancel. Admin only; routed, authenticated and CSRF-checked by api.cpp.
#include "api.hpp"
#include "discovery.hpp"
#include "request_body.hpp"

#include <atomic>
#include <ctime>
#include <memory>
#include <vector>

namespace gs::ui {

namespace {

const char *state_name(uint32_t state) {
    switch (state) {
    case GS_DISCOVERY_RUNNING:
        return "running";
    case GS_DISCOVERY_DONE:
        return "done";
    case GS_DISCOVERY_FAILED:
        return "failed";
    case GS_DISCOVERY_CANCELLED:
        return "cancelled";
    default:
        return "idle";
    }
}

json iso_utc(int64_t ns) {
    if (ns <= 0) return nullptr;
    std::time_t s = static_cast<std::time_t>(ns / 1000000000);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

bool is_count(const std::string &s) {
    return !s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos;
}

// A found device as the driver reported it, with unit and circuits as numbers and an unknown
// profile as null (as `gridscope discover --format json` prints them).
json device_json(const char *const *keys, const char *const *values, size_t count) {
    json d = json::object();
    for (size_t i = 0; i < count; ++i) {
        std::string k = keys[i] ? keys[i] : "", v = values[i] ? values[i] : "";
        if (k.empty()) continue;
        if ((k == "unit" || k == "circuits") && is_count(v))
            d[k] = std::stoul(v);
        else if ((k == "profile" || k == "circuits") && v.empty())
            d[k] = nullptr;
        else
            d[k] = v;
    }
    return d;
}

HttpResponse json_response(int status, const json &body) {
    HttpResponse r;
    r.status = status;
    r.body = json_text(body);
    return r;
}

HttpResponse refusal(const DiscoveryAnswer &a) {
    switch (a.status) {
    case GS_ERR_INVALID_ARG:
        return http_error(400, "invalid_setting", a.message);
    case GS_ERR_NOT_FOUND:
        return http_error(404, "unknown_driver", a.message);
    case GS_ERR_RETRY_LATER:
        return http_error(409, "busy", a.message);
    case GS_ERR_STATE:
        return http_error(503, "no_discovery",
                          a.message.empty() ? "this site offers no device discovery" : a.message);
    default:
        return http_error(500, "discovery_failed",
                          "the discovery failed (status " + std::to_string(a.status) + ")" +
                              (a.message.empty() ? "" : ": " + a.message));
    }
}

} // namespace

Discovery discovery_over(std::function<const gs_discovery_service_v1 *()> lookup) {
    auto cached = std::make_shared<std::atomic<const gs_discovery_service_v1 *>>(nullptr);
    auto service = [lookup, cached]() -> const gs_discovery_service_v1 * {
        if (const auto *known = cached->load()) return known;
        const gs_discovery_service_v1 *s = lookup();
        if (!s || s->struct_size < sizeof(gs_discovery_service_v1)) return nullptr;
        cached->store(s);
        return s;
    };
    Discovery d;
    d.drivers = [service] {
        json out = json::array();
        if (const auto *s = service())
            s->drivers(
                s->context,
                [](void *payload, const char *plugin, const gs_cli_option *const *options,
                   size_t count) -> gs_status {
                    json settings = json::array();
                    for (size_t i = 0; i < count; ++i) {
                        const gs_cli_option *o = options[i];
                        if (!o || !o->key) continue;
                        settings.push_back(
                            {{"key", o->key},
                             {"description", o->description ? o->description : ""},
                             {"default", o->default_value ? json(o->default_value) : json()},
                             {"integer", o->integer != 0},
                             {"address", o->address != 0}});
                    }
                    static_cast<json *>(payload)->push_back(
                        {{"id", plugin ? plugin : ""}, {"settings", std::move(settings)}});
                    return GS_OK;
                },
                &out);
        return json{{"drivers", std::move(out)}};
    };
    d.start = [service](const std::string &driver,
                        const std::map<std::string, std::string> &settings) {
        DiscoveryAnswer a;
        const auto *s = service();
        if (!s) {
            a.status = GS_ERR_STATE;
            return a;
        }
        std::vector<const char *> keys, values;
        for (const auto &[k, v] : settings) {
            keys.push_back(k.c_str());
            values.push_back(v.c_str());
        }
        char message[512] = "";
        a.status = s->start(s->context, driver.c_str(), keys.data(), values.data(), keys.size(),
                            message, sizeof message);
        a.message = message;
        return a;
    };
    d.status = [service] {
        DiscoveryAnswer a;
        const auto *s = service();
        if (!s) {
            a.status = GS_ERR_STATE;
            return a;
        }
        a.state = {{"scan", json::object()}, {"devices", json::array()}};
        a.status = s->status(
            s->context,
            [](void *payload, const gs_discovery_status *st) -> gs_status {
                (*static_cast<json *>(payload))["scan"] = {
                    {"state", state_name(st->state)},
                    {"driver", st->driver ? st->driver : ""},
                    {"message", st->message ? st->message : ""},
                    {"done", st->done},
                    {"total", st->total},
                    {"found", st->found},
                    {"started", iso_utc(st->started_utc_ns)},
                    {"ended", iso_utc(st->ended_utc_ns)}};
                return GS_OK;
            },
            [](void *payload, const char *const *keys, const char *const *values,
               size_t count) -> gs_status {
                (*static_cast<json *>(payload))["devices"].push_back(
                    device_json(keys, values, count));
                return GS_OK;
            },
            &a.state);
        return a;
    };
    d.cancel = [service] {
        DiscoveryAnswer a;
        const auto *s = service();
        a.status = s ? s->cancel(s->context) : GS_ERR_STATE;
        return a;
    };
    return d;
}

HttpResponse Api::discovery_get(Context &) {
    if (!actions_.discovery) return refusal({GS_ERR_STATE, "", {}});
    DiscoveryAnswer a = actions_.discovery.status();
    if (a.status != GS_OK) return refusal(a);
    json body = actions_.discovery.drivers();
    body["scan"] = std::move(a.state["scan"]);
    body["devices"] = std::move(a.state["devices"]);
    return json_response(200, body);
}

// {"driver": "<plugin id>", "settings": {"<key>": "<value>" | <integer>}}: a scan starts with
// the settings the driver declares (docs/api.md lists driver_socomec_diris's).
HttpResponse Api::discovery_start(Context &ctx) {
    if (!actions_.discovery) return refusal({GS_ERR_STATE, "", {}});
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const json &doc = std::get<json>(parsed);
    auto driver = string_field(doc, "driver", true, 128);
    if (auto *e = std::get_if<HttpResponse>(&driver)) return *e;
    std::map<std::string, std::string> settings;
    if (doc.contains("settings")) {
        const json &given = doc["settings"];
        if (!given.is_object() || given.size() > 32)
            return http_error(400, "invalid_field", "settings: expected an object of settings");
        for (const auto &[key, value] : given.items()) {
            if (key.size() > 64 ||
                (value.is_string() && value.get_ref<const std::string &>().size() > 1024))
                return http_error(400, "invalid_field", "settings." + key + ": too long");
            if (value.is_string())
                settings[key] = value.get<std::string>();
            else if (value.is_number_integer())
                settings[key] = std::to_string(value.get<int64_t>());
            else
                return http_error(400, "invalid_field",
                                  "settings." + key + ": expected a string or an integer");
        }
    }
    DiscoveryAnswer a = actions_.discovery.start(std::get<std::string>(driver), settings);
    if (a.status != GS_OK) return refusal(a);
    if (actions_.record_action)
        actions_.record_action("discovery.scan", "", 0,
                               "device discovery started with " + std::get<std::string>(driver) +
                                   " by the " + who(ctx) + " profile");
    DiscoveryAnswer now = actions_.discovery.status();
    if (now.status != GS_OK) return refusal(now);
    return json_response(202, now.state);
}

HttpResponse Api::discovery_cancel(Context &) {
    if (!actions_.discovery) return refusal({GS_ERR_STATE, "", {}});
    DiscoveryAnswer a = actions_.discovery.cancel();
    if (a.status == GS_ERR_STATE) return http_error(409, "not_running", "no scan runs");
    if (a.status != GS_OK) return refusal(a);
    return json_response(200, {{"cancelling", true}});
}

} // namespace gs::ui
