// The Photoview endpoints (docs/api.md, "Photoview"; manual §7.4, §8.6): GET /photoview for
// every profile; POST /photoview/pages, PUT and DELETE /photoview/pages/{id}, PUT
// /photoview/pages/{id}/image for Admin (kPermConfiguration); GET /photoview/images/{file}
// serves the backgrounds with headers under which nothing in them can run. Routed,
// authenticated and CSRF-checked by api.cpp like every endpoint; the pages live in
// PhotoviewStore (photoview_store.hpp), their elements are checked by photoview_elements.hpp.
#include "api.hpp"
#include "photoview_elements.hpp"
#include "photoview_image.hpp"
#include "request_body.hpp"
#include "text.hpp"

#include <set>

namespace gs::ui {

namespace {

constexpr const char *kImagesUrl = "/api/v1/photoview/images/";

HttpResponse store_refusal(const PhotoviewStore::Result &r) {
    using O = PhotoviewStore::Outcome;
    switch (r.outcome) {
    case O::invalid:
        return http_error(400, "invalid_field", r.message);
    case O::not_found:
        return http_error(404, "unknown_page", r.message);
    case O::too_many:
        return http_error(409, "too_many_pages", r.message);
    case O::unreadable:
        return http_error(500, "storage_unreadable", r.message);
    case O::write_failed:
    case O::ok:
        break;
    }
    return http_error(500, "storage_failed", r.message);
}

// A stored page as the API shows it: the image's file becomes its URL.
json page_json(const json &stored) {
    json page = {{"id", stored.value("id", uint64_t(0))},
                 {"name", stored.value("name", "")},
                 {"symbol", stored.value("symbol", "")},
                 {"image", nullptr},
                 {"elements", stored.value("elements", json::array())}};
    if (auto i = stored.find("image"); i != stored.end() && i->is_object())
        page["image"] = {{"url", kImagesUrl + i->value("file", "")},
                         {"width", i->value("width", 0)},
                         {"height", i->value("height", 0)}};
    return page;
}

HttpResponse page_answer(const PhotoviewStore::Result &r, int status = 200) {
    if (r.outcome != PhotoviewStore::Outcome::ok) return store_refusal(r);
    HttpResponse out;
    out.status = status;
    out.body = json_text(page_json(r.page));
    return out;
}

} // namespace

PhotoviewStore *Api::photoview_store() {
    return actions_.photoview.get();
}

HttpResponse Api::photoview_list(Context &) {
    auto *store = photoview_store();
    if (!store) return error(503, "no_photoview", "this server keeps no Photoview pages");
    auto got = store->pages();
    if (auto *r = std::get_if<PhotoviewStore::Result>(&got)) return store_refusal(*r);
    json pages = json::array();
    for (const auto &p : std::get<json>(got))
        pages.push_back(page_json(p));
    HttpResponse out;
    out.body = json_text({{"pages", pages}, {"max_pages", store->max_pages()}});
    return out;
}

HttpResponse Api::photoview_create(Context &ctx) {
    auto *store = photoview_store();
    if (!store) return error(503, "no_photoview", "this server keeps no Photoview pages");
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const json &doc = std::get<json>(parsed);
    auto name = string_field(doc, "name", true, PhotoviewStore::kMaxNameBytes);
    if (auto *e = std::get_if<HttpResponse>(&name)) return *e;
    auto symbol = string_field(doc, "symbol", false, PhotoviewStore::kMaxSymbolBytes);
    if (auto *e = std::get_if<HttpResponse>(&symbol)) return *e;
    return page_answer(store->create(std::get<std::string>(name), std::get<std::string>(symbol)),
                       201);
}

HttpResponse Api::photoview_update(Context &ctx) {
    auto *store = photoview_store();
    if (!store) return error(503, "no_photoview", "this server keeps no Photoview pages");
    auto id = parse_u64(ctx.path_id);
    if (!id) return error(404, "unknown_page", "no Photoview page '" + ctx.path_id + "'");
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const json &doc = std::get<json>(parsed);
    auto name = string_field(doc, "name", true, PhotoviewStore::kMaxNameBytes);
    if (auto *e = std::get_if<HttpResponse>(&name)) return *e;
    auto symbol = string_field(doc, "symbol", false, PhotoviewStore::kMaxSymbolBytes);
    if (auto *e = std::get_if<HttpResponse>(&symbol)) return *e;
    auto given = doc.find("elements");
    auto elements = checked_elements(given == doc.end() ? json::array() : *given, site_);
    if (auto *why = std::get_if<std::string>(&elements)) return error(400, "invalid_field", *why);
    return page_answer(store->update(*id, std::get<std::string>(name),
                                     std::get<std::string>(symbol),
                                     std::move(std::get<json>(elements))));
}

HttpResponse Api::photoview_delete(Context &ctx) {
    auto *store = photoview_store();
    if (!store) return error(503, "no_photoview", "this server keeps no Photoview pages");
    auto id = parse_u64(ctx.path_id);
    if (!id) return error(404, "unknown_page", "no Photoview page '" + ctx.path_id + "'");
    PhotoviewStore::Result r = store->remove(*id);
    if (r.outcome != PhotoviewStore::Outcome::ok) return store_refusal(r);
    HttpResponse out;
    out.body = json_text({{"id", *id}, {"deleted", true}});
    return out;
}

HttpResponse Api::photoview_image_put(Context &ctx) {
    auto *store = photoview_store();
    if (!store) return error(503, "no_photoview", "this server keeps no Photoview pages");
    auto id = parse_u64(ctx.path_id);
    if (!id) return error(404, "unknown_page", "no Photoview page '" + ctx.path_id + "'");
    auto info = inspect_image(ctx.request.content_type, ctx.request.body);
    if (auto *why = std::get_if<std::string>(&info)) return error(400, "invalid_image", *why);
    return page_answer(store->set_image(*id, std::get<ImageInfo>(info), ctx.request.body));
}

HttpResponse Api::photoview_image_get(Context &ctx) {
    auto *store = photoview_store();
    if (!store) return error(503, "no_photoview", "this server keeps no Photoview pages");
    auto bytes = store->image(ctx.path_id);
    if (!bytes) return error(404, "unknown_image", "no such Photoview image");
    HttpResponse r;
    r.content_type = image_type_of(ctx.path_id);
    r.body = std::move(*bytes);
    // Opened on its own, an SVG still runs nothing: no script, no plugin, a unique origin.
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    // A new upload gets a new file name (PhotoviewStore::set_image), so a URL never changes
    // content: the browser keeps the image instead of downloading it on every view.
    r.headers.emplace_back("Cache-Control", "private, max-age=31536000, immutable");
    r.headers.emplace_back("Content-Disposition", "inline; filename=\"" + ctx.path_id + "\"");
    return r;
}

} // namespace gs::ui

namespace gs::ui {

// The perimeter's "Photoview" view (manual §6.2): a folder per page, a load per device the page
// shows (measure and device elements), in the shape of perimeter_tree (perimeter.hpp).
HttpResponse Api::photoview_perimeter(Context &, const std::string &filter) {
    auto *store = photoview_store();
    json nodes = json::array();
    std::set<std::string> all;
    if (store) {
        auto got = store->pages();
        if (auto *r = std::get_if<PhotoviewStore::Result>(&got)) return store_refusal(*r);
        for (const auto &p : std::get<json>(got)) {
            std::string page_name = p.value("name", "");
            bool page_matches = contains_nocase(page_name, filter);
            json children = json::array();
            std::set<std::string> seen; // "source/circuit" once per page
            for (const auto &e : p.value("elements", json::array())) {
                std::string kind = e.value("kind", "");
                if (kind != "measure" && kind != "device") continue;
                const SourceInfo *source = site_.source(e.value("source", ""));
                if (!source) continue; // the site no longer has it
                uint32_t circuit = e.value("circuit", 0u);
                if (!circuit && !source->circuits.empty()) circuit = source->circuits.front().index;
                std::string key = source->name + "/" + std::to_string(circuit);
                if (!seen.insert(key).second) continue;
                if (!page_matches && !contains_nocase(source->name, filter) &&
                    !contains_nocase(source->location, filter))
                    continue;
                all.insert(key);
                children.push_back({{"name", source->name},
                                    {"type", "load"},
                                    {"source", source->name},
                                    {"circuit", circuit},
                                    {"detail", source->location},
                                    {"loads", 1},
                                    {"children", json::array()}});
            }
            if (!page_matches && children.empty()) continue;
            nodes.push_back({{"name", page_name},
                             {"type", "folder"},
                             {"page", p.value("id", uint64_t(0))},
                             {"loads", children.size()},
                             {"children", children}});
        }
    }
    HttpResponse out;
    out.body = json_text(
        {{"view", "photoview"}, {"filter", filter}, {"loads", all.size()}, {"nodes", nodes}});
    return out;
}

} // namespace gs::ui
