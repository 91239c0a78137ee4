// The discovery service's settings and progress (runtime/discovery.cpp): settings by the keys a
// driver declares (as the web UI sends them), and the progress a driver's message gives.
#include "runtime/discovery.hpp"

#include <doctest/doctest.h>

using namespace gs::kernel;

namespace {

const gs_cli_option kTcp{
    sizeof(gs_cli_option), "--tcp", "tcp", 0, 1, nullptr, nullptr, "HOST:PORT"};
const gs_cli_option kRtu{sizeof(gs_cli_option), "--rtu", "rtu", 0, 1, nullptr, nullptr, "DEV"};
const gs_cli_option kUnits{
    sizeof(gs_cli_option), "--units", "units", 0, 0, "1-247", nullptr, "A-B"};
const gs_cli_option kTimeout{
    sizeof(gs_cli_option), "--timeout-ms", "timeout_ms", 1, 0, "200", nullptr, "T"};
const gs_cli_option kBaud{sizeof(gs_cli_option), "--baud", "baud", 1, 0, "9600", "rtu", "B"};
const std::vector<const gs_cli_option *> kDeclared{&kTcp, &kRtu, &kUnits, &kTimeout, &kBaud};

} // namespace

TEST_CASE("discovery settings: given by key, defaults filled, integers checked") {
    std::string why;
    YAML::Node n = scan_settings(kDeclared, {{"tcp", "10.0.0.1:502"}, {"timeout_ms", "50"}}, why);
    CHECK(why == "");
    CHECK(n["tcp"].as<std::string>() == "10.0.0.1:502");
    CHECK(n["timeout_ms"].as<int>() == 50);
    CHECK(n["units"].as<std::string>() == "1-247");
    CHECK_FALSE(n["baud"]); // only with rtu
    n = scan_settings(kDeclared, {{"rtu", "/dev/ttyUSB0"}}, why);
    CHECK(why == "");
    CHECK(n["baud"].as<int>() == 9600);
    CHECK(n["timeout_ms"].as<int>() == 200);
}

TEST_CASE("discovery settings: what is refused, and why") {
    auto refused = [](std::vector<std::pair<std::string, std::string>> given) {
        std::string why;
        scan_settings(kDeclared, given, why);
        return why;
    };
    CHECK(refused({}) == "give where to scan: tcp or rtu");
    CHECK(refused({{"tcp", "a:1"}, {"rtu", "/dev/x"}}) == "give one address: tcp or rtu");
    CHECK(refused({{"tcp", "a:1"}, {"bogus", "1"}}) ==
          "unknown setting 'bogus' (expected tcp, rtu, units, timeout_ms, baud)");
    CHECK(refused({{"tcp", "a:1"}, {"timeout_ms", "soon"}}) ==
          "setting 'timeout_ms': expected an integer");
    CHECK(refused({{"tcp", "a:1"}, {"timeout_ms", "99999999999999999999"}}) ==
          "setting 'timeout_ms': expected an integer");
    CHECK(refused({{"tcp", "a:1"}, {"tcp", "b:2"}}) == "setting 'tcp' is given twice");
}

TEST_CASE("discovery progress: from the driver's message") {
    CHECK(scan_progress_of("unit 12/247, 1 found") == std::make_pair<uint64_t, uint64_t>(12, 247));
    CHECK(scan_progress_of("10.0.0.1:502 (1/3), unit 5/741, 0 found") ==
          std::make_pair<uint64_t, uint64_t>(5, 741));
    CHECK(scan_progress_of("scan done in 1.2 s: 2 SOCOMEC device(s)") ==
          std::make_pair<uint64_t, uint64_t>(0, 0));
    CHECK(scan_progress_of("unit 9/3") == std::make_pair<uint64_t, uint64_t>(0, 0));
}
