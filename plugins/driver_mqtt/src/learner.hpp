// The hub learns its boxes' sources: the boxes' descriptions (description.hpp), handed over by
// the boxes' threads, are put into the hub's site file through the kernel's gridscope.config/1
// (the web UI's configuration service): read, merged (learned_sources.hpp), saved (checked,
// written atomically with the previous file kept as site.yaml.1, and put in force as a reload
// does). The reload then replaces this driver with one that has the new sources; the sources
// stay in the site file, so a restarted hub has them at once and re-learns nothing.
//
// Its own thread, so that no box waits for the kernel. Descriptions are taken in batches: a
// hub that starts hears every box's retained description within moments, and learns them with
// one save (one reload) instead of one per box. A description that gives the sources the hub
// runs already (compared with the running site model first, without reading the file) costs no
// save. Problems (a profile or a model the hub lacks, a name taken by hand) are logged and
// published as one event each ("hub.source_refused"), once per box and problem until the box's
// description or the hub's profiles and models change, reloads included (refusals.hpp); the
// box's other sources are learned.
#pragma once

#include "config_call.hpp"
#include "description.hpp"
#include "refusals.hpp"

#include <gridscope/plugin.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace gs::hub {

// The keys of a hub source that its site model does not show (the driver's own).
struct FedKeys {
    std::string box, remote;
    bool learned = false;
};

class Learner {
public:
    // `fed`: this driver's sources by name, as add_source gave them.
    // `refusals`: the problems reported already (the process's, so a reload repeats none).
    Learner(gs::Host host, std::map<std::string, FedKeys> fed,
            Refusals &refusals = Refusals::process());
    ~Learner();
    Learner(const Learner &) = delete;
    Learner &operator=(const Learner &) = delete;

    void start();
    // Joins the thread, at once: a save under way is abandoned (config_call.hpp), the learn
    // dropped and logged (the next driver learns the retained descriptions again).
    void stop();

    // [box thread] The box's latest description (`payload`: its text, to skip a repeat).
    void offer(const std::string &box, BoxDescription d, std::string payload);

private:
    struct Pending {
        BoxDescription description;
        std::string payload;
    };
    void run();
    // Learns a batch; false when it saved (the reload that follows replaces this driver).
    bool learn(std::map<std::string, Pending> batch);
    // The service's save of `request`, unless the driver stops first (throws Stopped then).
    gs_status save(const gs_config_service_v1 &config, const std::string &request,
                   std::string &reply);
    // The running model's sources as site-document entries (with the driver's keys).
    nlohmann::ordered_json running_document(const std::string &site_json) const;
    // Logs and publishes `problem` unless it was reported under the box's `state` already.
    void report(const std::string &box, const std::string &state, const std::string &problem);

    gs::Host host_;
    std::map<std::string, FedKeys> fed_;
    Refusals &refusals_;
    std::map<std::string, std::string> done_; // box -> the payload learned (or refused) last

    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::string, Pending> pending_;
    std::chrono::steady_clock::time_point first_, last_; // of the pending batch
    bool stopping_ = false;
    std::shared_ptr<ConfigCall> call_; // the latest save
    std::thread thread_;
};

} // namespace gs::hub
