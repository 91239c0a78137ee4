#include "openapi.hpp"

#include "api.hpp"
#include "api_doc.hpp"
#include "auth.hpp"

#include <map>

namespace gs::ui {

using nlohmann::json;

namespace {

const RouteDoc *doc_of(const std::string &method, const std::string &path) {
    for (const auto &d : route_docs())
        if (method == d.method && path == d.path) return &d;
    return nullptr;
}

// Who may call: "anonymous", or the profiles holding every bit of `permission`.
json profiles_for(bool anonymous, bool any_session, uint32_t permission) {
    json out = json::array();
    if (anonymous) return json::array({"anonymous"});
    for (Profile p : {Profile::user, Profile::advanced, Profile::admin})
        if (any_session || (permissions_of(p) & permission) == permission)
            out.push_back(profile_name(p));
    return out;
}

// The errors of one operation: its own and those its kind shares, status -> codes.
std::map<int, std::vector<std::string>> errors_of(const RouteDoc &doc, bool anonymous,
                                                  bool any_session, bool routed) {
    std::map<int, std::vector<std::string>> out;
    auto add = [&](int status, const std::string &code) {
        auto &codes = out[status];
        for (const auto &c : codes)
            if (c == code) return;
        codes.push_back(code);
    };
    for (const auto &e : doc.errors)
        add(e.status, e.code);
    add(500, "internal_error");
    add(405, "method_not_allowed");
    if (routed || std::string(doc.path) == "/live/stream") add(400, "bad_query");
    if (!anonymous) {
        add(401, "unauthenticated");
        add(401, "password_changed");
        if (!any_session) add(403, "forbidden");
    }
    if (Api::changes_state(doc.method)) { // what the router checks first (api.cpp, route())
        add(413, "body_too_large");
        add(415, "unsupported_media_type");
        add(403, "bad_origin");
        if (!anonymous) add(403, "csrf");
    }
    return out;
}

json operation(const RouteDoc &doc, bool anonymous, bool any_session, uint32_t permission,
               bool routed) {
    json op;
    op["summary"] = doc.summary;
    op["operationId"] = std::string(doc.method) + std::string(doc.path);
    op["x-gridscope-profiles"] = profiles_for(anonymous, any_session, permission);
    op["x-gridscope-permissions"] =
        anonymous || any_session ? json::array() : json(permission_names(permission));
    if (std::string(doc.path) == "/metrics")
        op["security"] = json::array({json::object(), {{"metricsBearer", json::array()}}});
    else if (anonymous)
        op["security"] = json::array();
    else
        op["security"] = json::array({{{"session", json::array()}}});
    if (!doc.query.empty()) {
        json params = json::array();
        for (const char *q : doc.query)
            params.push_back({{"name", q},
                              {"in", "query"},
                              {"required", false},
                              {"schema", {{"type", "string"}}}});
        op["parameters"] = params;
    }
    if (doc.json_body)
        op["requestBody"] = {
            {"required", true},
            {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    if (Api::changes_state(doc.method) && !anonymous)
        op["parameters"].push_back({{"name", "X-CSRF-Token"},
                                    {"in", "header"},
                                    {"required", true},
                                    {"schema", {{"type", "string"}}}});
    json responses;
    std::string type = std::string(doc.path) == "/metrics"       ? "text/plain"
                       : std::string(doc.path) == "/live/stream" ? "text/event-stream"
                                                                 : "application/json";
    responses["200"] = {
        {"description", "OK"},
        {"content",
         {{type, {{"schema", {{"type", type == "application/json" ? "object" : "string"}}}}}}}};
    for (const auto &[status, codes] : errors_of(doc, anonymous, any_session, routed)) {
        std::string text;
        for (const auto &c : codes)
            text += (text.empty() ? "" : ", ") + c;
        json r = {{"description", "error: " + text},
                  {"content",
                   {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}},
                  {"x-gridscope-errors", codes}};
        if (status == 429) r["headers"] = {{"Retry-After", {{"schema", {{"type", "integer"}}}}}};
        responses[std::to_string(status)] = r;
    }
    op["responses"] = responses;
    return op;
}

std::string lower(std::string s) {
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

json openapi_document(const std::string &version) {
    json paths = json::object();
    for (const auto &r : Api::route_list()) {
        const RouteDoc *doc = doc_of(r.method, r.path);
        RouteDoc missing{r.method.c_str(), r.path.c_str(), "(undocumented)", {}, {}};
        paths[r.path][lower(r.method)] =
            operation(doc ? *doc : missing, r.anonymous, r.any_session, r.permission, true);
    }
    for (const auto &e : extra_route_docs()) {
        paths[e.doc.path][lower(e.doc.method)] =
            operation(e.doc, e.anonymous, false, e.permission, false);
        if (*e.server) paths[e.doc.path]["servers"] = json::array({{{"url", e.server}}});
    }
    return {
        {"openapi", "3.0.3"},
        {"info",
         {{"title", "gridscope API"},
          {"version", version},
          {"description",
           "The REST API of a gridscope site (docs/api.md). Roles: x-gridscope-profiles lists "
           "the profiles (user, advanced, admin) allowed to call each operation; "
           "x-gridscope-errors the error codes of each status."}}},
        {"servers", json::array({{{"url", "/api/v1"}}})},
        {"paths", paths},
        {"components",
         {{"schemas",
           {{"Error",
             {{"type", "object"},
              {"required", json::array({"error", "message"})},
              {"properties",
               {{"error", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}},
          {"securitySchemes",
           {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "gs_session"}}},
            {"metricsBearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
    };
}

std::vector<std::string> undocumented_routes() {
    std::vector<std::string> out;
    for (const auto &r : Api::route_list())
        if (!doc_of(r.method, r.path)) out.push_back(r.method + " " + r.path);
    return out;
}

std::vector<std::string> stale_route_docs() {
    std::vector<std::string> out;
    auto routes = Api::route_list();
    for (const auto &d : route_docs()) {
        bool found = false;
        for (const auto &r : routes)
            found = found || (r.method == d.method && r.path == d.path);
        if (!found) out.push_back(std::string(d.method) + " " + d.path);
    }
    return out;
}

HttpResponse Api::openapi(Context &) {
    // The same for the life of the process: built once.
    static const std::string text = json_text(openapi_document(options_.version));
    HttpResponse r;
    r.body = text;
    return r;
}

} // namespace gs::ui
