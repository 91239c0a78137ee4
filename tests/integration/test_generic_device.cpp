// A generic Modbus device configured in the site file alone (docs/configuration.md "A generic
// Modbus device"), end to end with the real binary, driver_modbus and gridscope-sim: the
// source's own points are planned with its profile's (one plan, frames merged), polled and stored
// scaled by their coefficient; `gridscope check` and SIGHUP refuse each bad Modbus key at its
// field (`sources[0].points[0].address`).
#include "../support/eventually.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>

using gs::test::free_port;
using gs::test::Process;
using gs::test::run;
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;
const std::string kSim = GS_SIM_BINARY;

// A generic device with two circuits (one more than its profile's) and two points of its own in
// one frame; the simulator serves their data at fixed values.
std::string site_text(int port, const std::string &points) {
    return "data:\n"
           "  - {name: TankPressure, type: measure, group: custom, unit: bar}\n"
           "sources:\n"
           "  - name: boiler\n"
           "    profile: generic/modbus\n"
           "    tcp: \"127.0.0.1:" +
           std::to_string(port) +
           "\"\n"
           "    unit: 3\n"
           "    period_ms: 200\n"
           "    simulate: {values: {TankPressure: 4.25, IV1Inst: 230.1}}\n"
           "    circuits:\n"
           "      - {index: 1, name: Feed}\n"
           "      - {index: 2, name: Tank}\n"
           "    points:\n" +
           points + "plugins:\n  storage_rocksdb: {}\n";
}

const std::string kGoodPoints =
    "      - {data: TankPressure, circuit: 2, address: 10, type: u16, coefficient: 0.01, "
    "frame: tank}\n"
    "      - {data: IV1Inst, circuit: 1, address: 12, type: u32, coefficient: 0.1, "
    "frame: tank}\n";

std::string write(const std::filesystem::path &file, const std::string &text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
}

// The series id of SOURCE/CIRCUIT/DATA in `gridscope query --format json`, "" if not stored.
std::string series_id(const std::string &list, const std::string &source, int circuit,
                      const std::string &data) {
    std::regex one("\\{\"id\": \"?([^\",]+)\"?, \"source\": \"" + source + "\", \"circuit\": " +
                   std::to_string(circuit) + ", \"data\": \"" + data + "\", \"count\": [1-9]");
    std::smatch m;
    return std::regex_search(list, m, one) ? m[1].str() : "";
}
} // namespace

TEST_CASE("a generic device's own points are planned with its profile's, in one frame") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "generic_plan";
    std::string site = write(dir / "site.yaml", site_text(free_port(), kGoodPoints));
    auto check = run({kBin, "check", "--config", site});
    INFO(check.out, check.err);
    CHECK(check.code == 0);
    auto plan = run({kBin, "plan", "--config", site, "--source", "boiler"});
    INFO(plan.out, plan.err);
    REQUIRE(plan.code == 0);
    // Both points, in one request: the frame "tank" spans registers 10..13 of function 3.
    CHECK(plan.out.find("2 points in 1 request") != std::string::npos);
    CHECK(std::regex_search(plan.out, std::regex("FC03 @10 x4")));
}

TEST_CASE("a generic device's own points are polled and stored, scaled by their coefficient") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "generic_run";
    std::filesystem::remove_all(dir);
    int port = free_port();
    std::string site = write(dir / "site.yaml", site_text(port, kGoodPoints));
    std::string data = (dir / "data").string();
    Process sim({kSim, "--site", site});
    REQUIRE(sim.wait_for_stdout("gridscope-sim: ready", 20s));
    std::string list;
    {
        Process gs({kBin, "run", "--config", site, "--data-dir", data});
        REQUIRE(gs.wait_for_stdout("gridscope: ready", 20s));
        CHECK(gs::test::eventually(
            [&] {
                list =
                    run({kBin, "query", "--config", site, "--data-dir", data, "--format", "json"})
                        .out;
                return !series_id(list, "boiler", 2, "TankPressure").empty() &&
                       !series_id(list, "boiler", 1, "IV1Inst").empty();
            },
            15s));
    }
    INFO(list);
    // The simulator encoded 4.25 bar as 425 (coefficient 0.01) and 230.1 V as 2301 (0.1).
    auto values = [&](int circuit, const std::string &name) {
        std::string id = series_id(list, "boiler", circuit, name);
        REQUIRE(!id.empty());
        auto r = run({kBin, "query", "--config", site, "--data-dir", data, "--series", id, "--from",
                      "2020-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z"});
        INFO(r.out, r.err);
        REQUIRE(r.code == 0);
        return r.out;
    };
    std::string tank = values(2, "TankPressure");
    CAPTURE(tank);
    CHECK(std::regex_search(tank, std::regex("\"value\": 4\\.25,")));
    std::string volts = values(1, "IV1Inst");
    CAPTURE(volts);
    CHECK(std::regex_search(volts, std::regex("\"value\": 230\\.1,")));
}

TEST_CASE("gridscope check and SIGHUP refuse each bad Modbus key of a point at its field") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "generic_bad";
    std::filesystem::remove_all(dir);
    int port = free_port();
    const std::string bad =
        "      - {data: TankPressure, circuit: 2, address: 70000, type: u16}\n"
        "      - {data: IV1Inst, circuit: 1, address: 1, type: u33}\n"
        "      - {data: IEaPInst, circuit: 1, address: 2, type: u16, function: 9}\n"
        "      - {data: IFreqInst, circuit: 1, address: 3, type: u16, colour: red}\n";
    std::string file = write(dir / "bad.yaml", site_text(port, bad));
    auto r = run({kBin, "check", "--config", file});
    INFO(r.out, r.err);
    CHECK(r.code != 0);
    const std::string at = file + ":";
    CHECK(r.err.find(at + "14:51: field 'sources[0].points[0].address': ") != std::string::npos);
    CHECK(r.err.find(at + "15:55: field 'sources[0].points[1].type': ") != std::string::npos);
    CHECK(r.err.find(at + "16:71: field 'sources[0].points[2].function': ") != std::string::npos);
    CHECK(r.err.find(at + "17:70: field 'sources[0].points[3].colour': ") != std::string::npos);

    // The same refusal on SIGHUP: the running site keeps polling what it had.
    std::string site = write(dir / "site.yaml", site_text(port, kGoodPoints));
    std::string data = (dir / "data").string();
    Process gs({kBin, "run", "--config", site, "--data-dir", data});
    REQUIRE(gs.wait_for_stdout("gridscope: ready", 20s));
    write(dir / "site.yaml", site_text(port, bad));
    gs.signal(SIGHUP);
    CHECK(gs.wait_for_stderr("field 'sources[0].points[0].address': ", 15s));
}
