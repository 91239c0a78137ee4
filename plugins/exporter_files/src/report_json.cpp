#include "report_json.hpp"

#include <cstdio>

namespace gs::exporter {

namespace {

nlohmann::json iso(std::optional<publish::SysSeconds> t) {
    if (!t || *t == publish::SysSeconds::max() || *t == publish::SysSeconds::min()) return nullptr;
    return date::format("%FT%TZ", *t);
}

std::string schedule_text(const publish::Schedule &s) {
    static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    if (s.at_minute) {
        char at[16];
        std::snprintf(at, sizeof at, "%02d:%02d", *s.at_minute / 60 % 24, *s.at_minute % 60);
        return std::string("at ") + at +
               (s.day && *s.day < 7 ? std::string(" ") + days[*s.day] : "");
    }
    const long long n = s.every.count();
    if (n % 86400 == 0) return "every " + std::to_string(n / 86400) + "d";
    if (n % 3600 == 0) return "every " + std::to_string(n / 3600) + "h";
    if (n % 60 == 0) return "every " + std::to_string(n / 60) + "m";
    return "every " + std::to_string(n) + "s";
}

} // namespace

nlohmann::json deliveries_json(const publish::RunReport &report) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto &d : report.files)
        out.push_back({{"file", d.file},
                       {"type", publish::to_string(d.type)},
                       {"rows", d.rows},
                       {"bytes", d.bytes},
                       {"status", d.status}});
    return out;
}

nlohmann::json status_json(const publish::Settings &settings, const publish::DeliveryQueue *queue,
                           const std::string &destination, const std::string &failing,
                           publish::SysSeconds now) {
    const publish::ServerSettings &s = settings.server;
    const bool http = publish::is_http(s.protocol);
    nlohmann::json server = {
        {"protocol", publish::to_string(s.protocol)},
        {"host", s.host},
        {"port", s.port ? s.port : publish::default_port(s.protocol)},
        {"user", s.user},
        {"password_set", !s.password.empty()}, // the password itself never leaves the plugin
        {"directory", s.directory},
        {"passive", http ? nlohmann::json(nullptr) : nlohmann::json(s.passive)},
        {"method", http ? nlohmann::json(s.method == publish::HttpMethod::put ? "put" : "post")
                        : nlohmann::json(nullptr)},
        {"auth", http ? nlohmann::json(s.auth == publish::HttpAuth::ntlm ? "ntlm" : "basic")
                      : nlohmann::json(nullptr)},
        {"destination", destination}};
    nlohmann::json plans = nlohmann::json::array();
    for (size_t i = 0; i < settings.plans.size(); ++i) {
        const publish::Plan &p = settings.plans[i];
        nlohmann::json plan = {{"type", publish::to_string(p.type)},
                               {"files", publish::to_string(p.files)},
                               {"schedule", schedule_text(p.schedule)}};
        if (queue) {
            publish::PlanState st = queue->state(i, now);
            plan["delivered_until"] = iso(st.delivered_until);
            plan["last_success"] = iso(st.last_success);
            plan["last_failure"] = iso(st.last_failure);
            plan["last_error"] = st.last_error;
            plan["next_run"] = iso(st.next_run);
            plan["pending"] = st.pending;
        }
        plans.push_back(std::move(plan));
    }
    return {{"identification",
             {{"site", settings.identification.site}, {"server", settings.identification.server}}},
            {"server", std::move(server)},
            {"plans", std::move(plans)},
            {"failing", failing},
            {"retry_at", queue ? iso(queue->retry_at()) : nullptr},
            {"dropped_total", queue ? queue->dropped_total() : 0}};
}

nlohmann::json check_json(const publish::UploadResult &result, const std::string &destination) {
    return {{"ok", result.ok()},
            {"failure", result.ok() ? "" : publish::to_string(result.failure)},
            {"message", result.ok() ? "connected and logged in" : result.error},
            {"destination", destination}};
}

} // namespace gs::exporter
