// Runtime::stop: drivers first, the bus drained into every consumer, then the consumers in
// reverse start order, each taken off the bus before it stops, the storages last: an event a
// plugin publishes while it stops still reaches the storage.
#include "runtime/runtime.hpp"
#include "temp_site.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace gs::kernel;
using namespace gs::kernel::test;

TEST_CASE("an event published while a plugin stops reaches the storage") {
    TempSite t("stop_order");
    PluginRegistry registry;
    REQUIRE(registry.load_file(std::string(GS_FIXTURE_DIR) + "/runtime/fixture_stop_order.so") ==
            2);
    REQUIRE(registry.load_file(std::string(GS_PLUGIN_DIR) + "/example_virtual_meter.so") == 1);
    const std::string stored = t.path("events.txt");
    RuntimeOptions options;
    options.data_dir = t.path("data");
    Runtime runtime(load_site(t.site("site: {name: Plant}\n"
                                     "sources:\n"
                                     "  - {name: m1, profile: acme/meter, period_ms: 20}\n"
                                     "plugins:\n"
                                     "  fixture_recorder: {file: " +
                                     stored +
                                     "}\n"
                                     "  fixture_last_word: {}\n"),
                              t.options()),
                    registry, options);
    Diagnostics diag;
    runtime.build(diag);
    REQUIRE(diag.empty());
    for (int round = 0; round < 2; ++round) { // stopped, then started again
        CAPTURE(round);
        runtime.start();
        REQUIRE(runtime.start_errors().empty());
        runtime.stop();
        std::ifstream in(stored);
        std::stringstream text;
        text << in.rdbuf();
        size_t words = 0;
        for (size_t at = text.str().find("fixture.stopping\n"); at != std::string::npos;
             at = text.str().find("fixture.stopping\n", at + 1))
            ++words;
        CHECK(words == static_cast<size_t>(round + 1));
    }
}
