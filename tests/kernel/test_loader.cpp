// The plugin loader against deliberately broken fixture plugins: each is refused with a clear
// message and its library is closed.
#include "plugin/loader.hpp"
#include "runtime/runtime.hpp"
#include "site/loader.hpp"

#include <doctest/doctest.h>

#include <dlfcn.h>

#include <fstream>
#include <string>

using namespace gs::kernel;

namespace {

std::string fixture(const std::string &name) {
    return std::string(GS_FIXTURE_DIR) + "/" + name + ".so";
}

// True while the library is still mapped in this process.
bool is_loaded(const std::string &path) {
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (!handle) return false;
    dlclose(handle);
    return true;
}

std::string refused(const std::string &name) {
    PluginRegistry registry;
    CHECK(registry.load_file(fixture(name)) == 0);
    REQUIRE(registry.refusals().size() == 1);
    CHECK(registry.all().empty());
    CHECK_FALSE(is_loaded(fixture(name)));
    return registry.refusals().front();
}

} // namespace

TEST_CASE("a well-formed plugin is accepted and described") {
    PluginRegistry registry;
    CHECK(registry.load_file(fixture("fixture_good")) == 1);
    auto plugin = registry.find("fixture_good");
    REQUIRE(plugin);
    CHECK(plugin->kind == GS_KIND_DRIVER);
    CHECK(plugin->version == "0.0.1");
    CHECK(plugin->module_abi == GS_ABI_VERSION);
    CHECK(is_loaded(fixture("fixture_good")));
}

TEST_CASE("a plugin of another ABI major version is refused") {
    std::string why = refused("fixture_wrong_major");
    CHECK(why.find("ABI major version 2 is not the kernel's 1") != std::string::npos);
    CHECK(why.find("fixture_wrong_major.so") != std::string::npos);
}

TEST_CASE("a plugin built for a newer minor version is refused") {
    CHECK(refused("fixture_newer_minor").find("newer than the kernel's") != std::string::npos);
}

TEST_CASE("a library without the entry symbol is refused") {
    CHECK(refused("fixture_no_entry").find("no entry symbol 'gs_module_entry'") !=
          std::string::npos);
}

TEST_CASE("a plugin missing a required function is refused") {
    CHECK(
        refused("fixture_missing_function").find("required function 'validate_point' is missing") !=
        std::string::npos);
}

TEST_CASE("a file that is not a library is refused") {
    std::string path = std::string(GS_FIXTURE_DIR) + "/not_a_library.so";
    std::ofstream(path) << "not an ELF file";
    PluginRegistry registry;
    CHECK(registry.load_file(path) == 0);
    REQUIRE(registry.refusals().size() == 1);
    CHECK(registry.refusals()[0].find("cannot load the library") != std::string::npos);
}

TEST_CASE("a duplicate plugin id is refused and the first one stays") {
    PluginRegistry registry;
    CHECK(registry.load_file(fixture("fixture_good")) == 1);
    CHECK(registry.load_file(fixture("fixture_duplicate")) == 0);
    REQUIRE(registry.refusals().size() == 1);
    CHECK(registry.refusals()[0].find("duplicate id: 'fixture_good' is already loaded") !=
          std::string::npos);
    CHECK_FALSE(is_loaded(fixture("fixture_duplicate")));
    CHECK(registry.find("fixture_good")->path == fixture("fixture_good"));
}

TEST_CASE("a bad plugin never stops the others: a whole folder loads") {
    PluginRegistry registry;
    size_t n = registry.load_dir(GS_FIXTURE_DIR);
    // fixture_duplicate or fixture_good wins by name order; fixture_throwing and
    // fixture_throwing_later load (they only throw once called), fixture_ui_1_1 too (ABI 1.1).
    CHECK(n == 4);
    CHECK(registry.find("fixture_good"));
    CHECK(registry.find("fixture_throwing"));
    CHECK(registry.refusals().size() >= 5);
}

TEST_CASE("a plugin that throws from create is refused and its library closed") {
    std::string dir = std::string(GS_TEST_TMP) + "/throwing";
    std::string site_file = dir + "/site.yaml";
    std::string profiles = dir + "/profiles";
    std::string cmd = "mkdir -p " + profiles;
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ofstream(profiles + "/catalog.yaml") << "catalog:\n  - {name: X, type: measure}\n";
    std::ofstream(profiles + "/thrower.yaml")
        << "profile:\n  name: Thrower\n  driver: fixture_throwing\n  points:\n    - {data: X}\n";
    std::ofstream(site_file) << "sources:\n  - {name: dev, profile: thrower}\n";

    PluginRegistry registry;
    REQUIRE(registry.load_file(fixture("fixture_throwing")) == 1);
    LoadOptions options;
    options.profile_dirs.push_back(profiles);
    {
        Runtime runtime(load_site(site_file, options), registry, RuntimeOptions{});
        Diagnostics diag;
        runtime.build(diag);
        REQUIRE(diag.errors().size() == 1);
        CHECK(diag.errors()[0].message.find("threw an exception from create") != std::string::npos);
    }
    CHECK_FALSE(registry.find("fixture_throwing"));
    CHECK(registry.refusals().back().find("create threw an exception") != std::string::npos);
    CHECK_FALSE(is_loaded(fixture("fixture_throwing")));
}
