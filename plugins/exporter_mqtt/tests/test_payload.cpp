// The MQTT payloads and topics of journal entries, as the issue writes them.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "payload.hpp"

#include <doctest/doctest.h>

#include <cmath>

using gs::JournalEntry;
using gs::mqtt::Message;
using gs::mqtt::messages_of;

namespace {

JournalEntry samples() {
    JournalEntry e;
    e.seq = 7;
    e.ts_utc_ns = 1764806400123456789;
    e.source = "tgbt";
    e.values = {{1, "IPSumInst", 1250.5, GS_QUALITY_GOOD},
                {1, "IEaPInst", 123456789, GS_QUALITY_GOOD},
                {2, "IPSumInst", 0, GS_QUALITY_TIMEOUT},
                {2, "IEaPInst", 42, GS_QUALITY_GOOD},
                {1, "IV1Inst", NAN, GS_QUALITY_GOOD}};
    return e;
}

} // namespace

TEST_CASE("one message per circuit on <prefix>/<source>/<circuit>, quality only when not good") {
    std::vector<Message> out;
    messages_of("gridscope/demo", samples(), out);
    REQUIRE(out.size() == 2);
    CHECK(out[0].topic == "gridscope/demo/tgbt/1");
    CHECK(out[0].payload == "{\"ts\": 1764806400123, \"values\": {\"IPSumInst\": 1250.5, "
                            "\"IEaPInst\": 123456789, \"IV1Inst\": null}, \"quality\": {}}");
    CHECK(out[1].topic == "gridscope/demo/tgbt/2");
    CHECK(out[1].payload == "{\"ts\": 1764806400123, \"values\": {\"IPSumInst\": null, "
                            "\"IEaPInst\": 42}, \"quality\": {\"IPSumInst\": \"timeout\"}}");
}

TEST_CASE("a source name cannot add topic levels or wildcards; strings are JSON-escaped") {
    JournalEntry e = samples();
    e.source = "a/b+c#";
    e.values = {{0, "x\"y", 1, GS_QUALITY_DISCONNECTED}};
    std::vector<Message> out;
    messages_of("p", e, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].topic == "p/a_b_c_/0");
    CHECK(out[0].payload ==
          "{\"ts\": 1764806400123, \"values\": {\"x\\\"y\": null}, \"quality\": {\"x\\\"y\": "
          "\"disconnected\"}}");
}

TEST_CASE("events go to <prefix>/events") {
    JournalEntry e;
    e.ts_utc_ns = 1000000000;
    e.event = JournalEntry::Event{GS_SEVERITY_HIGH,   GS_EVENT_STATE_ACTIVE, 3, "comm.lost", "m1",
                                  "no answer\nat all"};
    std::vector<Message> out;
    messages_of("gridscope/demo", e, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].topic == "gridscope/demo/events");
    CHECK(out[0].payload == "{\"ts\": 1000, \"type\": \"comm.lost\", \"source\": \"m1\", "
                            "\"circuit\": 3, \"severity\": \"high\", \"state\": \"active\", "
                            "\"message\": \"no answer\\nat all\"}");
    e.event->source.clear();
    out.clear();
    messages_of("p", e, out);
    CHECK(out[0].payload.find("\"source\": null") != std::string::npos);
}
