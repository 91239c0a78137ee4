// The queue, builder and transport together (the gs_publish_send program) against a real FTP
// server on 127.0.0.1: a kill -9 in the middle of an upload, a server that goes away and comes
// back, a wrong password.
#include "test_servers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <thread>

using namespace gs::publish::testing;
using namespace std::chrono_literals;

namespace {

// 2025-12-03 10:00:00 UTC, a Wednesday.
constexpr int64_t t0 = 1764756000;

std::vector<std::string> sender(int port, const TempDir &dir, int64_t now,
                                std::vector<std::string> extra) {
    std::vector<std::string> argv = {GS_PUBLISH_SEND,      "--protocol", "ftp",          "--port",
                                     std::to_string(port), "--cursor",   dir / "cursor", "--now",
                                     std::to_string(now),  "--copy-dir", dir / "sent"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::filesystem::create_directories(dir / "sent");
    return argv;
}

size_t count(const std::string &text, const std::string &needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

std::vector<std::string> renamed_to(Server &server) {
    std::vector<std::string> out;
    for (const auto &line : server.lines())
        if (line.rfind("CMD RNTO ", 0) == 0) out.push_back(line.substr(9));
    return out;
}

} // namespace

TEST_CASE("killed (SIGKILL) in the middle of an upload, restarted: the file arrives once, whole, "
          "and never under its final name while partial") {
    TempDir dir;
    // 20 kB/s: the ~78 kB file takes seconds, time enough to kill the sender mid-way.
    Server server = start_ftp(dir / "root", {"--throttle", "20000"});
    const std::vector<std::string> plan = {"--plan", "load_curve:3600:all", "--devices",
                                           "200",    "--counters",          "5"};
    const std::string name = "box-01_load_curve_all_20251203100000.csv";
    const std::string final_path = dir / ("root/in/" + name), temp_path = final_path + ".tmp";
    {
        gs::test::Process first(sender(server.port, dir, t0, plan));
        bool partial_seen = false;
        for (auto end = std::chrono::steady_clock::now() + 30s;
             std::chrono::steady_clock::now() < end;) {
            CHECK_FALSE(std::filesystem::exists(final_path)); // never listed while partial
            std::error_code ec;
            const auto size = std::filesystem::file_size(temp_path, ec);
            if (!ec && size > 10000) {
                partial_seen = true;
                break;
            }
            std::this_thread::sleep_for(20ms);
        }
        REQUIRE(partial_seen);
        first.signal(SIGKILL);
        CHECK(first.wait(10s) == 128 + SIGKILL);
        CHECK(first.out().find("SENT") == std::string::npos);
    }
    const std::string expected = read_file(dir / ("sent/" + name));
    REQUIRE(expected.size() > 50000);
    CHECK(std::filesystem::file_size(temp_path) < expected.size());
    CHECK(list_files(dir / "root") == std::vector<std::string>{"in/" + name + ".tmp"});

    // The restart sends the same period again: same name, whole, then renamed.
    gs::test::Process second(sender(server.port, dir, t0, plan));
    for (auto end = std::chrono::steady_clock::now() + 60s;
         std::chrono::steady_clock::now() < end && !second.wait(20ms);)
        CHECK_FALSE((std::filesystem::exists(final_path) &&
                     std::filesystem::file_size(final_path) != expected.size()));
    REQUIRE(second.wait(1s) == 0);
    CHECK(second.out().find("SENT " + name) != std::string::npos);
    CHECK(list_files(dir / "root") == std::vector<std::string>{"in/" + name});
    CHECK(read_file(final_path) == expected);
    CHECK(renamed_to(server) == std::vector<std::string>{name});
    for (const auto &line : server.lines())
        CHECK(line != "CMD STOR " + name);

    // Once confirmed, it is not sent again.
    const auto third = gs::test::run(sender(server.port, dir, t0 + 60, plan));
    CHECK(third.code == 0);
    CHECK(third.out.find("SENT") == std::string::npos);
    CHECK(renamed_to(server).size() == 1);
}

TEST_CASE("the server goes away, then comes back: every missed file arrives, in order") {
    TempDir dir;
    const int port = gs::test::free_port();
    const std::vector<std::string> plan = {"--plan", "index:600:per_device", "--devices",
                                           "2",      "--retry-ms",           "200"};
    {
        Server server = start_ftp(dir / "root", {}, port);
        const auto first = gs::test::run(sender(port, dir, t0, plan));
        REQUIRE_MESSAGE(first.code == 0, first.out);
        CHECK(renamed_to(server) ==
              std::vector<std::string>{"box-01_index_meter-001_20251203100000.csv",
                                       "box-01_index_meter-002_20251203100000.csv"});
    } // stopped

    // An hour later, the server still down: the sender keeps trying with backoff.
    std::vector<std::string> keep = plan;
    keep.insert(keep.end(), {"--keep-trying", "60"});
    gs::test::Process waiting(sender(port, dir, t0 + 3600, keep));
    for (auto end = std::chrono::steady_clock::now() + 20s;
         std::chrono::steady_clock::now() < end && count(waiting.out(), "FAILED") < 2;)
        waiting.wait_for_stdout("\x01", 100ms);
    REQUIRE(count(waiting.out(), "FAILED") >= 2);
    CHECK(waiting.out().find("check the server address") != std::string::npos);

    Server back = start_ftp(dir / "root", {}, port);
    REQUIRE(waiting.wait(30s) == 0);
    std::vector<std::string> expected;
    for (int minute = 10; minute <= 60; minute += 10)
        for (const char *device : {"meter-001", "meter-002"}) {
            char stamp[32];
            std::snprintf(stamp, sizeof stamp, "202512031%d%02d00", minute / 60, minute % 60);
            expected.push_back(std::string("box-01_index_") + device + "_" + stamp + ".csv");
        }
    CHECK(renamed_to(back) == expected);
    CHECK(list_files(dir / "root").size() == 14);
    for (const auto &name : expected)
        CHECK(read_file(dir / ("root/in/" + name)) == read_file(dir / ("sent/" + name)));
}

TEST_CASE("a wrong password: a clear error, and nothing lost once it is corrected") {
    TempDir dir;
    Server server = start_ftp(dir / "root");
    const std::vector<std::string> plan = {"--plan", "measurement:600:all"};
    std::vector<std::string> wrong = plan;
    wrong.insert(wrong.end(), {"--password", "wrong"});
    const auto refused = gs::test::run(sender(server.port, dir, t0, wrong));
    CHECK(refused.code == 2);
    CHECK(refused.out.find("FAILED box-01_measurement_all_20251203100000.csv") !=
          std::string::npos);
    CHECK(refused.out.find("530") != std::string::npos);
    CHECK(refused.out.find("check the user and the password") != std::string::npos);
    CHECK(list_files(dir / "root").empty());

    const auto fixed = gs::test::run(sender(server.port, dir, t0 + 1200, plan));
    CHECK(fixed.code == 0);
    CHECK(renamed_to(server) ==
          std::vector<std::string>{"box-01_measurement_all_20251203100000.csv",
                                   "box-01_measurement_all_20251203101000.csv",
                                   "box-01_measurement_all_20251203102000.csv"});
}
