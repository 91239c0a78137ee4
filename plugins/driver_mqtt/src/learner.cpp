#include "learner.hpp"

#include "learned_sources.hpp"

#include <gridscope/services/config.h>
#include <gridscope/services/site.h>
#include <gridscope/site.hpp>

namespace gs::hub {
namespace {

// A batch waits for the boxes to be quiet this long (a starting hub hears every box's retained
// description at once), and at most kBatchWait after its first description.
constexpr std::chrono::milliseconds kQuiet{700};
constexpr std::chrono::milliseconds kBatchWait{3000};
// After a save, the reload that follows replaces this driver: nothing else is saved meanwhile
// (a save queued while the kernel stops this driver would only be abandoned, config_call.hpp).
constexpr std::chrono::seconds kAfterSave{5};
// A save refused for a reason other than the document (the kernel busy, a file not written) is
// tried again this much later, at most kAttempts times per batch.
constexpr std::chrono::seconds kRetryDelay{5};
constexpr int kAttempts = 3;
// A stream of problems does not flood the log or the events.
constexpr size_t kMaxReported = 20;

// Thrown by Learner::save when the driver stops before the kernel answered.
struct Stopped {};

gs_status keep_text(void *payload, const char *text) {
    *static_cast<std::string *>(payload) = text ? text : "";
    return GS_OK;
}

const gs_config_service_v1 *config_service(const gs::Host &host) {
    const auto *s = host.service<gs_config_service_v1>(GS_CONFIG_SERVICE_V1);
    return s && s->struct_size >= sizeof(gs_config_service_v1) ? s : nullptr;
}

std::string errors_text(const std::string &reply) {
    json doc = json::parse(reply, nullptr, false);
    std::string out;
    if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array()) {
        for (const auto &e : doc["errors"]) {
            if (!e.is_object()) continue;
            std::string path = e.value("path", std::string());
            out += (out.empty() ? "" : "; ") + (path.empty() ? "" : path + ": ") +
                   e.value("message", std::string());
        }
    } else if (doc.is_object() && doc.contains("error") && doc["error"].is_string()) {
        out = doc["error"].get<std::string>();
    }
    return out.empty() ? reply : out;
}

} // namespace

Learner::Learner(gs::Host host, std::map<std::string, FedKeys> fed, Refusals &refusals)
    : host_(host), fed_(std::move(fed)), refusals_(refusals) {}

Learner::~Learner() {
    stop();
}

void Learner::start() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void Learner::stop() {
    std::shared_ptr<ConfigCall> call;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        call = call_;
    }
    wake_.notify_all();
    if (call) call->abandon();
    if (thread_.joinable()) thread_.join();
    // The process stops (the service is withdrawn, its waiting calls answered at once): the
    // call's thread leaves the service before the kernel frees it.
    if (call && !config_service(host_) && !call->wait_answered(1000))
        host_.warning("a save of the learned sources is still unanswered as the hub stops");
}

gs_status Learner::save(const gs_config_service_v1 &config, const std::string &request,
                        std::string &reply) {
    std::shared_ptr<ConfigCall> call;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) throw Stopped{};
        call = call_ = ConfigCall::save(config, request);
    }
    gs_status st = GS_ERR_STATE;
    if (!call->wait(st, reply)) throw Stopped{};
    return st;
}

void Learner::offer(const std::string &box, BoxDescription d, std::string payload) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto now = std::chrono::steady_clock::now();
        if (pending_.empty()) first_ = now;
        last_ = now;
        pending_[box] = Pending{std::move(d), std::move(payload)};
    }
    wake_.notify_all();
}

void Learner::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    int attempts = 0;
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
        for (;;) { // the batch: until the boxes are quiet
            if (stopping_) return;
            auto due = std::min(last_ + kQuiet, first_ + kBatchWait);
            if (std::chrono::steady_clock::now() >= due) break;
            wake_.wait_until(lock, due);
        }
        std::map<std::string, Pending> batch;
        batch.swap(pending_);
        lock.unlock();
        bool saved = false, retry = false;
        try {
            saved = !learn(batch);
        } catch (const Stopped &) {
            std::string boxes;
            for (const auto &kv : batch)
                boxes += (boxes.empty() ? "" : ", ") + kv.first;
            host_.info("the learn of " + boxes +
                       " was under way as the driver stopped: dropped (the boxes' retained "
                       "descriptions are learned again by the next driver)");
            return;
        } catch (const gs::RetryLater &e) {
            retry = ++attempts < kAttempts;
            host_.error(std::string("learning the boxes' sources: ") + e.what() +
                        (retry ? "; trying again" : "; given up until the next description"));
        } catch (const std::exception &e) {
            host_.error(std::string("learning the boxes' sources: ") + e.what());
        }
        lock.lock();
        if (retry) {
            for (auto &kv : batch) // unless a newer description came meanwhile
                pending_.emplace(kv.first, std::move(kv.second));
            first_ = last_ = std::chrono::steady_clock::now() + kRetryDelay;
        } else {
            attempts = 0;
        }
        if (saved && wake_.wait_for(lock, kAfterSave, [this] { return stopping_; })) return;
    }
}

json Learner::running_document(const std::string &site_json) const {
    json site = json::parse(site_json, nullptr, false);
    json doc = {{"sources", json::array()}};
    if (!site.is_object() || !site.contains("sources") || !site["sources"].is_array()) return doc;
    for (auto &s : site["sources"]) {
        if (!s.is_object() || !s.contains("name") || !s["name"].is_string()) continue;
        auto it = fed_.find(s["name"].get<std::string>());
        if (it != fed_.end()) {
            s["box"] = it->second.box;
            s["remote_source"] = it->second.remote;
            if (it->second.learned) s["learned"] = true;
        }
        doc["sources"].push_back(std::move(s));
    }
    return doc;
}

void Learner::report(const std::string &box, const std::string &state, const std::string &problem) {
    if (!refusals_.first(box, state, problem)) {
        host_.info(problem + " (reported already, unchanged)");
        return;
    }
    host_.error(problem);
    gs_event ev{sizeof(gs_event),
                GS_SEVERITY_MEDIUM,
                host_.now_utc_ns(),
                "hub.source_refused",
                nullptr,
                0,
                GS_EVENT_STATE_INSTANT,
                problem.c_str()};
    try {
        host_.publish(ev);
    } catch (const gs::Error &) {
        // the bus is full or stopping: the log has it
    }
}

bool Learner::learn(std::map<std::string, Pending> batch) {
    for (auto it = batch.begin(); it != batch.end();) {
        auto done = done_.find(it->first);
        it = done != done_.end() && done->second == it->second.payload ? batch.erase(it)
                                                                       : std::next(it);
    }
    if (batch.empty()) return true;
    const auto *site = host_.service<gs_site_service_v1>(GS_SITE_SERVICE_V1);
    if (!site || !site->site_json) throw gs::Error("the kernel offers no site service");
    const HubKnows knows = HubKnows::of(gs::site::parse(site->site_json));
    // What a problem is reported under: the box's description and what the hub knows.
    std::string known;
    for (const auto *names : {&knows.profiles, &knows.models})
        for (const auto &name : *names)
            known += name + "\n";
    auto state_of = [&](const std::string &box) { return batch[box].payload + "\n\n" + known; };
    // 1. Against the running model: which boxes change anything (no file read).
    const json running = running_document(site->site_json);
    std::map<std::string, Learned> changing;
    for (auto &[box, pending] : batch) {
        Learned learned = learned_entries(box, pending.description, knows);
        json doc = running;
        MergeCount count = merge_learned(doc, box, learned);
        size_t n = 0;
        for (const auto &problem : learned.problems)
            if (n++ < kMaxReported) report(box, state_of(box), problem);
        if (learned.problems.size() > kMaxReported)
            report(box, state_of(box),
                   "box " + box + ": " + std::to_string(learned.problems.size() - kMaxReported) +
                       " more source(s) or circuit(s) not learned");
        if (count.changed())
            changing.emplace(box, std::move(learned));
        else
            done_[box] = pending.payload;
    }
    if (changing.empty()) return true;
    const gs_config_service_v1 *config = config_service(host_);
    if (!config) {
        host_.error("the kernel offers no configuration service (gridscope.config/1, gridscope "
                    "run 1.6 or later): the boxes' sources cannot be learned");
        for (auto &kv : changing)
            done_[kv.first] = batch[kv.first].payload;
        return true;
    }
    // 2. Into the site file: read, merge, save; a save between our read and ours is a conflict.
    for (int conflicts = 0;; ++conflicts) {
        std::string reply;
        gs_status st = config->get(config->context, &keep_text, &reply);
        if (st != GS_OK) throw gs::RetryLater("reading the site file: " + errors_text(reply));
        json doc = json::parse(reply, nullptr, false);
        if (!doc.is_object() || !doc.contains("site") || !doc["site"].is_object())
            throw gs::Error("reading the site file: an unexpected answer");
        std::string summary;
        bool changed = false;
        for (auto &[box, learned] : changing) {
            Learned copy{learned.entries, {}};
            MergeCount c = merge_learned(doc["site"], box, copy);
            changed = changed || c.changed();
            summary += (summary.empty() ? "" : "; ") + box + ": " + std::to_string(c.added) +
                       " added, " + std::to_string(c.updated) + " updated, " +
                       std::to_string(c.removed) + " removed";
        }
        if (!changed) {
            host_.warning("the site file has the boxes' sources already (" + summary +
                          "), but they are not in force: reload gridscope to run them");
            for (auto &kv : changing)
                done_[kv.first] = batch[kv.first].payload;
            return true;
        }
        const std::string request =
            json{{"version", doc["version"]}, {"site", std::move(doc["site"])}}.dump();
        st = save(*config, request, reply);
        if (st == GS_ERR_STATE && conflicts < kAttempts) continue; // saved meanwhile: again
        if (st == GS_OK) {
            host_.info("learned from the boxes' descriptions (" + summary +
                       "): the site file is saved and reloaded");
        } else if (st == GS_ERR_INVALID_ARG) {
            // Once for the batch's descriptions (a key of its own, so the boxes' keep theirs).
            std::string boxes, state;
            for (auto &kv : changing) {
                boxes += " " + kv.first;
                state += kv.first + "\n" + state_of(kv.first);
            }
            report("site refusal:" + boxes, state,
                   "the boxes' sources (" + summary +
                       ") were not learned: the site refused them: " + errors_text(reply));
        } else {
            throw gs::RetryLater("saving the site file: " + errors_text(reply));
        }
        for (auto &kv : changing)
            done_[kv.first] = batch[kv.first].payload;
        return st != GS_OK;
    }
}

} // namespace gs::hub
