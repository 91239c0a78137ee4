// Runtime::reload (issue 10, findings 2 and 10): the new model is checked with every plugin
// before anything running changes; a valid one replaces only what changed. And one guard
// around plugin calls: an exception a plugin lets cross the ABI becomes a plugin error.
#include "runtime/runtime.hpp"
#include "temp_site.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gs::kernel;
using namespace gs::kernel::test;

namespace {
const std::string kPlugins = GS_PLUGIN_DIR;

struct Running {
    TempSite t;
    PluginRegistry registry;
    std::unique_ptr<Runtime> runtime;

    Running(const std::string &name, const std::string &text) : t(name) {
        REQUIRE(registry.load_file(kPlugins + "/example_virtual_meter.so") == 1);
        REQUIRE(registry.load_file(kPlugins + "/storage_rocksdb.so") == 1);
        RuntimeOptions options;
        options.data_dir = t.path("data");
        runtime =
            std::make_unique<Runtime>(load_site(t.site(text), t.options()), registry, options);
        Diagnostics diag;
        runtime->build(diag);
        REQUIRE(diag.empty());
        runtime->start();
        REQUIRE(runtime->start_errors().empty());
    }
    // Reloads `text`; the errors ("" when taken).
    std::string reload(const std::string &text) {
        Diagnostics diag;
        try {
            runtime->reload(load_site(t.site(text), t.options()), diag);
        } catch (const ConfigFailure &f) {
            diag = f.diagnostics();
        }
        return diag.str();
    }
    Instance *driver() { return runtime->instance_of("example_virtual_meter"); }
    Instance *storage() { return runtime->instance_of("storage_rocksdb"); }
};

std::string site_text(const std::string &source_extra, const std::string &name = "Plant") {
    return "site: {name: " + name +
           "}\n"
           "sources:\n"
           "  - {name: m1, profile: acme/meter, period_ms: 50" +
           source_extra +
           "}\n"
           "  - {name: m2, profile: acme/meter, period_ms: 50}\n"
           "plugins:\n"
           "  storage_rocksdb: {}\n";
}
} // namespace

TEST_CASE("a reload with a driver-level error changes nothing and says why, with file:line") {
    Running r("reload_refused", site_text(""));
    Instance *driver = r.driver(), *storage = r.storage();
    for (const char *bad : {", colour: blue", ", rated_current_a: 1, colour: red"}) {
        CAPTURE(bad);
        std::string errors = r.reload(site_text(bad, "Changed"));
        CHECK(errors.find(r.t.path("site.yaml") + ":3:5: field 'sources[0]': source 'm1'") !=
              std::string::npos);
        CHECK(r.driver() == driver);
        CHECK(r.storage() == storage);
        CHECK(driver->started);
        CHECK(storage->started);
        CHECK(r.runtime->site().name == "Plant");
    }
}

TEST_CASE("a valid reload keeps what did not change and replaces only what did") {
    Running r("reload_keeps", site_text(""));
    Instance *driver = r.driver(), *storage = r.storage();

    SUBCASE("the same file: everything stays") {
        CHECK(r.reload(site_text("")) == "");
        CHECK(r.driver() == driver);
        CHECK(r.storage() == storage);
    }
    SUBCASE("a new site name: the storage learns it (site_changed), the driver polls on") {
        CHECK(r.reload(site_text("", "Renamed")) == "");
        CHECK(r.runtime->site().name == "Renamed");
        CHECK(r.driver() == driver);
        CHECK(r.storage() == storage);
        CHECK(storage->site->model.name == "Renamed");
    }
    SUBCASE("a location only the kernel reads: the driver polls on") {
        CHECK(r.reload(site_text(", location: Roof")) == "");
        CHECK(r.driver() == driver);
    }
    SUBCASE("a driver key of one source changed: that driver is replaced, the storage stays") {
        CHECK(r.reload(site_text(", rated_current_a: 10")) == "");
        CHECK(r.driver() != driver);
        REQUIRE(r.driver());
        CHECK(r.driver()->started);
        CHECK(r.storage() == storage);
    }
    SUBCASE("a new storage section: the storage is replaced and starts") {
        std::string text = site_text("");
        text.replace(text.find("storage_rocksdb: {}"), 19,
                     "storage_rocksdb: {maintenance_interval_s: 600}");
        CHECK(r.reload(text) == "");
        CHECK(r.storage() != storage);
        REQUIRE(r.storage());
        CHECK(r.storage()->started);
        CHECK(r.driver() == driver);
    }
}

TEST_CASE("an exception thrown across the ABI by add_source or start is a plugin error") {
    TempSite t("throwing_later");
    t.write("profiles/acme/thrower.yaml", "profile:\n  name: Thrower\n"
                                          "  driver: fixture_throwing_later\n"
                                          "  points: [{data: IV1Inst, circuit: 1}]\n");
    PluginRegistry registry;
    REQUIRE(registry.load_file(std::string(GS_FIXTURE_DIR) + "/fixture_throwing_later.so") == 1);
    SUBCASE("add_source") {
        Runtime runtime(
            load_site(t.site("sources: [{name: bad, profile: acme/thrower}]\n"), t.options()),
            registry, RuntimeOptions{});
        Diagnostics diag;
        runtime.build(diag);
        REQUIRE(diag.errors().size() == 1);
        CHECK(diag.str().find("site.yaml:1:11: field 'sources[0]'") != std::string::npos);
    }
    SUBCASE("start") {
        Runtime runtime(
            load_site(t.site("sources: [{name: dev, profile: acme/thrower}]\n"), t.options()),
            registry, RuntimeOptions{});
        Diagnostics diag;
        runtime.build(diag);
        REQUIRE(diag.empty());
        runtime.start();
        CHECK(runtime.start_errors().count("fixture_throwing_later") == 1);
        runtime.stop();
    }
}

TEST_CASE("a UI built against ABI 1.1 (no site_changed) loads, and is replaced on a new model") {
    Running r("reload_abi_1_1", site_text(""));
    REQUIRE(r.registry.load_file(std::string(GS_FIXTURE_DIR) + "/fixture_ui_1_1.so") == 1);
    std::string with_ui = site_text("") + "  fixture_ui_1_1: {}\n";
    CHECK(r.reload(with_ui) == ""); // added by a reload
    Instance *ui = r.runtime->instance_of("fixture_ui_1_1");
    REQUIRE(ui);
    CHECK(ui->started);
    CHECK(r.reload(with_ui) == "");
    CHECK(r.runtime->instance_of("fixture_ui_1_1") == ui); // nothing changed: kept
    std::string renamed = with_ui;
    renamed.replace(renamed.find("Plant"), 5, "Renamed");
    CHECK(r.reload(renamed) == "");
    Instance *again = r.runtime->instance_of("fixture_ui_1_1");
    REQUIRE(again);
    CHECK(again != ui); // it cannot learn the model: replaced, and running
    CHECK(again->started);
    CHECK(r.reload(site_text("")) == ""); // removed by a reload
    CHECK_FALSE(r.runtime->instance_of("fixture_ui_1_1"));
}
