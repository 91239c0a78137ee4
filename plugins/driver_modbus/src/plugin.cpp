// driver_modbus: generic Modbus TCP / RTU driver. Glue only: the protocol, the planner and the
// link scheduler are in core/, the source entry in source_config.cpp.
#include "sample_glue.hpp"
#include "source_config.hpp"

#include <gridscope/plugin.hpp>

#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace {

using namespace gs::modbus;

class ModbusDriver : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_DRIVER;
    static constexpr const char *id = "driver_modbus";
    static constexpr const char *version = "1.0.0";
    static constexpr const char *description =
        "Generic Modbus TCP / RTU driver: request planner, one scheduler per link";
    static constexpr gs_config_field config_fields[] = {
        gs::field(GS_CONFIG_DURATION_MS, "connect_timeout_ms", "2000",
                  "TCP connect / serial open timeout"),
        gs::field(GS_CONFIG_INT, "offline_after_failures", "3",
                  "failed cycles before a device is declared lost and polled on a backoff"),
        gs::field(GS_CONFIG_INT, "guard_interval_us", "0",
                  "pause between two requests on a link (RTU turnaround)"),
        gs::field(GS_CONFIG_DURATION_MS, "phase_spacing_ms", "50",
                  "devices of a link are spread over their period at phases at least this far "
                  "apart; those sharing a phase are polled back to back (0: a phase per "
                  "device)"),
        gs::field(GS_CONFIG_STRING, "stats_file", nullptr,
                  "if set, every second a JSON snapshot of each link's counters and cycle-start "
                  "jitter histogram replaces this file")};

    explicit ModbusDriver(gs::Host host) : Plugin(host) {
        auto cfg = config();
        connect_timeout_ms_ = cfg.get<uint32_t>("connect_timeout_ms", 2000);
        offline_after_ = cfg.get<unsigned>("offline_after_failures", 3);
        guard_us_ = cfg.get<long>("guard_interval_us", 0);
        phase_spacing_ms_ = cfg.get<long>("phase_spacing_ms", 50);
        if (phase_spacing_ms_ < 0)
            throw gs::InvalidArgument("field 'phase_spacing_ms': must not be negative");
        stats_file_ = cfg.get<std::string>("stats_file", "");
        if (offline_after_ < 1)
            throw gs::InvalidArgument("field 'offline_after_failures': must be at least 1");
    }
    ~ModbusDriver() override { stop(); }

    static void validate_point(gs::Host &, const gs::ptree &defaults, const gs::ptree &point) {
        try {
            check_point(defaults, point);
        } catch (const std::invalid_argument &e) {
            throw gs::InvalidArgument(e.what());
        }
    }

    void add_source(const gs::Source &source) {
        std::vector<PointInput> points;
        for (const auto &p : source.points)
            points.push_back({p.circuit, p.data, p.attrs});
        std::vector<PointInput> commands;
        for (const auto &c : source.commands)
            commands.push_back({c.circuit, c.data, c.attrs});
        try {
            SourceConfig sc = parse_source(source.name, source.period_ms, source.attrs,
                                           source.defaults, points, commands);
            sources_[source.name] = Added{sc, source.profile};
        } catch (const std::invalid_argument &e) {
            throw gs::InvalidArgument("source '" + source.name + "': " + e.what());
        }
    }

    void start() {
        std::map<std::string, std::vector<const Added *>> by_link;
        for (const auto &[name, added] : sources_)
            by_link[added.config.link_key].push_back(&added);
        for (const auto &[key, members] : by_link) {
            LinkConfig lc;
            lc.endpoint = members.front()->config.endpoint;
            lc.connect_timeout_ms = connect_timeout_ms_;
            lc.offline_after_failures = offline_after_;
            lc.guard_interval = std::chrono::microseconds(guard_us_);
            lc.phase_spacing = std::chrono::milliseconds(phase_spacing_ms_);
            lc.seed = std::hash<std::string>{}(key);
            std::vector<DeviceConfig> devices;
            for (const Added *a : members)
                devices.push_back(a->config.device);
            LinkCallbacks cb;
            cb.on_result = [this](const std::string &dev, int64_t ts,
                                  std::vector<PointResult> results) { publish(dev, ts, results); };
            cb.on_link_state = [this](const std::string &dev, bool connected,
                                      const std::string &reason) {
                link_state(dev, connected, reason);
            };
            auto link = Link::create(lc, std::move(devices), cb);
            if (!link) throw gs::Error("link " + key + ": " + link.error());
            links_.push_back(std::move(link).value());
            link_keys_.push_back(key);
        }
        for (auto &l : links_)
            l->start();
        if (!stats_file_.empty()) {
            stats_stop_ = false;
            stats_thread_ = std::thread([this] { write_stats_loop(); });
        }
        host().info("polling " + std::to_string(sources_.size()) + " device(s) on " +
                    std::to_string(links_.size()) + " link(s)");
    }

    void stop() {
        if (stats_thread_.joinable()) {
            {
                std::lock_guard<std::mutex> lock(stats_mutex_);
                stats_stop_ = true;
            }
            stats_wake_.notify_all();
            stats_thread_.join();
        }
        for (auto &l : links_)
            l->stop();
        links_.clear();
        link_keys_.clear();
    }

    std::vector<gs::SampleBatch> read(const std::string &name) {
        const Added &a = find(name);
        auto results = read_once(a.config.endpoint, a.config.device);
        if (!results) throw gs::Error(results.error(), GS_ERR_IO);
        gs::SampleBatch batch(name, host().now_utc_ns());
        size_t good = 0;
        std::string first_problem;
        for (const auto &r : results.value()) {
            add_result(batch, a.config.device.points[r.index], r);
            if (r.quality.is_good())
                ++good;
            else if (first_problem.empty())
                first_problem = to_string(r.quality) + " " + r.detail;
        }
        if (good == 0)
            throw gs::Error("no value from unit " + std::to_string(a.config.device.unit) + " at " +
                                gs::modbus::describe(a.config.endpoint) + ": " + first_problem,
                            GS_ERR_TIMEOUT);
        return {std::move(batch)};
    }

    // A polled point, or a profile command's target (named after the command).
    void write(const std::string &name, uint32_t circuit, const std::string &data, double value) {
        const Added &a = find(name);
        std::vector<const PointSpec *> targets;
        for (const auto &p : a.config.device.points)
            targets.push_back(&p);
        for (const auto &p : a.config.commands)
            targets.push_back(&p);
        for (const PointSpec *target : targets) {
            if (target->circuit != circuit || target->data != data) continue;
            for (auto &link : links_) {
                auto f = link->submit_write(name, *target, Value{value});
                if (f.wait_for(std::chrono::milliseconds(a.config.device.timeout_ms * 2 + 2000)) !=
                    std::future_status::ready)
                    throw gs::Error("write timed out", GS_ERR_TIMEOUT);
                WriteOutcome out = f.get();
                if (out.quality.is_good()) return;
                if (out.detail.find("no device") != std::string::npos) continue; // other link
                throw gs::Error("write refused: " + to_string(out.quality) + " " + out.detail,
                                GS_ERR_IO);
            }
            throw gs::Error("write: the driver is not running", GS_ERR_STATE);
        }
        throw gs::Error("no point " + data + " on circuit " + std::to_string(circuit),
                        GS_ERR_NOT_FOUND);
    }

    std::string describe(const std::string &name, bool json) {
        const Added &a = find(name);
        auto planner = DevicePlanner::create(a.config.device.points, a.config.device.limits);
        if (!planner) throw gs::Error(planner.error(), GS_ERR_INVALID_ARG);
        const auto &reqs = planner.value().requests();
        if (json)
            return "{\"profile\": \"" + a.profile +
                   "\", \"requests\": " + plan_to_json(reqs, a.config.device.points) + "}";
        return a.profile + ": " + std::to_string(a.config.device.points.size()) + " points in " +
               std::to_string(reqs.size()) + " request(s)\n" +
               describe_plan(reqs, a.config.device.points);
    }

private:
    struct Added {
        SourceConfig config;
        std::string profile;
    };

    const Added &find(const std::string &name) const {
        auto it = sources_.find(name);
        if (it == sources_.end()) throw gs::Error("no source '" + name + "'", GS_ERR_NOT_FOUND);
        return it->second;
    }

    // [link thread]
    void publish(const std::string &dev, int64_t ts, const std::vector<PointResult> &results) {
        const Added &a = sources_.at(dev);
        gs::SampleBatch batch(dev, ts);
        for (const auto &r : results)
            add_result(batch, a.config.device.points[r.index], r);
        try {
            host().publish(batch.view());
        } catch (const gs::RetryLater &) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (dropped_++ % 1000 == 0) host().warning("bus full: poll results dropped");
        }
    }

    // [link thread]
    void link_state(const std::string &dev, bool connected, const std::string &reason) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            bool was_lost = lost_.count(dev) != 0;
            if (connected && !was_lost) return; // first contact: nothing to report
            if (connected)
                lost_.erase(dev);
            else
                lost_.insert(dev);
        }
        std::string message =
            connected ? "communication restored" : "communication lost: " + reason;
        gs_event e{
            sizeof(gs_event),
            static_cast<uint32_t>(connected ? GS_SEVERITY_INFO : GS_SEVERITY_HIGH),
            host().now_utc_ns(),
            connected ? "comm.restored" : "comm.lost",
            dev.c_str(),
            0,
            static_cast<uint32_t>(connected ? GS_EVENT_STATE_INSTANT : GS_EVENT_STATE_ACTIVE),
            message.c_str()};
        try {
            host().publish(e);
        } catch (const gs::Error &) {
            host().warning(message + " (" + dev + "): event not delivered");
        }
        (connected ? host().info(dev + ": " + message) : host().warning(dev + ": " + message));
    }

    // [stats thread] Rewrites stats_file every second until stop(), and once more at the end.
    void write_stats_loop() {
        std::unique_lock<std::mutex> lock(stats_mutex_);
        while (!stats_wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stats_stop_; }))
            write_stats();
        write_stats();
    }

    // {"ts_utc_ns": N, "links": [{"link": "tcp HOST:PORT", "cycles": N, ..., "start_jitter_us":
    // [[bucket lower bound, count], ...]}]}: counters since start; empty buckets left out.
    void write_stats() {
        std::string json =
            "{\"ts_utc_ns\": " + std::to_string(host().now_utc_ns()) + ", \"links\": [";
        for (size_t i = 0; i < links_.size(); ++i) {
            const LinkStats s = links_[i]->stats();
            json += std::string(i ? ", " : "") + "{\"link\": \"" + link_keys_[i] + "\"" +
                    ", \"cycles\": " + std::to_string(s.cycles) +
                    ", \"overruns\": " + std::to_string(s.overruns) +
                    ", \"connects\": " + std::to_string(s.connects) +
                    ", \"requests\": " + std::to_string(s.requests) +
                    ", \"failed_requests\": " + std::to_string(s.failed_requests) +
                    ", \"max_start_jitter_us\": " + std::to_string(s.max_start_jitter.count()) +
                    ", \"start_jitter_us\": [";
            bool first = true;
            for (size_t b = 0; b < JitterHistogram::kBuckets; ++b) {
                if (!s.start_jitter.counts[b]) continue;
                json += std::string(first ? "" : ", ") + "[" +
                        std::to_string(JitterHistogram::lower_bound_us(b)) + ", " +
                        std::to_string(s.start_jitter.counts[b]) + "]";
                first = false;
            }
            json += "]}";
        }
        json += "]}\n";
        const std::string tmp = stats_file_ + ".tmp";
        FILE *f = std::fopen(tmp.c_str(), "w");
        bool ok = f && std::fwrite(json.data(), 1, json.size(), f) == json.size();
        ok = f && std::fclose(f) == 0 && ok;
        if (!ok || std::rename(tmp.c_str(), stats_file_.c_str()) != 0) {
            if (!stats_failed_) host().warning("cannot write stats_file " + stats_file_);
            stats_failed_ = true;
        }
    }

    uint32_t connect_timeout_ms_;
    unsigned offline_after_;
    long guard_us_;
    long phase_spacing_ms_;
    std::map<std::string, Added> sources_;
    std::vector<std::unique_ptr<Link>> links_;
    std::vector<std::string> link_keys_; // parallel to links_
    std::string stats_file_;
    std::thread stats_thread_;
    std::mutex stats_mutex_;
    std::condition_variable stats_wake_;
    bool stats_stop_ = false;   // guarded by stats_mutex_
    bool stats_failed_ = false; // stats thread only
    std::mutex mutex_;
    std::set<std::string> lost_;
    uint64_t dropped_ = 0;
};

} // namespace

GS_DECLARE_MODULE("driver_modbus", gs::descriptor<ModbusDriver>())
