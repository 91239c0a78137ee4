// The Profile page (manual §4 "Customise"): POST /session/language sets this session's
// language. The password is changed through POST /password (api.cpp). Any logged-in profile.
#include "api.hpp"
#include "request_body.hpp"

#include <algorithm>

namespace gs::ui {

HttpResponse Api::session_language(Context &ctx) {
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    auto language = string_field(std::get<nlohmann::json>(parsed), "language", true, 16);
    if (auto *e = std::get_if<HttpResponse>(&language)) return *e;
    const std::string &lang = std::get<std::string>(language);
    if (std::find(site_.languages.begin(), site_.languages.end(), lang) == site_.languages.end())
        return error(400, "invalid_field", "language: not one of the site's languages");
    // A session's fields are read by other threads without a lock: this browser gets a new
    // session with the language, as a password change does.
    sessions_.remove(ctx.session->id);
    auto s =
        sessions_.create(ctx.session->profile, lang, ctx.session->password_stamp, clock_.mono_ns());
    HttpResponse r;
    r.body = session_json(*s).dump();
    r.headers.emplace_back("Set-Cookie", cookie_for(*s, ctx.request.tls));
    return r;
}

} // namespace gs::ui
