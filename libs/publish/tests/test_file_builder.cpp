#include "publish/config_backup.hpp"
#include "publish/file_builder.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace gs::publish;
using namespace std::chrono_literals;

namespace {

SysSeconds utc(int y, unsigned m, unsigned d, int h, int min = 0, int s = 0) {
    return date::sys_days{date::year{y} / m / d} + std::chrono::hours{h} +
           std::chrono::minutes{min} + std::chrono::seconds{s};
}

FileContext context(PlanType type, Period period, CsvFormat format = {}) {
    FileContext c;
    c.identification = {"Demo building", "box-01"};
    c.type = type;
    c.period = period;
    c.tz = date::locate_zone("Europe/Paris");
    c.format = format;
    return c;
}

std::vector<std::string> lines(const std::string &content) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t end; (end = content.find("\r\n", start)) != std::string::npos; start = end + 2)
        out.push_back(content.substr(start, end - start));
    CHECK(start == content.size()); // every line ends with CRLF
    return out;
}

Series counter(const std::string &device, const std::string &data, std::vector<Point> points) {
    return Series{{device, "1", data, "Wh", 1}, std::move(points)};
}

} // namespace

TEST_CASE("index file: header block, each counter's value at the period end, the name") {
    const Period period{utc(2026, 12, 3, 9, 0), utc(2026, 12, 3, 9, 10)};
    const std::vector<Series> counters = {
        counter("meter-1", "IEaPInst",
                {{utc(2026, 12, 3, 9, 5), 1000.5},
                 {utc(2026, 12, 3, 9, 10), 1001.25},
                 {utc(2026, 12, 3, 9, 10, 1), 9999}}),
        counter("meter;2", "IErPInst",
                {{utc(2026, 12, 3, 8, 0), 7}}), // a stale counter keeps its value
        counter("meter-3", "IEaPInst", {}),     // never read: empty
    };
    const BuiltFile file = build_index_file(context(PlanType::index, period), counters);
    CHECK(file.name == "box-01_index_all_20261203091000.csv");
    CHECK(file.rows == 1);
    const auto l = lines(file.content);
    REQUIRE(l.size() == 14);
    CHECK(l[0] == "site;Demo building");
    CHECK(l[1] == "server;box-01");
    CHECK(l[2] == "file;index");
    CHECK(l[3] == "device;all");
    CHECK(l[4] == "period start;2026-12-03 10:00:00;+01:00");
    CHECK(l[5] == "period end;2026-12-03 10:10:00;+01:00");
    CHECK(l[6] == "device;;meter-1;\"meter;2\";meter-3");
    CHECK(l[7] == "circuit;;1;1;1");
    CHECK(l[8] == "data;;IEaPInst;IErPInst;IEaPInst");
    CHECK(l[9] == "unit;;Wh;Wh;Wh");
    CHECK(l[10] == "coefficient;;1;1;1");
    CHECK(l[11] == "aggregate;;last;last;last");
    CHECK(l[12] == "local time;UTC offset;value;value;value");
    CHECK(l[13] == "2026-12-03 10:10:00;+01:00;1001,25;7;");
    // Same data, same bytes and same name.
    const BuiltFile again = build_index_file(context(PlanType::index, period), counters);
    CHECK(again.name == file.name);
    CHECK(again.content == file.content);
}

TEST_CASE("measurement file: average, min and max of the period; `,` separator and `.` decimal") {
    const Period period{utc(2026, 7, 1, 4, 0), utc(2026, 7, 2, 4, 0)};
    Series power{{"meter-1", "", "P", "W", 0.001}, {}};
    for (int i = 0; i < 24; ++i) // 1 .. 24 every hour, plus one point outside the period
        power.points.push_back({period.start + std::chrono::hours{i}, static_cast<double>(i + 1)});
    power.points.push_back({period.end, 1000});
    FileContext c = context(PlanType::measurement, period, CsvFormat{',', '.'});
    c.device = "meter-1";
    const BuiltFile file =
        build_measurement_file(c, {power, Series{{"meter-1", "", "U", "V", 1}, {}}});
    CHECK(file.name == "box-01_measurement_meter-1_20260702040000.csv");
    const auto l = lines(file.content);
    REQUIRE(l.size() == 14);
    CHECK(l[3] == "device,meter-1");
    CHECK(l[4] == "period start,2026-07-01 06:00:00,+02:00");
    CHECK(l[6] == "device,,meter-1,meter-1,meter-1,meter-1,meter-1,meter-1");
    CHECK(l[10] == "coefficient,,0.001,0.001,0.001,1,1,1");
    CHECK(l[11] == "aggregate,,average,min,max,average,min,max");
    CHECK(l[13] == "2026-07-02 06:00:00,+02:00,12.5,1,24,,,");
}

TEST_CASE("load curve: average active and reactive power per history period") {
    const Period period{utc(2026, 12, 3, 9, 0), utc(2026, 12, 3, 10, 0)};
    Series p{{"meter-1", "1", "P", "W", 1}, {}}, q{{"meter-1", "1", "Q", "var", 1}, {}};
    for (int minute = 0; minute < 60; ++minute) {
        p.points.push_back(
            {period.start + std::chrono::minutes{minute}, minute < 30 ? 100.0 : 300.0});
        if (minute < 15) q.points.push_back({period.start + std::chrono::minutes{minute}, -20.0});
    }
    const BuiltFile file =
        build_load_curve_file(context(PlanType::load_curve, period), {p, q}, 15min);
    CHECK(file.name == "box-01_load_curve_all_20261203100000.csv");
    CHECK(file.rows == 4);
    const auto l = lines(file.content);
    REQUIRE(l.size() == 17);
    CHECK(l[8] == "data;;P;Q");
    CHECK(l[13] == "2026-12-03 10:15:00;+01:00;100;-20");
    CHECK(l[14] == "2026-12-03 10:30:00;+01:00;100;");
    CHECK(l[15] == "2026-12-03 10:45:00;+01:00;300;");
    CHECK(l[16] == "2026-12-03 11:00:00;+01:00;300;");
}

TEST_CASE("load curve: a slot with no reading has no row") {
    const Period period{utc(2026, 12, 3, 9, 0), utc(2026, 12, 3, 10, 0)};
    Series p{{"meter-1", "1", "P", "W", 1}, {}}, q{{"meter-1", "1", "Q", "var", 1}, {}};
    // Readings in the first and the last quarter only: the box was off in between.
    for (int minute : {0, 5, 50, 55}) {
        p.points.push_back({period.start + std::chrono::minutes{minute}, 200.0});
        q.points.push_back({period.start + std::chrono::minutes{minute}, 10.0});
    }
    const BuiltFile file =
        build_load_curve_file(context(PlanType::load_curve, period), {p, q}, 15min);
    CHECK(file.rows == 2);
    const auto l = lines(file.content);
    REQUIRE(l.size() == 15);
    CHECK(l[13] == "2026-12-03 10:15:00;+01:00;200;10");
    CHECK(l[14] == "2026-12-03 11:00:00;+01:00;200;10");
}

TEST_CASE("alarms and status files") {
    const Period period{utc(2026, 12, 3, 0, 0), utc(2026, 12, 4, 0, 0)};
    const std::vector<EventRecord> events = {
        {utc(2026, 12, 3, 12), "meter-1", "", "comm.restored", "info", "instant", "back"},
        {utc(2026, 12, 3, 11), "meter-1", "", "comm.lost", "high", "active",
         "no answer, \"timeout\""},
        {utc(2026, 12, 4, 0), "meter-1", "", "comm.lost", "high", "active", "next period"},
    };
    const BuiltFile alarms = build_alarms_file(context(PlanType::alarms, period), events);
    CHECK(alarms.rows == 2);
    auto l = lines(alarms.content);
    REQUIRE(l.size() == 9);
    CHECK(l[6] == "local time;UTC offset;device;circuit;type;severity;state;message");
    CHECK(
        l[7] ==
        "2026-12-03 12:00:00;+01:00;meter-1;;comm.lost;high;active;\"no answer, \"\"timeout\"\"\"");
    CHECK(l[8] == "2026-12-03 13:00:00;+01:00;meter-1;;comm.restored;info;instant;back");

    const BuiltFile status = build_status_file(
        context(PlanType::status, period), {{"meter-1", "ok", utc(2026, 12, 3, 23, 59), ""},
                                            {"meter-2", "lost", SysSeconds{}, "never answered"}});
    l = lines(status.content);
    REQUIRE(l.size() == 9);
    CHECK(l[7] == "2026-12-04 01:00:00;+01:00;meter-1;ok;2026-12-04 00:59:00;+01:00;");
    CHECK(l[8] == "2026-12-04 01:00:00;+01:00;meter-2;lost;;;never answered");
}

TEST_CASE("file names: UTC period end, device part made safe") {
    CHECK(file_name("box-01", PlanType::status, "",
                    date::sys_days{date::year{2026} / 1 / 2} + 3h + 4min + 5s) ==
          "box-01_status_all_20260102030405.csv");
    CHECK(file_name("b", PlanType::alarms, "Main board/TGBT é", SysSeconds{}) ==
          "b_alarms_Main-board-TGBT---_19700101000000.csv");
}

TEST_CASE("log file: the lines of the period, continuation lines kept with theirs") {
    const Period period{utc(2026, 12, 3, 10, 0), utc(2026, 12, 3, 11, 0)};
    const std::string log = "2026-12-03T09:59:59.999Z info [kernel] before\n"
                            "2026-12-03T10:00:00.000Z info [kernel] first\n"
                            "  a continuation of first\n"
                            "2026-12-03T10:59:59.500Z warning [exporter_files] last\n"
                            "2026-12-03T11:00:00.000Z info [kernel] after\n"
                            "  a continuation of after\n";
    const BuiltFile file = build_log_file(context(PlanType::log, period), log);
    CHECK(file.name == "box-01_log_all_20261203110000.log");
    CHECK(file.rows == 2);
    CHECK(file.content == "2026-12-03T10:00:00.000Z info [kernel] first\n"
                          "  a continuation of first\n"
                          "2026-12-03T10:59:59.500Z warning [exporter_files] last\n");
    CHECK(build_log_file(context(PlanType::log, period), "").content.empty());
}

TEST_CASE("configuration backup: secret values removed, the rest as written") {
    const std::string site = "site: {name: Demo}  # the building\n"
                             "plugins:\n"
                             "  exporter_files:\n"
                             "    server: {protocol: ftp, host: h, user: u, password: p4ss, "
                             "directory: /in}\n"
                             "  exporter_mqtt:\n"
                             "    password: \"se:cr,et\"   # broker\n"
                             "    api_token: 'abc''d'\n"
                             "    client_secret: a,b\n"
                             "    password_file:\n"
                             "    user: password\n";
    size_t removed = 0;
    const std::string out = without_secrets(site, removed);
    CHECK(removed == 4);
    CHECK(out == "site: {name: Demo}  # the building\n"
                 "plugins:\n"
                 "  exporter_files:\n"
                 "    server: {protocol: ftp, host: h, user: u, password: \"<removed>\", "
                 "directory: /in}\n"
                 "  exporter_mqtt:\n"
                 "    password: \"<removed>\"   # broker\n"
                 "    api_token: \"<removed>\"\n"
                 "    client_secret: \"<removed>\"\n"
                 "    password_file:\n"
                 "    user: password\n");
    CHECK(out.find("p4ss") == std::string::npos);
}
