// The site file as a JSON document (config/site_document.hpp): typing, secrets write-only, and
// the text written back keeping the comments of what did not change.
#include "config/site_document.hpp"

#include <doctest/doctest.h>

using gs::kernel::DocumentNote;
using gs::kernel::json_to_site_text;
using gs::kernel::site_text_version;
using gs::kernel::SiteJson;
using gs::kernel::yaml_to_json;

namespace {

const char *kFile = R"(# The demo building.
# Second header line.

site: {name: Demo, timezone: Europe/Paris}

# The meters.
sources:
  # The main board.
  - name: tgbt
    profile: socomec/diris-a40
    host: 10.0.0.5   # behind the gateway
    unit: 1
  # The lighting.
  - name: light
    profile: socomec/countis-e23
    unit: "0123"
    enabled: false

# Publishing.
plugins:
  exporter_files:
    server: {protocol: ftp, host: 10.0.0.9, user: u, password: "s3cret:x"}
)";

SiteJson doc_of(const std::string &text) {
    return yaml_to_json(YAML::Load(text), true);
}

std::string written(const SiteJson &next, std::vector<DocumentNote> *notes = nullptr) {
    std::vector<DocumentNote> scratch;
    return json_to_site_text(next, kFile, notes ? *notes : scratch);
}

} // namespace

TEST_CASE("site document: YAML typing, secrets shown as null") {
    SiteJson doc = doc_of(kFile);
    CHECK(doc["sources"][0]["unit"] == 1);
    CHECK(doc["sources"][0]["host"] == "10.0.0.5");
    CHECK(doc["sources"][1]["unit"] == "0123"); // quoted: a string
    CHECK(doc["sources"][1]["enabled"] == false);
    CHECK(doc["plugins"]["exporter_files"]["server"]["password"].is_null());
    CHECK(doc["plugins"]["exporter_files"]["server"]["user"] == "u");
    // Numbers only when JSON writes them back the same.
    SiteJson odd = doc_of("a: 0123\nb: 1.50\nc: 2.5\nd: ~\ne: yes\nf: '12'\n");
    CHECK(odd["a"] == "0123");
    CHECK(odd["b"] == "1.50");
    CHECK(odd["c"] == 2.5);
    CHECK(odd["d"].is_null());
    CHECK(odd["e"] == "yes");
    CHECK(odd["f"] == "12");
    CHECK(site_text_version("a") != site_text_version("b"));
    CHECK(site_text_version(kFile) == site_text_version(std::string(kFile)));
}

TEST_CASE("site document: an unchanged document gives the file back byte for byte") {
    CHECK(written(doc_of(kFile)) == kFile);
}

TEST_CASE("site document: a changed item is rewritten, the comments of the rest stay") {
    SiteJson doc = doc_of(kFile);
    doc["sources"][1]["unit"] = 7;
    std::string text = written(doc);
    INFO(text);
    for (const char *kept :
         {"# The demo building.", "# Second header line.", "# The meters.", "# The main board.",
          "host: 10.0.0.5   # behind the gateway", "# Publishing.", "password: \"s3cret:x\""})
        CHECK(text.find(kept) != std::string::npos);
    CHECK(text.find("# The lighting.") != std::string::npos); // right above the item: its own
    CHECK(yaml_to_json(YAML::Load(text), false)["sources"][1]["unit"] == 7);
    CHECK(yaml_to_json(YAML::Load(text), true) == doc);

    // A new item, written in the list's indentation; a deleted one goes with its comment.
    doc["sources"].erase(0);
    doc["sources"].push_back({{"name", "new"}, {"profile", "x/y"}, {"unit", "12"}});
    text = written(doc);
    INFO(text);
    CHECK(text.find("# The main board.") == std::string::npos);
    CHECK(text.find("  - name: new") != std::string::npos);
    CHECK(text.find("unit: \"12\"") != std::string::npos); // a string that looks like a number
    CHECK(yaml_to_json(YAML::Load(text), true) == doc);
}

TEST_CASE("site document: secrets sent as null keep their stored value") {
    SiteJson doc = doc_of(kFile);
    doc["plugins"]["exporter_files"]["server"]["host"] = "10.0.0.10";
    std::string text = written(doc);
    INFO(text);
    CHECK(YAML::Load(text)["plugins"]["exporter_files"]["server"]["password"].as<std::string>() ==
          "s3cret:x");
    // A new secret replaces the stored one.
    doc["plugins"]["exporter_files"]["server"]["password"] = "other";
    text = written(doc);
    CHECK(YAML::Load(text)["plugins"]["exporter_files"]["server"]["password"].as<std::string>() ==
          "other");
    // A null secret with nothing stored is left out, with a warning.
    doc["sources"][0]["token"] = nullptr;
    std::vector<DocumentNote> notes;
    text = written(doc, &notes);
    CHECK(!YAML::Load(text)["sources"][0]["token"]);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].path == "sources[0].token");
}

TEST_CASE("site document: a flow-style file is written anew, and reads back as the document") {
    const std::string flow = "{site: {name: A}, sources: []}";
    SiteJson doc = doc_of(flow);
    doc["sources"].push_back({{"name", "m1"}, {"profile", "p"}});
    std::vector<DocumentNote> notes;
    std::string text = json_to_site_text(doc, flow, notes);
    CHECK(yaml_to_json(YAML::Load(text), true) == doc);
}
