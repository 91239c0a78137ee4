// The running plugin's delivery thread: wakes when a plan is due (or a retry's backoff ends),
// sends through the Publisher, and tells people what happened: a log line per file, an event
// when delivery starts failing (its kind: login, unreachable, tls, ...) and when it recovers,
// and an event when periods were dropped over the backlog budget. The Datalogger page reaches it
// through gridscope.datalogger/1 (datalogger_service.hpp): status, send now, test connection,
// serialised with the thread's own deliveries (one Publisher, one connection).
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

    // services/datalogger.h's answers (JSON text).
    std::string status_json();
    // type: "" for every plan. GS_ERR_STATE while the store or the state folder is not ready,
    // GS_ERR_INVALID_ARG for a type no plan has, GS_ERR_RETRY_LATER while a delivery (a
    // backlog) is under way; `out` then holds why. test_connection too may be GS_ERR_RETRY_LATER.
    gs_status send_now(const std::string &type, std::string &out);
    gs_status test_connection(std::string &out);

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
    // Held while publisher_ is made, used or read. The page's calls wait for it a bounded time:
    // a catch-up after an outage holds it for as long as the backlog takes to send.
    std::timed_mutex work_;
    std::mutex snapshot_mutex_;
    std::string snapshot_; // the last status_json(), answered while work_ is held long
    std::unique_ptr<Publisher> publisher_;
    bool waiting_for_lock_ = false;
    std::string failing_; // the kind of the failure in progress, "" when delivering fine
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool poked_ = false; // a send now changed the schedule: compute the next wake-up again
    std::thread thread_;
};

} // namespace gs::exporter
