// `gridscope passwd` as ui_web runs it: the one rule, the one writer (PasswordStore).
#include "auth.hpp"
#include "password_tool.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <unistd.h>

using namespace gs::ui;

namespace {
struct Dir {
    std::string path;
    Dir() {
        char tmpl[] = "/tmp/ui_web_passwd_XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        path = tmpl;
    }
    ~Dir() { std::system(("rm -rf '" + path + "'").c_str()); }
};
struct Run {
    int code;
    std::string out, err;
};
Run passwd(const std::string &data_dir, const std::string &profile, const std::string &input) {
    std::istringstream in(input);
    std::ostringstream out, err;
    int code = run_password_tool(data_dir, profile, in, out, err);
    return {code, out.str(), err.str()};
}
} // namespace

TEST_CASE("gridscope passwd (ui_web's tool) sets a password the web UI verifies") {
    Dir dir;
    std::string data = dir.path + "/data"; // created by the tool
    auto user = passwd(data, "user", "long enough secret\nlong enough secret\n");
    CHECK(user.code == 2);
    CHECK(user.err.find("--profile must be admin or advanced") != std::string::npos);
    auto differ = passwd(data, "admin", "long enough secret\nlong enough secreT\n");
    CHECK(differ.code == 1);
    CHECK(differ.err == "gridscope passwd: the two passwords differ; nothing changed\n");
    auto short_one = passwd(data, "admin", "nine char\nnine char\n");
    CHECK(short_one.code == 1);
    CHECK(short_one.err.find("at least 10 characters") != std::string::npos);
    auto once = passwd(data, "admin", "only one line\n");
    CHECK(once.code == 1);
    CHECK(once.err.find("twice on standard input") != std::string::npos);

    auto ok = passwd(data, "admin", "long enough secret\nlong enough secret\n");
    CHECK(ok.code == 0);
    CHECK(ok.out ==
          "gridscope passwd: password of profile 'admin' set in " + data + "/passwords\n");
    PasswordStore store(data + "/passwords");
    store.refresh();
    CHECK(store.verify(Profile::admin, "long enough secret", nullptr) == PasswordStore::Verify::ok);
    CHECK(store.verify(Profile::admin, "long enough secreT", nullptr) ==
          PasswordStore::Verify::wrong);
    CHECK_FALSE(store.is_set(Profile::advanced));
}
