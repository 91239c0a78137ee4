#include "publish/atomic_file.hpp"
#include "publish/delivery_queue.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <unistd.h>

using namespace gs::publish;
using namespace std::chrono_literals;

namespace {

SysSeconds utc(int y, unsigned m, unsigned d, int h, int min = 0) {
    return date::sys_days{date::year{y} / m / d} + std::chrono::hours{h} +
           std::chrono::minutes{min};
}

const date::time_zone *paris() {
    return date::locate_zone("Europe/Paris");
}

// A private folder per test, removed at the end.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char pattern[] = "/tmp/gs-publish-queue-XXXXXX";
        path = mkdtemp(pattern);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string file(const char *name) const { return (path / name).string(); }
};

QueueOptions options(std::string cursor, size_t backlog = 10000, RetryPolicy retry = {}) {
    QueueOptions o;
    o.cursor_file = std::move(cursor);
    o.max_backlog = backlog;
    o.retry = retry;
    o.seed = 7;
    return o;
}

Plan plan(PlanType type, std::chrono::seconds every, FileGrouping files = FileGrouping::all) {
    return Plan{type, Schedule{every, std::nullopt, std::nullopt}, files};
}

// Builds one file per device and period, named as the real builder names them.
struct FakeBuilder {
    std::vector<std::string> devices = {""};
    BuildFiles fn() const {
        return [this](const Plan &p, const Period &period) {
            std::vector<BuiltFile> out;
            for (const auto &device : devices) {
                const std::string name = file_name("box", p.type, device, period.end);
                out.push_back({name, "content of " + name, 1});
            }
            return out;
        };
    }
};

// A server that is up or down and records what it accepted.
struct FakeServer {
    bool up = true;
    Failure failure = Failure::unreachable;
    int fail_after = -1; // accept this many, then fail (when >= 0)
    std::vector<std::string> received;
    SendFile fn() {
        return [this](const BuiltFile &file) {
            if (!up || fail_after == 0) return UploadResult{failure, 0, "server down"};
            if (fail_after > 0) --fail_after;
            received.push_back(file.name);
            return UploadResult{Failure::none, 226, ""};
        };
    }
};

} // namespace

TEST_CASE("a fresh plan sends the last complete period, then each one when due") {
    TempDir dir;
    DeliveryQueue queue({plan(PlanType::index, 600s)}, paris(), options(dir.file("cursor")));
    std::string error;
    REQUIRE(queue.load(error));
    FakeBuilder builder;
    FakeServer server;
    RunReport report = queue.run(utc(2026, 12, 3, 10, 3), builder.fn(), server.fn());
    REQUIRE(report.files.size() == 1);
    CHECK(report.files[0].file == "box_index_all_20261203100000.csv");
    CHECK(report.files[0].status == "sent");
    CHECK(report.files[0].bytes ==
          std::string("content of box_index_all_20261203100000.csv").size());
    CHECK(queue.run(utc(2026, 12, 3, 10, 9), builder.fn(), server.fn()).files.empty());
    CHECK(queue.next_wakeup(utc(2026, 12, 3, 10, 9)) == utc(2026, 12, 3, 10, 10));
    CHECK(queue.run(utc(2026, 12, 3, 10, 10), builder.fn(), server.fn()).files.size() == 1);
    CHECK(server.received.back() == "box_index_all_20261203101000.csv");
    CHECK(queue.cursor(0) == utc(2026, 12, 3, 10, 10));
}

TEST_CASE("after an outage every missed file is sent in order, across plans") {
    TempDir dir;
    DeliveryQueue queue({plan(PlanType::index, 600s), plan(PlanType::measurement, 1800s)}, paris(),
                        options(dir.file("cursor"), 10000, RetryPolicy{1000ms, 60000ms, 2}));
    std::string error;
    REQUIRE(queue.load(error));
    FakeBuilder builder;
    FakeServer server;
    queue.run(utc(2026, 12, 3, 10, 0), builder.fn(), server.fn());
    server.received.clear();

    server.up = false; // down from 10:00 to 12:05
    SysSeconds now = utc(2026, 12, 3, 10, 10);
    RunReport report = queue.run(now, builder.fn(), server.fn());
    REQUIRE(report.failure);
    CHECK(report.failure->failure == Failure::unreachable);
    REQUIRE(report.retry_at);
    // Backoff: 1 s base doubling, equal jitter, capped at 60 s; nothing is tried before it ends.
    SysSeconds retry = *report.retry_at;
    CHECK(retry > now);
    CHECK(retry <= now + 2s);
    CHECK(queue.run(retry - 1s, builder.fn(), server.fn()).files.empty());
    std::vector<std::chrono::seconds> delays;
    while (retry < utc(2026, 12, 3, 12, 5)) {
        now = retry;
        report = queue.run(now, builder.fn(), server.fn());
        REQUIRE(report.retry_at);
        delays.push_back(*report.retry_at - now);
        retry = *report.retry_at;
    }
    CHECK(delays.size() > 5);
    CHECK(delays.back() <= 61s);
    CHECK(delays.back() >= 30s);
    CHECK(queue.failures() == delays.size() + 1);

    server.up = true;
    report = queue.run(retry, builder.fn(), server.fn());
    CHECK_FALSE(report.failure);
    CHECK(queue.failures() == 0);
    // Ordered by period end, plans in their order at equal ends; names carry UTC times.
    std::vector<std::string> expected;
    for (int minute = 10; minute <= 120; minute += 10) {
        char stamp[32];
        std::snprintf(stamp, sizeof stamp, "20261203%02d%02d00", 10 + minute / 60, minute % 60);
        expected.push_back(std::string("box_index_all_") + stamp + ".csv");
        if (minute % 30 == 0)
            expected.push_back(std::string("box_measurement_all_") + stamp + ".csv");
    }
    CHECK(expected.size() == 16);
    CHECK(server.received == expected);
    CHECK(queue.dropped_total() == 0);
}

TEST_CASE(
    "the cursor moves only when every file of the period is confirmed, and survives restarts") {
    TempDir dir;
    const std::vector<Plan> plans = {plan(PlanType::measurement, 600s, FileGrouping::per_device)};
    FakeBuilder builder;
    builder.devices = {"m1", "m2", "m3"};
    FakeServer server;
    {
        DeliveryQueue queue(plans, paris(), options(dir.file("cursor")));
        std::string error;
        REQUIRE(queue.load(error));
        queue.run(utc(2026, 12, 3, 10, 0), builder.fn(), server.fn());
        CHECK(server.received.size() == 3);
        server.fail_after = 1; // m1 of 10:10 goes through, m2 fails
        RunReport report = queue.run(utc(2026, 12, 3, 10, 10), builder.fn(), server.fn());
        REQUIRE(report.files.size() == 2);
        CHECK(report.files[1].status == "server down");
        CHECK(queue.cursor(0) == utc(2026, 12, 3, 10, 0));
    }
    // A restart (a new queue on the same cursor file) sends the whole period again.
    server.fail_after = -1;
    server.received.clear();
    DeliveryQueue queue(plans, paris(), options(dir.file("cursor")));
    std::string error;
    REQUIRE(queue.load(error));
    CHECK(queue.cursor(0) == utc(2026, 12, 3, 10, 0));
    queue.run(utc(2026, 12, 3, 10, 11), builder.fn(), server.fn());
    CHECK(server.received == std::vector<std::string>{"box_measurement_m1_20261203101000.csv",
                                                      "box_measurement_m2_20261203101000.csv",
                                                      "box_measurement_m3_20261203101000.csv"});
}

TEST_CASE("over the backlog budget the oldest periods are dropped and counted") {
    TempDir dir;
    DeliveryQueue queue({plan(PlanType::index, 600s)}, paris(), options(dir.file("cursor"), 6));
    std::string error;
    REQUIRE(queue.load(error));
    FakeBuilder builder;
    FakeServer server;
    queue.run(utc(2026, 12, 3, 0, 0), builder.fn(), server.fn());
    server.received.clear();
    const RunReport report = queue.run(utc(2026, 12, 3, 2, 0), builder.fn(), server.fn()); // 12 due
    CHECK(report.dropped_periods == 6);
    CHECK(queue.dropped_total() == 6);
    CHECK(server.received.size() == 6);
    CHECK(server.received.front() == "box_index_all_20261203011000.csv");
    DeliveryQueue reloaded({plan(PlanType::index, 600s)}, paris(), options(dir.file("cursor"), 6));
    REQUIRE(reloaded.load(error));
    CHECK(reloaded.dropped_total() == 6);
}

TEST_CASE("a damaged cursor file is reported and replaced; a failing build stops the run") {
    TempDir dir;
    std::string error;
    REQUIRE(write_file_atomically(dir.file("cursor"), "garbage\n", error));
    DeliveryQueue queue({plan(PlanType::index, 600s)}, paris(), options(dir.file("cursor")));
    CHECK_FALSE(queue.load(error));
    CHECK(error.find("damaged") != std::string::npos);
    FakeServer server;
    const BuildFiles failing = [](const Plan &, const Period &) -> std::vector<BuiltFile> {
        throw std::runtime_error("storage unavailable");
    };
    RunReport report = queue.run(utc(2026, 12, 3, 10, 0), failing, server.fn());
    REQUIRE(report.failure);
    CHECK(report.failure->error.find("storage unavailable") != std::string::npos);
    FakeBuilder builder;
    report = queue.run(*report.retry_at, builder.fn(), server.fn());
    CHECK(server.received.size() == 1);
    auto text = read_whole_file(dir.file("cursor"), error);
    REQUIRE(text);
    CHECK(text->find("gridscope-publish-cursor 1\n") == 0);
    CHECK(text->find("plan index/all/every=600s ") != std::string::npos);
}

TEST_CASE("retry delays: exponential, capped, jittered within [c/2, c]") {
    const RetryPolicy policy{1000ms, 8000ms, 2};
    for (uint64_t r : {uint64_t{0}, ~uint64_t{0}, uint64_t{1} << 63}) {
        CHECK(retry_delay(policy, 1, r) >= 500ms);
        CHECK(retry_delay(policy, 1, r) <= 1000ms);
        CHECK(retry_delay(policy, 3, r) >= 2000ms);
        CHECK(retry_delay(policy, 3, r) <= 4000ms);
        CHECK(retry_delay(policy, 30, r) >= 4000ms);
        CHECK(retry_delay(policy, 30, r) <= 8000ms);
    }
    CHECK(retry_delay(policy, 3, 0) == 2000ms);
    CHECK(retry_delay(policy, 3, ~uint64_t{0}) == 4000ms);
}

TEST_CASE("plan state for the page: pending, last success and failure, next run, retry now") {
    TempDir dir;
    FakeBuilder builder;
    FakeServer server;
    DeliveryQueue queue({plan(PlanType::index, 600s)}, paris(), options(dir.file("cursor")));
    const SysSeconds t0 = utc(2026, 12, 3, 10, 5);
    PlanState fresh = queue.state(0, t0);
    CHECK_FALSE(fresh.delivered_until);
    CHECK(fresh.pending == 1); // a new plan starts with its last complete period
    CHECK(fresh.next_run == t0);

    queue.run(t0, builder.fn(), server.fn());
    PlanState sent = queue.state(0, t0);
    CHECK(sent.delivered_until == utc(2026, 12, 3, 10, 0));
    CHECK(sent.last_success == t0);
    CHECK_FALSE(sent.last_failure);
    CHECK(sent.pending == 0);
    CHECK(sent.next_run == utc(2026, 12, 3, 10, 10));

    server.up = false; // three periods go by with the server away
    const SysSeconds t1 = utc(2026, 12, 3, 10, 31);
    RunReport failed = queue.run(t1, builder.fn(), server.fn());
    REQUIRE(failed.retry_at);
    PlanState waiting = queue.state(0, t1);
    CHECK(waiting.pending == 3);
    CHECK(waiting.last_failure == t1);
    CHECK(waiting.last_error == "server down");
    CHECK(waiting.last_success == t0);
    CHECK(waiting.next_run == *failed.retry_at);

    // "Send now": the backoff is ended, the next run tries at once.
    server.up = true;
    CHECK(queue.run(t1, builder.fn(), server.fn()).files.empty()); // still in the backoff
    queue.retry_now();
    CHECK(queue.run(t1, builder.fn(), server.fn()).files.size() == 3);
    CHECK(queue.state(0, t1).pending == 0);
    CHECK(queue.state(0, t1).delivered_until == utc(2026, 12, 3, 10, 30));
}
