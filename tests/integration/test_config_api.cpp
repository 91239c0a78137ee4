// The site document over the API through the real binary (issue 15 items 1 and 5, docs/api.md
// "Configuration"): GET/PUT /config and POST /config/validate, Admin only and CSRF-checked; bad
// input refused with the file untouched (bytes compared); 409 on a stale version or after a hand
// edit; 11 saves keep exactly site.yaml.1 to .10; a saved source shows in GET /site without a
// restart; the comments of unchanged parts survive; secrets are write-only.
#include "../support/eventually.hpp"
#include "../support/http_client.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <site_files/backup.hpp>
#include <site_files/zip_archive.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using gs::test::Client;
using gs::test::eventually;
using gs::test::free_port;
using gs::test::Process;
using gs::test::run;
using json = nlohmann::ordered_json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {
const std::string kBin = GS_BINARY;

std::string site_text(int mqtt_port) {
    return "# Config API test site.\n"
           "site: {name: Config API, timezone: Europe/Paris}\n"
           "\n"
           "# The meters.\n"
           "sources:\n"
           "  # The first meter: keep this comment.\n"
           "  - {name: m1, profile: examples/virtual-meter, period_ms: 200}\n"
           "  # The second meter.\n"
           "  - name: m2\n"
           "    profile: examples/virtual-meter\n"
           "    period_ms: 200\n"
           "\n"
           "# The plugins: keep this comment too.\n"
           "plugins:\n"
           "  ui_web: {}\n"
           "  exporter_mqtt:\n"
           "    topic_prefix: gridscope/test\n"
           "    broker: {host: 127.0.0.1, port: " +
           std::to_string(mqtt_port) + ", username: u, password: \"broker-secret\"}\n";
}

std::string read_file(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

json call(Client &c, const std::string &method, const std::string &path, const json &body,
          int status) {
    std::string out = c.call(method, path, body.is_null() ? "" : body.dump());
    INFO(method, " ", path, " -> ", out);
    REQUIRE(c.last_status == status);
    return json::parse(out, nullptr, false);
}

// GET /site (empty when the request fails).
std::string site_now(const Client &c) {
    auto r = run({"/usr/bin/curl", "-s", "-m", "5", "-b", c.jar, c.base + "/api/v1/site"},
                 std::nullopt, 10s);
    return r.code == 0 ? r.out : "";
}

void write_site_files(const fs::path &dir, int mqtt_port);

struct Site {
    fs::path dir, file, data;
    int port = 0;
    std::unique_ptr<Process> process;
    Client admin, advanced, user;

    // `write(dir, mqtt_port)` writes the site's files; by default the site file alone.
    explicit Site(const std::string &name, void (*write)(const fs::path &, int) = nullptr) {
        dir = fs::path(GS_TEST_TMP) / name;
        fs::remove_all(dir);
        fs::create_directories(dir);
        file = dir / "site.yaml";
        data = dir / "data";
        if (write)
            write(dir, free_port());
        else
            std::ofstream(file) << site_text(free_port());
        for (auto [profile, password] :
             {std::pair{"admin", "admin-pass-1"}, std::pair{"advanced", "advanced-pass-1"}}) {
            auto pw = run({kBin, "passwd", "--config", file.string(), "--data-dir", data.string(),
                           "--profile", profile},
                          std::string(password) + "\n" + password + "\n");
            INFO(pw.err);
            REQUIRE(pw.code == 0);
        }
        port = free_port();
        process = std::make_unique<Process>(
            std::vector<std::string>{kBin, "run", "--config", file.string(), "--data-dir",
                                     data.string(), "--http-port", std::to_string(port)});
        REQUIRE(process->wait_for_stdout("gridscope: ready", 30s));
        std::string base = "http://127.0.0.1:" + std::to_string(port);
        admin = Client{base, (dir / "admin.jar").string(), "", 0};
        advanced = Client{base, (dir / "advanced.jar").string(), "", 0};
        user = Client{base, (dir / "user.jar").string(), "", 0};
        admin.login("admin", "admin-pass-1");
        advanced.login("advanced", "advanced-pass-1");
        user.login("user", "");
    }
    ~Site() {
        if (process) {
            process->signal(SIGTERM);
            process->wait(30s);
        }
    }
};

} // namespace

TEST_CASE("config API: roles, CSRF, bad input, conflicts, saves, comments, secrets") {
    Site site("config_api");
    const std::string original = read_file(site.file);

    // Roles: only Admin.
    for (Client *c : {&site.user, &site.advanced}) {
        call(*c, "GET", "/config", nullptr, 403);
        call(*c, "PUT", "/config", json{{"version", "x"}, {"site", json::object()}}, 403);
        call(*c, "POST", "/config/validate", json{{"site", json::object()}}, 403);
    }
    json doc = call(site.admin, "GET", "/config", nullptr, 200);
    REQUIRE(doc["version"].is_string());
    CHECK(doc["site"]["site"]["name"] == "Config API");
    CHECK(doc["site"]["sources"].size() == 2);
    CHECK(doc["site"]["sources"][0]["period_ms"] == 200);
    // Secrets are write-only.
    CHECK(doc["site"]["plugins"]["exporter_mqtt"]["broker"]["password"].is_null());
    CHECK(doc["site"]["plugins"]["exporter_mqtt"]["broker"]["username"] == "u");
    const std::string v0 = doc["version"];

    // CSRF: a change without the token is refused.
    Client no_csrf = site.admin;
    no_csrf.csrf.clear();
    json body = {{"version", v0}, {"site", doc["site"]}};
    call(no_csrf, "PUT", "/config", body, 403);
    call(no_csrf, "POST", "/config/validate", json{{"site", doc["site"]}}, 403);

    // Bad input: 4xx, file untouched.
    for (const std::string &bad :
         {std::string("not json"), std::string("[1, 2]"), std::string("{\"version\": \"x\"}"),
          std::string("{\"version\": 3, \"site\": {}}"),
          std::string("{\"version\": \"x\", \"site\": [1]}")}) {
        std::string out = site.admin.call("PUT", "/config", bad);
        INFO(bad, " -> ", out);
        CHECK(site.admin.last_status == 400);
    }
    json invalid = doc["site"];
    invalid["sources"][1]["period_ms"] = 1;               // the loader: at least 10 ms
    invalid["sources"][0]["profile"] = "no/such-profile"; // the cross-checks
    json refused = call(site.admin, "PUT", "/config", {{"version", v0}, {"site", invalid}}, 400);
    CHECK(refused["error"] == "invalid_config");
    std::set<std::string> paths;
    for (const auto &e : refused["errors"]) {
        CHECK(e["message"].is_string());
        paths.insert(e["path"].get<std::string>());
    }
    CHECK(paths.count("sources[1].period_ms") == 1);
    CHECK(paths.count("sources[0].profile") == 1);
    // A driver's check of a source key is reported at the key ("unit" is no key of the
    // virtual meter's driver): the form shows it at its field.
    json driver_bad = doc["site"];
    driver_bad["sources"][0]["unit"] = 999;
    refused = call(site.admin, "PUT", "/config", {{"version", v0}, {"site", driver_bad}}, 400);
    REQUIRE(refused["errors"].size() >= 1);
    CHECK(refused["errors"][0]["path"] == "sources[0].unit");
    // A plugin's own check (exporter_mqtt's broker keys) has its path too.
    json plugin_bad = doc["site"];
    plugin_bad["plugins"]["exporter_mqtt"]["broker"]["colour"] = "red";
    refused = call(site.admin, "PUT", "/config", {{"version", v0}, {"site", plugin_bad}}, 400);
    CHECK(refused["errors"].size() >= 1);
    CHECK(read_file(site.file) == original);
    CHECK(!fs::exists(site.file.string() + ".1"));

    // Validate: the same checks, nothing saved.
    json checked = call(site.admin, "POST", "/config/validate", json{{"site", invalid}}, 200);
    CHECK(checked["errors"].size() >= 2);
    CHECK(checked["warnings"].is_array());
    json fine = call(site.admin, "POST", "/config/validate", json{{"site", doc["site"]}}, 200);
    CHECK(fine["errors"].empty());
    json no_secret = doc["site"];
    no_secret["sources"][0]["api_key"] = nullptr; // a secret with nothing stored
    json warned = call(site.admin, "POST", "/config/validate", json{{"site", no_secret}}, 200);
    REQUIRE(warned["warnings"].size() == 1);
    CHECK(warned["warnings"][0]["path"] == "sources[0].api_key");
    CHECK(read_file(site.file) == original);

    // A stale version: 409, untouched.
    call(site.admin, "PUT", "/config", {{"version", "0000-0"}, {"site", doc["site"]}}, 409);
    CHECK(read_file(site.file) == original);

    // A save that adds a source: in force without a restart, comments of the rest kept, the
    // secret kept though sent as null.
    json next = doc["site"];
    next["sources"].push_back(
        {{"name", "m3"}, {"profile", "examples/virtual-meter"}, {"period_ms", 200}});
    json saved = call(site.admin, "PUT", "/config", {{"version", v0}, {"site", next}}, 200);
    REQUIRE(saved["version"].is_string());
    CHECK(saved["version"] != v0);
    CHECK(read_file(site.file.string() + ".1") == original);
    std::string now = read_file(site.file);
    INFO(now);
    for (const char *kept :
         {"# Config API test site.", "# The meters.", "# The first meter: keep this comment.",
          "# The second meter.", "# The plugins: keep this comment too.",
          "password: \"broker-secret\""})
        CHECK(now.find(kept) != std::string::npos);
    CHECK(now.find("name: m3") != std::string::npos);
    CHECK(
        eventually([&] { return site_now(site.admin).find("\"m3\"") != std::string::npos; }, 20s));
    CHECK(site.process->pid() > 0);
    CHECK(!site.process->wait(0ms).has_value()); // the same process: no restart

    // The old version is stale now; so is the new one after a hand edit.
    call(site.admin, "PUT", "/config", {{"version", v0}, {"site", next}}, 409);
    json after = call(site.admin, "GET", "/config", nullptr, 200);
    CHECK(after["version"] == saved["version"]);
    CHECK(after["site"]["sources"].size() == 3);
    std::ofstream(site.file, std::ios::app) << "# a hand edit\n";
    const std::string edited = read_file(site.file);
    call(site.admin, "PUT", "/config", {{"version", saved["version"]}, {"site", next}}, 409);
    CHECK(read_file(site.file) == edited);

    // 11 saves keep exactly site.yaml.1 ... .10, the newest first.
    std::string version = call(site.admin, "GET", "/config", nullptr, 200)["version"];
    std::vector<std::string> texts;
    for (int i = 0; i < 11; ++i) {
        texts.push_back(read_file(site.file));
        json s = next;
        s["site"]["name"] = "Config API " + std::to_string(i);
        version =
            call(site.admin, "PUT", "/config", {{"version", version}, {"site", s}}, 200)["version"];
        REQUIRE(eventually(
            [&] {
                return site_now(site.admin).find("\"Config API " + std::to_string(i) + "\"") !=
                       std::string::npos;
            },
            20s));
    }
    for (int i = 1; i <= 10; ++i) {
        INFO("site.yaml.", i);
        REQUIRE(fs::exists(site.file.string() + "." + std::to_string(i)));
        CHECK(read_file(site.file.string() + "." + std::to_string(i)) == texts[11 - i]);
    }
    CHECK(!fs::exists(site.file.string() + ".11"));
    CHECK(read_file(site.file).find("name: Config API 10") != std::string::npos);
    CHECK(!fs::exists(site.file.string() + ".checking"));
}

namespace {

// A site with its own profile folder, Photoview pages and favourites in `dir`.
void write_site_files(const fs::path &dir, int mqtt_port) {
    fs::create_directories(dir / "own-profiles" / "custom");
    std::string vm = read_file(fs::path(GS_SOURCE_DIR) / "profiles/examples/virtual-meter.yaml");
    vm.replace(vm.find("id: examples/virtual-meter"), 26, "id: custom/vm");
    std::ofstream(dir / "own-profiles" / "custom" / "vm.yaml") << vm;
    std::string site = site_text(mqtt_port);
    site.replace(site.find("sources:"), 8, "profiles: [own-profiles]\nsources:");
    site.replace(site.find("    profile: examples/virtual-meter\n"), 36,
                 "    profile: custom/vm\n");
    std::ofstream(dir / "site.yaml") << site;
    fs::create_directories(dir / "data" / "photoview" / "images");
    std::ofstream(dir / "data" / "photoview" / "pages.json")
        << R"({"next_id": 2, "pages": [{"id": 1, "name": "Board", "symbol": "", "image": null, "elements": []}]})";
    std::ofstream(dir / "data" / "photoview" / "images" / "1-1.png")
        << std::string("\x89PNG\r\n\x1a\n fake", 13);
    std::ofstream(dir / "data" / "trends-favourites.json") << R"({"version": 1, "favourites": []})";
}

// Every file below `dir` with its bytes, by relative name (the dir's own test files left out).
std::map<std::string, std::string> tree(const fs::path &dir) {
    std::map<std::string, std::string> out;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::end(it); ++it)
        if (it->is_regular_file()) {
            std::string rel = fs::relative(it->path(), dir).generic_string();
            if (rel.find(".jar") == std::string::npos && rel.rfind("data/", 0) != 0)
                out[rel] = read_file(it->path());
            else if (rel.rfind("data/photoview", 0) == 0 || rel == "data/trends-favourites.json")
                out[rel] = read_file(it->path());
        }
    return out;
}

} // namespace

namespace {

// GET or POST with curl on files (binary bodies); the HTTP status.
int transfer(const Client &c, const std::string &method, const std::string &path,
             const fs::path &body_from, const fs::path &answer_to) {
    std::vector<std::string> argv{"/usr/bin/curl",
                                  "-s",
                                  "-m",
                                  "60",
                                  "-b",
                                  c.jar,
                                  "-X",
                                  method,
                                  "-o",
                                  answer_to.string(),
                                  "-w",
                                  "%{http_code}",
                                  "-H",
                                  "Origin: " + c.base};
    if (!c.csrf.empty()) argv.insert(argv.end(), {"-H", "X-CSRF-Token: " + c.csrf});
    if (!body_from.empty())
        argv.insert(argv.end(), {"-H", "Content-Type: application/zip", "--data-binary",
                                 "@" + body_from.string()});
    argv.push_back(c.base + "/api/v1" + path);
    auto r = run(argv, std::nullopt, 90s);
    REQUIRE(r.code == 0);
    return std::stoi(r.out);
}

// A backup whose site file is refused by the checks: sources[1].period_ms below 10 ms.
std::string invalid_backup(const std::string &good_site) {
    std::string bad = good_site;
    bad.replace(bad.find("period_ms: 200\n\n"), 14, "period_ms: 1");
    return gs::site_files::zip_archive(
        {{"gridscope-backup.json", R"({"format": "gridscope-config-backup", "version": 1})"},
         {"config/site.yaml", bad}});
}

} // namespace

TEST_CASE("config backup and restore: API and CLI, checked whole before anything is replaced") {
    Site site("config_backup", &write_site_files);
    const auto before = tree(site.dir);
    REQUIRE(before.count("own-profiles/custom/vm.yaml") == 1);
    REQUIRE(before.count("data/photoview/images/1-1.png") == 1);
    const fs::path zip = site.dir / "backup.zip", answer = site.dir / "answer.json";

    // Roles and CSRF.
    for (Client *c : {&site.user, &site.advanced}) {
        CHECK(transfer(*c, "GET", "/config/backup", {}, answer) == 403);
        CHECK(transfer(*c, "POST", "/config/restore", site.file, answer) == 403);
    }
    CHECK(transfer(site.admin, "GET", "/config/backup", {}, zip) == 200);
    Client no_csrf = site.admin;
    no_csrf.csrf.clear();
    CHECK(transfer(no_csrf, "POST", "/config/restore", zip, answer) == 403);

    // The archive holds the site's files as they are.
    auto files = gs::site_files::read_backup(read_file(zip));
    CHECK(files.site_text == before.at("site.yaml"));
    CHECK(files.config_files.at("own-profiles/custom/vm.yaml") ==
          before.at("own-profiles/custom/vm.yaml"));
    CHECK(files.data_files.at("photoview/images/1-1.png") ==
          before.at("data/photoview/images/1-1.png"));
    CHECK(files.data_files.at("trends-favourites.json") ==
          before.at("data/trends-favourites.json"));

    // Bad archives: 400, nothing replaced.
    std::ofstream(site.dir / "corrupt.zip") << "PK\x03\x04 not really a zip";
    CHECK(transfer(site.admin, "POST", "/config/restore", site.dir / "corrupt.zip", answer) == 400);
    CHECK(read_file(answer).find("invalid_backup") != std::string::npos);
    std::ofstream(site.dir / "invalid.zip") << invalid_backup(before.at("site.yaml"));
    CHECK(transfer(site.admin, "POST", "/config/restore", site.dir / "invalid.zip", answer) == 400);
    CHECK(read_file(answer).find("sources[1].period_ms") != std::string::npos);
    CHECK(tree(site.dir).at("site.yaml") == before.at("site.yaml"));
    CHECK(!fs::exists(site.file.string() + ".1"));

    // A change, then the restore through the API gives the backed-up site back, in force.
    json doc = call(site.admin, "GET", "/config", nullptr, 200);
    json changed = doc["site"];
    changed["site"]["name"] = "Changed";
    call(site.admin, "PUT", "/config", {{"version", doc["version"]}, {"site", changed}}, 200);
    fs::remove(site.data / "trends-favourites.json");
    CHECK(
        eventually([&] { return site_now(site.admin).find("Changed") != std::string::npos; }, 20s));
    int status = 0;
    REQUIRE(eventually(
        [&] {
            return (status = transfer(site.admin, "POST", "/config/restore", zip, answer)) != 0 &&
                   status != 503;
        },
        20s));
    INFO(read_file(answer));
    CHECK(status == 200);
    auto restored = tree(site.dir);
    for (const auto &[name, bytes] : before) {
        INFO(name);
        CHECK(restored.count(name) == 1);
        if (restored.count(name)) CHECK(restored.at(name) == bytes);
    }
    CHECK(eventually([&] { return site_now(site.admin).find("Config API") != std::string::npos; },
                     20s));

    // The CLI: export, then import onto an empty folder gives the same site.
    auto exported = run({kBin, "config", "export", "--config", site.file.string(), "--data-dir",
                         site.data.string(), "--file", (site.dir / "cli.zip").string()});
    INFO(exported.err);
    REQUIRE(exported.code == 0);
    fs::path empty = fs::path(GS_TEST_TMP) / "config_restore_empty";
    fs::remove_all(empty);
    fs::create_directories(empty);
    auto imported =
        run({kBin, "config", "import", "--config", (empty / "site.yaml").string(), "--data-dir",
             (empty / "data").string(), "--file", (site.dir / "cli.zip").string()});
    INFO(imported.out, imported.err);
    REQUIRE(imported.code == 0);
    auto copy = tree(empty);
    for (const auto &[name, bytes] : before) {
        INFO(name);
        REQUIRE(copy.count(name) == 1);
        CHECK(copy.at(name) == bytes);
    }
    auto checked = run({kBin, "check", "--config", (empty / "site.yaml").string()});
    INFO(checked.out, checked.err);
    CHECK(checked.code == 0);

    // The CLI refuses a corrupt or invalid archive and changes nothing.
    for (const char *bad : {"corrupt.zip", "invalid.zip", "no-such.zip"}) {
        auto refused =
            run({kBin, "config", "import", "--config", (empty / "site.yaml").string(), "--data-dir",
                 (empty / "data").string(), "--file", (site.dir / bad).string()});
        INFO(bad, ": ", refused.err);
        CHECK(refused.code != 0);
        CHECK(tree(empty) == copy);
    }
}
