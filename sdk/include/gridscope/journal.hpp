// gridscope C++ layer: delivery from the storage's journal ("gridscope.storage.journal/1") with
// the plugin's own cursor, for exporters that forward every sample and event somewhere else
// (MQTT, InfluxDB). Header-only, on top of plugin.hpp and services/storage.h.
//
//   class Sink : public gs::JournalSink {
//       gs::Delivery deliver(const std::vector<gs::JournalEntry> &entries) override;
//   };
//   gs::JournalPump pump(host, {"exporter_mqtt", 500}, sink, delay_after_failures);
//   pump.start(); ... pump.stop();
//
// The pump's thread reads a batch after the cursor, hands it to the sink, and commits the cursor
// up to the last entry the sink says its destination acknowledged: at least once, in journal
// order, with the original timestamps. A failure (the sink says so, or throws) waits the
// server's Retry-After when it gave one, else `delay_after_failures(n)` (backoff with jitter,
// e.g. libs/retry), then reads again from the cursor: what was not acknowledged is sent again.
// A kill loses nothing: the cursor is persisted by the storage and moves only after
// acknowledgement (entries acknowledged but not committed yet are sent twice).
#ifndef GRIDSCOPE_JOURNAL_HPP
#define GRIDSCOPE_JOURNAL_HPP

#include <gridscope/names.hpp>
#include <gridscope/plugin.hpp>
#include <gridscope/services/storage.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#ifdef __linux__
#include <pthread.h>
#endif

namespace gs {

// One journal entry, copied out of the storage's callback: a batch of samples or an event.
struct JournalEntry {
    struct Value {
        uint32_t circuit = 0;
        std::string data;
        double value = 0;
        uint32_t quality = GS_QUALITY_GOOD; // gs_quality
    };
    struct Event {
        uint32_t severity = GS_SEVERITY_INFO; // gs_severity
        uint32_t state = GS_EVENT_STATE_INSTANT;
        uint32_t circuit = 0;
        std::string type, source, message; // source "" for a site-wide event
    };

    uint64_t seq = 0;
    int64_t ts_utc_ns = 0;
    std::string source;        // samples: the source
    std::vector<Value> values; // samples
    std::optional<Event> event;

    bool is_event() const { return event.has_value(); }
};

// What a sink did with the entries it was given.
struct Delivery {
    size_t acknowledged = 0; // the leading entries the destination acknowledged (or parked)
    bool failed = false;     // the rest must be sent again later
    std::string error;       // why, for the log
    std::optional<std::chrono::milliseconds> retry_after; // the server's own delay, if any
};

// The destination side of a pump. Called on the pump's thread only.
class JournalSink {
public:
    virtual ~JournalSink() = default;
    // Sends the entries in order; returns how many leading ones are acknowledged. Throwing is
    // a failure with nothing acknowledged.
    virtual Delivery deliver(const std::vector<JournalEntry> &entries) = 0;
    // Called while the pump waits (nothing new, or a backoff), at most `slice` at a time: a
    // sink keeping a connection alive (MQTT keep-alive) services it here. The default sleeps.
    virtual void idle(std::chrono::milliseconds slice) { std::this_thread::sleep_for(slice); }
    // Called once on the pump's thread before it ends (a clean disconnect).
    virtual void close() {}
};

// Reads and commits one named cursor of the journal service.
class JournalCursor {
public:
    JournalCursor(Host host, std::string name) : host_(host), name_(std::move(name)) {}

    // False while the storage does not offer the journal yet (services appear once every plugin
    // started) or has no store open; opens the cursor on first success.
    bool ready() {
        if (opened_) return true;
        if (!journal_) journal_ = host_.service<gs_storage_journal_v1>(GS_STORAGE_JOURNAL_V1);
        if (!journal_) return false;
        gs_status st = journal_->open_cursor(journal_->context, name_.c_str());
        if (st == GS_ERR_STATE) return false;
        if (st != GS_OK) throw Error("journal cursor '" + name_ + "' cannot be opened", st);
        opened_ = true;
        return true;
    }

    // At most max_entries entries after the cursor, in order (the cursor does not move).
    std::vector<JournalEntry> read(uint32_t max_entries) {
        std::vector<JournalEntry> out;
        gs_status st =
            journal_->read(journal_->context, name_.c_str(), max_entries, &collect, &out);
        if (st != GS_OK) throw Error("reading journal cursor '" + name_ + "' failed", st);
        return out;
    }

    // Everything up to seq is delivered (persisted by the storage).
    void commit(uint64_t seq) {
        gs_status st = journal_->commit(journal_->context, name_.c_str(), seq);
        if (st != GS_OK) throw Error("committing journal cursor '" + name_ + "' failed", st);
    }

private:
    static gs_status collect(void *payload, uint64_t seq, const gs_sample_batch *batch,
                             const gs_event *event) {
        auto &out = *static_cast<std::vector<JournalEntry> *>(payload);
        JournalEntry e;
        e.seq = seq;
        if (batch) {
            e.ts_utc_ns = batch->ts_utc_ns;
            e.source = batch->source ? batch->source : "";
            e.values.reserve(batch->value_count);
            for (size_t i = 0; i < batch->value_count; ++i) {
                const gs_value &v = value_at(*batch, i);
                e.values.push_back({v.circuit, v.data ? v.data : "", v.value, v.quality});
            }
        } else if (event) {
            e.ts_utc_ns = event->ts_utc_ns;
            e.event = JournalEntry::Event{event->severity,
                                          event->state,
                                          event->circuit,
                                          event->type ? event->type : "",
                                          event->source ? event->source : "",
                                          event->message ? event->message : ""};
        }
        out.push_back(std::move(e));
        return GS_OK;
    }

    Host host_;
    std::string name_;
    const gs_storage_journal_v1 *journal_ = nullptr;
    bool opened_ = false;
};

struct PumpOptions {
    std::string cursor;                  // the cursor's name: the plugin's id
    uint32_t batch_entries = 500;        // entries read per delivery
    std::chrono::milliseconds poll{250}; // the wait when the journal has nothing new
};

// The delivery thread: cursor -> sink -> commit, with backoff on failure.
class JournalPump {
public:
    // The delay before the next attempt after `failures` (>= 1) consecutive failures.
    using DelayFn = std::function<std::chrono::milliseconds(unsigned failures)>;

    JournalPump(Host host, PumpOptions options, JournalSink &sink, DelayFn delay)
        : host_(host), options_(std::move(options)), cursor_(host, options_.cursor), sink_(sink),
          delay_(std::move(delay)) {}
    ~JournalPump() { stop(); }
    JournalPump(const JournalPump &) = delete;
    JournalPump &operator=(const JournalPump &) = delete;

    void start() {
        stopping_ = false;
        thread_ = std::thread([this] {
#ifdef __linux__
            // Named after the cursor (15 characters at most), so that top and benchmarks can
            // tell the exporter's CPU from the rest of the process.
            pthread_setname_np(pthread_self(), options_.cursor.substr(0, 15).c_str());
#endif
            run();
        });
    }
    void stop() {
        stopping_ = true;
        if (thread_.joinable()) thread_.join();
    }
    // Consecutive failed deliveries so far (0 when delivering fine).
    unsigned failures() const {
        return failures_;
    }

private:
    bool stopping() const {
        return stopping_;
    }
    // Waits `total` in slices handed to the sink's idle(); returns early when stopping.
    void wait(std::chrono::milliseconds total) {
        constexpr std::chrono::milliseconds kSlice{100};
        auto end = std::chrono::steady_clock::now() + total;
        while (!stopping()) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0) return;
            sink_.idle(std::min(left, kSlice));
        }
    }
    void fail(const std::string &error, std::optional<std::chrono::milliseconds> retry_after) {
        ++failures_;
        auto delay = retry_after ? *retry_after : delay_(failures_);
        if (failures_ == 1 || failures_ % 20 == 0)
            host_.warning(options_.cursor + ": " + error + " (attempt " +
                          std::to_string(failures_) + ", next in " + std::to_string(delay.count()) +
                          " ms)");
        wait(delay);
    }
    void run() {
        while (!stopping()) {
            try {
                if (!cursor_.ready()) {
                    wait(options_.poll);
                    continue;
                }
                std::vector<JournalEntry> entries = cursor_.read(options_.batch_entries);
                if (entries.empty()) {
                    wait(options_.poll);
                    continue;
                }
                Delivery d = sink_.deliver(entries);
                size_t done = std::min(d.acknowledged, entries.size());
                if (done > 0) cursor_.commit(entries[done - 1].seq);
                if (d.failed) {
                    fail(d.error, d.retry_after);
                } else {
                    if (failures_ > 0) host_.info(options_.cursor + ": delivering again");
                    failures_ = 0;
                }
            } catch (const std::exception &e) {
                fail(e.what(), std::nullopt);
            }
        }
        try {
            sink_.close();
        } catch (const std::exception &e) {
            host_.warning(options_.cursor + ": " + e.what());
        }
    }

    Host host_;
    PumpOptions options_;
    JournalCursor cursor_;
    JournalSink &sink_;
    DelayFn delay_;
    std::atomic<bool> stopping_{false};
    std::atomic<unsigned> failures_{0};
    std::thread thread_;
};

} // namespace gs

#endif // GRIDSCOPE_JOURNAL_HPP
