// Delivers each plan's files in order, at least once, with a cursor that survives crashes.
//
// Every plan has a cursor: the end of the last period whose files the server all confirmed.
// run(now) builds (through the caller's callback, from stored data) and sends the files of every
// period that ended after a cursor and by `now`, oldest period first across plans. The cursor
// moves, and is written to the cursor file (temp + fsync + rename), only after all files of its
// period were confirmed; a crash or a kill at any point re-sends at most that period, under the
// same names, so the server keeps one copy of each file. At the first failure the run stops (the
// later files wait, order is kept) and the next attempt waits an exponential backoff with
// jitter. After an outage every missed period is sent, in order, up to `max_backlog` periods per
// plan: older ones are dropped, counted in the report and in the cursor file, so the glue can
// log them and raise an event.
//
// A plan seen for the first time starts with the last complete period (sent at once).
// Cursors are keyed by the plan's type, grouping and schedule: editing a plan starts it afresh.
// Time is given by the caller: tests drive it, the glue passes the host's UTC clock.
#pragma once

#include "publish/file_builder.hpp"
#include "publish/retry.hpp"
#include "publish/schedule.hpp"
#include "publish/transport.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace gs::publish {

struct QueueOptions {
    std::string cursor_file;    // e.g. <data-dir>/exporter_files.cursor
    size_t max_backlog = 10000; // periods per plan kept while the server is away
    RetryPolicy retry;
    uint64_t seed = 0; // of the jitter
};

// One delivered or failed file, as `gridscope publish` prints it.
struct Delivery {
    std::string file;
    PlanType type = PlanType::index;
    size_t rows = 0;
    size_t bytes = 0;
    std::string status; // "sent", or the error
};

struct RunReport {
    std::vector<Delivery> files;         // in the order tried
    uint64_t dropped_periods = 0;        // dropped by this run (over the backlog budget)
    std::optional<UploadResult> failure; // the failure that stopped the run, if any
    std::optional<SysSeconds> retry_at;  // set while a backoff is running
};

// One plan's delivery, as the Datalogger page shows it. last_* are of this process's life
// (delivered_until, the cursor, survives restarts).
struct PlanState {
    std::optional<SysSeconds> delivered_until; // the end of the last confirmed period
    std::optional<SysSeconds> last_success;    // when a period of it was last confirmed
    std::optional<SysSeconds> last_failure;    // when a file of it last failed
    std::string last_error;                    // that failure's message
    SysSeconds next_run; // now when periods are pending (or the backoff's end)
    size_t pending = 0;  // periods ended and not yet confirmed
};

// Builds the files of one plan's period (none when there is nothing to send: the period still
// counts as delivered). Called on the caller's thread, inside run().
using BuildFiles = std::function<std::vector<BuiltFile>(const Plan &plan, const Period &period)>;
// Sends one file; a real queue passes Transport::upload.
using SendFile = std::function<UploadResult(const BuiltFile &file)>;

class DeliveryQueue {
public:
    DeliveryQueue(std::vector<Plan> plans, const date::time_zone *tz, QueueOptions options);

    // Reads the cursor file (a missing file is a fresh start). False with `error` if it cannot
    // be read or is damaged; the queue then starts afresh and overwrites it on the next move.
    bool load(std::string &error);

    RunReport run(SysSeconds now, const BuildFiles &build, const SendFile &send);

    // When run() has something to do next: the earliest due time, or the end of a backoff.
    SysSeconds next_wakeup(SysSeconds now) const;

    std::optional<SysSeconds> cursor(size_t plan) const; // the last confirmed period end
    PlanState state(size_t plan, SysSeconds now) const;
    const std::vector<Plan> &plans() const { return plans_; }
    std::optional<SysSeconds> retry_at() const { return retry_at_; }
    // Ends a running backoff: the next run() tries at once ("send now").
    void retry_now() { retry_at_.reset(); }
    uint64_t dropped_total() const { return dropped_total_; }
    unsigned failures() const { return failures_; }
    static std::string plan_key(const Plan &plan);

private:
    bool save(std::string &error) const;

    std::vector<Plan> plans_;
    const date::time_zone *tz_;
    QueueOptions options_;
    std::map<std::string, SysSeconds> cursors_; // plan key -> last confirmed period end
    uint64_t dropped_total_ = 0;
    unsigned failures_ = 0;
    std::optional<SysSeconds> retry_at_;
    std::mt19937_64 random_;
    std::map<std::string, SysSeconds> last_success_, last_failure_; // by plan key
    std::map<std::string, std::string> last_error_;
};

} // namespace gs::publish
