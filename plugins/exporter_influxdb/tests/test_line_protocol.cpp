// Line protocol of journal entries and its escaping (InfluxDB line-protocol reference).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "influx_sink.hpp"
#include "line_protocol.hpp"

#include <doctest/doctest.h>

#include <zlib.h>

#include <cmath>

using gs::JournalEntry;
using namespace gs::influx;

namespace {

LineContext context(std::string site) {
    static const std::string wh = "Wh", none;
    return LineContext{std::move(site), [](const std::string &data) -> const std::string & {
                           return data == "IEaPInst" ? wh : none;
                       }};
}

} // namespace

TEST_CASE("one line per good value: measurement = data, sorted tags, value, ns timestamp") {
    JournalEntry e;
    e.ts_utc_ns = 1556813561098000000;
    e.source = "tgbt";
    e.values = {{1, "IEaPInst", 123456.5, GS_QUALITY_GOOD},
                {2, "IPSumInst", 1250, GS_QUALITY_GOOD},
                {1, "IV1Inst", 0, GS_QUALITY_TIMEOUT},
                {1, "IV2Inst", INFINITY, GS_QUALITY_GOOD}};
    std::string out;
    CHECK(append_lines(context("Demo building"), e, out) == 2);
    CHECK(out == "IEaPInst,circuit=1,site=Demo\\ building,source=tgbt,unit=Wh value=123456.5 "
                 "1556813561098000000\n"
                 "IPSumInst,circuit=2,site=Demo\\ building,source=tgbt value=1250 "
                 "1556813561098000000\n");
}

TEST_CASE("escaping: measurement (comma, space), tags (comma, equals, space), strings") {
    std::string m, t, s;
    append_measurement(m, "a b,c=d");
    CHECK(m == "a\\ b\\,c=d");
    append_tag(t, "x=y, z\nw");
    CHECK(t == "x\\=y\\,\\ z\\ w");
    append_string_field(s, "say \"hi\" \\o/");
    CHECK(s == "\"say \\\"hi\\\" \\\\o/\"");
}

TEST_CASE("an event is a gridscope_events line with its message as a string field") {
    JournalEntry e;
    e.ts_utc_ns = 5;
    e.event = JournalEntry::Event{GS_SEVERITY_LOW, GS_EVENT_STATE_INSTANT, 0, "comm.lost", "",
                                  "lost \"m1\""};
    std::string out;
    CHECK(append_lines(context(""), e, out) == 1);
    CHECK(out == "gridscope_events,severity=low,state=instant,type=comm.lost circuit=0i,"
                 "message=\"lost \\\"m1\\\"\" 5\n");
}

TEST_CASE("gzip round trip") {
    std::string in(100000, 'x'), out;
    for (size_t i = 0; i < in.size(); i += 7)
        in[i] = static_cast<char>('a' + i % 26);
    gzip(in, out);
    CHECK(out.size() < in.size() / 5);
    z_stream z{};
    REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
    std::string back(in.size() + 10, '\0');
    z.next_in = reinterpret_cast<Bytef *>(out.data());
    z.avail_in = static_cast<uInt>(out.size());
    z.next_out = reinterpret_cast<Bytef *>(back.data());
    z.avail_out = static_cast<uInt>(back.size());
    CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);
    back.resize(z.total_out);
    inflateEnd(&z);
    CHECK(back == in);
}
