// Runtime::reload: the new model is checked completely before anything running changes, then
// only the instances whose own configuration changed are replaced (docs/architecture.md,
// "Start, stop, reload"). Why keep instead of restarting everything: a restarted UI loses its
// sessions, and every restarted driver misses a poll; keeping them costs nothing.
#include "runtime/consumers.hpp"
#include "runtime/log.hpp"
#include "runtime/own_config.hpp"
#include "runtime/plugin_calls.hpp"
#include "runtime/runtime.hpp"

#include <optional>

namespace gs::kernel {

bool Runtime::reload(SiteModel next, Diagnostics &diag) {
    return reload(std::move(next), diag, {});
}

bool Runtime::reload(SiteModel next, Diagnostics &diag,
                     const std::function<bool(Diagnostics &)> &commit,
                     const std::string &candidate) {
    with_identified(next, false); // devices identified while running stay so
    std::optional<SiteModel> in_force;
    if (!candidate.empty()) in_force = next;
    Plan plan = stage(std::make_shared<const SiteSnapshot>(std::move(next), options_, candidate),
                      running_, diag);
    if (!diag.empty()) return false; // the plan's new instances go, never started
    if (commit && !commit(diag)) return false;
    if (in_force) {
        // The candidate is the site file now: the instances that will run are made again, so
        // that none keeps the candidate's path (exporter_files keeps site_file from create()).
        // The same text and model: the same checks pass.
        plan = Plan{};
        plan = stage(std::make_shared<const SiteSnapshot>(std::move(*in_force), options_), running_,
                     diag);
        if (!diag.empty()) {
            log_line(GS_LOG_ERROR, "kernel",
                     "the site file was replaced but is not in force: " + diag.str());
            return false;
        }
    }
    switch_to(std::move(plan));
    return true;
}

bool Runtime::check_reload(SiteModel next, Diagnostics &diag, std::vector<std::string> &warnings,
                           const std::string &candidate) {
    with_identified(next, false, &warnings);
    auto snapshot = std::make_shared<const SiteSnapshot>(std::move(next), options_, candidate);
    Plan plan = stage(std::move(snapshot), running_, diag);
    return diag.empty(); // the plan's new instances go, never started
}

void Runtime::offer_config_service(const gs_config_service_v1 *service) {
    config_service_.store(service);
}

bool Runtime::tell_site_changed(Instance &inst, const std::shared_ptr<const SiteSnapshot> &site) {
    // No bus call runs during site_changed; the bus holds the messages meanwhile.
    bus_.pause(inst.plugin->id);
    std::shared_ptr<const SiteSnapshot> known; // the old model lives until site_changed returns
    {
        std::lock_guard<std::mutex> lock(state_mutex_);
        known = inst.site;
        inst.site = site;
    }
    gs_site_changed_fn fn = site_changed_of(*inst.plugin);
    gs_status st = call_plugin(inst.host->who(), "site_changed", [&] { return fn(inst.handle); });
    if (st != GS_OK) {
        log_line(GS_LOG_WARNING, inst.host->who(),
                 "could not take the new site model (" + inst.host->take_error(status_text(st)) +
                     "): replaced by a new instance");
        return false;
    }
    ConsumerOptions consumer = consumer_of(&inst);
    // Without bus callbacks it was never a consumer: resuming would add one.
    if (consumer.on_batch || consumer.on_event) bus_.resume(std::move(consumer));
    log_line(GS_LOG_INFO, inst.host->who(), "kept running, with the new site model");
    return true;
}

void Runtime::switch_to(Plan plan) {
    std::set<Instance *> staying;
    std::set<std::string> next_ids;
    for (auto &step : plan.steps) {
        if (step.kept) staying.insert(step.kept);
        next_ids.insert(step.plugin->id);
    }
    // 1. Kept instances whose model changed learn it first, while the drivers still poll; one
    // that cannot is replaced like the others below (its messages are held already). Storages
    // come first (start order): once one is replaced, the told instances that were handed its
    // services take their standbys instead (stage() kept no other such instance).
    bool storage_replaced = false;
    for (auto &step : plan.steps) {
        if (!step.tell) continue;
        bool holds_old_services = storage_replaced && step.kept->uses_storage_services;
        if (!holds_old_services && tell_site_changed(*step.kept, plan.site)) {
            step.fresh.reset();
            continue;
        }
        if (step.plugin->kind == GS_KIND_STORAGE) storage_replaced = true;
        staying.erase(step.kept);
        step.kept = nullptr;
    }
    // 2. Producers that go stop; kept drivers go on polling. A driver thread waiting for its
    // declaration to be applied must not hold up its driver's stop.
    release_declarers();
    {
        std::lock_guard<std::mutex> lock(command_mutex_);
        for (auto it = instances_.rbegin(); it != instances_.rend(); ++it)
            if ((*it)->plugin->kind == GS_KIND_DRIVER && !staying.count(it->get())) (*it)->stop();
    }
    // 3. Consumers that go: the bus holds what arrives for their replacement (pause), or hands
    // them what they have queued when nothing replaces them (remove).
    for (auto it = instances_.rbegin(); it != instances_.rend(); ++it) {
        Instance &inst = **it;
        if (inst.plugin->kind == GS_KIND_DRIVER || staying.count(&inst)) continue;
        if (next_ids.count(inst.plugin->id))
            bus_.pause(inst.plugin->id);
        else
            bus_.remove(inst.plugin->id);
        inst.stop();
    }
    // 4. The new model in force.
    {
        std::lock_guard<std::mutex> commands(command_mutex_);
        std::lock_guard<std::mutex> lock(state_mutex_);
        site_ = plan.site;
        bad_profiles_ = plan.bad_profiles;
    }
    // 5. The instance list, in start order; the old ones are destroyed, newest first.
    std::vector<std::unique_ptr<Instance>> next, leaving;
    for (auto &step : plan.steps) {
        if (!step.kept) {
            next.push_back(std::move(step.fresh));
            continue;
        }
        for (auto &owned : instances_)
            if (owned.get() == step.kept) next.push_back(std::move(owned));
    }
    for (auto &owned : instances_)
        if (owned) leaving.push_back(std::move(owned));
    {
        std::lock_guard<std::mutex> commands(command_mutex_);
        std::lock_guard<std::mutex> lock(state_mutex_);
        instances_ = std::move(next);
    }
    while (!leaving.empty())
        leaving.pop_back();
    // 6. The new instances start in order (storage first, drivers last); each consumer gets
    // what the bus held for it.
    for (auto &inst : instances_) {
        if (inst->started) continue;
        std::unique_lock<std::mutex> lock(command_mutex_, std::defer_lock);
        if (inst->plugin->kind == GS_KIND_DRIVER) lock.lock();
        bool started = start_instance(*inst);
        ConsumerOptions consumer = consumer_of(inst.get());
        if (!consumer.on_batch && !consumer.on_event) continue; // a driver: nothing to resume
        // Never leave the bus with callbacks into an instance destroyed above.
        bus_.resume(std::move(consumer), started);
        if (!started)
            log_line(GS_LOG_ERROR, inst->host->who(),
                     "its bus messages are held (up to the queue's capacity) until a reload "
                     "starts it");
    }
    log_line(GS_LOG_INFO, "kernel",
             std::to_string(staying.size()) + " instance(s) kept, " +
                 std::to_string(instances_.size() - staying.size()) + " (re)started");
}

} // namespace gs::kernel
