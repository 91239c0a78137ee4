#include "static_files.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdlib.h>

using namespace gs::ui;
namespace fs = std::filesystem;

namespace {

struct Root {
    std::string dir;
    Root() {
        char tmpl[] = "/tmp/ui_web_static_XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir = tmpl;
        fs::create_directories(dir + "/js/pages");
        write("/index.html", "<script src=\"/js/boot.js\"></script>");
        write("/js/app.js", "import './pages/home.js';");
        write("/js/pages/home.js", "export const x = 1;");
    }
    ~Root() { fs::remove_all(dir); }
    void write(const std::string &path, const std::string &text) {
        std::ofstream(dir + path, std::ios::binary) << text;
    }
};

} // namespace

TEST_CASE("webroot_version: changes with any file, not with hidden ones") {
    Root root;
    std::string v = webroot_version(root.dir);
    CHECK(v.size() == 16);
    CHECK(webroot_version(root.dir) == v); // stable
    root.write("/.hidden", "x");
    fs::create_directories(root.dir + "/.git");
    root.write("/.git/HEAD", "x");
    CHECK(webroot_version(root.dir) == v);
    root.write("/js/pages/home.js", "export const x = 22;"); // another size
    std::string edited = webroot_version(root.dir);
    CHECK(edited != v);
    // Same size, another modification time.
    fs::last_write_time(root.dir + "/js/app.js",
                        fs::last_write_time(root.dir + "/js/app.js") + std::chrono::seconds(5));
    CHECK(webroot_version(root.dir) != edited);
    root.write("/js/new.js", "");
    CHECK(webroot_version(root.dir) != edited);
    CHECK(webroot_version(root.dir + "/missing").size() == 16); // no folder: no crash
}

TEST_CASE("split_versioned") {
    auto v = split_versioned("/v/0123abcd/js/app.js");
    REQUIRE(v);
    CHECK(v->version == "0123abcd");
    CHECK(v->path == "/js/app.js");
    CHECK_FALSE(split_versioned("/js/app.js"));
    CHECK_FALSE(split_versioned("/v/"));
    CHECK_FALSE(split_versioned("/v//js/app.js"));
    CHECK_FALSE(split_versioned("/v/abc"));
    CHECK_FALSE(split_versioned("/vx/abc/js/app.js"));
    CHECK(split_versioned("/v/abc/")->path == "/");
}

TEST_CASE("with_versioned_urls: local src and href only") {
    std::string html = "<script src=\"/js/boot.js\"></script>\n"
                       "<link rel=\"stylesheet\" href=\"/css/app.css\">\n"
                       "<link rel=\"modulepreload\" href=\"/js/app.js\">\n"
                       "<a href=\"//example.org/x\">x</a><img src=\"/api/v1/photoview/i.png\">"
                       "<a href=\"#/home\">h</a><a href=\"https://example.org/\">e</a>"
                       "<meta content=\"/js/not-a-url\">";
    CHECK(with_versioned_urls(html, "/v/abc") ==
          "<script src=\"/v/abc/js/boot.js\"></script>\n"
          "<link rel=\"stylesheet\" href=\"/v/abc/css/app.css\">\n"
          "<link rel=\"modulepreload\" href=\"/v/abc/js/app.js\">\n"
          "<a href=\"//example.org/x\">x</a><img src=\"/api/v1/photoview/i.png\">"
          "<a href=\"#/home\">h</a><a href=\"https://example.org/\">e</a>"
          "<meta content=\"/js/not-a-url\">");
    CHECK(with_versioned_urls("", "/v/abc").empty());
    CHECK(with_versioned_urls("href=\"/", "/v/abc") == "href=\"/v/abc/");
}

TEST_CASE("hidden_static_path and content types") {
    CHECK(hidden_static_path("/.git/config"));
    CHECK(hidden_static_path("/js/.secret"));
    CHECK(hidden_static_path("/package.json"));
    CHECK(hidden_static_path("/node_modules/uplot/package.json"));
    CHECK(hidden_static_path("/package-lock.json"));
    CHECK_FALSE(hidden_static_path("/js/app.js"));
    CHECK_FALSE(hidden_static_path("/i18n/en.json"));
    CHECK(static_content_type("/js/app.js") == "application/javascript");
    CHECK(static_content_type("/css/app.css") == "text/css");
    CHECK(static_content_type("/index.html") == "text/html; charset=utf-8");
    CHECK(static_content_type("/i18n/fr.json") == "application/json");
    CHECK(static_content_type("/README") == "application/octet-stream");
}

TEST_CASE("static_file: regular files only") {
    Root root;
    auto r = static_file(root.dir, "/js/app.js", "no-cache");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "import './pages/home.js';");
    CHECK(r->content_type == "application/javascript");
    REQUIRE(r->headers.size() == 1);
    CHECK(r->headers[0] == std::make_pair(std::string("Cache-Control"), std::string("no-cache")));
    CHECK_FALSE(static_file(root.dir, "/js", "no-cache"));
    CHECK_FALSE(static_file(root.dir, "/js/missing.js", "no-cache"));
}
