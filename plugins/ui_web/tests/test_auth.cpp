#include "auth.hpp"
#include "password_tool.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

using namespace gs::ui;

namespace {
constexpr int64_t kS = 1'000'000'000;

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/ui_web_test_XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        path = tmpl;
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};
// `gridscope passwd` as ui_web runs it (password_tool.hpp), on strings instead of the console.
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

TEST_CASE("the permission matrix of the manual's section 4") {
    REQUIRE(crypto_init());
    CHECK(permission_names(permissions_of(Profile::user)) ==
          std::vector<std::string>{"monitoring", "analysis", "diagnostics"});
    CHECK(permission_names(permissions_of(Profile::advanced)) ==
          std::vector<std::string>{"monitoring", "analysis", "partial_energy_reset", "diagnostics",
                                   "change_own_password", "alarm_acknowledge"});
    CHECK(permission_names(permissions_of(Profile::admin)) ==
          std::vector<std::string>{"monitoring", "analysis", "partial_energy_reset",
                                   "configuration", "diagnostics", "change_own_password",
                                   "alarm_acknowledge", "alarm_out_of_service"});
    CHECK(permissions_of(Profile::none) == 0);
    CHECK(parse_profile("admin") == Profile::admin);
    CHECK_FALSE(parse_profile("Admin"));
    CHECK_FALSE(parse_profile(""));
}

TEST_CASE("session ids and CSRF tokens are 256 random bits, unique") {
    REQUIRE(crypto_init());
    SessionStore store(900 * kS, 3600 * kS, 100, 10);
    std::set<std::string> ids;
    for (int i = 0; i < 50; ++i) {
        auto s = store.create(Profile::user, "en", "", 0);
        CHECK(s->id.size() == 64);
        CHECK(s->csrf.size() == 64);
        CHECK(s->id != s->csrf);
        ids.insert(s->id);
    }
    CHECK(ids.size() == 50);
}

TEST_CASE("sessions expire when idle, and at their maximum age") {
    REQUIRE(crypto_init());
    SessionStore store(10 * kS, 100 * kS, 100, 10);
    auto s = store.create(Profile::admin, "fr", "stamp", 0);
    CHECK(store.find(s->id, 9 * kS, true) == s); // renews the idle timer
    CHECK(store.find(s->id, 18 * kS, true) == s);
    CHECK(store.find(s->id, 29 * kS, false) == nullptr); // 11 s idle
    CHECK(store.size() == 0);                            // removed
    auto t = store.create(Profile::user, "en", "", 0);
    for (int64_t at = 5; at <= 100; at += 5)
        REQUIRE(store.find(t->id, at * kS, true));
    CHECK(store.find(t->id, 101 * kS, true) == nullptr);
    CHECK(store.find("short", 0, true) == nullptr);
    CHECK(store.find(std::string(64, 'a'), 0, true) == nullptr);
}

TEST_CASE("the session table is bounded") {
    REQUIRE(crypto_init());
    SessionStore store(900 * kS, 3600 * kS, 10, 10);
    auto first = store.create(Profile::user, "en", "", 0);
    for (int i = 1; i <= 20; ++i)
        store.create(Profile::user, "en", "", i);
    CHECK(store.size() <= 10);
    CHECK(store.find(first->id, 21, false) == nullptr); // the least recently used went first
}

TEST_CASE("User logins never end a privileged session (issue 10, finding 5)") {
    REQUIRE(crypto_init());
    SessionStore store(900 * kS, 3600 * kS, 1000, 4);
    auto admin = store.create(Profile::admin, "en", "stamp", 0);
    auto advanced = store.create(Profile::advanced, "en", "stamp", 0);
    for (int i = 1; i <= 1500; ++i) // an anonymous flood: no password needed
        store.create(Profile::user, "en", "", i);
    CHECK(store.find(admin->id, 2000, false) == admin);
    CHECK(store.find(advanced->id, 2000, false) == advanced);
    CHECK(store.size() == 1000 + 2); // the User budget is full, and bounded
    // A privileged budget evicts only its own profile's least recently used session.
    for (int i = 0; i < 4; ++i)
        store.create(Profile::advanced, "en", "stamp", 3000 + i);
    CHECK(store.find(admin->id, 4000, false) == admin);
    CHECK(store.find(advanced->id, 4000, false) == nullptr);
    CHECK(store.size() == 1000 + 1 + 4);
}

TEST_CASE("CSRF tokens compare in constant time and exactly") {
    REQUIRE(crypto_init());
    SessionStore store(900 * kS, 3600 * kS, 10, 10);
    auto s = store.create(Profile::user, "en", "", 0);
    CHECK(csrf_matches(*s, s->csrf));
    CHECK_FALSE(csrf_matches(*s, ""));
    CHECK_FALSE(csrf_matches(*s, s->csrf.substr(1)));
    std::string wrong = s->csrf;
    wrong[10] = wrong[10] == 'a' ? 'b' : 'a';
    CHECK_FALSE(csrf_matches(*s, wrong));
}

TEST_CASE("login throttling: free failures, then doubling delays up to the cap") {
    LoginThrottle t(3, kS, 8 * kS);
    std::string k = "client:1.2.3.4";
    for (int i = 0; i < 2; ++i) {
        CHECK(t.retry_after_ns(k, 0) == 0);
        t.failure(k, 0);
    }
    CHECK(t.retry_after_ns(k, 0) == 0);
    t.failure(k, 0); // third
    CHECK(t.retry_after_ns(k, 0) == kS);
    t.failure(k, kS); // fourth: 2 s
    CHECK(t.retry_after_ns(k, kS) == 2 * kS);
    for (int i = 0; i < 10; ++i)
        t.failure(k, kS);
    CHECK(t.retry_after_ns(k, kS) == 8 * kS); // capped
    CHECK(t.retry_after_ns("client:other", kS) == 0);
    t.success(k);
    CHECK(t.retry_after_ns(k, kS) == 0);
}

TEST_CASE("login throttling forgets old failures and stays bounded") {
    LoginThrottle t(1, kS, 8 * kS, 60 * kS, 16);
    t.failure("a", 0);
    CHECK(t.retry_after_ns("a", 0) == kS);
    t.failure("a", 100 * kS); // the old failure is forgotten: first again
    CHECK(t.retry_after_ns("a", 100 * kS) == kS);
    for (int i = 0; i < 100; ++i)
        t.failure("k" + std::to_string(i), 200 * kS);
    CHECK(t.retry_after_ns("k99", 200 * kS) == kS); // the newest is kept
}

TEST_CASE("passwords: not set, set, verified, re-read when the file changes") {
    REQUIRE(crypto_init());
    TempDir dir;
    PasswordStore store(dir.path + "/passwords");
    store.refresh();
    CHECK_FALSE(store.is_set(Profile::admin));
    CHECK(store.verify(Profile::admin, "x", nullptr) == PasswordStore::Verify::not_set);

    store.set(Profile::admin, "correct horse");
    struct stat st {};
    REQUIRE(stat((dir.path + "/passwords").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(store.is_set(Profile::admin));
    CHECK_FALSE(store.is_set(Profile::advanced));
    std::string stamp;
    CHECK(store.verify(Profile::admin, "correct horse", &stamp) == PasswordStore::Verify::ok);
    CHECK(stamp.rfind("$argon2id$", 0) == 0);
    CHECK(store.verify(Profile::admin, "Correct horse", nullptr) == PasswordStore::Verify::wrong);

    // Another writer (gridscope passwd) replaces the file: the next refresh sees it.
    PasswordStore other(dir.path + "/passwords");
    other.set(Profile::advanced, "advanced pw");
    other.set(Profile::admin, "new admin pw");
    store.refresh();
    CHECK(store.is_set(Profile::advanced));
    CHECK(store.stamp(Profile::admin) != stamp);
    CHECK(store.verify(Profile::admin, "new admin pw", nullptr) == PasswordStore::Verify::ok);
    CHECK(store.verify(Profile::admin, "correct horse", nullptr) == PasswordStore::Verify::wrong);
}

TEST_CASE("passwords: malformed lines are ignored with a warning") {
    REQUIRE(crypto_init());
    TempDir dir;
    {
        std::ofstream f(dir.path + "/passwords");
        f << "admin:plaintext\nuser:$argon2id$v=19$m=65536,t=2,p=1$x$y\n# comment\n";
    }
    PasswordStore store(dir.path + "/passwords");
    store.refresh();
    CHECK_FALSE(store.is_set(Profile::admin));
    CHECK_FALSE(store.is_set(Profile::user));
    CHECK(store.take_warning().find("passwords:2") != std::string::npos);
    CHECK(store.take_warning().empty());
}

TEST_CASE("passwords: at most two verifications run at once") {
    REQUIRE(crypto_init());
    TempDir dir;
    PasswordStore store(dir.path + "/passwords");
    store.set(Profile::admin, "pw");
    std::atomic<int> busy{0}, done{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            auto r = store.verify(Profile::admin, "pw", nullptr);
            if (r == PasswordStore::Verify::busy) ++busy;
            if (r == PasswordStore::Verify::ok) ++done;
        });
    for (auto &t : threads)
        t.join();
    CHECK(busy + done == 4);
    CHECK(done >= 1);
}

// `gridscope passwd` as ui_web runs it: the one rule, the one writer (PasswordStore).
TEST_CASE("gridscope passwd (ui_web's tool) sets a password the web UI verifies") {
    TempDir dir;
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
