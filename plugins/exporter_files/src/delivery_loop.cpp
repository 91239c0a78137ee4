#include "delivery_loop.hpp"

#include <gridscope/services/storage.h>

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
    publisher_ =
        std::make_unique<Publisher>(settings_, settings_.plans, site_.site, site_.tz, state_dir_);
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
        if (query && ready()) {
            guard.unlock();
            report(publisher_->run(now, *query));
            guard.lock();
            auto next = publisher_->next_wakeup(to_seconds(host_.now_utc_ns()));
            wait = std::max(std::chrono::seconds{1}, next - to_seconds(host_.now_utc_ns()));
            wait = std::min(wait, std::chrono::seconds{60}); // follows clock changes
        }
        wake_.wait_for(guard, wait, [this] { return stopping_; });
    }
}

} // namespace gs::exporter
