// Sparkplug B: the payload codec and the edge node's messages (sparkplug_node.hpp) against the
// rules of the Sparkplug 3.0.0 specification (topics, seq, bdSeq, births, aliases).
#include "sparkplug_codec.hpp"
#include "sparkplug_node.hpp"

#include <doctest/doctest.h>

#include <set>

namespace spb = gs::mqtt::spb;
using gs::mqtt::EdgeNode;
using gs::mqtt::Message;

namespace {

spb::Payload decoded(const Message &m) {
    auto p = spb::decode(m.payload.data(), m.payload.size());
    REQUIRE(p);
    return *p;
}

gs::JournalEntry samples(const std::string &source, int64_t ts_ms,
                         std::vector<gs::JournalEntry::Value> values) {
    gs::JournalEntry e;
    e.source = source;
    e.ts_utc_ns = ts_ms * 1000000;
    e.values = std::move(values);
    return e;
}

gs::site::Site site_of(std::vector<std::pair<std::string, std::vector<std::string>>> sources) {
    gs::site::Site site;
    for (auto &[name, data] : sources) {
        gs::site::Source s;
        s.name = name;
        gs::site::Circuit c;
        c.index = 1;
        c.history = data;
        s.circuits.push_back(c);
        site.sources.push_back(s);
    }
    return site;
}

const spb::Metric *named(const spb::Payload &p, const std::string &name) {
    for (const auto &m : p.metrics)
        if (m.name == name) return &m;
    return nullptr;
}

} // namespace

TEST_CASE("sparkplug codec: a payload reads back as written") {
    spb::Payload p;
    p.timestamp = 1700000000123;
    p.seq = 255;
    spb::Metric a;
    a.name = "1/IPSumInst";
    a.alias = 7;
    a.timestamp = 1700000000000;
    a.datatype = spb::kDouble;
    a.value = 1234.5;
    spb::Metric b;
    b.alias = 8;
    b.timestamp = 1700000000000;
    b.is_null = true;
    b.historical = true;
    b.quality = spb::kQualityBad;
    p.metrics = {a, b};
    auto q = spb::decode(spb::encode(p).data(), spb::encode(p).size());
    REQUIRE(q);
    CHECK(q->timestamp == p.timestamp);
    CHECK(q->seq == 255u);
    REQUIRE(q->metrics.size() == 2);
    CHECK(q->metrics[0].name == "1/IPSumInst");
    CHECK(q->metrics[0].alias == 7u);
    CHECK(q->metrics[0].datatype == spb::kDouble);
    CHECK(std::get<double>(q->metrics[0].value) == 1234.5);
    CHECK_FALSE(q->metrics[0].quality);
    CHECK(q->metrics[1].name.empty());
    CHECK(q->metrics[1].is_null);
    CHECK(q->metrics[1].historical);
    CHECK(q->metrics[1].quality == spb::kQualityBad);
    CHECK(std::holds_alternative<std::monostate>(q->metrics[1].value));

    const char garbage[] = "\xff\xff\xff\xff";
    CHECK_FALSE(spb::decode(garbage, 4));
}

TEST_CASE("sparkplug node: will, births, data, seq and bdSeq per the specification") {
    EdgeNode node("Plant", "box1");
    std::vector<Message> out;
    node.set_site(site_of({{"m1", {"IPSumInst", "IEaPInst"}}, {"z/2", {"IPSumInst"}}}), 1000, out);
    CHECK(out.empty()); // nothing born yet: no DDEATH

    Message will = node.next_will(5000);
    node.connect_sent(5000);
    CHECK(will.topic == "spBv1.0/Plant/NDEATH/box1");
    spb::Payload death = decoded(will);
    CHECK_FALSE(death.seq); // an NDEATH has no seq
    REQUIRE(death.metrics.size() == 1);
    CHECK(death.metrics[0].name == "bdSeq");
    CHECK(death.metrics[0].datatype == spb::kInt64);
    CHECK(std::get<uint64_t>(death.metrics[0].value) == 0u); // the first connection: 0
    CHECK(node.births_due());

    node.births(5001, out);
    REQUIRE(out.size() == 3); // NBIRTH, DBIRTH m1, DBIRTH z_2
    CHECK(out[0].topic == "spBv1.0/Plant/NBIRTH/box1");
    spb::Payload nbirth = decoded(out[0]);
    CHECK(nbirth.seq == 0u);
    CHECK(nbirth.timestamp == 5001u);
    const spb::Metric *bd = named(nbirth, "bdSeq");
    REQUIRE(bd);
    CHECK(std::get<uint64_t>(bd->value) == 0u);
    const spb::Metric *rebirth = named(nbirth, "Node Control/Rebirth");
    REQUIRE(rebirth);
    CHECK(rebirth->datatype == spb::kBoolean);
    CHECK(std::get<bool>(rebirth->value) == false);
    CHECK_FALSE(rebirth->alias); // never an alias for the rebirth metric

    CHECK(out[1].topic == "spBv1.0/Plant/DBIRTH/box1/m1");
    CHECK(out[2].topic == "spBv1.0/Plant/DBIRTH/box1/z_2"); // a name as one topic level
    spb::Payload dbirth = decoded(out[1]);
    CHECK(dbirth.seq == 1u);
    CHECK(decoded(out[2]).seq == 2u);
    REQUIRE(dbirth.metrics.size() == 2);
    std::set<uint64_t> aliases;
    for (const auto &o : {out[1], out[2]})
        for (const auto &m : decoded(o).metrics) {
            CHECK(m.datatype == spb::kDouble);
            REQUIRE(m.alias);
            aliases.insert(*m.alias);
            CHECK(m.is_null); // no value sent yet
            CHECK(m.timestamp);
        }
    CHECK(aliases.size() == 3); // unique in the node
    const spb::Metric *power = named(dbirth, "1/IPSumInst");
    REQUIRE(power);

    // DDATA: aliases only, original timestamps, seq on; a bad value is null with Quality 0.
    out.clear();
    node.data(
        samples("m1", 6000,
                {{1, "IPSumInst", 42.5, GS_QUALITY_GOOD}, {1, "IEaPInst", 0, GS_QUALITY_TIMEOUT}}),
        6100, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].topic == "spBv1.0/Plant/DDATA/box1/m1");
    spb::Payload ddata = decoded(out[0]);
    CHECK(ddata.seq == 3u);
    CHECK(ddata.timestamp == 6100u);
    REQUIRE(ddata.metrics.size() == 2);
    CHECK(ddata.metrics[0].name.empty());
    CHECK_FALSE(ddata.metrics[0].datatype);
    CHECK(ddata.metrics[0].alias == power->alias);
    CHECK(ddata.metrics[0].timestamp == 6000u);
    CHECK(std::get<double>(ddata.metrics[0].value) == 42.5);
    CHECK_FALSE(ddata.metrics[0].historical);
    CHECK(ddata.metrics[1].is_null);
    CHECK(ddata.metrics[1].quality == spb::kQualityBad);

    // Captured before the session began (sent late from the journal): historical.
    out.clear();
    node.data(samples("m1", 4000, {{1, "IPSumInst", 1, GS_QUALITY_GOOD}}), 6200, out);
    CHECK(decoded(out[0]).metrics[0].historical);

    // seq wraps 255 -> 0 (messages so far: 0..4).
    std::vector<uint64_t> seqs;
    for (int i = 0; i < 300; ++i) {
        out.clear();
        node.data(samples("m1", 7000 + i, {{1, "IPSumInst", double(i), GS_QUALITY_GOOD}}), 7000,
                  out);
        REQUIRE(out.size() == 1);
        seqs.push_back(*decoded(out[0]).seq);
    }
    CHECK(seqs.front() == 5u);
    for (size_t i = 1; i < seqs.size(); ++i)
        CHECK(seqs[i] == (seqs[i - 1] + 1) % 256);

    // The births again show the last value sent.
    out.clear();
    node.request_births();
    node.data(samples("m1", 9000, {{1, "IPSumInst", 7, GS_QUALITY_GOOD}}), 9000, out);
    REQUIRE(out.size() == 4); // NBIRTH, 2 DBIRTH, DDATA
    CHECK(decoded(out[0]).seq == 0u);
    spb::Payload reborn = decoded(out[0]), device = decoded(out[1]);
    CHECK(std::get<uint64_t>(named(reborn, "bdSeq")->value) == 0u); // same session
    const spb::Metric *last = named(device, "1/IPSumInst");
    REQUIRE(last);
    CHECK(std::get<double>(last->value) == 299.0);
    CHECK(last->timestamp == 7299u);
    CHECK(decoded(out[3]).seq == 3u);
}

TEST_CASE("sparkplug node: a new metric or device brings the births; a device that left dies") {
    EdgeNode node("G", "E");
    std::vector<Message> out;
    node.set_site(site_of({{"m1", {"A"}}, {"m2", {"A"}}}), 0, out);
    node.next_will(100);
    node.connect_sent(100);
    node.births(100, out);
    out.clear();
    node.data(samples("m1", 200, {{1, "A", 1, GS_QUALITY_GOOD}}), 200, out);
    CHECK(out.size() == 1);

    out.clear();
    node.data(samples("m1", 300, {{2, "B", 1, GS_QUALITY_GOOD}}), 300, out);
    REQUIRE(out.size() == 4);
    CHECK(out[0].topic == "spBv1.0/G/NBIRTH/E");
    spb::Payload device = decoded(out[1]);
    CHECK(named(device, "2/B"));
    CHECK(out[3].topic == "spBv1.0/G/DDATA/E/m1");

    out.clear();
    node.set_site(site_of({{"m1", {"A"}}}), 400, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].topic == "spBv1.0/G/DDEATH/E/m2");
    CHECK(decoded(out[0]).seq == 4u);
    CHECK(node.births_due());

    // bdSeq: one more per CONNECT sent, 255 -> 0; an attempt that sent none keeps it.
    auto bd_of = [](const Message &will) {
        return std::get<uint64_t>(decoded(will).metrics[0].value);
    };
    CHECK(bd_of(node.next_will(500)) == 1u);
    CHECK(bd_of(node.next_will(500)) == 1u); // the broker was not reached
    uint64_t bd = 0;
    for (int i = 0; i < 256; ++i) {
        node.connect_sent(500);
        bd = bd_of(node.next_will(500));
    }
    CHECK(bd == 1u); // 256 CONNECTs later: 257 % 256
}

TEST_CASE("sparkplug node: Rebirth Requests") {
    auto request = [](std::variant<std::monostate, double, uint64_t, bool, std::string> value,
                      const char *name = "Node Control/Rebirth") {
        spb::Payload p;
        spb::Metric m;
        m.name = name;
        m.value = value;
        p.metrics.push_back(m);
        return spb::encode(p);
    };
    std::string yes = request(true), no = request(false),
                other = request(true, "Node Control/Reboot");
    CHECK(EdgeNode::is_rebirth_request(yes.data(), yes.size()));
    CHECK_FALSE(EdgeNode::is_rebirth_request(no.data(), no.size()));
    CHECK_FALSE(EdgeNode::is_rebirth_request(other.data(), other.size()));
    CHECK_FALSE(EdgeNode::is_rebirth_request("\xff\xff", 2));
}
