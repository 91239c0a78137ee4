// gs_site_files: the secret words, zip archives read back with bounds, and the configuration
// backup's checks of an archive (names, manifest, what it may hold) before a restore.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "site_files/backup.hpp"
#include "site_files/secret_keys.hpp"
#include "site_files/zip_archive.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace gs::site_files;
namespace fs = std::filesystem;

namespace {

const std::pair<std::string, std::string> kManifest{
    "gridscope-backup.json", R"({"format": "gridscope-config-backup", "version": 1})"};
const char *kSite = "site: {name: A}\nprofiles: [own, ../elsewhere, /abs]\nsources: []\n";

std::string refusal(const std::vector<std::pair<std::string, std::string>> &files) {
    try {
        read_backup(zip_archive(files));
    } catch (const std::exception &e) {
        return e.what();
    }
    return "";
}

std::string read(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("secret keys") {
    for (const char *key : {"password", "broker_Password", "passwd", "api_key", "APIKEY", "token",
                            "client_secret", "private_key"})
        CHECK_MESSAGE(is_secret_key(key), key);
    for (const char *key : {"user", "username", "host", "unit", "key"})
        CHECK_MESSAGE(!is_secret_key(key), key);
}

TEST_CASE("zip archives read back, bounded") {
    std::string zip = zip_archive({{"a.txt", "hello"}, {"b/c.bin", std::string(1000, '\0')}});
    auto files = unzip_archive(zip, 10, 1 << 20);
    REQUIRE(files.size() == 2);
    CHECK(files[0] == std::pair<std::string, std::string>{"a.txt", "hello"});
    CHECK(files[1].second.size() == 1000);
    CHECK_THROWS(unzip_archive(zip, 1, 1 << 20)); // too many files
    CHECK_THROWS(unzip_archive(zip, 10, 500));    // too many bytes once inflated
    CHECK_THROWS(unzip_archive("PK\x03\x04 junk", 10, 1 << 20));
    CHECK_THROWS(unzip_archive(zip.substr(0, zip.size() / 2), 10, 1 << 20)); // cut short
}

TEST_CASE("a backup's own profile folders: relative ones inside the site's folder") {
    CHECK(own_profile_dirs(kSite) == std::vector<std::string>{"own"});
    CHECK(own_profile_dirs("profiles: [a/b/, ./c, a/b]\n") == std::vector<std::string>{"a/b", "c"});
    CHECK(own_profile_dirs("not: [yaml").empty());
}

TEST_CASE("an archive is refused unless every file is one a backup holds") {
    const std::pair<std::string, std::string> site{"config/site.yaml", kSite};
    CHECK(refusal({kManifest, site, {"config/own/x.yaml", "profile: {}"}}).empty());
    CHECK(refusal({site}).find("not a gridscope configuration backup") != std::string::npos);
    CHECK(refusal({{"gridscope-backup.json", "{\"format\": \"other\", \"version\": 1}"}, site})
              .find("not a backup manifest") != std::string::npos);
    CHECK(refusal({{"gridscope-backup.json",
                    "{\"format\": \"gridscope-config-backup\", \"version\": 2}"},
                   site})
              .find("newer") != std::string::npos);
    CHECK(refusal({kManifest}).find("no config/site.yaml") != std::string::npos);
    for (const char *bad : {"config/../site.yaml", "/etc/passwd", "config/own/../../x.yaml",
                            "config\\own\\x.yaml", "data/photoview/./x"})
        CHECK_MESSAGE(refusal({kManifest, site, {bad, "x"}}).find("refused file name") !=
                          std::string::npos,
                      bad);
    CHECK(refusal({kManifest, site, {"config/elsewhere/x.yaml", "x"}}).find("not a profile") !=
          std::string::npos);
    CHECK(refusal({kManifest, site, {"config/own/x.txt", "x"}}).find("not a profile") !=
          std::string::npos);
    CHECK(refusal({kManifest, site, {"data/passwords.json", "{}"}}).find("not a file a backup") !=
          std::string::npos);
    CHECK(refusal({kManifest, site, {"data/photoview/pages.json", "[1"}}).find("not a JSON") !=
          std::string::npos);
}

TEST_CASE("make, read and install a backup: the same files, the old site file kept") {
    fs::path root = fs::path(GS_SITE_FILES_TMP) / "backup";
    fs::remove_all(root);
    fs::create_directories(root / "a" / "own" / "sub");
    fs::create_directories(root / "a" / "data" / "photoview" / "images");
    std::ofstream(root / "a" / "site.yaml") << kSite;
    std::ofstream(root / "a" / "own" / "sub" / "p.yaml") << "profile: {id: sub/p}\n";
    std::ofstream(root / "a" / "own" / "notes.txt") << "not a profile: left out\n";
    std::ofstream(root / "a" / "data" / "photoview" / "pages.json") << "{\"pages\": []}";
    std::ofstream(root / "a" / "data" / "photoview" / "images" / "1-1.png") << "png";
    std::ofstream(root / "a" / "data" / "trends-favourites.json") << "{\"favourites\": []}";
    std::string zip =
        make_backup({(root / "a" / "site.yaml").string(), (root / "a" / "data").string()});
    Backup b = read_backup(zip);
    CHECK(b.site_text == kSite);
    CHECK(b.config_files.size() == 1);
    CHECK(b.data_files.size() == 3);

    // Onto another site: its folders replaced whole, its site file kept as .1.
    fs::create_directories(root / "b" / "own");
    std::ofstream(root / "b" / "site.yaml") << "site: {name: B}\n";
    std::ofstream(root / "b" / "own" / "stale.yaml") << "profile: {id: stale}\n";
    install_backup(b, {(root / "b" / "site.yaml").string(), (root / "b" / "data").string()});
    CHECK(read(root / "b" / "site.yaml") == kSite);
    CHECK(read(root / "b" / "site.yaml.1") == "site: {name: B}\n");
    CHECK(read(root / "b" / "own" / "sub" / "p.yaml") == "profile: {id: sub/p}\n");
    CHECK(!fs::exists(root / "b" / "own" / "stale.yaml"));
    CHECK(read(root / "b" / "data" / "photoview" / "images" / "1-1.png") == "png");
    CHECK(read(root / "b" / "data" / "trends-favourites.json") == "{\"favourites\": []}");
    for (const auto &e : fs::directory_iterator(root / "b"))
        CHECK_MESSAGE(e.path().filename().string().find(".restore-") == std::string::npos,
                      e.path());
}

TEST_CASE("kept site versions: .1 the newest, at most .10") {
    fs::path root = fs::path(GS_SITE_FILES_TMP) / "versions";
    fs::remove_all(root);
    fs::create_directories(root);
    std::string file = (root / "site.yaml").string();
    std::string error;
    for (int i = 0; i < 12; ++i)
        REQUIRE(keep_site_versions(file, "v" + std::to_string(i), error));
    CHECK(read(file + ".1") == "v11");
    CHECK(read(file + ".10") == "v2");
    CHECK(!fs::exists(file + ".11"));
}
