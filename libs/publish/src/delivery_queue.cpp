#include "publish/delivery_queue.hpp"

#include "publish/atomic_file.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace gs::publish {
namespace {

constexpr const char *cursor_magic = "gridscope-publish-cursor 1";

struct DueItem {
    SysSeconds end;
    size_t plan;
};

} // namespace

DeliveryQueue::DeliveryQueue(std::vector<Plan> plans, const date::time_zone *tz,
                             QueueOptions options)
    : plans_(std::move(plans)), tz_(tz), options_(std::move(options)), random_(options_.seed) {
    if (options_.max_backlog == 0) options_.max_backlog = 1;
}

std::string DeliveryQueue::plan_key(const Plan &plan) {
    std::string key = std::string(to_string(plan.type)) + "/" + to_string(plan.files) + "/";
    const Schedule &s = plan.schedule;
    if (s.at_minute) {
        char at[32];
        std::snprintf(at, sizeof at, "at=%02d:%02d", *s.at_minute / 60, *s.at_minute % 60);
        key += at;
        if (s.day) key += "/day=" + std::to_string(*s.day);
    } else {
        key += "every=" + std::to_string(s.every.count()) + "s";
    }
    return key;
}

bool DeliveryQueue::load(std::string &error) {
    cursors_.clear();
    dropped_total_ = 0;
    auto text = read_whole_file(options_.cursor_file, error);
    if (!text) return error.empty();
    std::istringstream in(*text);
    std::string line;
    std::map<std::string, SysSeconds> cursors;
    uint64_t dropped = 0;
    bool valid = std::getline(in, line) && line == cursor_magic;
    while (valid && std::getline(in, line)) {
        std::istringstream fields(line);
        std::string kind, key;
        int64_t value = 0;
        if (!(fields >> kind)) continue;
        if (kind == "dropped" && (fields >> dropped)) continue;
        if (kind == "plan" && (fields >> key >> value)) {
            cursors[key] = SysSeconds{std::chrono::seconds{value}};
            continue;
        }
        valid = false;
    }
    if (!valid) {
        error = options_.cursor_file + " is damaged (line '" + line +
                "'): starting afresh from the last complete period";
        return false;
    }
    cursors_ = std::move(cursors);
    dropped_total_ = dropped;
    return true;
}

bool DeliveryQueue::save(std::string &error) const {
    std::string text = std::string(cursor_magic) + "\n";
    text += "dropped " + std::to_string(dropped_total_) + "\n";
    for (const auto &[key, end] : cursors_)
        text += "plan " + key + " " + std::to_string(end.time_since_epoch().count()) + "\n";
    return write_file_atomically(options_.cursor_file, text, error);
}

std::optional<SysSeconds> DeliveryQueue::cursor(size_t plan) const {
    auto it = cursors_.find(plan_key(plans_.at(plan)));
    if (it == cursors_.end()) return std::nullopt;
    return it->second;
}

RunReport DeliveryQueue::run(SysSeconds now, const BuildFiles &build, const SendFile &send) {
    RunReport report;
    if (retry_at_ && now < *retry_at_) {
        report.retry_at = retry_at_;
        return report;
    }
    std::string save_error;
    bool changed = false;

    // Every period that ended after its plan's cursor, oldest first across plans.
    std::vector<DueItem> due;
    for (size_t i = 0; i < plans_.size(); ++i) {
        const Schedule &schedule = plans_[i].schedule;
        const std::string key = plan_key(plans_[i]);
        auto cursor = cursors_.find(key);
        if (cursor == cursors_.end()) {
            const SysSeconds last = previous_due(schedule, now + std::chrono::seconds{1}, tz_);
            cursor = cursors_.emplace(key, previous_due(schedule, last, tz_)).first;
            changed = true;
        }
        size_t skipped = 0;
        const auto ends =
            dues_between(schedule, cursor->second, now, tz_, options_.max_backlog, skipped);
        if (skipped) { // over the budget: the oldest periods are given up, and counted
            report.dropped_periods += skipped;
            dropped_total_ += skipped;
            cursor->second = previous_due(schedule, ends.front(), tz_);
            changed = true;
        }
        for (const SysSeconds end : ends)
            due.push_back({end, i});
    }
    std::stable_sort(due.begin(), due.end(),
                     [](const DueItem &a, const DueItem &b) { return a.end < b.end; });

    for (const DueItem &item : due) {
        const Plan &plan = plans_[item.plan];
        const Period period = period_ending_at(plan.schedule, item.end, tz_);
        std::vector<BuiltFile> files;
        std::optional<UploadResult> failure;
        try {
            files = build(plan, period);
        } catch (const std::exception &e) {
            failure = UploadResult{Failure::other, 0,
                                   std::string("building the files failed: ") + e.what()};
        }
        for (size_t f = 0; !failure && f < files.size(); ++f) {
            UploadResult result = send(files[f]);
            report.files.push_back({files[f].name, plan.type, files[f].rows,
                                    files[f].content.size(), result.ok() ? "sent" : result.error});
            if (!result.ok()) failure = std::move(result);
        }
        if (failure) {
            last_failure_[plan_key(plan)] = now;
            last_error_[plan_key(plan)] = failure->error;
            ++failures_;
            retry_at_ = now + std::chrono::duration_cast<std::chrono::seconds>(
                                  retry_delay(options_.retry, failures_, random_()) +
                                  std::chrono::milliseconds{999});
            report.retry_at = retry_at_;
            report.failure = std::move(failure);
            if (changed) save(save_error);
            return report;
        }
        cursors_[plan_key(plan)] = item.end; // all of this period's files confirmed
        last_success_[plan_key(plan)] = now;
        changed = true;
        if (!save(save_error)) break; // not durable: stop, the next run re-sends (same names)
        changed = false;
    }
    if (changed) save(save_error);
    if (!save_error.empty()) report.failure = UploadResult{Failure::other, 0, save_error};
    failures_ = 0;
    retry_at_.reset();
    return report;
}

PlanState DeliveryQueue::state(size_t plan, SysSeconds now) const {
    const Plan &p = plans_.at(plan);
    const std::string key = plan_key(p);
    auto find = [&key](const auto &map) {
        auto it = map.find(key);
        return it == map.end() ? std::nullopt : std::make_optional(it->second);
    };
    PlanState state;
    state.delivered_until = find(cursors_);
    state.last_success = find(last_success_);
    state.last_failure = find(last_failure_);
    state.last_error = find(last_error_).value_or("");
    if (!state.delivered_until) {
        state.pending = 1; // a new plan starts with the last complete period
    } else {
        size_t skipped = 0;
        state.pending = dues_between(p.schedule, *state.delivered_until, now, tz_,
                                     options_.max_backlog, skipped)
                            .size() +
                        skipped;
    }
    if (state.pending == 0)
        state.next_run = next_due(p.schedule, *state.delivered_until, tz_);
    else
        state.next_run = retry_at_ ? std::max(*retry_at_, now) : now;
    return state;
}

SysSeconds DeliveryQueue::next_wakeup(SysSeconds now) const {
    if (retry_at_) return *retry_at_;
    SysSeconds earliest = SysSeconds::max();
    for (const Plan &plan : plans_) {
        auto cursor = cursors_.find(plan_key(plan));
        if (cursor == cursors_.end()) return now;
        const SysSeconds next = next_due(plan.schedule, cursor->second, tz_);
        earliest = std::min(earliest, std::max(next, now));
    }
    return earliest;
}

} // namespace gs::publish
