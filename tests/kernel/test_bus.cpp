// The sample bus: copies what it is given, keeps order per consumer, makes a full lossless
// consumer push back on producers (RETRY_LATER), and re-offers what a consumer defers.
#include "runtime/bus.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace gs::kernel;

namespace {
gs_status publish_one(Bus &bus, const std::string &source, int64_t ts, double value) {
    std::string data = "IV1Inst"; // the bus must copy: this string dies after the call
    gs_value v{sizeof(gs_value), 1, data.c_str(), value, GS_QUALITY_GOOD, 0};
    gs_sample_batch b{sizeof(gs_sample_batch), 0, source.c_str(), ts, &v, 1, sizeof(gs_value)};
    return bus.publish(b);
}
} // namespace

TEST_CASE("batches reach every consumer, copied and in order") {
    Bus bus;
    std::mutex m;
    std::condition_variable cv;
    std::vector<int64_t> seen_a, seen_b;
    bus.add_consumer({"a",
                      16,
                      true,
                      [&](const OwnedBatch &b) {
                          std::lock_guard<std::mutex> l(m);
                          CHECK(b.values.at(0).data == "IV1Inst");
                          seen_a.push_back(b.ts_utc_ns);
                          cv.notify_all();
                          return GS_OK;
                      },
                      {}});
    bus.add_consumer({"b",
                      16,
                      false,
                      [&](const OwnedBatch &b) {
                          std::lock_guard<std::mutex> l(m);
                          seen_b.push_back(b.ts_utc_ns);
                          cv.notify_all();
                          return GS_OK;
                      },
                      {}});
    bus.start();
    for (int i = 0; i < 10; ++i)
        CHECK(publish_one(bus, "m1", i, i * 1.5) == GS_OK);
    {
        std::unique_lock<std::mutex> l(m);
        CHECK(cv.wait_for(l, std::chrono::seconds(5),
                          [&] { return seen_a.size() == 10 && seen_b.size() == 10; }));
    }
    bus.stop();
    for (int i = 0; i < 10; ++i)
        CHECK(seen_a[i] == i);
    CHECK(seen_a == seen_b);
}

TEST_CASE("a full lossless consumer makes publish answer RETRY_LATER, nothing half-taken") {
    Bus bus;
    std::mutex gate;
    gate.lock(); // the consumer blocks until the test releases it
    std::atomic<int> delivered{0};
    bus.add_consumer({"storage",
                      2,
                      true,
                      [&](const OwnedBatch &) {
                          std::lock_guard<std::mutex> l(gate);
                          ++delivered;
                          return GS_OK;
                      },
                      {}});
    std::atomic<int> live{0};
    bus.add_consumer({"live",
                      100,
                      false,
                      [&](const OwnedBatch &) {
                          ++live;
                          return GS_OK;
                      },
                      {}});
    bus.start();
    int accepted = 0;
    gs_status last = GS_OK;
    for (int i = 0; i < 10 && last == GS_OK; ++i) {
        last = publish_one(bus, "m1", i, 1);
        if (last == GS_OK) ++accepted;
    }
    CHECK(last == GS_ERR_RETRY_LATER);
    CHECK(accepted >= 2);
    CHECK(accepted <= 3); // capacity 2, plus at most one in the consumer's hands
    gate.unlock();
    bus.stop(); // drains
    CHECK(delivered == accepted);
    CHECK(live == accepted); // the refused batch reached no consumer
}

TEST_CASE("a consumer that answers RETRY_LATER gets the same message again") {
    Bus bus;
    std::atomic<int> calls{0};
    std::mutex m;
    std::condition_variable cv;
    std::vector<int64_t> accepted;
    bus.add_consumer({"exporter",
                      16,
                      false,
                      [&](const OwnedBatch &b) {
                          if (++calls <= 2) return static_cast<gs_status>(GS_ERR_RETRY_LATER);
                          std::lock_guard<std::mutex> l(m);
                          accepted.push_back(b.ts_utc_ns);
                          cv.notify_all();
                          return static_cast<gs_status>(GS_OK);
                      },
                      {}});
    bus.start();
    publish_one(bus, "m1", 42, 1);
    publish_one(bus, "m1", 43, 1);
    {
        std::unique_lock<std::mutex> l(m);
        CHECK(cv.wait_for(l, std::chrono::seconds(5), [&] { return accepted.size() == 2; }));
    }
    bus.stop();
    CHECK(accepted == std::vector<int64_t>{42, 43});
}

TEST_CASE("events travel with their strings copied") {
    Bus bus;
    std::mutex m;
    std::condition_variable cv;
    std::vector<OwnedEvent> got;
    bus.add_consumer({"store", 8, true, {}, [&](const OwnedEvent &e) {
                          std::lock_guard<std::mutex> l(m);
                          got.push_back(e);
                          cv.notify_all();
                          return GS_OK;
                      }});
    bus.start();
    {
        std::string type = "comm.lost", source = "m1", message = "no answer for 3 s";
        gs_event e{sizeof(gs_event),      GS_SEVERITY_HIGH, 7, type.c_str(), source.c_str(), 2,
                   GS_EVENT_STATE_ACTIVE, message.c_str()};
        CHECK(bus.publish(e) == GS_OK);
    }
    {
        std::unique_lock<std::mutex> l(m);
        CHECK(cv.wait_for(l, std::chrono::seconds(5), [&] { return got.size() == 1; }));
    }
    bus.stop();
    CHECK(got[0].type == "comm.lost");
    CHECK(got[0].source == "m1");
    CHECK(got[0].circuit == 2);
    CHECK(got[0].message == "no answer for 3 s");
    CHECK(got[0].view().severity == GS_SEVERITY_HIGH);
}

TEST_CASE("a paused consumer holds what is published for the callbacks it resumes with") {
    Bus bus;
    std::mutex m;
    std::condition_variable cv;
    std::vector<int64_t> old_seen, new_seen;
    auto into = [&](std::vector<int64_t> &seen) {
        return [&](const OwnedBatch &b) {
            std::lock_guard<std::mutex> l(m);
            seen.push_back(b.ts_utc_ns);
            cv.notify_all();
            return GS_OK;
        };
    };
    bus.add_consumer({"storage", 64, true, into(old_seen), {}});
    bus.start();
    CHECK(publish_one(bus, "m1", 0, 1) == GS_OK);
    {
        std::unique_lock<std::mutex> l(m);
        REQUIRE(cv.wait_for(l, std::chrono::seconds(5), [&] { return old_seen.size() == 1; }));
    }
    bus.pause("storage"); // the instance is being replaced
    for (int i = 1; i <= 10; ++i)
        CHECK(publish_one(bus, "m1", i, i) == GS_OK);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    {
        std::lock_guard<std::mutex> l(m);
        CHECK(old_seen.size() == 1); // held, not delivered to the old callbacks
        CHECK(new_seen.empty());
    }
    bus.resume({"storage", 64, true, into(new_seen), {}});
    {
        std::unique_lock<std::mutex> l(m);
        REQUIRE(cv.wait_for(l, std::chrono::seconds(5), [&] { return new_seen.size() == 10; }));
    }
    for (int i = 0; i < 10; ++i)
        CHECK(new_seen[i] == i + 1); // every one, in order
    CHECK(old_seen.size() == 1);

    // A consumer removed gets what it had queued first; a resumed unknown name is added.
    std::vector<int64_t> late_seen;
    bus.pause("storage");
    CHECK(publish_one(bus, "m1", 11, 11) == GS_OK);
    bus.remove("storage");
    CHECK(new_seen.size() == 11);
    bus.resume({"exporter", 64, false, into(late_seen), {}});
    CHECK(publish_one(bus, "m1", 12, 12) == GS_OK);
    {
        std::unique_lock<std::mutex> l(m);
        REQUIRE(cv.wait_for(l, std::chrono::seconds(5), [&] { return late_seen.size() == 1; }));
    }
    bus.stop();
    CHECK(new_seen.size() == 11);
}

// What a consumer publishes while it takes the last messages (the alarm engine's events on the
// last samples) reaches the others before the bus stops: no consumer thread ends while
// another may still hand it something.
TEST_CASE("a stop drains what consumers publish while taking the last messages") {
    Bus bus;
    constexpr int kBatches = 50;
    std::atomic<int> relayed{0}, stored{0};
    bus.add_consumer({"storage", 4096, true, [&](const OwnedBatch &) { return GS_OK; },
                      [&](const OwnedEvent &e) {
                          if (e.type == "alarms.alarm") ++stored;
                          return GS_OK;
                      }});
    bus.add_consumer({"alarms",
                      4096,
                      false,
                      [&](const OwnedBatch &b) {
                          // Slower than the storage: it still works when the storage is idle.
                          std::this_thread::sleep_for(std::chrono::milliseconds(2));
                          gs_event e{sizeof(gs_event),
                                     GS_SEVERITY_HIGH,
                                     b.ts_utc_ns,
                                     "alarms.alarm",
                                     "m1",
                                     1,
                                     GS_EVENT_STATE_ACTIVE,
                                     "high"};
                          if (bus.publish(e) == GS_OK) ++relayed;
                          return GS_OK;
                      },
                      {}});
    bus.start();
    for (int i = 0; i < kBatches; ++i)
        REQUIRE(publish_one(bus, "m1", i, i) == GS_OK);
    bus.stop();
    CHECK(relayed == kBatches);
    CHECK(stored == kBatches);
}

TEST_CASE("drain waits for the consumers, bounded, and skips paused ones") {
    Bus bus;
    CHECK(bus.drain(std::chrono::milliseconds(10))); // not started: nothing to wait for
    std::atomic<bool> accept{false};
    std::atomic<int> seen{0};
    bus.add_consumer({"storage",
                      16,
                      true,
                      [&](const OwnedBatch &) {
                          if (!accept) return static_cast<gs_status>(GS_ERR_RETRY_LATER);
                          ++seen;
                          return static_cast<gs_status>(GS_OK);
                      },
                      {}});
    bus.add_consumer({"held", 16, false, [&](const OwnedBatch &) { return GS_OK; }, {}});
    bus.start();
    bus.pause("held");
    REQUIRE(publish_one(bus, "m1", 1, 1) == GS_OK);
    CHECK_FALSE(bus.drain(std::chrono::milliseconds(100))); // the storage defers it
    accept = true;
    CHECK(bus.drain(std::chrono::seconds(10))); // the paused consumer's message waits
    CHECK(seen == 1);
    bus.stop();
}
