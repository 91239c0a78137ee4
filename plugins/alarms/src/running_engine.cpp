#include "running_engine.hpp"

#include "csv_export.hpp"
#include "page_json.hpp"
#include "record_json.hpp"

#include <gridscope/plugin.hpp>

#include <algorithm>
#include <cstring>
#include <shared_mutex>

namespace gs::alarm_glue {

namespace {

alarms::EngineOptions options(const std::string &state_dir, std::size_t history_max) {
    alarms::EngineOptions o;
    o.state_dir = state_dir;
    o.history_max = history_max;
    o.activation_log_max = std::max(o.activation_log_max, history_max);
    return o;
}

} // namespace

RunningEngine::RunningEngine(SiteRules rules, const std::string &state_dir, Clock clock,
                             Publisher publish, int64_t tick_ms, std::size_t history_max)
    : engine_(std::move(rules.rules), std::move(rules.circuits), options(state_dir, history_max)),
      clock_(std::move(clock)), publish_(std::move(publish)) {
    timer_ = std::thread([this, tick_ms] { timer_loop(tick_ms); });
}

RunningEngine::~RunningEngine() {
    {
        std::lock_guard<std::mutex> lock(timer_mu_);
        stopping_ = true;
    }
    timer_cv_.notify_all();
    timer_.join();
    std::lock_guard<std::mutex> lock(mu_);
    try {
        engine_.save(clock_());
    } catch (const std::exception &) { // the journal holds every change already
    }
}

void RunningEngine::timer_loop(int64_t tick_ms) {
    std::unique_lock<std::mutex> lock(timer_mu_);
    while (!timer_cv_.wait_for(lock, std::chrono::milliseconds(tick_ms),
                               [this] { return stopping_; })) {
        lock.unlock();
        {
            std::lock_guard<std::mutex> engine_lock(mu_);
            try {
                engine_.tick(clock_());
            } catch (const std::exception &) { // disk full: the next tick writes it again
            }
            publish_changes();
        }
        lock.lock();
    }
}

void RunningEngine::publish_changes() {
    auto changes = engine_.take_changes();
    if (changes.empty()) return;
    revision_.fetch_add(1);
    publish_(changes);
}

void RunningEngine::on_samples(std::string_view source, int64_t t,
                               const alarms::SampleValue *values, std::size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    engine_.on_samples(source, t, values, n);
    publish_changes();
}

void RunningEngine::on_event(const alarms::BusEvent &event) {
    std::lock_guard<std::mutex> lock(mu_);
    engine_.on_event(event);
    publish_changes();
}

std::vector<alarms::AlarmRecord> RunningEngine::records(const alarms::RecordFilter &filter) {
    std::lock_guard<std::mutex> lock(mu_);
    return engine_.records(filter);
}

alarms::AckOutcome RunningEngine::acknowledge(const std::vector<uint64_t> &ids,
                                              const std::string &who, const std::string &comment) {
    std::lock_guard<std::mutex> lock(mu_);
    auto outcome = engine_.acknowledge(ids, who, comment, clock_());
    publish_changes();
    return outcome;
}

gs_status RunningEngine::shelve(uint64_t id, int64_t duration_s, const std::string &who,
                                std::string &why) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!engine_.record(id)) {
        why = "no alarm record " + std::to_string(id);
        return GS_ERR_NOT_FOUND;
    }
    int64_t now = clock_();
    why = duration_s == 0 ? engine_.unshelve(id, now)
                          : engine_.shelve(id, duration_s * alarms::kNsPerS, who, now);
    publish_changes();
    return why.empty() ? GS_OK : GS_ERR_INVALID_ARG;
}

std::string RunningEngine::set_out_of_service(const std::string &rule, bool out,
                                              const std::string &who) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string why = engine_.set_out_of_service(rule, out, who, clock_());
    publish_changes();
    return why;
}

std::size_t RunningEngine::unacked_count() {
    std::lock_guard<std::mutex> lock(mu_);
    return engine_.unacked_count();
}

alarms::QueryPage RunningEngine::query(const alarms::Query &q) {
    std::lock_guard<std::mutex> lock(mu_);
    return engine_.query(q);
}

nlohmann::ordered_json RunningEngine::kpis(int64_t from, int64_t to) {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t now = clock_();
    if (to == alarms::kNoTime) to = now;
    if (from == alarms::kNoTime) from = to - 24 * 3600 * alarms::kNsPerS;
    alarms::Query standing;
    standing.events = false;
    standing.statuses = {alarms::Status::active};
    standing.limit = 1;
    return kpis_json(engine_.kpis(from, to, now), engine_.query(standing).total,
                     engine_.unacked_count());
}

// ---------------------------------------------------------------------------------------------
// gridscope.alarms/1: static, so a plugin holding it never holds freed memory across a reload.

namespace {

std::shared_mutex current_mu; // readers: service calls; writer: start and stop
RunningEngine *current = nullptr;

void copy_message(const std::string &text, char *buf, size_t size) {
    if (!buf || size == 0) return;
    size_t n = std::min(text.size(), size - 1);
    std::memcpy(buf, text.data(), n);
    buf[n] = '\0';
}

// Runs f on the current engine, turning exceptions into statuses (nothing crosses the C ABI).
template <class F> gs_status with_engine(F &&f, char *message = nullptr, size_t size = 0) {
    std::shared_lock<std::shared_mutex> lock(current_mu);
    if (!current) {
        copy_message("the alarm engine is not running", message, size);
        return GS_ERR_STATE;
    }
    try {
        return f(*current);
    } catch (const std::bad_alloc &) {
        return GS_ERR_NO_MEMORY;
    } catch (const std::exception &e) {
        copy_message(e.what(), message, size);
        return GS_ERR_IO;
    }
}

gs_status list(void *, const char *state, int64_t from, int64_t to, int32_t details,
               gs_text_fn on_json, void *payload) {
    auto s = state_named(state ? state : "all");
    if (!s || !on_json) return GS_ERR_INVALID_ARG;
    return with_engine([&](RunningEngine &e) {
        std::string text = records_json(e.records({*s, from, to}), details != 0).dump();
        return on_json(payload, text.c_str());
    });
}

nlohmann::json ids_json(const std::vector<uint64_t> &ids) {
    return nlohmann::json(ids);
}

gs_status acknowledge(void *, const uint64_t *ids, size_t count, const char *who,
                      const char *comment, gs_text_fn on_json, void *payload) {
    if ((!ids && count) || !on_json) return GS_ERR_INVALID_ARG;
    return with_engine([&](RunningEngine &e) {
        auto out = e.acknowledge(std::vector<uint64_t>(ids, ids + count), who ? who : "",
                                 comment ? comment : "");
        std::string text = nlohmann::json{{"acknowledged", ids_json(out.acknowledged)},
                                          {"already", ids_json(out.already)},
                                          {"unknown", ids_json(out.unknown)}}
                               .dump();
        return on_json(payload, text.c_str());
    });
}

gs_status shelve(void *, uint64_t id, int64_t duration_s, const char *who, char *message,
                 size_t size) {
    if (duration_s < 0) {
        copy_message("the duration must be positive (0 unshelves)", message, size);
        return GS_ERR_INVALID_ARG;
    }
    return with_engine(
        [&](RunningEngine &e) {
            std::string why;
            gs_status st = e.shelve(id, duration_s, who ? who : "", why);
            copy_message(why, message, size);
            return st;
        },
        message, size);
}

gs_status set_out_of_service(void *, const char *rule, int32_t out, const char *who, char *message,
                             size_t size) {
    if (!rule) return GS_ERR_INVALID_ARG;
    return with_engine(
        [&](RunningEngine &e) {
            std::string why = e.set_out_of_service(rule, out != 0, who ? who : "");
            copy_message(why, message, size);
            return why.empty() ? GS_OK : GS_ERR_NOT_FOUND;
        },
        message, size);
}

int64_t unacked_count(void *) {
    int64_t n = -1;
    with_engine([&](RunningEngine &e) {
        n = static_cast<int64_t>(e.unacked_count());
        return GS_OK;
    });
    return n;
}

uint64_t revision(void *) {
    uint64_t r = 0;
    with_engine([&](RunningEngine &e) {
        r = e.revision();
        return GS_OK;
    });
    return r;
}

gs_status query(void *, const char *query_json, gs_text_fn on_json, void *payload, char *message,
                size_t size) {
    if (!on_json) return GS_ERR_INVALID_ARG;
    auto request = page_request(query_json ? query_json : "");
    if (auto *why = std::get_if<std::string>(&request)) {
        copy_message(*why, message, size);
        return GS_ERR_INVALID_ARG;
    }
    const PageRequest &r = std::get<PageRequest>(request);
    return with_engine(
        [&](RunningEngine &e) -> gs_status {
            alarms::QueryPage page = e.query(r.query);
            nlohmann::ordered_json out;
            out["total"] = page.total;
            nlohmann::ordered_json items = nlohmann::ordered_json::array();
            for (const alarms::Row &row : page.rows) {
                const auto *a = std::get_if<alarms::AlarmRecord>(&row);
                items.push_back(row_json(row, a ? e.rule(a->rule) : nullptr, r.language));
            }
            out["items"] = std::move(items);
            if (r.kpis) out["kpis"] = e.kpis(r.query.from, r.query.to);
            std::string text = out.dump();
            return on_json(payload, text.c_str());
        },
        message, size);
}

gs_status export_files(void *, const char *query_json, gs_alarms_file_fn on_file, void *payload,
                       char *message, size_t size) {
    if (!on_file) return GS_ERR_INVALID_ARG;
    auto request = page_request(query_json ? query_json : "");
    if (auto *why = std::get_if<std::string>(&request)) {
        copy_message(*why, message, size);
        return GS_ERR_INVALID_ARG;
    }
    PageRequest r = std::get<PageRequest>(std::move(request));
    r.query.offset = 0;
    r.query.limit = 0; // every row
    return with_engine(
        [&](RunningEngine &e) -> gs_status {
            CsvFiles files;
            try {
                files = export_csv(e.query(r.query).rows, r.language, r.timezone);
            } catch (const std::runtime_error &ex) { // an unknown time zone
                copy_message(ex.what(), message, size);
                return GS_ERR_INVALID_ARG;
            }
            gs_status st = on_file(payload, "alarms.csv", files.alarms.data(), files.alarms.size());
            if (st != GS_OK) return st;
            return on_file(payload, "events.csv", files.events.data(), files.events.size());
        },
        message, size);
}

const gs_alarms_service_v1 kService = {sizeof(gs_alarms_service_v1),
                                       0,
                                       nullptr,
                                       &list,
                                       &acknowledge,
                                       &shelve,
                                       &set_out_of_service,
                                       &unacked_count,
                                       &revision,
                                       &query,
                                       &export_files};

} // namespace

const gs_alarms_service_v1 *RunningEngine::service() {
    return &kService;
}

void RunningEngine::make_current(RunningEngine *engine) {
    std::unique_lock<std::shared_mutex> lock(current_mu);
    current = engine;
}

} // namespace gs::alarm_glue
