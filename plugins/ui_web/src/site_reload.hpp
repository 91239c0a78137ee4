// ui_web's side of a reload (ABI 1.2 site_changed). The HTTP server keeps listening: a new Api
// is built on the new site model and put in force with one swap. Each request is answered by
// the Api in force when it began (it holds that generation until its answer is sent), so a
// request under way finishes on the old model and the old Api is freed when its last request
// or live stream ends. The new Api takes the old one's ApiState: nobody is logged out.
#ifndef GS_UI_WEB_SITE_RELOAD_HPP
#define GS_UI_WEB_SITE_RELOAD_HPP

#include "api.hpp"
#include "live_table.hpp"
#include "site_model.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace gs::ui {

// The live table's sources: each with the (circuit, data) pairs its profile polls.
std::vector<LiveTable::SourceSpec> live_specs(const SiteModel &model);

// One site model's Api with the live table it reads.
struct ApiGeneration {
    std::unique_ptr<LiveTable> live;
    std::unique_ptr<Api> api; // declared after `live`: destroyed first
    // Set once a newer generation is in force: live streams of this one end (the browsers
    // reconnect, to the new one).
    std::atomic<bool> retired{false};
};

// The generation in force. Read by any thread; replaced by the kernel thread.
class CurrentApi {
public:
    std::shared_ptr<ApiGeneration> get() const;
    // Puts `next` in force and marks the previous one (returned) retired.
    std::shared_ptr<ApiGeneration> replace(std::shared_ptr<ApiGeneration> next);
    // Grows by one at each replace().
    uint64_t serial() const;
    // Waits until a generation newer than `serial` is in force (true), or close() was called or
    // `timeout` passed (false).
    bool wait_newer(uint64_t serial, std::chrono::milliseconds timeout);
    // Ends every wait_newer, now and later (the plugin stops).
    void close();
    bool closed() const;

private:
    mutable std::mutex mutex_;
    std::condition_variable replaced_;
    std::shared_ptr<ApiGeneration> current_;
    uint64_t serial_ = 0;
    bool closed_ = false;
};

} // namespace gs::ui

#endif
