// One publisher per state folder (<data_dir>/exporter_files/): the delivery queue with its
// cursor file, the transport, the files built from the store. The running plugin and
// `gridscope publish` both use it; a lock file keeps them from working on the same cursor at
// once (the running site holds it).
#pragma once

#include "site_context.hpp"
#include "store_files.hpp"

#include <publish/delivery_queue.hpp>
#include <publish/transport.hpp>

#include <memory>
#include <string>

namespace gs::exporter {

// Holds <dir>/lock (flock) for as long as it lives; held() is false when another process
// (the running site) has it.
class StateLock {
public:
    explicit StateLock(const std::string &dir);
    ~StateLock();
    StateLock(const StateLock &) = delete;
    StateLock &operator=(const StateLock &) = delete;
    bool held() const { return fd_ >= 0; }
    const std::string &error() const { return error_; }

private:
    int fd_ = -1;
    std::string error_;
};

class Publisher {
public:
    // `plans` may be a subset of settings.plans (gridscope publish --type); the cursors of the
    // other plans stay as they are in the cursor file.
    // `site` must outlive the publisher.
    Publisher(publish::Settings settings, std::vector<publish::Plan> plans, const SiteContext &site,
              const std::string &state_dir);

    // Loads the cursor file; false with a message when it was damaged (the queue then starts
    // afresh from each plan's last complete period).
    bool load(std::string &error) { return queue_.load(error); }

    // Sends every file due at `now`, oldest period first, reading the store through `query`.
    publish::RunReport run(publish::SysSeconds now, const gs_storage_query_v1 &query);

    publish::SysSeconds next_wakeup(publish::SysSeconds now) const {
        return queue_.next_wakeup(now);
    }
    uint64_t dropped_total() const { return queue_.dropped_total(); }
    const publish::DeliveryQueue &queue() const { return queue_; }
    void retry_now() { queue_.retry_now(); }
    // The page's "test connection": login (and folder) without a file.
    publish::UploadResult check() { return transport_.check(); }
    std::string destination() const { return transport_.destination(); }

private:
    publish::Settings settings_;
    const SiteContext &site_;
    publish::DeliveryQueue queue_;
    publish::Transport transport_;
};

// The folder of the plugin's state below the data dir, created when missing.
std::string state_dir_of(const std::string &data_dir);

} // namespace gs::exporter
