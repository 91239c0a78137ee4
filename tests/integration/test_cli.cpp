// The gridscope command as a user runs it: plugins, check, run with readiness, SIGTERM, and a
// reload that fails and keeps the running config.
#include "../support/process.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

using gs::test::Process;
using gs::test::run;
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;
const std::string kDemo = std::string(GS_SOURCE_DIR) + "/examples/demo/site.yaml";

std::string temp_dir(const std::string &name) {
    auto dir = std::filesystem::path(GS_TEST_TMP) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}
} // namespace

TEST_CASE("gridscope plugins --format json lists the example driver with its ABI") {
    auto r = run({kBin, "plugins", "--format", "json"});
    CHECK(r.code == 0);
    CHECK(r.out.find("\"id\": \"example_virtual_meter\", \"kind\": \"driver\", \"version\": "
                     "\"1.0.0\", \"abi\": \"1.6\"") != std::string::npos);
}

TEST_CASE("gridscope plugins shows each key's bounds and allowed values") {
    auto text = run({kBin, "plugins"});
    CHECK(text.code == 0);
    CHECK(text.out.find("      port (int, default 8080, min 0, max 65535): ") != std::string::npos);
    CHECK(text.out.find("    keys of its sources:\n") != std::string::npos);
    CHECK(text.out.find("      parity (string, default N, one of N|E|O): ") != std::string::npos);
    auto json = run({kBin, "plugins", "--format", "json"});
    CHECK(json.code == 0);
    CHECK(json.out.find("{\"key\": \"port\", \"type\": \"int\", \"required\": false, "
                        "\"default\": \"8080\", \"description\": ") != std::string::npos);
    CHECK(json.out.find("\"min\": \"0\", \"max\": \"65535\", \"allowed\": []}") !=
          std::string::npos);
    CHECK(json.out.find("\"min\": null, \"max\": null, \"allowed\": [\"N\", \"E\", \"O\"]}") !=
          std::string::npos);
}

TEST_CASE("gridscope check accepts the demo and refuses a bad file with file:line") {
    auto ok = run({kBin, "check", "--config", kDemo});
    CHECK(ok.code == 0);
    CHECK(ok.out.find(": OK (") != std::string::npos);

    std::string dir = temp_dir("check_bad");
    std::ofstream(dir + "/site.yaml") << "sources:\n"
                                         "  - name: m1\n"
                                         "    profile: examples/virtual-meter\n"
                                         "    rated_current_a: lots\n"
                                         "    colour: blue\n";
    auto bad = run({kBin, "check", "--config", dir + "/site.yaml"});
    CHECK(bad.code == 1);
    // Driver keys are checked by the driver itself, with the source's position.
    CHECK(bad.err.find("site.yaml:2:5: field 'sources[0]'") != std::string::npos);
    CHECK(bad.err.find("error(s)") != std::string::npos);
}

TEST_CASE("gridscope run starts, signals readiness and stops cleanly on SIGTERM") {
    std::string data = temp_dir("run_demo");
    Process p({kBin, "run", "--config", kDemo, "--data-dir", data});
    REQUIRE(p.wait_for_stdout("gridscope: ready", 20s));
    p.signal(SIGTERM);
    auto code = p.wait(15s);
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK(p.err().find("[kernel] stopped") != std::string::npos);
}

TEST_CASE("gridscope run refuses a bad config at start") {
    std::string dir = temp_dir("run_bad");
    std::ofstream(dir + "/site.yaml") << "sources: [{name: x, profile: no/such}]\n";
    auto r = run({kBin, "run", "--config", dir + "/site.yaml", "--data-dir", dir});
    CHECK(r.code == 1);
    CHECK(r.err.find("unknown profile 'no/such'") != std::string::npos);
    CHECK(r.err.find("refusing to start") != std::string::npos);
}

TEST_CASE("a reload that fails keeps the running config; a good one is taken") {
    std::string dir = temp_dir("reload");
    std::string site = dir + "/site.yaml";
    const std::string good =
        "site: {name: Reload}\n"
        "sources: [{name: m1, profile: examples/virtual-meter, period_ms: 100}]\n";
    std::ofstream(site) << good;
    Process p({kBin, "run", "--config", site, "--data-dir", dir});
    REQUIRE(p.wait_for_stdout("gridscope: ready", 20s));

    std::ofstream(site) << "sources: [{name: m1, profile: examples/virtual-meter, period_ms: x}]\n";
    p.signal(SIGHUP);
    REQUIRE(p.wait_for_stderr("reload refused; the running config stays", 10s));
    CHECK(p.err().find("field 'sources[0].period_ms': expected an integer") != std::string::npos);
    CHECK_FALSE(p.wait(0ms)); // still running

    std::ofstream(site) << good;
    p.signal(SIGHUP);
    CHECK(p.wait_for_stdout("gridscope: reloaded", 10s));
    p.signal(SIGTERM);
    auto code = p.wait(15s);
    REQUIRE(code);
    CHECK(*code == 0);
}

TEST_CASE("gridscope passwd stores an Argon2id hash, refusing mismatches and weak passwords") {
    std::string data = temp_dir("passwd");
    auto mismatch =
        run({kBin, "passwd", "--config", kDemo, "--data-dir", data, "--profile", "admin"},
            std::string("correct horse battery\ncorrect horse batterY\n"));
    CHECK(mismatch.code == 1);
    CHECK(mismatch.err.find("the two passwords differ") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(data + "/passwords"));

    auto weak = run({kBin, "passwd", "--config", kDemo, "--data-dir", data, "--profile", "admin"},
                    std::string("Admin\nAdmin\n"));
    CHECK(weak.code == 1);

    auto ok = run({kBin, "passwd", "--config", kDemo, "--data-dir", data, "--profile", "admin"},
                  std::string("correct horse battery\ncorrect horse battery\n"));
    CHECK(ok.code == 0);
    auto adv = run({kBin, "passwd", "--config", kDemo, "--data-dir", data, "--profile", "advanced"},
                   std::string("another long secret\nanother long secret\n"));
    CHECK(adv.code == 0);
    std::ifstream in(data + "/passwords");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("admin:$argon2id$") != std::string::npos);
    CHECK(text.find("advanced:$argon2id$") != std::string::npos);
    CHECK(text.find("correct horse") == std::string::npos);
    CHECK((std::filesystem::status(data + "/passwords").permissions() &
           std::filesystem::perms::group_read) == std::filesystem::perms::none);

    auto user = run({kBin, "passwd", "--config", kDemo, "--data-dir", data, "--profile", "user"},
                    std::string("x\nx\n"));
    CHECK(user.code == 2);
}

TEST_CASE("plugin commands and driver options come from the plugins, not the kernel") {
    // `passwd` is ui_web's tool (ABI 1.3), listed as such; the drivers list their options.
    auto help = run({kBin, "help"});
    CHECK(help.code == 0);
    CHECK(help.out.find("passwd --config FILE [--data-dir DIR] --profile admin|advanced") !=
          std::string::npos);
    CHECK(help.out.find("(ui_web)") != std::string::npos);
    CHECK(help.out.find("    --tcp HOST:PORT (Modbus TCP) [address]") != std::string::npos);
    // An option no driver declares is unknown; one of another driver is refused by name.
    auto unknown = run({kBin, "read", "--profile", "examples/virtual-meter", "--serial", "x"});
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("unknown option '--serial'") != std::string::npos);
    auto foreign =
        run({kBin, "read", "--profile", "examples/virtual-meter", "--tcp", "127.0.0.1:1"});
    CHECK(foreign.code == 2);
    CHECK(foreign.err.find("driver 'example_virtual_meter' takes no option --tcp") !=
          std::string::npos);
    // The virtual meter needs no address: its values are read at once.
    auto read = run({kBin, "read", "--profile", "examples/virtual-meter", "--format", "json"});
    CHECK(read.code == 0);
    CHECK(read.out.find("\"IEaPInst\": {\"value\": ") != std::string::npos);
    // A Modbus profile without an address: the driver's address options, in its words.
    auto none = run({kBin, "read", "--profile", "socomec/countis-e2x"});
    CHECK(none.code == 2);
    CHECK(none.err.find("give the device's address: --tcp HOST:PORT, --rtu DEVICE or --rtu-tcp "
                        "HOST:PORT") != std::string::npos);
    auto two = run({kBin, "read", "--profile", "socomec/countis-e2x", "--tcp", "127.0.0.1:1",
                    "--rtu", "/dev/null"});
    CHECK(two.code == 2);
    CHECK(two.err.find("give one address: --tcp, --rtu or --rtu-tcp") != std::string::npos);
}

TEST_CASE("a profile a source uses must name its driver: the kernel has no default one") {
    std::string dir = temp_dir("no_driver");
    std::filesystem::create_directories(dir + "/profiles/acme");
    std::ofstream(dir + "/profiles/acme/m.yaml") << "profile:\n"
                                                    "  name: M\n"
                                                    "  points:\n"
                                                    "    - {data: IV1Inst, address: 10}\n";
    std::ofstream(dir + "/site.yaml") << "sources: [{name: m, profile: acme/m}]\n";
    auto r = run({kBin, "check", "--config", dir + "/site.yaml", "--profiles", dir + "/profiles"});
    CHECK(r.code == 1);
    CHECK(r.err.find("m.yaml:2:3: field 'profile.driver': is required") != std::string::npos);
}
