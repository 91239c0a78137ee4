// The alarm engine while the plugin runs: one lock around libs/alarms' Engine, host time, a
// timer thread for delays, stale data and shelving expiry, the changes handed to a publisher,
// and the gridscope.alarms/1 service (services/alarms.h) that reaches the running engine.
#pragma once

#include "alarms/engine.hpp"
#include "site_rules.hpp"

#include <nlohmann/json.hpp>

#include <gridscope/services/alarms.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace gs::alarm_glue {

class RunningEngine {
public:
    using Publisher = std::function<void(const std::vector<alarms::Change> &)>;
    using Clock = std::function<int64_t()>; // UTC ns

    // Opens the state folder (throws std::runtime_error when it is in use or not writable).
    RunningEngine(SiteRules rules, const std::string &state_dir, Clock clock, Publisher publish,
                  int64_t tick_ms, std::size_t history_max);
    // Stops the timer, writes a snapshot (a clean stop resumes delays exactly).
    ~RunningEngine();
    RunningEngine(const RunningEngine &) = delete;
    RunningEngine &operator=(const RunningEngine &) = delete;

    void on_samples(std::string_view source, int64_t t, const alarms::SampleValue *values,
                    std::size_t n);
    void on_event(const alarms::BusEvent &event);

    // What the service offers (services/alarms.h); every call under the lock.
    std::vector<alarms::AlarmRecord> records(const alarms::RecordFilter &filter);
    alarms::AckOutcome acknowledge(const std::vector<uint64_t> &ids, const std::string &who,
                                   const std::string &comment);
    gs_status shelve(uint64_t id, int64_t duration_s, const std::string &who, std::string &why);
    std::string set_out_of_service(const std::string &rule, bool out, const std::string &who);
    std::size_t unacked_count();
    // The Alarms and events page: one page, and the KPIs of [from, to) (open ends: the last
    // 24 h) with the alarms standing now.
    alarms::QueryPage query(const alarms::Query &q);
    nlohmann::ordered_json kpis(int64_t from, int64_t to);
    // The rules never change during an engine's life: a pointer stays valid while it runs.
    const alarms::Rule *rule(const std::string &name) const { return engine_.rule(name); }
    uint64_t revision() const { return revision_.load(); }

    // The static service struct; its functions reach the engine made current by start().
    static const gs_alarms_service_v1 *service();
    // The engine the service reaches (nullptr: none; calls answer GS_ERR_STATE).
    static void make_current(RunningEngine *engine);

private:
    void publish_changes(); // under mu_
    void timer_loop(int64_t tick_ms);

    std::mutex mu_;
    alarms::Engine engine_;
    Clock clock_;
    Publisher publish_;
    std::atomic<uint64_t> revision_{0};
    std::mutex timer_mu_;
    std::condition_variable timer_cv_;
    bool stopping_ = false;
    std::thread timer_;
};

} // namespace gs::alarm_glue
