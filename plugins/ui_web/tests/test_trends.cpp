// The Trends page's endpoints: the stored series list and the favourites (their file, who may
// replace or delete what, CSRF). The file is real (a temporary data dir); the store is a fake
// query service (ui_browser runs the real one).
#include "api.hpp"
#include "common.hpp"
#include "favourites.hpp"
#include "stored_series.hpp"

#include <gridscope/services/storage.h>

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

using namespace gs::ui;

namespace {

constexpr int64_t kS = 1'000'000'000;

std::string temp_dir() {
    char tmpl[] = "/tmp/ui_web_trends_XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    return tmpl;
}

Favourite favourite(const std::string &name, const std::string &title = "a title") {
    Favourite f;
    f.name = name;
    f.title = title;
    f.saved_ms = 5;
    f.selection = {{"series", {7}}, {"mode", "overlay"}};
    return f;
}

std::vector<Favourite> listed(Favourites &store) {
    auto got = store.list();
    REQUIRE(std::holds_alternative<std::vector<Favourite>>(got));
    return std::get<std::vector<Favourite>>(got);
}

// Two series: 7 = tgbt/1/IPSumInst (W, measure), 9 = pm/0/Nope (not in the catalog).
gs_storage_query_v1 fake_store() {
    gs_storage_query_v1 q{};
    q.struct_size = sizeof q;
    q.list_series = [](void *, gs_series_info_fn fn, void *payload) -> gs_status {
        gs_series_info a{sizeof(gs_series_info), 1, 7, "tgbt", "IPSumInst", 10, 2 * kS, 9 * kS};
        gs_series_info b{sizeof(gs_series_info), 0, 9, "pm", "Nope", 1, 0, 0};
        gs_status st = fn(payload, &b);
        return st == GS_OK ? fn(payload, &a) : st;
    };
    return q;
}

struct Fixture {
    std::string dir = temp_dir();
    std::unique_ptr<LiveTable> live;
    std::unique_ptr<PasswordStore> passwords;
    std::unique_ptr<Api> api;
    gs_storage_query_v1 store = fake_store();
    bool store_up = true;

    Fixture() {
        REQUIRE(crypto_init());
        live = std::make_unique<LiveTable>(std::vector<LiveTable::SourceSpec>{}, 3);
        passwords = std::make_unique<PasswordStore>(dir + "/passwords");
        passwords->set(Profile::admin, "admin-password");
        ApiActions actions;
        actions.stored_series = storage_series_list([this] { return store_up ? &store : nullptr; });
        actions.favourites = std::make_shared<Favourites>(dir + "/trends-favourites.json");
        api = std::make_unique<Api>(test_site(), *live, *passwords, ApiOptions{},
                                    ApiClock{[] { return 100 * kS; }, [] { return 1000 * kS; }},
                                    actions);
    }
    ~Fixture() { std::system(("rm -rf '" + dir + "'").c_str()); }

    struct Login {
        std::string cookie, csrf;
    };
    Login login(const std::string &profile, const std::string &password = "") {
        json body = {{"profile", profile}, {"password", password}};
        HttpResponse r = api->handle(api_request("POST", "/api/v1/login", body.dump(), ""));
        REQUIRE(r.status == 200);
        std::string cookie;
        for (auto &[k, v] : r.headers)
            if (k == "Set-Cookie") cookie = v.substr(0, v.find(';'));
        return {cookie, json::parse(r.body)["csrf_token"]};
    }
    HttpResponse call(const std::string &method, const std::string &target, const Login &who,
                      const std::string &body = "") {
        return api->handle(api_request(method, target, body, who.cookie, who.csrf));
    }
};

} // namespace

TEST_CASE("favourites: saved to the file, listed by name, kept by a new instance") {
    std::string dir = temp_dir();
    {
        Favourites store(dir + "/fav.json");
        CHECK(listed(store).empty()); // no file yet
        CHECK(store.save(favourite("b"), Profile::user).outcome == Favourites::Outcome::ok);
        CHECK(store.save(favourite("a", "Voltages"), Profile::advanced).outcome ==
              Favourites::Outcome::ok);
    }
    Favourites again(dir + "/fav.json");
    auto items = listed(again);
    REQUIRE(items.size() == 2);
    CHECK(items[0].name == "a");
    CHECK(items[0].title == "Voltages");
    CHECK(items[0].profile == Profile::advanced);
    CHECK(items[0].selection["series"][0] == 7);
    CHECK(items[1].name == "b");
    CHECK(items[1].profile == Profile::user);
    // no temporary file left beside it
    CHECK(std::system(("test $(ls '" + dir + "' | wc -l) -eq 1").c_str()) == 0);
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("favourites: a profile replaces or deletes its own and lower profiles' only") {
    std::string dir = temp_dir();
    Favourites store(dir + "/fav.json");
    using O = Favourites::Outcome;
    REQUIRE(store.save(favourite("admin's"), Profile::admin).outcome == O::ok);
    REQUIRE(store.save(favourite("user's"), Profile::user).outcome == O::ok);
    CHECK(store.save(favourite("admin's", "taken over"), Profile::user).outcome == O::not_allowed);
    CHECK(store.remove("admin's", Profile::advanced).outcome == O::not_allowed);
    CHECK(listed(store)[0].title == "a title");
    CHECK(store.save(favourite("user's", "by advanced"), Profile::advanced).outcome == O::ok);
    CHECK(listed(store)[1].profile == Profile::advanced); // now the advanced profile's
    CHECK(store.remove("user's", Profile::user).outcome == O::not_allowed);
    CHECK(store.remove("user's", Profile::admin).outcome == O::ok);
    CHECK(store.remove("user's", Profile::admin).outcome == O::not_found);
    CHECK(store.remove("admin's", Profile::admin).outcome == O::ok);
    CHECK(listed(store).empty());
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("favourites: bad fields are refused, a foreign file is reported and never replaced") {
    std::string dir = temp_dir();
    Favourites store(dir + "/fav.json");
    using O = Favourites::Outcome;
    CHECK(store.save(favourite(""), Profile::user).outcome == O::invalid);
    CHECK(store.save(favourite(std::string(65, 'n')), Profile::user).outcome == O::invalid);
    CHECK(store.save(favourite("n", "line\nbreak"), Profile::user).outcome == O::invalid);
    Favourite big = favourite("big");
    big.selection = {{"x", std::string(9000, 'x')}};
    CHECK(store.save(big, Profile::user).outcome == O::invalid);
    Favourite array = favourite("array");
    array.selection = json::array();
    CHECK(store.save(array, Profile::user).outcome == O::invalid);

    { std::ofstream(dir + "/fav.json") << "{\"not\": \"ours\"}"; }
    auto got = store.list();
    REQUIRE(std::holds_alternative<Favourites::Result>(got));
    CHECK(std::get<Favourites::Result>(got).outcome == O::unreadable);
    CHECK(store.save(favourite("x"), Profile::admin).outcome == O::unreadable);
    CHECK(read_text(dir + "/fav.json") == "{\"not\": \"ours\"}");
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("favourites API: CSRF, per-profile rules, the file in the data dir") {
    Fixture f;
    auto user = f.login("user");
    auto admin = f.login("admin", "admin-password");
    const std::string target = "/api/v1/trends/favourites";
    json body = {
        {"name", "Main power"}, {"title", "P of the TGBT"}, {"selection", {{"series", {7}}}}};

    CHECK(f.api->handle(api_request("GET", target, "", "")).status == 401);
    CHECK(f.api->handle(api_request("POST", target, body.dump(), user.cookie, "")).status == 403);
    HttpResponse r = f.call("POST", target, admin, body.dump());
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["profile"] == "admin");
    CHECK(json::parse(r.body)["saved"] == 1'000'000);

    r = f.call("GET", target, user);
    REQUIRE(r.status == 200);
    json list = json::parse(r.body)["favourites"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["name"] == "Main power");
    CHECK(list[0]["title"] == "P of the TGBT");
    CHECK(list[0]["selection"]["series"][0] == 7);
    CHECK(read_text(f.dir + "/trends-favourites.json").find("Main power") != std::string::npos);

    // The User may not replace nor delete the Admin's favourite; the Admin may.
    CHECK(f.call("POST", target, user, body.dump()).status == 403);
    json del = {{"name", "Main power"}};
    CHECK(f.call("POST", target + "/delete", user, del.dump()).status == 403);
    CHECK(f.call("POST", target + "/delete", admin, del.dump()).status == 200);
    CHECK(f.call("POST", target + "/delete", admin, del.dump()).status == 404);
    CHECK(f.call("POST", target, user, R"({"title": "no name"})").status == 400);
    CHECK(f.call("POST", target, user, R"({"name": "n", "selection": 3})").status == 400);
    CHECK(f.call("POST", target, user, "not json").status == 400);
}

TEST_CASE("GET /history/series: ids with unit and category, filtered by source") {
    Fixture f;
    auto user = f.login("user");
    HttpResponse r = f.call("GET", "/api/v1/history/series", user);
    REQUIRE(r.status == 200);
    json all = json::parse(r.body)["series"];
    REQUIRE(all.size() == 2);
    CHECK(all[0]["source"] == "pm"); // sorted by source
    CHECK(all[0]["unit"] == "");
    CHECK(all[1] == json{{"id", 7},
                         {"source", "tgbt"},
                         {"circuit", 1},
                         {"data", "IPSumInst"},
                         {"unit", "W"},
                         {"type", "measure"},
                         {"description", "P"},
                         {"count", 10},
                         {"from", 2000},
                         {"to", 9000}});
    r = f.call("GET", "/api/v1/history/series?source=tgbt", user);
    CHECK(json::parse(r.body)["series"].size() == 1);
    CHECK(f.call("GET", "/api/v1/history/series?source=tgbt,nope", user).status == 404);
    CHECK(f.api->handle(api_request("GET", "/api/v1/history/series", "", "")).status == 401);
    f.store_up = false;
    CHECK(f.call("GET", "/api/v1/history/series", user).status == 503);
}
