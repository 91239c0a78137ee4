// The Trends page's endpoints (docs/api.md): which stored series are which data
// (GET /history/series) and the favourites (GET, POST /trends/favourites, POST
// /trends/favourites/delete). Routed, authenticated and CSRF-checked by api.cpp like the others.
#include "api.hpp"
#include "request_body.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace gs::ui {

namespace {

constexpr int64_t kMs = 1'000'000;

HttpResponse answer(const json &body) {
    HttpResponse r;
    r.body = json_text(body);
    return r;
}

HttpResponse refused(const Favourites::Result &r) {
    using O = Favourites::Outcome;
    switch (r.outcome) {
    case O::invalid:
        return http_error(400, "invalid_field", r.message);
    case O::not_found:
        return http_error(404, "unknown_favourite", r.message);
    case O::not_allowed:
        return http_error(403, "favourite_not_yours", r.message);
    case O::too_many:
        return http_error(409, "too_many_favourites", r.message);
    case O::unreadable:
        return http_error(500, "favourites_unreadable", r.message);
    case O::write_failed:
    case O::ok:
        break;
    }
    return http_error(500, "storage_failed", r.message);
}

} // namespace

HttpResponse Api::history_series(Context &ctx) {
    std::set<std::string, std::less<>> wanted;
    if (auto s = ctx.query.find("source"); s != ctx.query.end()) {
        size_t start = 0;
        const std::string &list = s->second;
        while (start <= list.size()) {
            size_t comma = std::min(list.find(',', start), list.size());
            std::string name = list.substr(start, comma - start);
            if (!site_.source(name))
                return error(404, "unknown_source", "source: no source '" + name + "'");
            wanted.insert(std::move(name));
            start = comma + 1;
        }
    }
    std::optional<std::vector<StoredSeries>> all;
    if (actions_.stored_series) all = actions_.stored_series();
    if (!all) return error(503, "no_storage", "this server runs no storage with a query service");
    std::sort(all->begin(), all->end(), [](const StoredSeries &a, const StoredSeries &b) {
        return std::tie(a.source, a.circuit, a.data) < std::tie(b.source, b.circuit, b.data);
    });
    json series = json::array();
    for (const StoredSeries &s : *all) {
        if (!wanted.empty() && !wanted.count(s.source)) continue;
        const CatalogEntry *entry = site_.data(s.data);
        series.push_back({{"id", s.id},
                          {"source", s.source},
                          {"circuit", s.circuit},
                          {"data", s.data},
                          {"unit", entry ? entry->unit : ""},
                          {"type", entry ? entry->type : ""},
                          {"description", entry ? entry->description : ""},
                          {"count", s.count},
                          {"from", s.from_utc_ns / kMs},
                          {"to", s.to_utc_ns / kMs}});
    }
    return answer({{"series", std::move(series)}});
}

HttpResponse Api::favourites_list(Context &) {
    if (!actions_.favourites)
        return error(501, "not_implemented", "this server keeps no favourites");
    auto got = actions_.favourites->list();
    if (auto *r = std::get_if<Favourites::Result>(&got)) return refused(*r);
    json list = json::array();
    for (const Favourite &f : std::get<std::vector<Favourite>>(got))
        list.push_back(Favourites::to_json(f));
    return answer({{"favourites", std::move(list)}});
}

HttpResponse Api::favourite_save(Context &ctx) {
    if (!actions_.favourites)
        return error(501, "not_implemented", "this server keeps no favourites");
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const json &doc = std::get<json>(parsed);
    auto name = string_field(doc, "name", true, Favourites::kMaxNameBytes);
    if (auto *e = std::get_if<HttpResponse>(&name)) return *e;
    auto title = string_field(doc, "title", false, Favourites::kMaxTitleBytes);
    if (auto *e = std::get_if<HttpResponse>(&title)) return *e;
    Favourite f;
    f.name = std::get<std::string>(name);
    f.title = std::get<std::string>(title);
    f.profile = ctx.session->profile;
    f.saved_ms = clock_.utc_ns() / kMs;
    f.selection = doc.value("selection", json());
    auto result = actions_.favourites->save(f, ctx.session->profile);
    if (result.outcome != Favourites::Outcome::ok) return refused(result);
    return answer(Favourites::to_json(f));
}

HttpResponse Api::favourite_delete(Context &ctx) {
    if (!actions_.favourites)
        return error(501, "not_implemented", "this server keeps no favourites");
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    auto name = string_field(std::get<json>(parsed), "name", true, Favourites::kMaxNameBytes);
    if (auto *e = std::get_if<HttpResponse>(&name)) return *e;
    auto result = actions_.favourites->remove(std::get<std::string>(name), ctx.session->profile);
    if (result.outcome != Favourites::Outcome::ok) return refused(result);
    return answer({{"name", std::get<std::string>(name)}, {"deleted", true}});
}

} // namespace gs::ui
