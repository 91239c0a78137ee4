#include "publish/settings.hpp"
#include "publish/settings_text.hpp"
#include "yaml_leaves.hpp"

#include <doctest/doctest.h>

using namespace gs::publish;
using gs::publish::testing::leaves_of;

namespace {

// The configuration exactly as issue 16 writes it.
const char *issue_yaml = R"(
plugins:
  exporter_files:
    identification: {site: Demo building, server: box-01}
    server: {protocol: ftp, host: 127.0.0.1, port: 2121, user: u, password: p,
             directory: /in, passive: true}        # protocol: ftp | ftps | ftps-implicit | http | https
    plans:
      - {type: index, every: 10m, files: all}     # type: index | measurement | alarms | load_curve | status
      - {type: measurement, at: "06:00", files: per_device}   # every: 30s..7d, or at: "HH:MM" [day: mon..sun]
)";

// The single error's key and message for a YAML section.
SettingsError only_error(const std::string &yaml) {
    const ParsedSettings parsed = parse_settings(leaves_of(yaml));
    REQUIRE(parsed.errors.size() == 1);
    return parsed.errors.front();
}

std::string with_server(const std::string &server,
                        const std::string &plans = "[{type: index, every: 10m, files: all}]") {
    return "plugins:\n  exporter_files:\n    identification: {site: S, server: box-01}\n"
           "    server: " +
           server + "\n    plans: " + plans + "\n";
}

} // namespace

TEST_CASE("the issue's configuration is read as written") {
    const ParsedSettings parsed = parse_settings(leaves_of(issue_yaml));
    for (const auto &e : parsed.errors)
        INFO(e.key << ": " << e.message);
    REQUIRE(parsed.ok());
    const Settings &s = parsed.settings;
    CHECK(s.identification.site == "Demo building");
    CHECK(s.identification.server == "box-01");
    CHECK(s.server.protocol == Protocol::ftp);
    CHECK(s.server.host == "127.0.0.1");
    CHECK(s.server.port == 2121);
    CHECK(s.server.user == "u");
    CHECK(s.server.password == "p");
    CHECK(s.server.directory == "/in");
    CHECK(s.server.passive);
    REQUIRE(s.plans.size() == 2);
    CHECK(s.plans[0].type == PlanType::index);
    CHECK(s.plans[0].schedule.every == std::chrono::minutes{10});
    CHECK_FALSE(s.plans[0].schedule.at_minute);
    CHECK(s.plans[0].files == FileGrouping::all);
    CHECK(s.plans[1].type == PlanType::measurement);
    CHECK(s.plans[1].schedule.at_minute == 6 * 60);
    CHECK_FALSE(s.plans[1].schedule.day);
    CHECK(s.plans[1].files == FileGrouping::per_device);
    CHECK(s.format.separator == ';');
    CHECK(s.format.decimal == ',');
}

TEST_CASE("every protocol, HTTP keys, timeouts, weekly plans and the format") {
    const ParsedSettings parsed = parse_settings(leaves_of(with_server(
        "{protocol: https, host: example.org, user: u, password: p, directory: /up/in, method: "
        "PUT, "
        "auth: ntlm, ca_file: /etc/ca.pem, timeouts: {connect: 5s, transfer: 2m, stall: 500ms}}",
        "[{type: load_curve, at: \"23:59\", day: sun, files: all}, {type: alarms, every: 30s, "
        "files: all},"
        " {type: status, every: 7d, files: per_device}]\n    format: {separator: \",\", decimal: "
        "\".\"}")));
    for (const auto &e : parsed.errors)
        INFO(e.key << ": " << e.message);
    REQUIRE(parsed.ok());
    const Settings &s = parsed.settings;
    CHECK(s.server.protocol == Protocol::https);
    CHECK(s.server.port == 0);
    CHECK(default_port(s.server.protocol) == 443);
    CHECK(s.server.method == HttpMethod::put);
    CHECK(s.server.auth == HttpAuth::ntlm);
    CHECK(s.server.ca_file == "/etc/ca.pem");
    CHECK(s.server.timeouts.connect == std::chrono::seconds{5});
    CHECK(s.server.timeouts.transfer == std::chrono::minutes{2});
    CHECK(s.server.timeouts.stall == std::chrono::milliseconds{500});
    CHECK(s.plans[0].schedule.at_minute == 23 * 60 + 59);
    CHECK(s.plans[0].schedule.day == 6u);
    CHECK(s.plans[1].schedule.every == std::chrono::seconds{30});
    CHECK(s.plans[2].schedule.every == std::chrono::hours{7 * 24});
    CHECK(s.format.separator == ',');
    CHECK(s.format.decimal == '.');
    CHECK(default_port(Protocol::ftps_implicit) == 990);
    CHECK(default_port(Protocol::ftps) == 21);
}

TEST_CASE("each wrong value is refused with its key and what is accepted") {
    struct Case {
        std::string server, plans, key, words;
    };
    const std::string plan = "[{type: index, every: 10m, files: all}]";
    const Case cases[] = {
        {"{protocol: sftp, host: h}", plan, "server.protocol",
         "ftp | ftps | ftps-implicit | http | https"},
        {"{protocol: ftp, host: h, port: 70000}", plan, "server.port", "1 to 65535"},
        {"{protocol: ftp, host: h, port: abc}", plan, "server.port", "not a TCP port"},
        {"{protocol: ftp, host: h, passive: maybe}", plan, "server.passive", "true | false"},
        {"{protocol: ftp, host: h, method: PUT}", plan, "server.method", "http and https"},
        {"{protocol: ftp, host: h, auth: ntlm}", plan, "server.auth", "http and https"},
        {"{protocol: http, host: h, passive: true}", plan, "server.passive", "FTP servers only"},
        {"{protocol: http, host: h, method: GET}", plan, "server.method", "post | put"},
        {"{protocol: http, host: h, auth: digest}", plan, "server.auth", "basic | ntlm"},
        {"{protocol: ftp, host: h, pasive: true}", plan, "server.pasive", "unknown key"},
        {"{protocol: ftp, host: h, timeouts: {connect: 10}}", plan, "server.timeouts.connect",
         "not a duration"},
        {"{protocol: ftp, host: h, timeouts: {connect: 2d}}", plan, "server.timeouts.connect",
         "out of range"},
        {"{protocol: ftp, host: h, timeouts: {idle: 2s}}", plan, "server.timeouts.idle",
         "unknown key"},
        {"{protocol: ftp}", plan, "server.host", "missing"},
        {"{host: h}", plan, "server.protocol", "missing"},
        {"{protocol: ftp, host: \"h/x\"}", plan, "server.host", "not a host name"},
        {"{protocol: ftp, host: h, directory: /in/../etc}", plan, "server.directory", ".."},
        {"{protocol: ftp, host: h}", "[{type: index, every: 10s, files: all}]", "plans.0.every",
         "30s to 7d"},
        {"{protocol: ftp, host: h}", "[{type: index, every: 8d, files: all}]", "plans.0.every",
         "30s to 7d"},
        {"{protocol: ftp, host: h}", "[{type: index, every: 36h, files: all}]", "plans.0.every",
         "whole days"},
        {"{protocol: ftp, host: h}", "[{type: index, every: 10 minutes, files: all}]",
         "plans.0.every", "not a duration"},
        {"{protocol: ftp, host: h}", "[{type: index, at: \"24:00\", files: all}]", "plans.0.at",
         "HH:MM"},
        {"{protocol: ftp, host: h}", "[{type: index, at: \"6:00\", files: all}]", "plans.0.at",
         "HH:MM"},
        {"{protocol: ftp, host: h}", "[{type: index, at: \"06:00\", day: funday, files: all}]",
         "plans.0.day", "mon | tue"},
        {"{protocol: ftp, host: h}", "[{type: index, every: 10m, day: mon, files: all}]",
         "plans.0.day", "goes with at"},
        {"{protocol: ftp, host: h}", "[{type: index, every: 10m, at: \"06:00\", files: all}]",
         "plans.0", "not both"},
        {"{protocol: ftp, host: h}", "[{type: index, files: all}]", "plans.0", "missing every"},
        {"{protocol: ftp, host: h}", "[{type: power, every: 10m, files: all}]", "plans.0.type",
         "load_curve | status"},
        {"{protocol: ftp, host: h}", "[{every: 10m, files: all}]", "plans.0.type", "missing"},
        {"{protocol: ftp, host: h}", "[{type: index, every: 10m, files: some}]", "plans.0.files",
         "all | per_device"},
        {"{protocol: ftp, host: h}", "[{type: index, every: 10m}]", "plans.0.files", "missing"},
        {"{protocol: ftp, host: h}", "[{type: index, every: 10m, files: all, when: now}]",
         "plans.0.when", "unknown key"},
        {"{protocol: ftp, host: h}", "[]", "plans", "at least one plan"},
        {"{protocol: ftp, host: h}", "[{type: log, every: 1d, files: per_device}]", "plans.0.files",
         "use files: all"},
        {"{protocol: ftp, host: h}",
         "[{type: config_backup, at: \"02:00\", day: sun, files: per_device}]", "plans.0.files",
         "use files: all"},
        {"{protocol: ftp, host: h}",
         "[{type: index, every: 10m, files: all}, {type: index, every: 600s, files: all}]",
         "plans.1", "the same plan as plans.0"},
        {"{protocol: ftp, host: h}", plan + "\n    format: {separator: \"|\"}", "format.separator",
         "\";\" or \",\""},
        {"{protocol: ftp, host: h}", plan + "\n    format: {separator: \",\", decimal: \",\"}",
         "format.decimal", "cannot also be the separator"},
        {"{protocol: ftp, host: h}", plan + "\n    extra: 1", "extra", "unknown key"},
    };
    for (const Case &c : cases) {
        CAPTURE(c.server);
        CAPTURE(c.plans);
        const SettingsError error = only_error(with_server(c.server, c.plans));
        CHECK(error.key == c.key);
        CHECK_MESSAGE(error.message.find(c.words) != std::string::npos, error.message);
    }
}

TEST_CASE("the server name must be usable in a file name") {
    const std::string yaml =
        "plugins:\n  exporter_files:\n    identification: {site: S, server: \"box 01/a\"}\n"
        "    server: {protocol: ftp, host: h}\n    plans: [{type: index, every: 10m, files: "
        "all}]\n";
    const SettingsError error = only_error(yaml);
    CHECK(error.key == "identification.server");
    CHECK(error.message.find("file name") != std::string::npos);
}

TEST_CASE("value parsers") {
    std::string error;
    CHECK(parse_duration("7d", error) == std::chrono::hours{168});
    CHECK(parse_duration("250ms", error) == std::chrono::milliseconds{250});
    CHECK_FALSE(parse_duration("-5s", error));
    CHECK_FALSE(parse_duration("s", error));
    CHECK_FALSE(parse_duration("5", error));
    CHECK_FALSE(parse_duration("99999999999s", error));
    CHECK(parse_time_of_day("00:00", error) == 0);
    CHECK(parse_time_of_day("23:59", error) == 1439);
    CHECK_FALSE(parse_time_of_day("12:60", error));
    CHECK(parse_weekday("Monday", error) == 0u);
    CHECK(parse_weekday("sun", error) == 6u);
    CHECK(parse_protocol("FTPS-Implicit", error) == Protocol::ftps_implicit);
}

TEST_CASE("log files and the configuration backup are plan types of their own") {
    const ParsedSettings parsed = parse_settings(leaves_of(with_server(
        "{protocol: ftp, host: h}", "[{type: log, every: 1h, files: all}, {type: config_backup, "
                                    "at: \"02:00\", day: sun, files: all}]")));
    REQUIRE(parsed.ok());
    CHECK(parsed.settings.plans[0].type == PlanType::log);
    CHECK(parsed.settings.plans[1].type == PlanType::config_backup);
    CHECK(std::string(to_string(PlanType::config_backup)) == "config_backup");
}
