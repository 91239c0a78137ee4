// Photoview (issue 18): the SVG check, image sizes, element checks, the store and the API's
// roles, CSRF, limits and headers, through Api::handle as the server calls it.
#include "api.hpp"
#include "common.hpp"
#include "photoview_elements.hpp"
#include "photoview_image.hpp"
#include "request_guard.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

using namespace gs::ui;

namespace {

constexpr int64_t kS = 1'000'000'000;

const char *kGoodSvg = R"(<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="800" height="600">
  <style>rect { fill: #eee; }</style>
  <rect x="0" y="0" width="800" height="600"/>
  <a xlink:href="#floor1"><text x="10" y="20">Floor 1 &amp; 2</text></a>
</svg>)";

std::string svg_with(const std::string &inside, const std::string &root_attrs = "") {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" "
           "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"100\" height=\"50\"" +
           root_attrs + ">" + inside + "</svg>";
}

std::string png(uint32_t w, uint32_t h, size_t padding = 0) {
    std::string b("\x89PNG\r\n\x1a\n", 8);
    b += std::string("\0\0\0\x0d", 4) + "IHDR";
    for (uint32_t v : {w, h})
        for (int shift = 24; shift >= 0; shift -= 8)
            b.push_back(char((v >> shift) & 0xFF));
    b += std::string("\x08\x02\0\0\0", 5) + std::string(4, '\0'); // depth, colour..., CRC
    b += std::string(padding, '\0');
    return b;
}

std::string jpeg(uint32_t w, uint32_t h) {
    std::string b("\xFF\xD8", 2);
    b += std::string("\xFF\xE0\x00\x04\x00\x00", 6); // an APP0 segment to skip
    b += std::string("\xFF\xC0\x00\x11\x08", 5);
    b.push_back(char(h >> 8));
    b.push_back(char(h & 0xFF));
    b.push_back(char(w >> 8));
    b.push_back(char(w & 0xFF));
    b += std::string(12, '\0');
    return b;
}

} // namespace

TEST_CASE("photoview SVG: a plain drawing passes and gives its size") {
    uint32_t w = 0, h = 0;
    CHECK(check_svg(kGoodSvg, &w, &h) == "");
    CHECK(w == 800);
    CHECK(h == 600);
    // Illustrator's DOCTYPE (no internal subset) passes; nothing is fetched (XML_PARSE_NONET).
    std::string doctype = "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
                          "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">" +
                          svg_with("<rect width=\"5\" height=\"5\"/>");
    CHECK(check_svg(doctype, &w, &h) == "");
    CHECK(w == 100);
    std::string viewbox = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1920 1080\"/>";
    CHECK(check_svg(viewbox, &w, &h) == "");
    CHECK(w == 1920);
    CHECK(h == 1080);
}

TEST_CASE("photoview SVG: scripts, events, script URLs and foreignObject are refused") {
    const std::vector<std::pair<const char *, std::string>> refused = {
        {"script element", svg_with("<script>alert(1)</script>")},
        {"script in CDATA", svg_with("<script><![CDATA[alert(1)]]></script>")},
        {"script with a prefix", svg_with("<s:script xmlns:s=\"http://www.w3.org/2000/svg\">"
                                          "alert(1)</s:script>")},
        {"SCRIPT upper case", svg_with("<SCRIPT>alert(1)</SCRIPT>")},
        {"onload on the root", svg_with("", " onload=\"alert(1)\"")},
        {"OnClick mixed case", svg_with("<rect OnClick=\"alert(1)\"/>")},
        {"event attribute with a prefix",
         svg_with("<rect x:onmouseover=\"alert(1)\" xmlns:x=\"urn:x\"/>")},
        {"javascript href", svg_with("<a href=\"javascript:alert(1)\"><text>x</text></a>")},
        {"javascript xlink:href", svg_with("<a xlink:href=\"javascript:alert(1)\"/>")},
        {"upper case with spaces", svg_with("<a href=\"  JaVaScRiPt:alert(1)\"/>")},
        {"character reference", svg_with("<a href=\"&#106;avascript:alert(1)\"/>")},
        {"hex reference", svg_with("<a href=\"&#x6A;avascript:alert(1)\"/>")},
        {"tab inside", svg_with("<a href=\"java&#x09;script:alert(1)\"/>")},
        {"newline inside", svg_with("<a href=\"java\nscript:alert(1)\"/>")},
        {"NUL-free control char", svg_with("<a href=\"java&#x0D;script:alert(1)\"/>")},
        {"animate to javascript",
         svg_with("<a><set attributeName=\"href\" to=\"javascript:alert(1)\"/></a>")},
        {"animate values", svg_with("<animate attributeName=\"href\" values=\"javascript:x\"/>")},
        {"vbscript", svg_with("<a href=\"vbscript:msgbox\"/>")},
        {"data html", svg_with("<image href=\"data:text/html;base64,PHNjcmlwdD4=\"/>")},
        {"nested svg data", svg_with("<image href=\"data:image/svg+xml;base64,PHN2Zz4=\"/>")},
        {"style url", svg_with("<style>rect { fill: url(javascript:alert(1)) }</style>")},
        {"foreignObject", svg_with("<foreignObject><div xmlns=\"http://www.w3.org/1999/xhtml\">"
                                   "x</div></foreignObject>")},
        {"foreignobject lower case", svg_with("<foreignobject/>")},
        {"handler element", svg_with("<handler type=\"application/ecmascript\">x</handler>")},
        {"entity hiding a URL",
         "<!DOCTYPE svg [<!ENTITY js \"javascript:alert(1)\">]>" + svg_with("<a href=\"&js;\"/>")},
        {"external entity",
         "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + svg_with("&x;")},
        {"undeclared entity", svg_with("<a href=\"&js;\"/>")},
        {"stylesheet instruction",
         "<?xml-stylesheet href=\"javascript:alert(1)\"?>" + svg_with("")},
        {"not XML", "<svg><rect></svg>"},
        {"not SVG", "<html><script>alert(1)</script></html>"},
        {"no size", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"},
        {"empty", ""},
    };
    for (const auto &[what, text] : refused) {
        CAPTURE(what);
        CHECK(check_svg(text) != "");
    }
}

TEST_CASE("photoview images: type told by Content-Type, checked against the bytes, sized") {
    auto p = inspect_image("image/png", png(1920, 1080));
    REQUIRE(std::holds_alternative<ImageInfo>(p));
    CHECK(std::get<ImageInfo>(p).width == 1920);
    CHECK(std::get<ImageInfo>(p).height == 1080);
    CHECK(std::get<ImageInfo>(p).extension == "png");
    auto j = inspect_image("image/jpeg", jpeg(640, 480));
    REQUIRE(std::holds_alternative<ImageInfo>(j));
    CHECK(std::get<ImageInfo>(j).width == 640);
    CHECK(std::get<ImageInfo>(j).height == 480);
    auto s = inspect_image("image/svg+xml; charset=utf-8", kGoodSvg);
    REQUIRE(std::holds_alternative<ImageInfo>(s));
    CHECK(std::get<ImageInfo>(s).extension == "svg");
    CHECK(std::holds_alternative<std::string>(inspect_image("image/png", jpeg(10, 10))));
    CHECK(std::holds_alternative<std::string>(inspect_image("image/jpeg", png(10, 10))));
    CHECK(std::holds_alternative<std::string>(inspect_image("image/gif", "GIF89a")));
    CHECK(std::holds_alternative<std::string>(inspect_image("text/html", "<script>")));
    CHECK(std::holds_alternative<std::string>(inspect_image("image/png", "")));
    CHECK(std::holds_alternative<std::string>(inspect_image("image/png", png(0, 10))));
    CHECK(std::holds_alternative<std::string>(inspect_image("image/jpeg", "\xFF\xD8\xFF")));
    CHECK(image_type_of("3-1.svg") == "image/svg+xml");
    CHECK(image_type_of("3-1.html") == "");
}

TEST_CASE("photoview elements: every kind checked against the site, ids given") {
    SiteModel site = test_site();
    json good = json::parse(R"([
      {"kind": "measure", "x": 0.1, "y": 0.2, "w": 0.2, "h": 0.1, "source": "dw", "circuit": 2,
       "data": ["IV1Inst", "II1Inst"], "title": "<b>Board</b>", "extra": "dropped"},
      {"id": "t1", "kind": "text", "x": 0, "y": 0, "w": 1, "h": 1, "text": "<img src=x onerror=alert(1)>",
       "color": "#fff", "background": ""},
      {"kind": "device", "x": 0.5, "y": 0.5, "w": 0.5, "h": 0.5, "source": "tgbt", "style": "zone"},
      {"kind": "link", "x": 0.9, "y": 0.9, "w": 0.1, "h": 0.1, "page": 7}
    ])");
    auto out = checked_elements(good, site);
    REQUIRE(std::holds_alternative<json>(out));
    const json &e = std::get<json>(out);
    REQUIRE(e.size() == 4);
    CHECK(e[0]["id"] == "e1");
    CHECK(!e[0].contains("extra"));
    CHECK(e[0]["title"] == "<b>Board</b>"); // kept as text: the page never parses it
    CHECK(e[1]["id"] == "t1");
    CHECK(e[2]["id"] == "e2");
    CHECK(e[3]["page"] == 7);

    auto refused = [&](const char *what, const std::string &text) {
        CAPTURE(what);
        auto r = checked_elements(json::parse(text), site);
        CHECK(std::holds_alternative<std::string>(r));
    };
    refused("not a list", R"({"kind": "text"})");
    refused("x above 1",
            R"([{"kind": "text", "x": 1.5, "y": 0, "w": 0.1, "h": 0.1, "text": "a"}])");
    refused("negative",
            R"([{"kind": "text", "x": -0.1, "y": 0, "w": 0.1, "h": 0.1, "text": "a"}])");
    refused("outside", R"([{"kind": "text", "x": 0.95, "y": 0, "w": 0.1, "h": 0.1, "text": "a"}])");
    refused("zero size", R"([{"kind": "text", "x": 0, "y": 0, "w": 0, "h": 0.1, "text": "a"}])");
    refused("x a string",
            R"([{"kind": "text", "x": "0", "y": 0, "w": 0.1, "h": 0.1, "text": "a"}])");
    refused("unknown kind", R"([{"kind": "video", "x": 0, "y": 0, "w": 0.1, "h": 0.1}])");
    refused("unknown source", R"([{"kind": "device", "x": 0, "y": 0, "w": 0.1, "h": 0.1,
                                   "source": "nope", "style": "zone"}])");
    refused("bad style", R"([{"kind": "device", "x": 0, "y": 0, "w": 0.1, "h": 0.1,
                              "source": "tgbt", "style": "big"}])");
    refused("unknown data", R"([{"kind": "measure", "x": 0, "y": 0, "w": 0.1, "h": 0.1,
                                 "source": "tgbt", "data": ["Nope"]}])");
    // A data of the catalog that the device does not have for that circuit.
    auto not_on = checked_elements(json::parse(R"([{"kind": "measure", "x": 0, "y": 0, "w": 0.1,
        "h": 0.1, "source": "dw", "circuit": 2, "data": ["II1Inst", "IPSumInst"]}])"),
                                   site);
    REQUIRE(std::holds_alternative<std::string>(not_on));
    CHECK(std::get<std::string>(not_on) ==
          "elements[0]: data: 'dw' circuit 2 has no data 'IPSumInst'");
    refused("device data on the device", R"([{"kind": "measure", "x": 0, "y": 0, "w": 0.1, "h": 0.1,
                                   "source": "dw", "circuit": 0, "data": ["II1Inst"]}])");
    refused("no data", R"([{"kind": "measure", "x": 0, "y": 0, "w": 0.1, "h": 0.1,
                            "source": "tgbt", "data": []}])");
    refused("unknown circuit", R"([{"kind": "measure", "x": 0, "y": 0, "w": 0.1, "h": 0.1,
                                    "source": "tgbt", "circuit": 9, "data": ["IV1Inst"]}])");
    refused("colour with CSS", R"J([{"kind": "text", "x": 0, "y": 0, "w": 0.1, "h": 0.1,
                                    "text": "a", "color": "red;background:url(x)"}])J");
    refused("empty text", R"([{"kind": "text", "x": 0, "y": 0, "w": 0.1, "h": 0.1, "text": ""}])");
    refused("link without page", R"([{"kind": "link", "x": 0, "y": 0, "w": 0.1, "h": 0.1}])");
    refused("bad id",
            R"([{"id": "a b", "kind": "link", "x": 0, "y": 0, "w": 0.1, "h": 0.1, "page": 1}])");
    refused("same id twice",
            R"([{"id": "a", "kind": "link", "x": 0, "y": 0, "w": 0.1, "h": 0.1, "page": 1},
                {"id": "a", "kind": "link", "x": 0, "y": 0, "w": 0.1, "h": 0.1, "page": 1}])");
    json many = json::array();
    for (size_t i = 0; i <= kMaxPhotoviewElements; ++i)
        many.push_back({{"kind", "link"}, {"x", 0}, {"y", 0}, {"w", 0.1}, {"h", 0.1}, {"page", 1}});
    refused("too many", many.dump());
}

namespace {

struct PvFixture {
    std::string dir;
    int64_t mono = 100 * kS;
    std::unique_ptr<LiveTable> live;
    std::unique_ptr<PasswordStore> passwords;
    std::unique_ptr<Api> api;

    explicit PvFixture(size_t max_pages = PhotoviewStore::kDefaultMaxPages) {
        REQUIRE(crypto_init());
        char tmpl[] = "/tmp/ui_web_pv_XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir = tmpl;
        SiteModel site = test_site();
        std::vector<LiveTable::SourceSpec> specs;
        for (const auto &s : site.sources)
            specs.push_back({s.name, s.period_ms, {}});
        live = std::make_unique<LiveTable>(specs, 3);
        passwords = std::make_unique<PasswordStore>(dir + "/passwords");
        passwords->set(Profile::advanced, "advanced-pw");
        passwords->set(Profile::admin, "admin-pw");
        ApiOptions options;
        options.max_body_bytes = 1024;
        ApiActions actions;
        actions.photoview = std::make_shared<PhotoviewStore>(dir + "/photoview", max_pages);
        api = std::make_unique<Api>(
            std::move(site), *live, *passwords, options,
            ApiClock{[this] { return mono; }, [] { return 1'700'000'000 * kS; }}, actions);
    }
    ~PvFixture() { std::system(("rm -rf '" + dir + "'").c_str()); }

    struct Login {
        std::string cookie, csrf;
    };
    Login login(const std::string &profile, const std::string &password = "") {
        json body = {{"profile", profile}, {"password", password}, {"language", "en"}};
        HttpResponse r = api->handle(api_request("POST", "/api/v1/login", body.dump(), ""));
        REQUIRE(r.status == 200);
        std::string set_cookie;
        for (auto &[k, v] : r.headers)
            if (k == "Set-Cookie") set_cookie = v;
        return {set_cookie.substr(0, set_cookie.find(';')), json::parse(r.body)["csrf_token"]};
    }
    HttpResponse call(const std::string &method, const std::string &target, const Login &who,
                      const std::string &body = "", const std::string &type = "application/json",
                      bool with_csrf = true) {
        HttpRequest r = api_request(method, target, body, who.cookie, with_csrf ? who.csrf : "");
        if (method != "GET") r.content_type = type;
        return api->handle(r);
    }
};

std::string header_of(const HttpResponse &r, const std::string &name) {
    for (auto &[k, v] : r.headers)
        if (k == name) return v;
    return "";
}

const char *kElements = R"({"name": "Ground floor", "symbol": "photo", "elements": [
  {"kind": "device", "x": 0.1, "y": 0.1, "w": 0.1, "h": 0.1, "source": "tgbt", "style": "symbol"},
  {"kind": "text", "x": 0.3, "y": 0.3, "w": 0.2, "h": 0.1, "text": "<script>x</script>"}]})";

} // namespace

TEST_CASE("photoview API: every profile views, only Admin changes, with the CSRF token") {
    PvFixture f;
    auto user = f.login("user");
    auto advanced = f.login("advanced", "advanced-pw");
    auto admin = f.login("admin", "admin-pw");
    PvFixture::Login nobody;

    CHECK(f.call("GET", "/api/v1/photoview", nobody).status == 401);
    for (const auto *who : {&user, &advanced, &admin}) {
        HttpResponse r = f.call("GET", "/api/v1/photoview", *who);
        CHECK(r.status == 200);
        CHECK(json::parse(r.body)["pages"] == json::array());
    }
    for (const auto *who : {&user, &advanced}) {
        CHECK(f.call("POST", "/api/v1/photoview/pages", *who, R"({"name": "A"})").status == 403);
        CHECK(f.call("PUT", "/api/v1/photoview/pages/1", *who, kElements).status == 403);
        CHECK(f.call("DELETE", "/api/v1/photoview/pages/1", *who).status == 403);
        CHECK(f.call("PUT", "/api/v1/photoview/pages/1/image", *who, png(10, 10), "image/png")
                  .status == 403);
    }
    // Without the CSRF header: refused.
    CHECK(f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "A"})", "application/json",
                 false)
              .status == 403);
    HttpResponse created =
        f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "Site", "symbol": "home"})");
    REQUIRE(created.status == 201);
    json page = json::parse(created.body);
    CHECK(page["id"] == 1);
    CHECK(page["name"] == "Site");
    CHECK(page["symbol"] == "home");
    CHECK(page["image"].is_null());
    CHECK(page["elements"] == json::array());

    HttpResponse put = f.call("PUT", "/api/v1/photoview/pages/1", admin, kElements);
    REQUIRE(put.status == 200);
    json saved = json::parse(put.body);
    CHECK(saved["name"] == "Ground floor");
    REQUIRE(saved["elements"].size() == 2);
    CHECK(saved["elements"][0]["kind"] == "device");
    CHECK(saved["elements"][0]["style"] == "symbol");
    CHECK(saved["elements"][1]["text"] == "<script>x</script>");

    HttpResponse listed = f.call("GET", "/api/v1/photoview", user);
    CHECK(json::parse(listed.body)["pages"][0] == saved);

    // Bad input: 400 with the element named; unknown page 404; wrong method 405.
    HttpResponse bad = f.call("PUT", "/api/v1/photoview/pages/1", admin,
                              R"({"name": "X", "elements": [{"kind": "text", "x": 2}]})");
    CHECK(bad.status == 400);
    CHECK(json::parse(bad.body)["message"].get<std::string>().find("elements[0]") == 0);
    CHECK(f.call("PUT", "/api/v1/photoview/pages/1", admin, "{not json").status == 400);
    CHECK(f.call("PUT", "/api/v1/photoview/pages/1", admin, R"({"elements": []})").status == 400);
    CHECK(f.call("PUT", "/api/v1/photoview/pages/9", admin, kElements).status == 404);
    CHECK(f.call("PUT", "/api/v1/photoview/pages/abc", admin, kElements).status == 404);
    CHECK(f.call("GET", "/api/v1/photoview/pages/1", admin).status == 405);
    CHECK(f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": ""})").status == 400);
    CHECK(f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "a", "symbol": "<x>"})")
              .status == 400);
    // Nothing of the refused requests was stored.
    CHECK(json::parse(f.call("GET", "/api/v1/photoview", user).body)["pages"][0] == saved);

    HttpResponse gone = f.call("DELETE", "/api/v1/photoview/pages/1", admin);
    CHECK(gone.status == 200);
    CHECK(f.call("DELETE", "/api/v1/photoview/pages/1", admin).status == 404);
    CHECK(json::parse(f.call("GET", "/api/v1/photoview", user).body)["pages"] == json::array());
}

TEST_CASE("photoview API: images stored, served harmless, SVG with script refused, 10 MB") {
    PvFixture f;
    auto admin = f.login("admin", "admin-pw");
    auto user = f.login("user");
    REQUIRE(f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "Plan"})").status == 201);

    HttpResponse up =
        f.call("PUT", "/api/v1/photoview/pages/1/image", admin, kGoodSvg, "image/svg+xml");
    REQUIRE(up.status == 200);
    json image = json::parse(up.body)["image"];
    CHECK(image["width"] == 800);
    CHECK(image["height"] == 600);
    std::string url = image["url"];
    CHECK(url.rfind("/api/v1/photoview/images/", 0) == 0);
    HttpResponse served = f.call("GET", url, user);
    CHECK(served.status == 200);
    CHECK(served.content_type == "image/svg+xml");
    CHECK(served.body == kGoodSvg);
    CHECK(header_of(served, "Content-Security-Policy") ==
          "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    // Its URL never changes content (a re-upload gets a new one, below): cached for good.
    CHECK(header_of(served, "Cache-Control") == "private, max-age=31536000, immutable");

    HttpResponse script = f.call("PUT", "/api/v1/photoview/pages/1/image", admin,
                                 svg_with("<script>alert(1)</script>"), "image/svg+xml");
    CHECK(script.status == 400);
    CHECK(json::parse(script.body)["error"] == "invalid_image");
    CHECK(f.call("PUT", "/api/v1/photoview/pages/1/image", admin, "<svg/>", "text/html").status ==
          400);
    // The refused upload left the stored one in place.
    CHECK(json::parse(f.call("GET", "/api/v1/photoview", user).body)["pages"][0]["image"]["url"] ==
          url);

    // A new upload gets a new URL; the old file is gone.
    HttpResponse second =
        f.call("PUT", "/api/v1/photoview/pages/1/image", admin, png(1920, 1080), "image/png");
    REQUIRE(second.status == 200);
    std::string url2 = json::parse(second.body)["image"]["url"];
    CHECK(url2 != url);
    CHECK(f.call("GET", url, user).status == 404);
    CHECK(f.call("GET", url2, user).content_type == "image/png");
    HttpResponse gone = f.call("GET", url, user);
    CHECK(header_of(gone, "Cache-Control") == ""); // an error is not kept (the server: no-store)
    // The same bytes again: a new URL still, so no browser keeps showing an old picture.
    HttpResponse again =
        f.call("PUT", "/api/v1/photoview/pages/1/image", admin, png(1920, 1080), "image/png");
    REQUIRE(again.status == 200);
    std::string url3 = json::parse(again.body)["image"]["url"];
    CHECK(url3 != url2);
    CHECK(url3 != url);
    CHECK(f.call("GET", url2, user).status == 404);
    CHECK(f.call("GET", "/api/v1/photoview/images/..%2Fpages.json", user).status == 404);
    CHECK(f.call("GET", "/api/v1/photoview/images/pages.json", user).status == 404);

    // 10 MB: the route's own limit (the server reads that much for it only).
    constexpr size_t kTen = 10 * 1024 * 1024;
    CHECK(f.api->body_limit("PUT", "/api/v1/photoview/pages/1/image") == kTen);
    CHECK(f.api->body_limit("POST", "/api/v1/photoview/pages") == 1024);
    CHECK(f.api->body_limit("POST", "/api/v1/login") == 1024);
    CHECK(f.call("PUT", "/api/v1/photoview/pages/1/image", admin, png(100, 100, kTen - 33 - 100),
                 "image/png")
              .status == 200);
    HttpResponse big = f.call("PUT", "/api/v1/photoview/pages/1/image", admin,
                              png(100, 100, kTen - 33 + 1), "image/png");
    CHECK(big.status == 413);

    // Deleting the page removes its image.
    REQUIRE(f.call("DELETE", "/api/v1/photoview/pages/1", admin).status == 200);
    std::ifstream left(f.dir + "/photoview/images/1-4.png");
    CHECK(!left);
}

TEST_CASE("photoview API: the page limit is the configured one") {
    PvFixture f(2);
    auto admin = f.login("admin", "admin-pw");
    CHECK(f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "a"})").status == 201);
    CHECK(f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "b"})").status == 201);
    HttpResponse third = f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "c"})");
    CHECK(third.status == 409);
    CHECK(json::parse(third.body)["error"] == "too_many_pages");
    CHECK(json::parse(f.call("GET", "/api/v1/photoview", admin).body)["max_pages"] == 2);
    // A deleted page frees its place; ids are never reused.
    CHECK(f.call("DELETE", "/api/v1/photoview/pages/1", admin).status == 200);
    HttpResponse again = f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "c"})");
    CHECK(again.status == 201);
    CHECK(json::parse(again.body)["id"] == 3);
}

TEST_CASE("photoview: an unreadable pages file is reported, never overwritten") {
    PvFixture f;
    auto admin = f.login("admin", "admin-pw");
    REQUIRE(f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "a"})").status == 201);
    {
        std::ofstream out(f.dir + "/photoview/pages.json", std::ios::trunc);
        out << "{broken";
    }
    CHECK(f.call("GET", "/api/v1/photoview", admin).status == 500);
    CHECK(f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "b"})").status == 500);
    CHECK(read_text(f.dir + "/photoview/pages.json") == "{broken");
}

TEST_CASE("photoview: the perimeter's Photoview view lists each page's devices") {
    PvFixture f;
    auto admin = f.login("admin", "admin-pw");
    REQUIRE(f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "Plan"})").status == 201);
    REQUIRE(f.call("PUT", "/api/v1/photoview/pages/1", admin, kElements).status == 200);
    HttpResponse r = f.call("GET", "/api/v1/perimeter?view=photoview", admin);
    REQUIRE(r.status == 200);
    json tree = json::parse(r.body);
    CHECK(tree["view"] == "photoview");
    REQUIRE(tree["nodes"].size() == 1);
    CHECK(tree["nodes"][0]["name"] == "Ground floor");
    REQUIRE(tree["nodes"][0]["children"].size() == 1);
    CHECK(tree["nodes"][0]["children"][0]["source"] == "tgbt");
    CHECK(tree["nodes"][0]["children"][0]["circuit"] == 1);
    CHECK(tree["loads"] == 1);
}

TEST_CASE("photoview: PUT and DELETE pass the guard under /api/ only; a DELETE needs no body") {
    HostPolicy hosts(HostPolicy::default_names("127.0.0.1"), 8080, false);
    auto guarded = [&](const char *method, const char *path) {
        RequestHead head{method, path, "", {{"Host", "127.0.0.1:8080"}}};
        GuardResult r = check_request(head, hosts);
        return r.refusal ? r.refusal->status : 0;
    };
    CHECK(guarded("PUT", "/api/v1/photoview/pages/1") == 0);
    CHECK(guarded("DELETE", "/api/v1/photoview/pages/1") == 0);
    CHECK(guarded("PUT", "/index.html") == 405);
    CHECK(guarded("DELETE", "/js/app.js") == 405);
    CHECK(guarded("PATCH", "/api/v1/photoview/pages/1") == 405);

    PvFixture f;
    auto admin = f.login("admin", "admin-pw");
    REQUIRE(f.call("POST", "/api/v1/photoview/pages", admin, R"({"name": "a"})").status == 201);
    CHECK(f.call("DELETE", "/api/v1/photoview/pages/1", admin, "", "", false).status == 403);
    CHECK(f.call("DELETE", "/api/v1/photoview/pages/1", admin, "x", "text/plain").status == 415);
    CHECK(f.call("DELETE", "/api/v1/photoview/pages/1", admin, "", "").status == 200);
    // Other routes keep their methods: PUT where none is declared is the router's 405.
    HttpResponse r = f.call("PUT", "/api/v1/photoview", admin, "{}");
    CHECK(r.status == 405);
    CHECK(header_of(r, "Allow") == "GET, HEAD");
}
