// GET /api/v1/openapi.json: an OpenAPI 3.0.3 document generated from the route table
// (Api::route_list: methods, paths, who may call) and api_doc.cpp (summaries, parameters,
// errors), so it cannot drift from what the router serves.
#ifndef GS_UI_WEB_OPENAPI_HPP
#define GS_UI_WEB_OPENAPI_HPP

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace gs::ui {

nlohmann::json openapi_document(const std::string &version);

// "METHOD /path" of each route without an entry in route_docs(), and of each entry of
// route_docs() without a route (the unit test wants both empty).
std::vector<std::string> undocumented_routes();
std::vector<std::string> stale_route_docs();

} // namespace gs::ui

#endif
