// The `alarms:` section: the exact form of issue 14, the other kinds, and errors with
// file:line:column and the key.
#include "helpers.hpp"

using namespace gs::alarms;
using namespace gs::alarms::test;

namespace {

std::vector<RuleError> errors_of(const std::string &yaml) {
    ParsedRules p = parse_rules(YAML::Load(yaml)["alarms"], "site.yaml");
    CHECK(p.rules.empty());
    return p.errors;
}

std::string first_error(const std::string &yaml) {
    auto e = errors_of(yaml);
    REQUIRE_FALSE(e.empty());
    return e[0].str();
}

} // namespace

TEST_CASE("the issue's form parses, field by field") {
    auto r = rules(R"(
alarms:
  - name: freq-high                 # unique
    data: IFreqInst
    sources: [tgbt-incomer]        # optional; also usage:, models:, circuits: [SOURCE/K]
    high: 50.5                     # and/or low:; also high_high:, low_low: with their own criticality
    deadband: 0.1                  # absolute, or "2%"
    on_delay_s: 5
    off_delay_s: 0
    criticality: high              # low | medium | high | critical
    message: {en: "...", fr: "..."}
)");
    REQUIRE(r.size() == 1);
    const Rule &x = r[0];
    CHECK(x.name == "freq-high");
    CHECK(x.kind == RuleKind::limit);
    CHECK(x.data == "IFreqInst");
    CHECK(x.select.sources == std::vector<std::string>{"tgbt-incomer"});
    REQUIRE(x.limits.size() == 1);
    CHECK(x.limits[0].level == Level::high);
    CHECK(x.limits[0].value == 50.5);
    CHECK(x.limits[0].criticality == Criticality::high);
    CHECK(x.deadband.value == 0.1);
    CHECK_FALSE(x.deadband.percent);
    CHECK(x.on_delay == 5 * S);
    CHECK(x.off_delay == 0);
    CHECK(x.criticality == Criticality::high);
    CHECK(x.message.at("en") == "...");
    CHECK(x.message.at("fr") == "...");
    CHECK(x.line == 3);
}

TEST_CASE("every selector, percent deadband, nested limits with their own criticality") {
    auto r = rules(R"(
alarms:
  - name: v
    data: IV1Inst
    usage: [lighting]
    models: [power]
    circuits: [tgbt/2, "dw 1/12"]
    high: 253
    high_high: {value: 264, criticality: critical}
    low: 207
    low_low: {value: 100}
    deadband: "2%"
    criticality: medium
)");
    const Rule &x = r.at(0);
    CHECK(x.select.usage == std::vector<std::string>{"lighting"});
    CHECK(x.select.models == std::vector<std::string>{"power"});
    REQUIRE(x.select.circuits.size() == 2);
    CHECK(x.select.circuits[1] == std::pair<std::string, uint32_t>{"dw 1", 12});
    CHECK(x.deadband.percent);
    CHECK(x.deadband.around(250) == doctest::Approx(5));
    REQUIRE(x.limits.size() == 4);
    CHECK(x.limits[0].level == Level::high_high);
    CHECK(x.limits[0].criticality == Criticality::critical);
    CHECK(x.limits[1].level == Level::low_low);
    CHECK(x.limits[1].criticality == Criticality::medium);
}

TEST_CASE("the other kinds") {
    auto r = rules(R"(
alarms:
  - {name: a, kind: stale, data: IEaPInst, stale_after_s: 900}
  - {name: b, kind: state, data: IStatus, bit: 3, equals: 0}
  - {name: c, kind: device_alarm}
  - {name: d, kind: comm_lost, on_delay_s: 30, criticality: critical}
  - {name: e, kind: atys_transfer, sources: [ats1]}
  - {name: f, kind: hierarchy_balance, hierarchies: [main]}
  - {name: g, kind: voltage_events, nominal_v: 230, sources: [tgbt]}
  - {name: h, kind: voltage_events, nominal_v: 400, phases: [IU12Inst]}
)");
    REQUIRE(r.size() == 8);
    CHECK(r[0].stale_after == 900 * S);
    CHECK(r[1].bit == 3);
    CHECK(r[1].equals == 0);
    CHECK(r[2].data.empty());
    CHECK(r[3].on_delay == 30 * S);
    CHECK(r[5].select.hierarchies == std::vector<std::string>{"main"});
    CHECK(r[6].phases == std::vector<std::string>{"IV1Inst", "IV2Inst", "IV3Inst"});
    CHECK(r[7].phases == std::vector<std::string>{"IU12Inst"});
    CHECK(r[7].nominal_v == 400);
}

TEST_CASE("errors give file:line:column and the key") {
    CHECK(first_error(R"(
alarms:
  - name: x
    data: IFreqInst
    high: 50.5
    deadband: lots
)") == "site.yaml:6:15: field 'alarms[0].deadband': expected an absolute deadband (0.1) or a "
       "percentage of the limit (\"2%\"), >= 0");
    CHECK(first_error(R"(
alarms:
  - name: x
    data: IFreqInst
    high: 50.5
    on_delay: 5
)") == "site.yaml:6:5: field 'alarms[0].on_delay': unknown key");
    CHECK(first_error(R"(
alarms:
  - {name: x, kind: stale, data: IPInst, stale_after_s: 10, high: 3}
)") == "site.yaml:3:61: field 'alarms[0].high': not a key of a stale rule");
    CHECK(first_error(R"(
alarms:
  - {name: x, data: IPInst, high: 3, criticality: severe}
)") == "site.yaml:3:51: field 'alarms[0].criticality': expected low, medium, high or critical");
    CHECK(first_error(R"(
alarms:
  - {name: x, data: IPInst, high: 3}
  - {name: y, data: IPInst, high: 3}
  - {name: x, data: IPInst, low: 3}
)") == "site.yaml:5:12: field 'alarms[2].name': 'x' is already the name of the rule at line 3");
}

TEST_CASE("more refusals, each with its key") {
    auto field_of = [](const std::string &yaml) {
        auto e = errors_of(yaml);
        REQUIRE_FALSE(e.empty());
        CHECK(e[0].line > 0);
        return e[0].field;
    };
    CHECK(field_of("alarms:\n  - {name: x, high: 3}\n") == "alarms[0].data");
    CHECK(field_of("alarms:\n  - {name: x, data: P}\n") == "alarms[0].high");
    CHECK(field_of("alarms:\n  - {data: P, high: 1}\n") == "alarms[0].name");
    CHECK(field_of("alarms:\n  - {name: x, data: P, high: 1, high_high: 0.5}\n") ==
          "alarms[0].high_high");
    CHECK(field_of("alarms:\n  - {name: x, data: P, high: 1, low: 2}\n") == "alarms[0].low");
    CHECK(field_of("alarms:\n  - {name: x, data: P, high: abc}\n") == "alarms[0].high");
    CHECK(field_of("alarms:\n  - {name: x, data: P, high: 1, on_delay_s: -1}\n") ==
          "alarms[0].on_delay_s");
    CHECK(field_of("alarms:\n  - {name: x, data: P, high: 1, circuits: [tgbt]}\n") ==
          "alarms[0].circuits");
    CHECK(field_of("alarms:\n  - {name: x, data: P, high: 1, circuits: [tgbt/0]}\n") ==
          "alarms[0].circuits");
    CHECK(field_of("alarms:\n  - {name: x, data: P, high: 1, message: {english: hi}}\n") ==
          "alarms[0].message.english");
    CHECK(field_of("alarms:\n  - {name: x, data: P, high: 1, high_high: {valeur: 3}}\n") ==
          "alarms[0].high_high.value");
    CHECK(field_of("alarms:\n  - {name: x, kind: nope}\n") == "alarms[0].kind");
    CHECK(field_of("alarms:\n  - {name: x, kind: state, data: S}\n") == "alarms[0].equals");
    CHECK(field_of("alarms:\n  - {name: x, kind: state, data: S, equals: 2, bit: 1}\n") ==
          "alarms[0].equals");
    CHECK(field_of("alarms:\n  - {name: x, kind: device_alarm, data: IPInst}\n") ==
          "alarms[0].data");
    CHECK(field_of("alarms:\n  - {name: x, kind: stale, data: S}\n") == "alarms[0].stale_after_s");
    CHECK(field_of("alarms:\n  - {name: x, kind: voltage_events}\n") == "alarms[0].nominal_v");
    CHECK(field_of("alarms:\n  - {name: x, data: P, high: 1, suppressed_by: [y]}\n") ==
          "alarms[0].suppressed_by");
    CHECK(field_of("alarms:\n  - {name: x, data: P, high: 1, max_shelve_s: 0}\n") ==
          "alarms[0].max_shelve_s");
    CHECK(field_of("alarms: {name: x}\n") == "alarms");
    CHECK(field_of("alarms:\n  - just a string\n") == "alarms[0]");
}

TEST_CASE("every error of a section is reported at once") {
    auto e = errors_of(R"(
alarms:
  - {name: a, data: P, high: 1, colour: red}
  - {name: b, data: P, low: x}
)");
    REQUIRE(e.size() == 2);
    CHECK(e[0].line == 3);
    CHECK(e[1].line == 4);
}

TEST_CASE("no section, an empty section") {
    CHECK(parse_rules(YAML::Load("site: x")["alarms"], "f").rules.empty());
    CHECK(parse_rules(YAML::Load("alarms:")["alarms"], "f").errors.empty());
}

TEST_CASE("malformed sections give errors, never a crash") {
    for (const char *yaml :
         {"alarms: [[1, 2], 3]", "alarms:\n  - {name: {a: b}, data: [x], high: {}}",
          "alarms:\n  - {name: x, data: P, high: [1], deadband: {}}",
          "alarms:\n  - {name: x, data: P, low: 1, message: [a]}",
          "alarms:\n  - {name: x, kind: [limit]}",
          "alarms:\n  - {name: x, data: P, high: 1, sources: {a: 1}}",
          "alarms:\n  - {name: x, data: P, high: 1, circuits: [/3, a/, a/b]}",
          "alarms:\n  - {name: x, data: P, high: 1, on_delay_s: 1e300}",
          "alarms:\n  - {name: x, kind: voltage_events, nominal_v: 230, "
          "phases: [a, b, c, d]}"}) {
        CAPTURE(yaml);
        CHECK_FALSE(errors_of(yaml).empty());
    }
}
