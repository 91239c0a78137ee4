// field_errors_of (config/diagnostics.hpp): a plugin's create() that refuses its section with
// errors in the kernel's own form gets them reported at their keys, not as one error at
// `plugins.<id>` (the configuration API shows each at its field).
#include "config/diagnostics.hpp"

#include <doctest/doctest.h>

using namespace gs::kernel;

TEST_CASE("a plugin's errors in the kernel's form are split by key, with their locations") {
    const Location fallback{"/s/site.yaml", 20, 3};
    auto errors = field_errors_of(
        "/s/site.yaml:13:30: field 'plugins.exporter_files.plans.1.every': '10s' is out of range\n"
        "C:/odd:name.yaml:4:7: field 'plugins.exporter_files.server.port': '70000' is not a TCP "
        "port (1 to 65535)\n"
        "field 'plugins.exporter_files.plans': missing: at least one plan",
        "plugins.exporter_files.", fallback);
    REQUIRE(errors.size() == 3);
    CHECK(errors[0].field == "plugins.exporter_files.plans.1.every");
    CHECK(errors[0].where.str() == "/s/site.yaml:13:30");
    CHECK(errors[0].message == "'10s' is out of range");
    CHECK(errors[1].field == "plugins.exporter_files.server.port");
    CHECK(errors[1].where.file == "C:/odd:name.yaml");
    CHECK(errors[1].where.line == 4);
    CHECK(errors[1].where.column == 7);
    CHECK(errors[1].message == "'70000' is not a TCP port (1 to 65535)");
    CHECK(errors[2].field == "plugins.exporter_files.plans");
    CHECK(errors[2].where.str() == "/s/site.yaml:20:3");
    CHECK(errors[2].str() ==
          "/s/site.yaml:20:3: field 'plugins.exporter_files.plans': missing: at least one plan");
}

TEST_CASE("other texts are left whole") {
    const Location at{"site.yaml", 1, 1};
    // a key relative to the section (another plugin's style): not the section's path
    CHECK(
        field_errors_of("field 'url': expected http://HOST:PORT", "plugins.exporter_influxdb.", at)
            .empty());
    // another plugin's key
    CHECK(field_errors_of("site.yaml:3:4: field 'plugins.ui_web.port': no", "plugins.ui_web_x.", at)
              .empty());
    // one line of another form spoils the lot: the text is reported whole
    CHECK(
        field_errors_of("site.yaml:3:4: field 'plugins.a.b': no\nsomething else", "plugins.a.", at)
            .empty());
    CHECK(field_errors_of("num_threads and max_live_streams do not fit", "plugins.ui_web.", at)
              .empty());
    CHECK(field_errors_of("", "plugins.a.", at).empty());
    // a location that is not file:line:column
    CHECK(field_errors_of("somewhere: field 'plugins.a.b': no", "plugins.a.", at).empty());
}
