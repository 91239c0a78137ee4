// Modbus acquisition end to end over loopback: `gridscope read` against the Debian pymodbus
// server (an independent peer) and against gridscope-sim; mbpoll (another peer) against the
// simulator; silent devices fail within their timeout; refused merged requests are split.
#include "../support/process.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

using gs::test::free_port;
using gs::test::Process;
using gs::test::run;
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;
const std::string kSim = GS_SIM_BINARY;
const std::string kTestProfiles = std::string(GS_SOURCE_DIR) + "/tests/integration/profiles";

// The value of NAME in `gridscope read --format json` output (NaN if absent).
double value_of(const std::string &json, const std::string &name) {
    std::smatch m;
    std::regex re("\"" + name + "\": \\{\"value\": ([-0-9.eE+]+)");
    if (!std::regex_search(json, m, re)) return NAN;
    return std::stod(m[1]);
}

std::string write_site(const std::string &name, const std::string &body) {
    auto dir = std::filesystem::path(GS_TEST_TMP) / name;
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "site.yaml") << body;
    return (dir / "site.yaml").string();
}

struct Sim {
    Process process;
    explicit Sim(const std::string &site) : process({kSim, "--site", site}) {
        REQUIRE(process.wait_for_stdout("gridscope-sim: ready", 20s));
    }
};
} // namespace

TEST_CASE("gridscope read decodes every type from the pymodbus peer") {
    int port = free_port();
    Process peer({"/usr/bin/python3",
                  std::string(GS_SOURCE_DIR) + "/tests/integration/peer/pymodbus_server.py",
                  std::to_string(port)});
    REQUIRE(peer.wait_for_stdout("pymodbus: ready", 20s));
    auto r = run({kBin, "read", "--tcp", "127.0.0.1:" + std::to_string(port), "--unit", "1",
                  "--profile", "test/peer-meter", "--profiles", kTestProfiles, "--format", "json"});
    INFO(r.out, r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find(
              "{\"profile\": \"test/peer-meter\", \"unit\": 1, \"circuit\": 1, \"values\"") == 0);
    CHECK(value_of(r.out, "PeerF32") == doctest::Approx(123.456).epsilon(1e-6));
    CHECK(value_of(r.out, "PeerF32LowFirst") == doctest::Approx(-42.5));
    CHECK(value_of(r.out, "PeerS32") == -123456);
    CHECK(value_of(r.out, "IV1Inst") == doctest::Approx(230.1));
    CHECK(r.out.find("\"IV1Inst\": {\"value\": 230.1, \"unit\": \"V\"}") != std::string::npos);
    CHECK(value_of(r.out, "PeerU64") == doctest::Approx(1234567890123.0 * 1000));
    CHECK(value_of(r.out, "PeerU32") == 4000000000.0);
    CHECK(value_of(r.out, "PeerS16Input") == -7);
    CHECK(value_of(r.out, "PeerCoil") == 1);
}

TEST_CASE("gridscope read --rtu-tcp decodes every type from the pymodbus peer's RTU framer") {
    int port = free_port();
    Process peer({"/usr/bin/python3",
                  std::string(GS_SOURCE_DIR) + "/tests/integration/peer/pymodbus_server.py",
                  std::to_string(port), "--rtu"});
    REQUIRE(peer.wait_for_stdout("pymodbus: ready", 20s));
    auto r = run({kBin, "read", "--rtu-tcp", "127.0.0.1:" + std::to_string(port), "--unit", "1",
                  "--profile", "test/peer-meter", "--profiles", kTestProfiles, "--format", "json"});
    INFO(r.out, r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("unavailable") == std::string::npos);
    CHECK(value_of(r.out, "PeerF32") == doctest::Approx(123.456).epsilon(1e-6));
    CHECK(value_of(r.out, "PeerF32LowFirst") == doctest::Approx(-42.5));
    CHECK(value_of(r.out, "PeerS32") == -123456);
    CHECK(value_of(r.out, "IV1Inst") == doctest::Approx(230.1));
    CHECK(value_of(r.out, "PeerU64") == doctest::Approx(1234567890123.0 * 1000));
    CHECK(value_of(r.out, "PeerU32") == 4000000000.0);
    CHECK(value_of(r.out, "PeerS16Input") == -7);
    CHECK(value_of(r.out, "PeerCoil") == 1);
    // A unit the peer does not have: RTU has no "absent" answer, so a timeout, within it.
    auto t0 = std::chrono::steady_clock::now();
    auto absent =
        run({kBin, "read", "--rtu-tcp", "127.0.0.1:" + std::to_string(port), "--unit", "9",
             "--profile", "test/peer-meter", "--profiles", kTestProfiles, "--timeout-ms", "300"});
    CHECK(absent.code == 1);
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
}

TEST_CASE("the simulator serves rtu_tcp sources as RTU over TCP, beside tcp ones") {
    std::string rtu_addr = "127.0.0.1:" + std::to_string(free_port());
    std::string tcp_addr = "127.0.0.1:" + std::to_string(free_port());
    std::string site =
        write_site("sim_rtu_tcp", "sources:\n"
                                  "  - {name: r5, profile: socomec/countis-e2x, rtu_tcp: \"" +
                                      rtu_addr +
                                      "\", unit: 5}\n"
                                      "  - {name: r6, profile: socomec/diris-a40, rtu_tcp: \"" +
                                      rtu_addr +
                                      "\", unit: 6, simulate: {fault: silent}}\n"
                                      "  - {name: t5, profile: socomec/countis-e2x, tcp: \"" +
                                      tcp_addr + "\", unit: 5}\n");
    Sim sim(site);
    auto r = run({kBin, "read", "--rtu-tcp", rtu_addr, "--unit", "5", "--profile",
                  "socomec/countis-e2x", "--format", "json"});
    INFO(r.out, r.err);
    REQUIRE(r.code == 0);
    CHECK(value_of(r.out, "IV1Inst") > 220);
    CHECK(value_of(r.out, "IFreqInst") == doctest::Approx(50).epsilon(0.005));
    CHECK(r.out.find("unavailable") == std::string::npos);
    // The same simulator still speaks Modbus TCP on the tcp source's address.
    CHECK(run({kBin, "read", "--tcp", tcp_addr, "--unit", "5", "--profile", "socomec/countis-e2x"})
              .code == 0);
    // Modbus TCP framing against the RTU over TCP address gets no valid answer.
    CHECK(run({kBin, "read", "--tcp", rtu_addr, "--unit", "5", "--profile", "socomec/countis-e2x",
               "--timeout-ms", "300"})
              .code == 1);
    auto t0 = std::chrono::steady_clock::now();
    auto mute = run({kBin, "read", "--rtu-tcp", rtu_addr, "--unit", "6", "--profile",
                     "socomec/diris-a40", "--timeout-ms", "300"});
    CHECK(mute.code == 1);
    CHECK(mute.err.find("timeout after 300 ms") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
}

TEST_CASE("the simulator serves realistic, consistent values that gridscope reads") {
    int port = free_port();
    std::string addr = "127.0.0.1:" + std::to_string(port);
    std::string site =
        write_site("sim_values", "sources:\n"
                                 "  - {name: e23, profile: socomec/countis-e2x, tcp: \"" +
                                     addr +
                                     "\", unit: 5, simulate: {rated_current_a: 2000}}\n"
                                     "  - {name: a40, profile: socomec/diris-a40, tcp: \"" +
                                     addr + "\", unit: 6}\n");
    Sim sim(site);
    auto read = [&](const std::string &unit, const std::string &profile) {
        return run({kBin, "read", "--tcp", addr, "--unit", unit, "--profile", profile, "--format",
                    "json"});
    };
    auto first = read("5", "socomec/countis-e2x");
    INFO(first.out, first.err);
    REQUIRE(first.code == 0);
    double v1 = value_of(first.out, "IV1Inst"), v2 = value_of(first.out, "IV2Inst");
    CHECK(v1 > 220);
    CHECK(v1 < 240);
    CHECK(value_of(first.out, "IU12Inst") ==
          doctest::Approx((v1 + v2) / 2 * std::sqrt(3.0)).epsilon(0.01));
    double p = value_of(first.out, "IPSumInst");
    CHECK(p == doctest::Approx(value_of(first.out, "IP1Inst") + value_of(first.out, "IP2Inst") +
                               value_of(first.out, "IP3Inst"))
                   .epsilon(0.01));
    CHECK(value_of(first.out, "IFreqInst") == doctest::Approx(50).epsilon(0.005));
    CHECK(value_of(first.out, "IpFSumInst") > 0.5);

    // Counters integrate power: over ~3 s the energy grows by about P x t.
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(3s); // the quantity under test is elapsed time itself
    auto second = read("5", "socomec/countis-e2x");
    double hours =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 3600;
    double delta = value_of(second.out, "IEaPInst") - value_of(first.out, "IEaPInst");
    CHECK(delta == doctest::Approx(p * hours).epsilon(0.35));

    auto a40 = read("6", "socomec/diris-a40");
    CHECK(a40.code == 0);
    CHECK(value_of(a40.out, "IHarmonicsTHDU12Inst") > 0);
}

TEST_CASE("a silent or unreachable device fails within its timeout with a clear message") {
    int port = free_port();
    std::string addr = "127.0.0.1:" + std::to_string(port);
    std::string site =
        write_site("sim_silent", "sources:\n  - {name: mute, profile: socomec/diris-a10, tcp: \"" +
                                     addr + "\", unit: 3, simulate: {fault: silent}}\n");
    Sim sim(site);
    auto t0 = std::chrono::steady_clock::now();
    auto r = run({kBin, "read", "--tcp", addr, "--unit", "3", "--profile", "socomec/diris-a10",
                  "--timeout-ms", "300"});
    auto elapsed = std::chrono::steady_clock::now() - t0;
    CHECK(r.code == 1);
    CHECK(r.err.find("timeout after 300 ms") != std::string::npos);
    CHECK(elapsed < 3s);

    auto absent = run({kBin, "read", "--tcp", addr, "--unit", "99", "--profile",
                       "socomec/diris-a10", "--timeout-ms", "200"});
    CHECK(absent.code == 1);

    auto closed = run({kBin, "read", "--tcp", "127.0.0.1:" + std::to_string(free_port()), "--unit",
                       "1", "--profile", "socomec/diris-a10"});
    CHECK(closed.code == 1);
    CHECK(closed.err.find("Connection refused") != std::string::npos);
}

TEST_CASE("a device refusing merged requests (exception 2) still gives every value") {
    int port = free_port();
    std::string addr = "127.0.0.1:" + std::to_string(port);
    std::string site =
        write_site("sim_strict", "sources:\n  - {name: s, profile: socomec/diris-a40, tcp: \"" +
                                     addr + "\", unit: 2, simulate: {strict_holes: true}}\n");
    Sim sim(site);
    auto plan = run({kBin, "plan", "--profile", "socomec/diris-a40"});
    REQUIRE(plan.code == 0);
    auto r = run({kBin, "read", "--tcp", addr, "--unit", "2", "--profile", "socomec/diris-a40",
                  "--format", "json"});
    INFO(r.out, r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("unavailable") == std::string::npos);
    CHECK(value_of(r.out, "IV1Inst") > 220);
}

TEST_CASE("mbpoll reads the simulator's SOCOMEC identification block") {
    int port = free_port();
    std::string site = write_site(
        "sim_mbpoll", "sources:\n  - {name: e, profile: socomec/countis-e2x, tcp: \"127.0.0.1:" +
                          std::to_string(port) + "\", unit: 5}\n");
    Sim sim(site);
    auto r = run({"/usr/bin/mbpoll", "-m", "tcp", "-a", "5", "-0", "-r", "50000", "-c", "4", "-t",
                  "4", "-1", "-p", std::to_string(port), "127.0.0.1"});
    INFO(r.out, r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("[50000]: \t83") != std::string::npos); // 'S'
    CHECK(r.out.find("[50001]: \t79") != std::string::npos); // 'O'
    CHECK(r.out.find("[50002]: \t67") != std::string::npos); // 'C'
    CHECK(r.out.find("[50003]: \t79") != std::string::npos); // 'O'
    auto order = run({"/usr/bin/mbpoll", "-m", "tcp", "-a", "5", "-0", "-r", "50004", "-c", "1",
                      "-t", "4", "-1", "-p", std::to_string(port), "127.0.0.1"});
    CHECK(order.out.find("[50004]: \t100") != std::string::npos); // COUNTIS
}

TEST_CASE("gridscope plan prints the minimum requests of a profile") {
    auto r = run({kBin, "plan", "--profile", "socomec/countis-e2x", "--format", "json"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"requests\": [") != std::string::npos);
    auto text = run({kBin, "plan", "--profile", "socomec/countis-e2x"});
    CHECK(text.out.find("43 points in 4 request(s)") != std::string::npos); // with the tariffs
    CHECK(text.out.find("FC03 @50514 x60 frame 'metrology'") != std::string::npos);
}

TEST_CASE("a bad Modbus profile or source is refused with file, line and field") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "bad_modbus";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "profiles" / "acme");
    std::ofstream(dir / "profiles" / "acme" / "pm.yaml")
        << "profile:\n"
           "  name: ACME PM\n"
           "  defaults: {function: 3}\n"
           "  points:\n"
           "    - {data: IV1Inst, address: 3000, type: f33}\n"
           "    - {data: IV2Inst, address: 70000, type: f32}\n"
           "    - {data: IV3Inst, address: 10, type: bit}\n"
           "    - {data: II1Inst, address: 12, type: u16, colour: red}\n"
           "  driver: driver_modbus\n"; // a profile names its driver (docs/profiles.md)
    std::ofstream(dir / "site.yaml") << "sources:\n"
                                        "  - {name: m, profile: socomec/diris-a10, tcp: nowhere}\n";
    auto r = run({kBin, "check", "--config", (dir / "site.yaml").string(), "--profiles",
                  (dir / "profiles").string()});
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.err.find("pm.yaml:5:7: field 'profile.points[0]': field 'type': unknown type 'f33'") !=
          std::string::npos);
    CHECK(r.err.find("pm.yaml:6:7: field 'profile.points[1]': field 'address'") !=
          std::string::npos);
    CHECK(r.err.find("pm.yaml:7:7: field 'profile.points[2]'") != std::string::npos);
    CHECK(r.err.find("pm.yaml:8:7: field 'profile.points[3]': field 'colour': unknown key") !=
          std::string::npos);
    CHECK(r.err.find("site.yaml:2:5: field 'sources[0]': source 'm': field 'tcp': expected "
                     "HOST:PORT, found 'nowhere'") != std::string::npos);
}

#ifdef GS_WITH_DIRIS
TEST_CASE("gridscope discover takes the scan options the SOCOMEC driver declares") {
    std::string addr = "127.0.0.1:" + std::to_string(free_port());
    std::string site = write_site("discover_cli", "sources:\n"
                                                  "  - {name: c, profile: socomec/countis-e2x, "
                                                  "tcp: \"" +
                                                      addr +
                                                      "\", unit: 2}\n"
                                                      "  - {name: d, profile: socomec/diris-a40, "
                                                      "tcp: \"" +
                                                      addr + "\", unit: 4}\n");
    Sim sim(site);
    auto text = run({kBin, "discover", "--tcp", addr, "--units", "1-5", "--timeout-ms", "300"});
    INFO(text.out, text.err);
    REQUIRE(text.code == 0);
    CHECK(text.out.find("2 device(s) found at " + addr + "\n") == 0);
    CHECK(text.out.find("  {\"unit\": 2, \"vendor\": \"SOCOMEC\"") != std::string::npos);
    CHECK(text.out.find("  {\"unit\": 4, \"vendor\": \"SOCOMEC\"") != std::string::npos);
    auto json = run({kBin, "discover", "--tcp", addr, "--units", "4", "--format", "json"});
    INFO(json.out, json.err);
    REQUIRE(json.code == 0);
    CHECK(json.out.find("[\n {\"unit\": 4, ") == 0);
    CHECK(json.out.find("\"profile\": \"socomec/diris-a40\"") != std::string::npos);
    CHECK(json.out.find("\"unit\": 2") == std::string::npos);
    // The address option is required; the driver checks the values it declared.
    auto no_address = run({kBin, "discover", "--units", "1-5"});
    CHECK(no_address.code == 2);
    CHECK(no_address.err.find("option --tcp is required") != std::string::npos);
    auto bad_timeout = run({kBin, "discover", "--tcp", addr, "--timeout-ms", "5"});
    CHECK(bad_timeout.code == 1);
    CHECK(bad_timeout.err.find("field 'timeout_ms': expected 10..60000 ms") != std::string::npos);
    auto not_number = run({kBin, "discover", "--tcp", addr, "--timeout-ms", "x"});
    CHECK(not_number.code == 2);
    // Options no scanning driver declares are unknown; help lists the declared ones.
    auto foreign = run({kBin, "discover", "--tcp", addr, "--unit", "3"});
    CHECK(foreign.code == 2);
    CHECK(foreign.err.find("unknown option '--unit'") != std::string::npos);
    auto help = run({kBin, "help"});
    CHECK(help.out.find("Scan options of the installed drivers (discover; one address option):\n"
                        "  driver_socomec_diris:\n"
                        "    --tcp HOST:PORT (the Modbus TCP gateway scanned) [address]\n") !=
          std::string::npos);
    CHECK(help.out.find("    --units A-B,C (the unit ids tried) (default 1-247)\n") !=
          std::string::npos);
}
#endif
