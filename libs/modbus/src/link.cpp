#include "modbus/link.hpp"
#include "modbus/link_rules.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace gs::modbus {

using detail::append;
using detail::device_problem;
using detail::is_gateway_exception;
using detail::sorted;

namespace {

using Clock = std::chrono::steady_clock;

int64_t utc_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct DeviceRuntime {
    DeviceRuntime(DeviceConfig device, DevicePlanner device_planner, Backoff backoff)
        : config(std::move(device)), planner(std::move(device_planner)),
          offline_backoff(std::move(backoff)) {}

    DeviceConfig config;
    DevicePlanner planner;
    Backoff offline_backoff;
    Clock::time_point due{}; // the scheduled start of the next cycle, on the device's grid
    unsigned failures = 0;   // consecutive failed cycles
    bool offline = false;
    std::optional<bool> reported_connected;
    DeviceStats stats; // written under Link::Impl::mutex
};

struct PendingWrite {
    size_t device = 0;
    Function function = Function::holding;
    uint16_t address = 0;
    std::vector<uint16_t> registers;
    std::promise<WriteOutcome> promise;
};

struct PendingRead {
    uint8_t unit = 0;
    ReadRequest request;
    uint32_t timeout_ms = 1000;
    std::promise<Outcome> promise;
};

std::future<WriteOutcome> ready(Quality quality, std::string detail,
                                WriteRefusal refusal = WriteRefusal::none) {
    std::promise<WriteOutcome> promise;
    promise.set_value(WriteOutcome{quality, std::move(detail), refusal});
    return promise.get_future();
}

std::future<WriteOutcome> refused(WriteRefusal why, std::string detail) {
    return ready(Quality::invalid(), std::move(detail), why);
}

} // namespace

void RequestCounts::add(QualityKind kind, std::chrono::microseconds took) {
    ++requests;
    response_us += static_cast<uint64_t>(std::max<int64_t>(took.count(), 0));
    if (kind == QualityKind::timeout)
        ++timeouts;
    else if (kind == QualityKind::exception)
        ++exceptions;
    else if (kind == QualityKind::invalid)
        ++invalid;
    else if (kind == QualityKind::disconnected)
        ++disconnected;
}

size_t JitterHistogram::bucket(int64_t us) {
    if (us < static_cast<int64_t>(kSubBuckets)) return us < 0 ? 0 : static_cast<size_t>(us);
    const auto v = static_cast<uint64_t>(us);
    const int msb = 63 - __builtin_clzll(v); // >= 4
    const size_t sub = static_cast<size_t>(v >> (msb - 4)) & (kSubBuckets - 1);
    return std::min(static_cast<size_t>(msb - 3) * kSubBuckets + sub, kBuckets - 1);
}

int64_t JitterHistogram::lower_bound_us(size_t bucket) {
    if (bucket < kSubBuckets) return static_cast<int64_t>(bucket);
    const size_t msb = bucket / kSubBuckets + 3, sub = bucket % kSubBuckets;
    return static_cast<int64_t>((kSubBuckets + sub) << (msb - 4));
}

struct Link::Impl {
    Impl(LinkConfig link_config, std::vector<DeviceRuntime> runtimes, LinkCallbacks link_callbacks)
        : config(std::move(link_config)), callbacks(std::move(link_callbacks)),
          devices(std::move(runtimes)), reconnect(config.reconnect, config.seed),
          connection(config.endpoint) {}

    LinkConfig config;
    LinkCallbacks callbacks;
    // Changed by the link thread only, under `mutex` (add_device); other threads read it
    // under `mutex`, the link thread without. Planners are guarded by `mutex` too.
    std::vector<DeviceRuntime> devices;
    Backoff reconnect;
    Connection connection; // link thread only

    std::thread thread;
    mutable std::mutex mutex; // guards everything below, and the planners
    std::condition_variable wake;
    bool running = false;
    bool stopping = false;
    std::deque<PendingWrite> writes;
    std::deque<PendingRead> reads;
    std::vector<DeviceRuntime> joining; // added devices, taken in by the link thread
    LinkStats stats;
    double jitter_sum_us = 0;
    Clock::time_point started{};
    FrameTrace trace;

    void run();
    bool open_link();
    void run_pending_writes();
    void fail_pending_writes(const Quality &quality, const std::string &detail);
    void admit_joining();
    // Queues a write of `value` to `point` of devices[device] (any thread, mutex not held).
    std::future<WriteOutcome> queue_write(size_t device, const PointSpec &point,
                                          const Value &value);
    void run_cycle(DeviceRuntime &device);
    void deliver_without_link(DeviceRuntime &device, const std::string &detail);
    void update_health(DeviceRuntime &device, bool answered, const std::optional<Outcome> &abort,
                       bool polled);
    void schedule_next(DeviceRuntime &device, bool count_overruns = true);
    void report_state(DeviceRuntime &device, bool connected, const std::string &reason);
    bool sleep_until(Clock::time_point deadline, bool wake_on_write);
    bool stop_requested() const;
    DeviceRuntime &next_due();
};

bool Link::Impl::stop_requested() const {
    std::lock_guard lock(mutex);
    return stopping;
}

// Waits for the deadline, a stop request or (if asked) a queued write. True when the
// deadline passed undisturbed.
bool Link::Impl::sleep_until(Clock::time_point deadline, bool wake_on_write) {
    std::unique_lock lock(mutex);
    const auto disturbed = [&] {
        return stopping ||
               (wake_on_write && (!writes.empty() || !reads.empty() || !joining.empty()));
    };
    // Already due (the usual case when several devices of a link share a deadline): no futex
    // round trip, which costs more than the rest of a cycle on some virtual machines.
    if (deadline <= Clock::now()) return !disturbed();
    return !wake.wait_until(lock, deadline, disturbed);
}

DeviceRuntime &Link::Impl::next_due() {
    return *std::min_element(
        devices.begin(), devices.end(),
        [](const DeviceRuntime &a, const DeviceRuntime &b) { return a.due < b.due; });
}

void Link::Impl::run() {
    while (!stop_requested()) {
        admit_joining();
        if (!connection.connected() && !open_link()) continue;
        run_pending_writes();
        DeviceRuntime &device = next_due();
        if (!sleep_until(device.due, true)) continue; // stop or write: look again
        if (!connection.connected()) continue;
        run_cycle(device);
    }
    fail_pending_writes(Quality::disconnected(), "link stopped");
    connection.close();
}

bool Link::Impl::open_link() {
    const auto status = connection.connect(config.connect_timeout_ms);
    if (status) {
        reconnect.reset();
        std::lock_guard lock(mutex);
        ++stats.connects;
        return true;
    }
    for (auto &device : devices)
        report_state(device, false, status.error());
    const auto now = Clock::now();
    for (auto &device : devices) {
        if (device.due <= now) deliver_without_link(device, status.error());
    }
    fail_pending_writes(Quality::disconnected(), status.error());
    sleep_until(Clock::now() + reconnect.next(), false);
    return false;
}

// The queued writes, then the queued reads, between two cycles.
void Link::Impl::run_pending_writes() {
    for (;;) {
        std::unique_lock lock(mutex);
        if (stopping || (writes.empty() && reads.empty())) return;
        if (!writes.empty()) {
            PendingWrite write = std::move(writes.front());
            writes.pop_front();
            lock.unlock();
            const auto &device = devices[write.device].config;
            const auto outcome = connection.write(device.unit, write.function, write.address,
                                                  write.registers, device.timeout_ms);
            write.promise.set_value(WriteOutcome{outcome.quality, outcome.detail});
            continue;
        }
        PendingRead read = std::move(reads.front());
        reads.pop_front();
        lock.unlock();
        read.promise.set_value(connection.read(read.unit, read.request, read.timeout_ms));
    }
}

void Link::Impl::fail_pending_writes(const Quality &quality, const std::string &detail) {
    std::deque<PendingWrite> failed;
    std::deque<PendingRead> failed_reads;
    {
        std::lock_guard lock(mutex);
        failed.swap(writes);
        failed_reads.swap(reads);
    }
    for (auto &write : failed)
        write.promise.set_value(WriteOutcome{quality, detail});
    for (auto &read : failed_reads)
        read.promise.set_value(Outcome{quality, {}, detail});
}

// [link thread] Devices added while the link runs join the list here; their first cycle is
// due at once, then every period from there.
void Link::Impl::admit_joining() {
    std::lock_guard lock(mutex);
    if (joining.empty()) return;
    const auto now = Clock::now();
    for (auto &device : joining) {
        device.due = now;
        devices.push_back(std::move(device));
    }
    joining.clear();
}

void Link::Impl::run_cycle(DeviceRuntime &device) {
    const auto start = Clock::now();
    const auto jitter = std::chrono::duration_cast<std::chrono::microseconds>(start - device.due);
    {
        std::lock_guard lock(mutex);
        ++stats.cycles;
        stats.last_start_jitter = jitter;
        stats.max_start_jitter = std::max(stats.max_start_jitter, jitter);
        stats.start_jitter.add(jitter);
        jitter_sum_us += static_cast<double>(jitter.count());
        stats.mean_start_jitter_us = jitter_sum_us / static_cast<double>(stats.cycles);
    }
    const int64_t ts_utc_ns = utc_now_ns();
    // The bus view costs one relaxed load per cycle while nobody looks at it.
    connection.set_trace(trace.armed_at(start) ? &trace : nullptr);
    const auto &points = device.planner.points();
    // The plan changes only on this thread (on_exception, below, after the loop), so it is
    // read here without a copy; other threads read it under the mutex.
    const std::vector<ReadRequest> &requests = device.planner.requests();
    std::vector<std::pair<ReadRequest, uint8_t>> refused; // exceptions, for the planner

    std::vector<PointResult> results;
    results.reserve(points.size());
    std::optional<Outcome> abort; // once set, the rest of the cycle is not sent
    bool answered = false, had_data = false;
    uint64_t sent = 0, failed = 0;
    RequestCounts counts;
    for (size_t i = 0; i < requests.size(); ++i) {
        const auto &request = requests[i];
        if (abort) {
            append(results, request_results(request, points, abort->quality, {}, abort->detail));
            continue;
        }
        if (i > 0 && config.guard_interval.count() > 0)
            std::this_thread::sleep_for(config.guard_interval);
        const auto sent_at = Clock::now();
        Outcome outcome = connection.read(device.config.unit, request, device.config.timeout_ms);
        const auto kind = outcome.quality.kind;
        counts.add(kind,
                   std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent_at));
        had_data = had_data || kind == QualityKind::good;
        ++sent;
        if (kind != QualityKind::good) ++failed;
        if (kind == QualityKind::good) {
            answered = true;
        } else if (is_gateway_exception(outcome.quality) || kind == QualityKind::timeout ||
                   kind == QualityKind::disconnected) {
            abort = outcome;
        } else if (kind == QualityKind::exception) {
            answered = true;
            refused.emplace_back(request, outcome.quality.exception_code);
        }
        append(results,
               request_results(request, points, outcome.quality, outcome.values, outcome.detail));
    }
    {
        std::lock_guard lock(mutex);
        for (const auto &[request, code] : refused)
            device.planner.on_exception(request, code);
        stats.requests += sent;
        stats.failed_requests += failed;
        for (RequestCounts *total : {&stats.counts, &device.stats.counts}) {
            total->requests += counts.requests;
            total->timeouts += counts.timeouts;
            total->exceptions += counts.exceptions;
            total->invalid += counts.invalid;
            total->disconnected += counts.disconnected;
            total->response_us += counts.response_us;
        }
        if (had_data) device.stats.last_good_utc_ns = ts_utc_ns;
        append(results, failed_point_results(device.planner.failed_points()));
    }
    if (callbacks.on_result)
        callbacks.on_result(device.config.id, ts_utc_ns, sorted(std::move(results)));
    update_health(device, answered, abort, !requests.empty());
    schedule_next(device);
}

void Link::Impl::deliver_without_link(DeviceRuntime &device, const std::string &detail) {
    std::vector<PointResult> results;
    {
        std::lock_guard lock(mutex);
        for (const auto &request : device.planner.requests())
            append(results, request_results(request, device.planner.points(),
                                            Quality::disconnected(), {}, detail));
        append(results, failed_point_results(device.planner.failed_points()));
    }
    if (callbacks.on_result)
        callbacks.on_result(device.config.id, utc_now_ns(), sorted(std::move(results)));
    schedule_next(device, false); // periods lost to reconnecting are not overruns
}

void Link::Impl::update_health(DeviceRuntime &device, bool answered,
                               const std::optional<Outcome> &abort, bool polled) {
    if (!polled) return; // every point has failed for good: nothing was asked
    if (answered) {
        device.failures = 0;
        device.offline = false;
        device.offline_backoff.reset();
        report_state(device, true, "device answers");
        return;
    }
    if (abort && abort->quality.kind == QualityKind::disconnected) {
        report_state(device, false, abort->detail);
        return;
    }
    ++device.failures;
    if (device.failures >= std::max(1u, config.offline_after_failures)) {
        device.offline = true;
        const std::string why = abort ? to_string(abort->quality) : std::string("invalid answers");
        report_state(device, false,
                     "no valid answer in " + std::to_string(device.failures) +
                         " consecutive cycles (" + why + ")");
    }
}

void Link::Impl::schedule_next(DeviceRuntime &device, bool count_overruns) {
    const auto now = Clock::now();
    const auto period = device.config.period;
    if (device.offline) {
        // Polled on a backoff, but still at its own phase: an offline device's (timed-out)
        // request falls in its slot of the period, never in another device's.
        const auto earliest =
            now + std::max<Clock::duration>(period, device.offline_backoff.next());
        if (device.due < earliest) {
            const Clock::duration step = period;
            device.due += ((earliest - device.due) + step - Clock::duration(1)) / step * step;
        }
        return;
    }
    device.due += period;
    if (device.due <= now) {
        const auto missed = (now - device.due) / period + 1;
        device.due += missed * period;
        if (count_overruns) {
            std::lock_guard lock(mutex);
            stats.overruns += static_cast<uint64_t>(missed);
        }
    }
}

void Link::Impl::report_state(DeviceRuntime &device, bool connected, const std::string &reason) {
    if (device.reported_connected == connected) return;
    device.reported_connected = connected;
    {
        std::lock_guard lock(mutex);
        device.stats.connected = connected ? 1 : 0;
    }
    if (callbacks.on_link_state) callbacks.on_link_state(device.config.id, connected, reason);
}

Link::Link(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Link::~Link() {
    stop();
}

namespace {
// The runtime of the `index`-th device of a link: checked against the endpoint, its requests
// planned, its offline backoff seeded. Errors name the device.
Result<DeviceRuntime> device_runtime(const LinkConfig &config, DeviceConfig device, size_t index) {
    if (auto problem = device_problem(config.endpoint, device)) return Error{*problem};
    auto planner = DevicePlanner::create(device.points, device.limits);
    if (!planner) return Error{"device '" + device.id + "': " + planner.error()};
    return DeviceRuntime(std::move(device), std::move(planner).value(),
                         Backoff(config.offline_poll, config.seed + index + 1));
}
} // namespace

Result<std::unique_ptr<Link>> Link::create(LinkConfig config, std::vector<DeviceConfig> devices,
                                           LinkCallbacks callbacks) {
    if (auto problem = endpoint_problem(config.endpoint)) return Error{*problem};
    if (devices.empty()) return Error{"link " + describe(config.endpoint) + " has no devices"};
    std::set<std::string> ids;
    std::vector<DeviceRuntime> runtimes;
    for (size_t i = 0; i < devices.size(); ++i) {
        if (!ids.insert(devices[i].id).second)
            return Error{"device '" + devices[i].id + "': id used twice on the link"};
        auto runtime = device_runtime(config, std::move(devices[i]), i);
        if (!runtime) return Error{runtime.error()};
        runtimes.push_back(std::move(runtime).value());
    }
    auto impl =
        std::make_unique<Impl>(std::move(config), std::move(runtimes), std::move(callbacks));
    return std::unique_ptr<Link>(new Link(std::move(impl)));
}

void Link::start() {
    std::lock_guard lock(impl_->mutex);
    if (impl_->running) return;
    impl_->running = true;
    impl_->stopping = false;
    // Each device gets its own phase: the first deadlines of the n devices of a link are spread
    // evenly over their period (device i of n starts at i/n of its period), so that a link
    // never has all its devices due at once and the last of them late by n requests. The
    // phase is fixed per device (its place in the link's device list) and the deadlines stay
    // absolute (due += period), so nothing drifts and a late answer or a dead device delays
    // only the starts that fall inside it, never the later deadlines.
    const auto now = Clock::now();
    impl_->started = now;
    const auto count = static_cast<int64_t>(impl_->devices.size());
    for (size_t i = 0; i < impl_->devices.size(); ++i) {
        auto &device = impl_->devices[i];
        const Clock::duration period = device.config.period;
        int64_t slots = count;
        if (impl_->config.phase_spacing.count() > 0)
            slots = std::clamp<int64_t>(period / impl_->config.phase_spacing, 1, count);
        const int64_t slot = static_cast<int64_t>(i) * slots / count;
        device.due = now + period * slot / slots; // the device's phase in its period
    }
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

void Link::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        if (!impl_->running) return;
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    impl_->thread.join();
    std::lock_guard lock(impl_->mutex);
    impl_->running = false;
}

bool Link::running() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->running && !impl_->stopping;
}

namespace {
// The device `id` of a link's fixed list, or end().
std::vector<DeviceRuntime>::iterator find_device(std::vector<DeviceRuntime> &devices,
                                                 const std::string &id) {
    return std::find_if(devices.begin(), devices.end(),
                        [&](const DeviceRuntime &device) { return device.config.id == id; });
}
} // namespace

std::future<WriteOutcome> Link::submit_write(const std::string &device_id, size_t point_index,
                                             const Value &value) {
    size_t index = 0;
    PointSpec point;
    {
        std::lock_guard lock(impl_->mutex);
        const auto found = find_device(impl_->devices, device_id);
        if (found == impl_->devices.end())
            return refused(WriteRefusal::unknown_device, "unknown device '" + device_id + "'");
        const auto &points = found->planner.points();
        if (point_index >= points.size())
            return refused(WriteRefusal::unknown_point, "device '" + device_id + "' has no point " +
                                                            std::to_string(point_index));
        index = static_cast<size_t>(found - impl_->devices.begin());
        point = points[point_index];
    }
    return impl_->queue_write(index, point, value);
}

std::future<WriteOutcome> Link::submit_write(const std::string &device_id, const PointSpec &point,
                                             const Value &value) {
    size_t index = 0;
    {
        std::lock_guard lock(impl_->mutex);
        const auto found = find_device(impl_->devices, device_id);
        if (found == impl_->devices.end())
            return refused(WriteRefusal::unknown_device, "unknown device '" + device_id + "'");
        index = static_cast<size_t>(found - impl_->devices.begin());
    }
    return impl_->queue_write(index, point, value);
}

std::future<WriteOutcome> Link::Impl::queue_write(size_t device, const PointSpec &point,
                                                  const Value &value) {
    if (!is_writable(point.function))
        return ready(Quality::invalid(), "point " + point.data + " is in the " +
                                             std::string(to_string(point.function)) +
                                             " table, which is read-only");
    auto registers = encode(point.format(), value);
    if (!registers)
        return ready(Quality::invalid(), "point " + point.data + ": " + registers.error());

    PendingWrite write;
    write.device = device;
    write.function = point.function;
    write.address = point.address;
    write.registers = std::move(registers).value();
    auto future = write.promise.get_future();
    {
        std::lock_guard lock(mutex);
        if (!running || stopping) return ready(Quality::disconnected(), "link is not running");
        writes.push_back(std::move(write));
    }
    wake.notify_all();
    return future;
}

std::future<Outcome> Link::submit_read(uint8_t unit, const ReadRequest &request,
                                       uint32_t timeout_ms) {
    PendingRead read;
    read.unit = unit;
    read.request = request;
    read.timeout_ms = timeout_ms;
    auto future = read.promise.get_future();
    {
        std::lock_guard lock(impl_->mutex);
        if (!impl_->running || impl_->stopping) {
            read.promise.set_value(Outcome{Quality::disconnected(), {}, "link is not running"});
            return future;
        }
        impl_->reads.push_back(std::move(read));
    }
    impl_->wake.notify_all();
    return future;
}

Status Link::add_device(DeviceConfig device) {
    std::lock_guard lock(impl_->mutex);
    const auto same_id = [&](const DeviceRuntime &d) { return d.config.id == device.id; };
    if (std::any_of(impl_->devices.begin(), impl_->devices.end(), same_id) ||
        std::any_of(impl_->joining.begin(), impl_->joining.end(), same_id))
        return Status::failure("device '" + device.id + "': id used twice on the link");
    auto runtime = device_runtime(impl_->config, std::move(device),
                                  impl_->devices.size() + impl_->joining.size());
    if (!runtime) return Status::failure(runtime.error());
    // A stopped link takes it at once (start() gives it its phase); a running one between
    // two cycles, on the link thread.
    (impl_->running ? impl_->joining : impl_->devices).push_back(std::move(runtime).value());
    impl_->wake.notify_all();
    return Status::success();
}

LinkStats Link::stats() const {
    std::lock_guard lock(impl_->mutex);
    LinkStats stats = impl_->stats;
    if (impl_->running)
        stats.running =
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - impl_->started);
    return stats;
}

std::vector<DeviceStats> Link::device_stats() const {
    std::lock_guard lock(impl_->mutex);
    std::vector<DeviceStats> out;
    for (const auto &device : impl_->devices) {
        out.push_back(device.stats);
        out.back().id = device.config.id;
    }
    return out;
}

FrameTrace &Link::trace() {
    return impl_->trace;
}

std::string Link::describe_plans() const {
    std::lock_guard lock(impl_->mutex);
    std::string text;
    for (const auto &device : impl_->devices) {
        text += "device '" + device.config.id + "' unit " + std::to_string(device.config.unit) +
                ":\n" + device.planner.describe();
    }
    return text;
}

} // namespace gs::modbus
