#include "delivery_loop.hpp"

#include "report_json.hpp"

#include <gridscope/services/storage.h>
#include <publish/settings_text.hpp>

namespace gs::exporter {

namespace {

publish::SysSeconds to_seconds(int64_t utc_ns) {
    return publish::SysSeconds{std::chrono::seconds{utc_ns / 1000000000}};
}

} // namespace

DeliveryLoop::DeliveryLoop(gs::Host host, publish::Settings settings, SiteContext site)
    : host_(host), settings_(std::move(settings)), site_(std::move(site)) {}

void DeliveryLoop::start() {
    state_dir_ = state_dir_of(site_.data_dir);
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

// The state folder's lock, then the cursor. A `gridscope publish` still running when the site
// starts holds the lock for a moment: wait for it rather than fail.
bool DeliveryLoop::ready() {
    if (publisher_) return true;
    auto lock = std::make_unique<StateLock>(state_dir_);
    if (!lock->held()) {
        if (!waiting_for_lock_) host_.warning(lock->error() + "; waiting for it");
        waiting_for_lock_ = true;
        return false;
    }
    lock_ = std::move(lock);
    publisher_ = std::make_unique<Publisher>(settings_, settings_.plans, site_, state_dir_);
    std::string error;
    if (!publisher_->load(error)) host_.warning(error);
    return true;
}

void DeliveryLoop::stop() {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::lock_guard<std::timed_mutex> work(work_);
    publisher_.reset();
    lock_.reset();
}

void DeliveryLoop::raise(uint32_t severity, const std::string &type, const std::string &message) {
    gs_event event{};
    event.struct_size = sizeof event;
    event.severity = severity;
    event.ts_utc_ns = host_.now_utc_ns();
    event.type = type.c_str();
    event.state = GS_EVENT_STATE_INSTANT;
    event.message = message.c_str();
    try {
        host_.publish(event);
    } catch (const std::exception &e) { // the bus is full: the log line stays
        host_.warning("event " + type + " not published: " + e.what());
    }
}

void DeliveryLoop::report(const publish::RunReport &report) {
    for (const auto &file : report.files)
        if (file.status == "sent")
            host_.info("sent " + file.file + " (" + std::to_string(file.bytes) + " bytes)");
    if (report.dropped_periods) {
        std::string text = std::to_string(report.dropped_periods) +
                           " period(s) older than the backlog budget were dropped (" +
                           std::to_string(publisher_->dropped_total()) + " in total)";
        host_.error(text);
        raise(GS_SEVERITY_HIGH, "exporter_files.dropped", text);
    }
    if (report.failure) {
        const auto &f = *report.failure;
        std::string kind = publish::to_string(f.failure);
        host_.warning(f.error);
        if (kind != failing_) // one event per failure kind, not one per retry
            raise(f.failure == publish::Failure::login ? GS_SEVERITY_HIGH : GS_SEVERITY_MEDIUM,
                  "exporter_files." + kind, f.error);
        failing_ = kind;
    } else if (!failing_.empty() && !report.files.empty()) {
        raise(GS_SEVERITY_INFO, "exporter_files.restored", "files are delivered again");
        failing_.clear();
    }
}

void DeliveryLoop::loop() {
    std::unique_lock<std::mutex> guard(mutex_);
    while (!stopping_) {
        auto now = to_seconds(host_.now_utc_ns());
        // The storage's services appear once every plugin started.
        const auto *query = host_.service<gs_storage_query_v1>(GS_STORAGE_QUERY_V1);
        std::chrono::seconds wait{1};
        if (query) {
            guard.unlock();
            {
                std::lock_guard<std::timed_mutex> work(work_);
                if (ready()) {
                    report(publisher_->run(now, *query));
                    auto next = publisher_->next_wakeup(to_seconds(host_.now_utc_ns()));
                    wait = std::max(std::chrono::seconds{1}, next - to_seconds(host_.now_utc_ns()));
                    wait = std::min(wait, std::chrono::seconds{60}); // follows clock changes
                }
            }
            guard.lock();
        }
        wake_.wait_for(guard, wait, [this] { return stopping_ || poked_; });
        poked_ = false;
    }
}

namespace {
constexpr auto kStatusWait = std::chrono::milliseconds{300};
constexpr auto kActionWait = std::chrono::seconds{5};
const char *const kBusy = "files are being sent (a backlog after an outage, or another request): "
                          "try again when they are";
} // namespace

std::string DeliveryLoop::status_json() {
    std::unique_lock<std::timed_mutex> work(work_, kStatusWait);
    const auto now = to_seconds(host_.now_utc_ns());
    if (!work.owns_lock()) { // a long delivery: what was true before it, saying so
        std::lock_guard<std::mutex> guard(snapshot_mutex_);
        nlohmann::json doc;
        if (snapshot_.empty()) { // the settings alone (they do not change while it runs)
            publish::Transport transport(settings_.server); // only for the destination's text
            doc = exporter::status_json(settings_, nullptr, transport.destination(), "", now);
        } else {
            doc = nlohmann::json::parse(snapshot_);
        }
        doc["sending"] = true;
        return doc.dump();
    }
    nlohmann::json doc;
    if (publisher_) {
        doc = exporter::status_json(settings_, &publisher_->queue(), publisher_->destination(),
                                    failing_, now);
    } else {
        publish::Transport transport(settings_.server); // only for the destination's text
        doc = exporter::status_json(settings_, nullptr, transport.destination(), failing_, now);
    }
    doc["sending"] = false;
    std::string text = doc.dump();
    std::lock_guard<std::mutex> guard(snapshot_mutex_);
    snapshot_ = text;
    return text;
}

gs_status DeliveryLoop::send_now(const std::string &type, std::string &out) {
    const auto *query = host_.service<gs_storage_query_v1>(GS_STORAGE_QUERY_V1);
    std::unique_lock<std::timed_mutex> work(work_, kActionWait);
    if (!work.owns_lock()) {
        out = kBusy;
        return GS_ERR_RETRY_LATER;
    }
    if (!query || state_dir_.empty() || !ready()) {
        out = "the exporter is not ready yet (the store, or its state folder held by a running "
              "`gridscope publish`): try again in a moment";
        return GS_ERR_STATE;
    }
    const auto now = to_seconds(host_.now_utc_ns());
    publish::RunReport result;
    if (type.empty()) {
        publisher_->retry_now(); // "send now" does not wait for the backoff
        result = publisher_->run(now, *query);
    } else {
        std::string error;
        auto wanted = publish::parse_plan_type(type, error);
        std::vector<publish::Plan> plans;
        for (const auto &p : settings_.plans)
            if (wanted && p.type == *wanted) plans.push_back(p);
        if (plans.empty()) {
            out = "no plan of type '" + type + "'" + (error.empty() ? "" : ": " + error);
            return GS_ERR_INVALID_ARG;
        }
        // A publisher of those plans alone, on the same cursor file; ours reads it again after.
        Publisher one(settings_, plans, site_, state_dir_);
        if (!one.load(error)) host_.warning(error);
        result = one.run(now, *query);
        if (!publisher_->load(error)) host_.warning(error);
    }
    report(result);
    out = deliveries_json(result).dump();
    {
        std::lock_guard<std::mutex> guard(mutex_);
        poked_ = true; // the backoff may have ended: the loop computes its wake-up again
    }
    wake_.notify_all();
    return GS_OK;
}

gs_status DeliveryLoop::test_connection(std::string &out) {
    std::unique_lock<std::timed_mutex> work(work_, kActionWait);
    if (!work.owns_lock()) {
        out = kBusy;
        return GS_ERR_RETRY_LATER;
    }
    if (publisher_) {
        out = check_json(publisher_->check(), publisher_->destination()).dump();
        return GS_OK;
    }
    publish::Transport transport(settings_.server);
    auto result = transport.check();
    out = check_json(result, transport.destination()).dump();
    return GS_OK;
}

} // namespace gs::exporter
