// The export's CSV files (csv_export.cpp): text cells that a spreadsheet would run as a formula
// get a leading apostrophe while numbers stay numbers, and the local times written with the
// cached zone interval are exactly date::format's, across daylight-saving transitions.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "csv_export.hpp"

#include <doctest/doctest.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/tz.h>
#pragma GCC diagnostic pop

#include <chrono>
#include <cmath>
#include <sstream>

using namespace gs;

namespace {

using Table = std::vector<std::vector<std::string>>;

// RFC 4180 lines (CRLF, quotes doubled) into cells; no line break inside a cell here.
Table parse(const std::string &csv) {
    Table rows;
    std::istringstream in(csv);
    std::string line;
    while (std::getline(in, line)) {
        REQUIRE(line.back() == '\r');
        line.pop_back();
        std::vector<std::string> cells(1);
        bool quoted = false;
        for (std::size_t i = 0; i < line.size(); ++i) {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"')
                cells.back() += '"', ++i;
            else if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
                cells.emplace_back();
            else
                cells.back() += c;
        }
        rows.push_back(cells);
    }
    return rows;
}

std::string cell(const Table &t, std::size_t row, const std::string &column) {
    for (std::size_t i = 0; i < t[0].size(); ++i)
        if (t[0][i] == column) return t.at(row).at(i);
    FAIL("no column ", column);
    return "";
}

alarms::AlarmRecord record(alarms::TimeNs raised) {
    alarms::AlarmRecord r;
    r.id = 1;
    r.rule = "freq-high";
    r.kind = alarms::RuleKind::limit;
    r.source = "m1";
    r.data = "IFreqInst";
    r.raised = raised;
    r.value = 50.5;
    r.limit = 10;
    r.message["en"] = "Frequency high";
    return r;
}

std::string date_format(alarms::TimeNs t, const std::string &zone) {
    using namespace std::chrono;
    date::sys_time<milliseconds> tp{floor<milliseconds>(nanoseconds(t))};
    return date::format("%FT%T%Ez", date::make_zoned(zone.empty() ? "UTC" : zone, tp));
}

} // namespace

TEST_CASE("text cells that read as formulas get an apostrophe; numbers stay numbers") {
    alarms::AlarmRecord r = record(0);
    r.rule = "=HYPERLINK(\"http://x\")";
    r.source = "+m1";
    r.data = "-IFreq";
    r.acked = true;
    r.acked_at = 1;
    r.acked_by = "@admin";
    r.ack_comment = "\tcomment";
    r.message["en"] = "\rmessage";
    r.value = -3.5;
    r.limit = -10;
    alarms::AlarmRecord plain = record(0);
    plain.ack_comment = "a=b, -c"; // an inner sign is harmless
    alarms::EventRow dip;
    dip.event.rule = "-dips";
    dip.event.source = "=m1";
    dip.event.kind = alarms::VoltageEventKind::dip;
    dip.event.start = 0;
    dip.event.end = 2'000'000'000;
    dip.event.nominal_v = -230; // not a real nominal voltage: a negative number cell
    dip.event.extreme_v = 115;
    dip.event.phases = 1;

    auto files = alarm_glue::export_csv({r, plain, dip}, "en", "");
    Table a = parse(files.alarms);
    REQUIRE(a.size() == 3);
    CHECK(cell(a, 1, "rule") == "'=HYPERLINK(\"http://x\")");
    CHECK(cell(a, 1, "source") == "'+m1");
    CHECK(cell(a, 1, "data") == "'-IFreq");
    CHECK(cell(a, 1, "acked_by") == "'@admin");
    CHECK(cell(a, 1, "ack_comment") == "'\tcomment");
    CHECK(cell(a, 1, "message") == "'\rmessage");
    CHECK(cell(a, 1, "value") == "-3.5");
    CHECK(cell(a, 1, "limit") == "-10.0");
    CHECK(cell(a, 1, "raised") == "1970-01-01T00:00:00.000+00:00");
    CHECK(cell(a, 2, "ack_comment") == "a=b, -c");
    CHECK(cell(a, 2, "rule") == "freq-high");
    CHECK(files.alarms.find("\"a=b, -c\"") != std::string::npos); // quoted, no apostrophe
    Table e = parse(files.events);
    REQUIRE(e.size() == 2);
    CHECK(cell(e, 1, "rule") == "'-dips");
    CHECK(cell(e, 1, "source") == "'=m1");
    CHECK(cell(e, 1, "nominal_v") == "-230.0");
    CHECK(cell(e, 1, "duration_s") == "2.0");
}

TEST_CASE("local times are date::format's, across transitions and odd offsets") {
    using alarms::TimeNs;
    const TimeNs s = 1'000'000'000;
    // Every 7 min 13.3 s across Paris' and New York's spring and autumn changes of 2026, the
    // other way too (rows come newest first), plus Kolkata's +05:30, UTC and 1900 (Paris' local
    // mean time, +00:09:21, which date writes as +00:09).
    const TimeNs march = 1'774'656'000 * s, october = 1'792'800'000 * s; // 2026-03-28, -10-24
    std::vector<TimeNs> times;
    for (TimeNs base : {march, october})
        for (TimeNs t = base; t < base + 4 * 86400 * s; t += 433'300'000'000)
            times.push_back(t);
    for (std::size_t i = times.size(); i-- > 0;)
        times.push_back(times[i]);
    times.push_back(-2'208'988'800 * s + 123'456'789); // 1900-01-01T00:00:00.123Z
    times.push_back(-1);                               // 1969-12-31T23:59:59.999Z
    for (const std::string zone :
         {"Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC", "", "Australia/Lord_Howe"}) {
        std::vector<alarms::Row> rows;
        for (TimeNs t : times)
            rows.push_back(record(t));
        Table a = parse(alarm_glue::export_csv(rows, "en", zone).alarms);
        REQUIRE(a.size() == times.size() + 1);
        for (std::size_t i = 0; i < times.size(); ++i) {
            INFO(zone, " ", times[i]);
            REQUIRE(cell(a, i + 1, "raised") == date_format(times[i], zone));
        }
    }
    CHECK_THROWS_AS(alarm_glue::export_csv({}, "en", "Mars/Olympus"), std::runtime_error);
}
