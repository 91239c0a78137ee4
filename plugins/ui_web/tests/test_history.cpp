// GET /api/v1/history: the ISO times, the query checks, the answer's JSON, and the reads of the
// storage's query service (a fake one here; api_test.py runs the real store).
#include "api.hpp"
#include "common.hpp"
#include "history.hpp"
#include "storage_history.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <random>

using namespace gs::ui;

namespace {

constexpr int64_t kS = 1'000'000'000;

// A store of two series: 7 = tgbt/1/IPSumInst, 9 = pm/0/Nope (not in the catalog).
struct FakeStore {
    gs_storage_query_v1 q{};
    int list_calls = 0;
    std::vector<gs_history_bucket> buckets; // reported for every requested series
    size_t extra_index = 0;                 // > 0: report one bucket for this index too
    gs_status answer = GS_OK;

    FakeStore() {
        q.struct_size = sizeof q;
        q.context = this;
        q.list_series = [](void *ctx, gs_series_info_fn fn, void *payload) -> gs_status {
            auto *self = static_cast<FakeStore *>(ctx);
            ++self->list_calls;
            gs_series_info a{sizeof(gs_series_info), 1, 7, "tgbt", "IPSumInst", 10, 0, 0};
            gs_series_info b{sizeof(gs_series_info), 0, 9, "pm", "Nope", 1, 0, 0};
            gs_status st = fn(payload, &a);
            return st == GS_OK ? fn(payload, &b) : st;
        };
        q.history = [](void *ctx, const uint64_t *, size_t count, int64_t, int64_t, uint32_t,
                       gs_history_bucket_fn fn, void *payload) -> gs_status {
            auto *self = static_cast<FakeStore *>(ctx);
            if (self->answer != GS_OK) return self->answer;
            for (size_t i = 0; i < count; ++i)
                for (const auto &b : self->buckets)
                    if (gs_status st = fn(payload, i, &b); st != GS_OK) return st;
            if (self->extra_index) return fn(payload, self->extra_index, &self->buckets.front());
            return GS_OK;
        };
    }
    HistorySource source() {
        return storage_history([this] { return &q; });
    }
};

gs_history_bucket bucket(int64_t start, double mn, double mx, double avg) {
    return {sizeof(gs_history_bucket), 1, start, 0, mn, mx, avg};
}

struct ApiFixture {
    std::string dir;
    std::unique_ptr<LiveTable> live;
    std::unique_ptr<PasswordStore> passwords;
    std::unique_ptr<Api> api;
    std::string cookie;

    explicit ApiFixture(HistorySource history) {
        REQUIRE(crypto_init());
        char tmpl[] = "/tmp/ui_web_history_XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir = tmpl;
        live = std::make_unique<LiveTable>(std::vector<LiveTable::SourceSpec>{}, 3);
        passwords = std::make_unique<PasswordStore>(dir + "/passwords");
        ApiActions actions;
        actions.history = std::move(history);
        api = std::make_unique<Api>(test_site(), *live, *passwords, ApiOptions{},
                                    ApiClock{[] { return 100 * kS; }, [] { return 1000 * kS; }},
                                    actions);
        HttpResponse r = call("POST", "/api/v1/login", R"({"profile": "user"})");
        REQUIRE(r.status == 200);
        for (auto &[k, v] : r.headers)
            if (k == "Set-Cookie") cookie = v.substr(0, v.find(';'));
    }
    ~ApiFixture() { std::system(("rm -rf '" + dir + "'").c_str()); }

    HttpResponse call(const std::string &method, const std::string &target,
                      const std::string &body = "", bool logged_in = true) {
        return api->handle(api_request(method, target, body, logged_in ? cookie : ""));
    }
};

const char *kRange = "from=2026-03-29T00:00:00Z&to=2026-03-29T01:00:00Z&points=";

} // namespace

TEST_CASE("ISO 8601 times with an offset") {
    CHECK(parse_iso_time("1970-01-01T00:00:00Z") == 0);
    CHECK(parse_iso_time("2026-03-29T00:00:00Z") == int64_t(1774742400) * kS);
    CHECK(parse_iso_time("2026-03-29T01:00:00+01:00") == int64_t(1774742400) * kS);
    CHECK(parse_iso_time("2026-03-29T01:00:00 01:00") == int64_t(1774742400) * kS); // '+' as ' '
    CHECK(parse_iso_time("2026-03-28T19:00:00-0500") == int64_t(1774742400) * kS);
    CHECK(parse_iso_time("2026-03-29T00:00:00.25Z") == int64_t(1774742400) * kS + 250'000'000);
    CHECK(parse_iso_time("2026-03-29T00:00:00.000000001Z") == int64_t(1774742400) * kS + 1);
    CHECK(parse_iso_time("1969-12-31T23:59:59.5Z") == -500'000'000);
    CHECK(parse_iso_time("2024-02-29T00:00:00Z"));
    for (const char *bad : {"",
                            "2026-03-29",
                            "2026-03-29T00:00:00",
                            "2026-03-29 00:00:00Z",
                            "2026-02-29T00:00:00Z",
                            "2026-13-01T00:00:00Z",
                            "2026-04-31T00:00:00Z",
                            "2026-03-29T24:00:00Z",
                            "2026-03-29T00:60:00Z",
                            "2026-03-29T00:00:60Z",
                            "2026-03-29T00:00:00.Z",
                            "2026-03-29T00:00:00.0000000001Z",
                            "2026-03-29T00:00:00+24:00",
                            "2026-03-29T00:00:00Zx",
                            "1600-01-01T00:00:00Z",
                            "2300-01-01T00:00:00Z",
                            "26-03-29T00:00:00Z",
                            "2026-3-29T00:00:00Z",
                            "1774742400",
                            "2026-03-29T00:00Z"})
        CHECK_MESSAGE(!parse_iso_time(bad), bad);
}

TEST_CASE("the history query: each bad input has its reason") {
    auto reason = [](const std::string &q) {
        auto query = parse_query(q);
        REQUIRE(query);
        auto r = parse_history_request(*query);
        auto *why = std::get_if<std::string>(&r);
        return why ? *why : std::string();
    };
    std::string range = kRange;
    CHECK(reason("series=7&" + range + "10") == "");
    CHECK(reason(range + "10").find("series: required") == 0);
    CHECK(reason("series=7,x&" + range + "10").find("series: 'x' is not") == 0);
    CHECK(reason("series=-7&" + range + "10").find("series: '-7' is not") == 0);
    CHECK(reason("series=99999999999999999999&" + range + "10").find("is not a series") !=
          std::string::npos);
    CHECK(reason("series=7,7&" + range + "10") == "series: 7 is given twice");
    std::string many = "series=1";
    for (int i = 2; i <= 51; ++i)
        many += "," + std::to_string(i);
    CHECK(reason(many + "&" + range + "10") == "series: at most 50 per request");
    CHECK(reason("series=7&to=2026-03-29T01:00:00Z&points=1").find("from: required") == 0);
    CHECK(reason("series=7&from=2026-03-29&to=2026-03-29T01:00:00Z&points=1")
              .find("from: '2026-03-29' is not an ISO 8601 time") == 0);
    CHECK(reason("series=7&from=2026-03-29T00:00:00Z&to=yesterday&points=1")
              .find("to: 'yesterday'") == 0);
    CHECK(reason("series=7&from=2026-03-29T01:00:00Z&to=2026-03-29T00:00:00Z&points=1") ==
          "to: must be after from");
    CHECK(reason("series=7&from=2026-03-29T01:00:00Z&to=2026-03-29T01:00:00Z&points=1") ==
          "to: must be after from");
    CHECK(reason("series=7&from=2026-03-29T00:00:00Z&to=2026-03-29T01:00:00Z")
              .find("points: required") == 0);
    for (const char *n : {"0", "10001", "-1", "1.5", "x", "4294967296"})
        CHECK(reason("series=7&" + range + n) == "points: expected 1 to 10000");
    auto ok = parse_history_request(*parse_query("series=9, 7&" + range + "10000"));
    REQUIRE(std::holds_alternative<HistoryRequest>(ok));
    const auto &req = std::get<HistoryRequest>(ok);
    CHECK(req.ids == std::vector<uint64_t>{9, 7});
    CHECK(req.points == 10000);
    CHECK(req.to_utc_ns - req.from_utc_ns == 3600 * kS);
}

TEST_CASE("the history answer: t_ms rounded down, min, max, avg in that order") {
    std::string j;
    append_history_series(j, 7, {"tgbt", 1, "IPSumInst"}, "W",
                          {{1'500'999'999, 1, 3, 2}, {-1, 4, 4, 4}});
    CHECK(j == R"({"circuit":1,"data":"IPSumInst","id":7,"points":[[1500,1.0,3.0,2.0],)"
               R"([-1,4.0,4.0,4.0]],"source":"tgbt","unit":"W"})");
}

TEST_CASE("the history answer is the text nlohmann writes for the same document") {
    std::mt19937_64 rng(13);
    std::uniform_int_distribution<int> exponent(-330, 310);
    std::uniform_int_distribution<int> kind(0, 9);
    for (int round = 0; round < 200; ++round) {
        std::vector<HistoryPoint> points;
        json expected_points = json::array();
        for (int i = 0; i < 50; ++i) {
            int64_t start = static_cast<int64_t>(rng()) >> 2;
            double v[3];
            for (double &x : v) {
                int k = kind(rng);
                x = k == 0   ? std::ldexp(static_cast<double>(rng() >> 11), exponent(rng) - 53)
                    : k == 1 ? -std::ldexp(static_cast<double>(rng() >> 11), exponent(rng) - 53)
                    : k == 2 ? std::round(static_cast<double>(rng() % 2000000) - 1e6) / 10
                    : k == 3 ? static_cast<double>(static_cast<int64_t>(rng()) >> (rng() % 64))
                    : k == 4 ? std::numeric_limits<double>::quiet_NaN()
                    : k == 5 ? -0.0
                             : static_cast<double>(rng() % 100000) / 1000;
            }
            points.push_back({start, v[0], v[1], v[2]});
            int64_t ms = start / 1'000'000 - (start % 1'000'000 < 0 ? 1 : 0);
            expected_points.push_back({ms, v[0], v[1], v[2]});
        }
        SeriesName name{"src \"é\"\n", 3, "IPSumInst"};
        json doc = {{"id", 42},          {"source", name.source}, {"circuit", name.circuit},
                    {"data", name.data}, {"unit", "kW"},          {"points", expected_points}};
        std::string text;
        append_history_series(text, 42, name, "kW", points);
        REQUIRE(text == json_text(doc));
    }
}

TEST_CASE("GET /api/v1/history through a storage query service") {
    FakeStore store;
    store.buckets = {bucket(1'774'742'400 * kS, 1, 5, 2.5),
                     bucket(1'774'742'400 * kS + 60 * kS, 2, 2, 2)};
    ApiFixture f(store.source());
    std::string range = kRange;

    HttpResponse r = f.call("GET", "/api/v1/history?series=7,9&" + range + "2", "", false);
    CHECK(r.status == 401);
    r = f.call("GET", "/api/v1/history?series=7,9&" + range + "2");
    REQUIRE(r.status == 200);
    auto doc = json::parse(r.body);
    REQUIRE(doc["series"].size() == 2);
    CHECK(doc["series"][0] == json::parse(R"({"id": 7, "source": "tgbt", "circuit": 1,
        "data": "IPSumInst", "unit": "W",
        "points": [[1774742400000, 1.0, 5.0, 2.5], [1774742460000, 2.0, 2.0, 2.0]]})"));
    CHECK(doc["series"][1]["unit"] == ""); // not in the catalog
    CHECK(doc["series"][1]["id"] == 9);
    CHECK(store.list_calls == 1); // names are kept

    // A rollup bucket that starts before `from` is kept as the store gave it (docs/api.md):
    // its start is the bucket's, its min and max those of the whole bucket.
    store.buckets.insert(store.buckets.begin(), bucket(1'774'742'400 * kS - 3600 * kS, 0, 9, 4));
    r = f.call("GET", "/api/v1/history?series=7&" + range + "3");
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["series"][0]["points"][0] ==
          json::parse("[1774738800000, 0.0, 9.0, 4.0]"));
    store.buckets.erase(store.buckets.begin());

    // At most N per series even if a store reported more.
    r = f.call("GET", "/api/v1/history?series=7&" + range + "1");
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["series"][0]["points"].size() == 1);

    // Unknown ids: 400 naming the id (the store is listed again: a new series may have come).
    r = f.call("GET", "/api/v1/history?series=7,8&" + range + "2");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["message"] == "series: no stored series 8");
    CHECK(store.list_calls == 2);
    r = f.call("GET", "/api/v1/history?series=7&" + range + "0");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["message"] == "points: expected 1 to 10000");

    // The store's refusals.
    store.answer = GS_ERR_INVALID_ARG;
    CHECK(f.call("GET", "/api/v1/history?series=7&" + range + "2").status == 400);
    store.answer = GS_ERR_IO;
    CHECK(f.call("GET", "/api/v1/history?series=7&" + range + "2").status == 500);
    // A series the store no longer knows: its code (services/storage.h), no message read.
    store.answer = GS_ERR_NOT_FOUND;
    r = f.call("GET", "/api/v1/history?series=7&" + range + "2");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"] == "unknown_series");
    store.answer = GS_OK;
    store.extra_index = 5; // a series index that was not asked for
    CHECK(f.call("GET", "/api/v1/history?series=7&" + range + "2").status == 500);
    CHECK(f.call("POST", "/api/v1/history?series=7&" + range + "2", "{}").status == 405);
}

TEST_CASE("a store without the history field, or none: 503") {
    FakeStore old;
    old.q.struct_size = offsetof(gs_storage_query_v1, history); // before `history` was appended
    ApiFixture f(old.source());
    std::string target = std::string("/api/v1/history?series=7&") + kRange + "2";
    HttpResponse r = f.call("GET", target);
    CHECK(r.status == 503);
    CHECK(old.list_calls == 0);
    ApiFixture none(
        storage_history([] { return static_cast<const gs_storage_query_v1 *>(nullptr); }));
    CHECK(none.call("GET", target).status == 503);
    ApiFixture unwired(HistorySource{});
    CHECK(unwired.call("GET", target).status == 503);
    // Input is checked first: a bad request is 400 even without a store.
    CHECK(unwired.call("GET", "/api/v1/history?series=7").status == 400);
}
