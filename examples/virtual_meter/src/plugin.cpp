// example_virtual_meter: a driver plugin that publishes a virtual meter's values for every
// source that uses it. Glue only: the meter itself is in meter_model.cpp.
#include "meter_model.hpp"

#include <gridscope/plugin.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {

class VirtualMeter : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_DRIVER;
    static constexpr const char *id = "example_virtual_meter";
    static constexpr const char *version = "1.0.0";
    static constexpr const char *description = "Virtual 3-phase meter with plausible values";
    static constexpr gs_config_field config_fields[] = {
        gs::field(GS_CONFIG_INT, "seed", "1", "random seed of the simulated meters")};
    // The keys of a source entry besides the kernel's: the kernel checks and fills them.
    static constexpr gs_config_field source_fields[] = {gs::bounded(
        gs::field(GS_CONFIG_DOUBLE, "rated_current_a", "63", "rated current of the meter, in A"),
        "0.1", "100000")};

    explicit VirtualMeter(gs::Host host) : Plugin(host) {
        seed_ = config(config_fields).get<uint32_t>("seed");
    }
    ~VirtualMeter() override { stop(); }

    // A virtual meter point has only the kernel's keys (data, circuit, ...).
    static void validate_point(gs::Host &, const gs::ptree &, const gs::ptree &point) {
        for (const auto &kv : point)
            if (!gs::is_kernel_point_key(kv.first))
                throw gs::InvalidArgument("field '" + kv.first +
                                          "': unknown key for a virtual meter point");
    }

    void add_source(const gs::Source &source) {
        gs::Config attrs(source.attrs, source_fields);
        attrs.refuse_unknown_keys(gs::is_kernel_source_key); // for hosts that do not check
        double rated = attrs.get<double>("rated_current_a");
        sources_.push_back({source, MeterModel_ptr(new example::MeterModel(
                                        rated, seed_ + static_cast<uint32_t>(sources_.size())))});
    }

    // One values batch per source, now: what `gridscope read` shows.
    std::vector<gs::SampleBatch> read(const std::string &name) {
        for (auto &s : sources_)
            if (s.source.name == name) return {sample(s, host().now_utc_ns())};
        throw gs::Error("no source '" + name + "'", GS_ERR_NOT_FOUND);
    }

    void start() {
        stopping_ = false;
        thread_ = std::thread([this] { run(); });
    }
    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    // [any-thread] ABI 1.5: one "link" per meter (it has no connection): readings taken, and
    // those the bus refused.
    std::vector<gs::PollCounters> poll_counters() {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<gs::PollCounters> out;
        for (const auto &s : sources_)
            out.push_back({"virtual " + s.source.name, s.polls, s.refused});
        return out;
    }

private:
    using MeterModel_ptr = std::unique_ptr<example::MeterModel>;
    struct Polled {
        gs::Source source;
        MeterModel_ptr model;
        std::chrono::steady_clock::time_point next{};
        uint64_t polls = 0, refused = 0; // guarded by mutex_
    };

    gs::SampleBatch sample(Polled &s, int64_t now_ns) {
        auto values = s.model->sample(now_ns);
        gs::SampleBatch batch(s.source.name, now_ns);
        for (const auto &point : s.source.points) {
            auto it = values.find(point.data);
            if (it != values.end()) batch.add(point.circuit, point.data, it->second);
        }
        return batch;
    }

    void run() {
        auto now = std::chrono::steady_clock::now();
        for (auto &s : sources_)
            s.next = now;
        std::unique_lock<std::mutex> lock(mutex_);
        while (!stopping_) {
            auto next = std::chrono::steady_clock::time_point::max();
            for (auto &s : sources_) {
                if (std::chrono::steady_clock::now() >= s.next) {
                    gs::SampleBatch batch = sample(s, host().now_utc_ns());
                    ++s.polls;
                    try {
                        host().publish(batch.view());
                    } catch (const gs::RetryLater &) {
                        ++s.refused;
                        host().warning("bus full: a sample was dropped");
                    }
                    // Absolute deadlines: no drift.
                    s.next += std::chrono::milliseconds(s.source.period_ms);
                }
                next = std::min(next, s.next);
            }
            wake_.wait_until(lock, next, [this] { return stopping_; });
        }
    }

    uint32_t seed_ = 1;
    std::vector<Polled> sources_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace

GS_DECLARE_MODULE("example_virtual_meter", gs::descriptor<VirtualMeter>())
