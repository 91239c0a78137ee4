// The running plugin's delivery thread: wakes when a plan is due (or a retry's backoff ends),
// sends through the Publisher, and tells people what happened: a log line per file, an event
// when delivery starts failing (its kind: login, unreachable, tls, ...) and when it recovers,
// and an event when periods were dropped over the backlog budget.
#pragma once

#include "publisher.hpp"
#include "site_context.hpp"

#include <gridscope/plugin.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace gs::exporter {

class DeliveryLoop {
public:
    DeliveryLoop(gs::Host host, publish::Settings settings, SiteContext site);
    ~DeliveryLoop() { stop(); }

    void start();
    void stop();

private:
    void loop();
    bool ready();
    void report(const publish::RunReport &report);
    void raise(uint32_t severity, const std::string &type, const std::string &message);

    gs::Host host_;
    publish::Settings settings_;
    SiteContext site_;
    std::string state_dir_;
    std::unique_ptr<StateLock> lock_;
    std::unique_ptr<Publisher> publisher_;
    bool waiting_for_lock_ = false;
    std::string failing_; // the kind of the failure in progress, "" when delivering fine
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace gs::exporter
