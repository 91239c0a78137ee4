// What each route of the API does and how it can fail, for GET /api/v1/openapi.json
// (openapi.hpp). One entry per route of Api::routes(), keyed by method and path: the unit test
// (tests/test_openapi.cpp) fails when a route has no entry, or an entry no route. Who may call
// a route comes from the route table itself; the errors every route shares (401, 403, 405,
// 413, 415, 500...) are added by the generator from the route's kind.
#ifndef GS_UI_WEB_API_DOC_HPP
#define GS_UI_WEB_API_DOC_HPP

#include <cstdint>
#include <vector>

namespace gs::ui {

struct ErrorDoc {
    int status;
    const char *code; // the "error" member of the JSON body
};

struct RouteDoc {
    const char *method;
    const char *path; // under /api/v1
    const char *summary;
    std::vector<const char *> query; // query parameters (strings)
    std::vector<ErrorDoc> errors;    // this route's own errors
    bool json_body = false;          // POST with a JSON object body
};

// The routes of Api::routes().
const std::vector<RouteDoc> &route_docs();

// Endpoints served outside the route table: the live stream (Api::open_stream) and /metrics.
struct ExtraRouteDoc {
    RouteDoc doc;
    bool anonymous;
    uint32_t permission;
    const char *server; // the path's server when not /api/v1 ("" = /api/v1)
};
const std::vector<ExtraRouteDoc> &extra_route_docs();

} // namespace gs::ui

#endif
