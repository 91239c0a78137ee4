// The link scheduler: one polling thread per physical link (a serial line, or one TCP
// host:port gateway) that runs the request plans of all devices on the link, one request at
// a time.
//
// Scheduling
// - Each device has its own period and response timeout. Cycle starts follow absolute
//   deadlines on steady_clock (due += period), so delays do not accumulate; a cycle that
//   starts late is counted in the start-jitter statistics, and periods missed entirely are
//   skipped (counted as overruns), never run in a burst.
// - Each device has its own phase: the first deadlines of the n devices of a link are spread
//   evenly over their period (device i at i/n of it, in the order given to create()), so the
//   devices of a gateway are not all due at once (which would make the last one start n
//   requests late). An offline device keeps its phase on its backoff. With
//   LinkConfig::phase_spacing the phases are quantised to at most period / phase_spacing
//   slots (device i of n in slot floor(i x slots / n)): the few devices of a slot run back to
//   back on one wake-up, which costs far less CPU than one wake-up per device.
// - A device that times out costs at most one timeout per cycle: the rest of its requests
//   in that cycle are reported as timeouts without being sent. After
//   `offline_after_failures` consecutive failed cycles the device is declared offline
//   (on_link_state false, once) and polled on a backoff instead of its period, so the live
//   devices keep their rate. Its first answer restores it (on_link_state true, once).
// - A lost connection closes the link; it is reopened with capped exponential backoff.
//   While it is down every due device gets results with quality disconnected.
// - Modbus exceptions 2/3 on merged requests split them (see DevicePlanner); the split is
//   used from the next cycle on.
//
// Threads
// - create(), start(), stop() and the destructor: the owner thread.
// - submit_write(), stats(), running(): any thread.
// - on_result and on_link_state are called on the link thread, never concurrently for one
//   link. They must return quickly and must not call stop() or destroy the link.
// - stop() returns after the request in progress ends, i.e. within one response timeout (or
//   one connect timeout while connecting).
#pragma once

#include "modbus/backoff.hpp"
#include "modbus/connection.hpp"
#include "modbus/frame_trace.hpp"
#include "modbus/planner.hpp"
#include "modbus/quality.hpp"
#include "modbus/result.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

namespace gs::modbus {

struct DeviceConfig {
    std::string id;   // unique on the link; passed back in the callbacks
    uint8_t unit = 1; // Modbus unit id: 1..247 on RTU; 0..247 or 255 on TCP
    std::chrono::milliseconds period{1000};
    uint32_t timeout_ms = 1000; // response timeout of each request
    std::vector<PointSpec> points;
    PlanLimits limits;
};

struct LinkConfig {
    Endpoint endpoint;
    uint32_t connect_timeout_ms = 2000;
    BackoffConfig reconnect{std::chrono::milliseconds{500}, std::chrono::milliseconds{30000}, 2.0,
                            Jitter::full};
    unsigned offline_after_failures = 3; // consecutive failed cycles, >= 1
    BackoffConfig offline_poll{std::chrono::milliseconds{1000}, std::chrono::milliseconds{60000},
                               2.0, Jitter::full}; // an offline device's poll interval
    std::chrono::microseconds guard_interval{0};   // pause between two requests (RTU turnaround)
    // Phases closer than this are merged: the devices of a link are spread over at most
    // period / phase_spacing distinct phases, and the devices sharing a phase are polled back
    // to back on one wake-up of the link thread. 0: a phase of its own for every device
    // (fewest late starts, one wake-up per device cycle).
    std::chrono::milliseconds phase_spacing{0};
    uint64_t seed = 0; // for the backoff jitter
};

struct LinkCallbacks {
    // After every cycle of a device: one result per point, sorted by point index.
    // ts_utc_ns is the UTC time the cycle started.
    std::function<void(const std::string &device_id, int64_t ts_utc_ns,
                       std::vector<PointResult> results)>
        on_result;
    // On each change of a device's communication state ("communication lost/restored"); the
    // first known state is reported too.
    std::function<void(const std::string &device_id, bool connected, const std::string &reason)>
        on_link_state;
};

// Distribution of cycle-start jitter (actual start - deadline; early starts count as 0), in
// log-linear buckets: exact below 16 us, then 16 buckets per power of two (each at most 6.25 %
// wide), up to 2^31 us (about 36 min); the last bucket also counts anything longer.
struct JitterHistogram {
    static constexpr size_t kSubBuckets = 16;
    static constexpr size_t kBuckets = kSubBuckets * 28;
    std::array<uint64_t, kBuckets> counts{};

    void add(std::chrono::microseconds jitter) { ++counts[bucket(jitter.count())]; }
    static size_t bucket(int64_t us);
    static int64_t lower_bound_us(size_t bucket); // the smallest jitter counted in `bucket`
};

// What one device's requests came to since the link started (the Diagnostics page).
struct RequestCounts {
    uint64_t requests = 0;     // read requests sent in cycles
    uint64_t timeouts = 0;     // ... not answered in time
    uint64_t exceptions = 0;   // ... answered with a Modbus exception
    uint64_t invalid = 0;      // ... answered with a frame that does not decode (CRC, length...)
    uint64_t disconnected = 0; // ... lost with the connection
    uint64_t response_us = 0;  // time from send to outcome, summed over the requests
    void add(QualityKind kind, std::chrono::microseconds took);
};

struct DeviceStats {
    std::string id;
    RequestCounts counts;
    int64_t last_good_utc_ns = 0; // start of the last cycle with data from the device; 0: none
    int connected = -1;           // the state last reported: 1 answers, 0 lost, -1 not known yet
};

struct LinkStats {
    uint64_t cycles = 0;          // device cycles run
    uint64_t overruns = 0;        // periods skipped because a cycle could not start in time
    uint64_t connects = 0;        // successful (re)connections
    uint64_t requests = 0;        // read requests sent in cycles
    uint64_t failed_requests = 0; // ... of which not answered with data (timeout, exception...)
    RequestCounts counts;         // the requests by outcome, with their time (busy time)
    std::chrono::microseconds running{0}; // since start(): counts.response_us / running is the
                                          // link's utilisation
    JitterHistogram start_jitter;
    std::chrono::microseconds last_start_jitter{0}; // actual start - deadline
    std::chrono::microseconds max_start_jitter{0};
    double mean_start_jitter_us = 0;
};

// Why a write was not done, for code to act on (the detail is for people).
enum class WriteRefusal {
    none,           // the write was sent; `quality` says how the device answered
    unknown_device, // the link does not poll this device (another link may)
    unknown_point,  // the device has no such point
};

struct WriteOutcome {
    Quality quality;
    std::string detail;
    WriteRefusal refusal = WriteRefusal::none;
};

class Link {
public:
    // Validates the devices and plans their requests. Errors name the device.
    static Result<std::unique_ptr<Link>>
    create(LinkConfig config, std::vector<DeviceConfig> devices, LinkCallbacks callbacks);
    ~Link(); // stops the thread
    Link(const Link &) = delete;
    Link &operator=(const Link &) = delete;

    void start(); // no-op when running
    void stop();  // no-op when stopped; a stopped link can be started again
    bool running() const;

    // Queues a write of `value` to point `point_index` of `device_id`; it runs on the link
    // thread between two requests. Refused at once (in the future) when the point is not
    // writable, the value does not encode, or the link is not running.
    std::future<WriteOutcome> submit_write(const std::string &device_id, size_t point_index,
                                           const Value &value);
    // The same for a point that is not polled (a profile command's target).
    std::future<WriteOutcome> submit_write(const std::string &device_id, const PointSpec &point,
                                           const Value &value);

    // Queues a read on the link for a unit that is not (yet) polled, e.g. identifying a device
    // before adding it; it runs on the link thread between two requests, so it never overlaps
    // the link's polling. Disconnected at once when the link is not running.
    std::future<Outcome> submit_read(uint8_t unit, const ReadRequest &request, uint32_t timeout_ms);
    // Adds a device to a running (or stopped) link: it is polled from its next phase on, with
    // the others. Errors as create()'s (a bad device, an id already on the link).
    Status add_device(DeviceConfig device);

    LinkStats stats() const;
    // Each device's counters, in the link's order.
    std::vector<DeviceStats> device_stats() const;
    // The bus view: frames are recorded while the trace is armed (FrameTrace::arm).
    FrameTrace &trace();
    // The current plans (with splits learnt so far), as describe_plan() lines per device.
    std::string describe_plans() const;

private:
    struct Impl;
    explicit Link(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Synchronous one-shot read for `gridscope read`: connects (bounded by the device timeout),
// reads every request of the device and returns one result per point, sorted by index.
// Exceptions 2/3 split merged requests on the spot. Fails with a clear message when the link
// cannot be opened or the device does not answer within its timeout.
Result<std::vector<PointResult>> read_once(const Endpoint &endpoint, const DeviceConfig &device);

} // namespace gs::modbus
