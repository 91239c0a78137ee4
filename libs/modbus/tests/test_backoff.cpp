#include "modbus/backoff.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

using namespace gs::modbus;
using std::chrono::milliseconds;

namespace {

BackoffConfig config(Jitter jitter) {
    return BackoffConfig{milliseconds{100}, milliseconds{1000}, 2.0, jitter};
}

std::vector<int64_t> sequence(Backoff &backoff, int count) {
    std::vector<int64_t> delays;
    for (int i = 0; i < count; ++i)
        delays.push_back(backoff.next().count());
    return delays;
}

} // namespace

TEST_CASE("without jitter the delay doubles up to the cap, and resets") {
    Backoff backoff(config(Jitter::none));
    CHECK(sequence(backoff, 6) == std::vector<int64_t>{100, 200, 400, 800, 1000, 1000});
    CHECK(backoff.failures() == 6);
    backoff.reset();
    CHECK(backoff.failures() == 0);
    CHECK(backoff.next() == milliseconds{100});
}

TEST_CASE("full jitter stays within [0, capped exponential]") {
    Backoff backoff(config(Jitter::full), 42);
    int64_t ceiling = 100;
    for (int i = 0; i < 1000; ++i) {
        const auto delay = backoff.next().count();
        CHECK(delay >= 0);
        CHECK(delay <= ceiling);
        ceiling = std::min<int64_t>(1000, ceiling * 2);
    }
}

TEST_CASE("decorrelated jitter stays within [initial, max]") {
    Backoff backoff(config(Jitter::decorrelated), 7);
    CHECK(backoff.next() == milliseconds{100});
    for (int i = 0; i < 1000; ++i) {
        const auto delay = backoff.next().count();
        CHECK(delay >= 100);
        CHECK(delay <= 1000);
    }
}

TEST_CASE("jitter is deterministic for a seed") {
    for (Jitter jitter : {Jitter::full, Jitter::decorrelated}) {
        Backoff a(config(jitter), 1234);
        Backoff b(config(jitter), 1234);
        Backoff c(config(jitter), 4321);
        const auto first = sequence(a, 50);
        CHECK(first == sequence(b, 50));
        CHECK(first != sequence(c, 50));
    }
}

TEST_CASE("nonsensical configurations are tamed") {
    Backoff backoff(BackoffConfig{milliseconds{500}, milliseconds{100}, 0.5, Jitter::none});
    CHECK(sequence(backoff, 3) == std::vector<int64_t>{500, 500, 500});
}
