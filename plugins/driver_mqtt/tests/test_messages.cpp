// The box's exporter_mqtt messages read back (plugins/exporter_mqtt/README.md), and the plugin's
// section checked.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "messages.hpp"
#include "settings.hpp"

#include <doctest/doctest.h>

// Boost 1.74's JSON parser includes the deprecated boost/bind.hpp, which prints a note unless
// this is defined (the test uses no placeholders).
#define BOOST_BIND_GLOBAL_PLACEHOLDERS
#include <boost/property_tree/json_parser.hpp>

#include <sstream>

using namespace gs::hub;

TEST_CASE("topics below the prefix") {
    CHECK(topic_of("status").kind == TopicKind::status);
    CHECK(topic_of("events").kind == TopicKind::events);
    Topic t = topic_of("tgbt/2");
    CHECK(t.kind == TopicKind::data);
    CHECK(t.source == "tgbt");
    CHECK(t.circuit == 2);
    CHECK(topic_of("tgbt/0").circuit == 0);
    for (const char *other :
         {"tgbt", "tgbt/", "/1", "tgbt/x", "tgbt/1/2", "tgbt/12345678901", "site", ""})
        CHECK_MESSAGE(topic_of(other).kind == TopicKind::other, other);
    CHECK(topic_level("a/b+c#") == "a_b_c_");
    CHECK(topic_level("") == "_");
}

TEST_CASE("a poll's payload, as exporter_mqtt writes it") {
    DataMessage m =
        parse_data(R"({"ts": 1700000000123, "values": {"IV1Inst": 230.5, )"
                   R"("IEaPInst": 12345678, "II1Inst": null, "IFreqInst": null}, )"
                   R"("quality": {"II1Inst": "timeout", "IFreqInst": "disconnected"}})");
    CHECK(m.ts_ms == 1700000000123);
    REQUIRE(m.values.size() == 4);
    auto find = [&](const std::string &d) {
        for (const auto &v : m.values)
            if (v.data == d) return v;
        FAIL("no " << d);
        return ReceivedValue{};
    };
    CHECK(find("IV1Inst").value == 230.5);
    CHECK(find("IV1Inst").quality == GS_QUALITY_GOOD);
    CHECK(find("IEaPInst").value == 12345678);
    CHECK(find("II1Inst").quality == GS_QUALITY_TIMEOUT);
    CHECK(find("IFreqInst").quality == GS_QUALITY_DISCONNECTED);
    // A null without a quality, or a quality the hub does not know, is not good.
    DataMessage n =
        parse_data(R"({"ts": 1, "values": {"a": null, "b": 1}, "quality": {"b": "odd"}})");
    CHECK(n.values[0].quality == GS_QUALITY_BAD_RESPONSE);
    CHECK(n.values[1].quality == GS_QUALITY_BAD_RESPONSE);
    CHECK(parse_data(R"({"ts": 5, "values": {}})").values.empty()); // quality may be absent
}

TEST_CASE("malformed payloads are refused with the reason") {
    for (const char *bad :
         {"", "not json", "[]", R"({"values": {}})", R"({"ts": 1.5, "values": {}})",
          R"({"ts": -1, "values": {}})", R"({"ts": 99999999999999999, "values": {}})",
          R"({"ts": 1})", R"({"ts": 1, "values": []})", R"({"ts": 1, "values": {"a": "x"}})",
          R"({"ts": 1, "values": {"a": 1}, "quality": []})",
          R"({"ts": 1, "values": {"a": 1}, "quality": {"a": 3}})"})
        CHECK_THROWS_AS_MESSAGE(parse_data(bad), std::invalid_argument, bad);
}

TEST_CASE("an event's payload") {
    EventMessage e = parse_event(R"({"ts": 1700000000000, "type": "comm.lost", "source": "tgbt", )"
                                 R"("circuit": 0, "severity": "high", "state": "active", )"
                                 R"("message": "communication lost: timeout"})");
    CHECK(e.ts_ms == 1700000000000);
    CHECK(e.type == "comm.lost");
    CHECK(e.source == "tgbt");
    CHECK(e.severity == GS_SEVERITY_HIGH);
    CHECK(e.state == GS_EVENT_STATE_ACTIVE);
    CHECK(e.message == "communication lost: timeout");
    EventMessage site =
        parse_event(R"({"ts": 1, "type": "site.started", "source": null, )"
                    R"("circuit": 0, "severity": "info", "state": "instant", "message": ""})");
    CHECK(site.source.empty());
    for (const char *bad :
         {R"({"ts": 1, "type": "x", "severity": "loud", "state": "instant"})",
          R"({"ts": 1, "type": "x", "severity": "info", "state": "gone"})",
          R"({"ts": 1, "type": "", "severity": "info", "state": "instant"})",
          R"({"ts": 1, "type": "x", "severity": "info", "state": "instant", "circuit": -1})"})
        CHECK_THROWS_AS_MESSAGE(parse_event(bad), std::invalid_argument, bad);
}

namespace {
gs::ptree tree_of(const std::string &json) {
    gs::ptree t;
    std::istringstream in(json);
    boost::property_tree::read_json(in, t);
    return t;
}
} // namespace

TEST_CASE("the plugin's section") {
    Settings s = settings_from(tree_of(
        R"({"boxes": {"box-01": {"broker": {"host": "127.0.0.1", "port": "1884", "username": "u", "password": "p", "tls": "false"}, "topic_prefix": "gridscope/box-01", "qos": "1"},
                      "box-02": {"broker": {"port": "1884"}, "topic_prefix": "gridscope/box-02"}},
            "retry": {"initial_ms": "500", "max_ms": "4000"}})"));
    REQUIRE(s.boxes.size() == 2);
    CHECK(s.boxes.at("box-01").broker.port == 1884);
    CHECK(s.boxes.at("box-01").broker.username == "u");
    CHECK(s.boxes.at("box-02").broker.host == "127.0.0.1");
    CHECK(s.boxes.at("box-02").qos == 1);
    CHECK(s.retry.initial.count() == 500);
    auto refused = [](const std::string &json, const std::string &field) {
        try {
            settings_from(tree_of(json));
            FAIL("accepted: " << json);
        } catch (const gs::InvalidArgument &e) {
            CHECK_MESSAGE(std::string(e.what()).find(field) != std::string::npos, e.what());
        }
    };
    refused(R"({})", "'boxes'");
    refused(R"({"boxes": {"b": {"broker": {"hots": "x"}, "topic_prefix": "p"}}})",
            "boxes.b.broker.hots");
    refused(R"({"boxes": {"b": {"broker": {}, "topic_prefix": "p/#"}}})", "boxes.b.topic_prefix");
    refused(R"({"boxes": {"b": {"broker": {}}}})", "boxes.b.topic_prefix");
    refused(R"({"boxes": {"b": {"broker": {"port": "0"}, "topic_prefix": "p"}}})",
            "boxes.b.broker.port");
    refused(R"({"boxes": {"b": {"broker": {}, "topic_prefix": "p", "qos": "3"}}})", "boxes.b.qos");
    refused(
        R"({"boxes": {"b": {"broker": {}, "topic_prefix": "p"}, "c": {"broker": {}, "topic_prefix": "p"}}})",
        "boxes.c.topic_prefix");
    refused(R"({"boxes": {"b": {"broker": {"password": "p"}, "topic_prefix": "p"}}})", "password");
    refused(R"({"boxes": {"b": {"broker": {}, "topic_prefix": "p"}}, "retry": {"max_ms": "5"}})",
            "retry.max_ms");
}
