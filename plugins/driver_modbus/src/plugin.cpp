// driver_modbus: generic Modbus TCP / RTU driver. Only what is its own is here (the stats file);
// the protocol, the planner and the link scheduler are in libs/modbus, what every Modbus-based
// driver does (sources, links, reads, writes, plans) in libs/modbus_driver's DriverBase.
#include "modbus_driver/driver_base.hpp"

#include <gridscope/plugin.hpp>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace {

using namespace gs::modbus;

class ModbusDriver : public DriverBase<ModbusDriver> {
public:
    static constexpr const char *id = "driver_modbus";
    static constexpr const char *version = "1.0.0";
    static constexpr const char *description =
        "Generic Modbus TCP / RTU driver: request planner, one scheduler per link";
    static constexpr gs_config_field config_fields[] = {
        GS_MODBUS_LINK_FIELDS,
        gs::field(GS_CONFIG_STRING, "stats_file", nullptr,
                  "if set, every second a JSON snapshot of each link's counters and cycle-start "
                  "jitter histogram replaces this file")};

    explicit ModbusDriver(gs::Host host)
        : DriverBase(host),
          stats_file_(config(config_fields).find<std::string>("stats_file").value_or("")) {}
    ~ModbusDriver() override { stop(); }

    void start() {
        DriverBase::start();
        if (!stats_file_.empty() && !stats_thread_.joinable()) {
            stats_stop_ = false;
            stats_thread_ = std::thread([this] { write_stats_loop(); });
        }
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
        DriverBase::stop();
    }

private:
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
        const auto all = links_.stats();
        for (size_t i = 0; i < all.size(); ++i) {
            const LinkStats &s = all[i].second;
            json += std::string(i ? ", " : "") + "{\"link\": \"" + all[i].first + "\"" +
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

    std::string stats_file_;
    std::thread stats_thread_;
    std::mutex stats_mutex_;
    std::condition_variable stats_wake_;
    bool stats_stop_ = false;   // guarded by stats_mutex_
    bool stats_failed_ = false; // stats thread only
};

} // namespace

GS_DECLARE_MODULE("driver_modbus", gs::descriptor<ModbusDriver>())
