// The sample and event bus: producers publish (the bus copies), each consuming instance gets
// its own queue and thread, so a slow consumer never blocks the producers or the others.
#pragma once

#include <gridscope/plugin.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace gs::kernel {

struct OwnedValue {
    uint32_t circuit;
    std::string data;
    double value;
    uint32_t quality;
    int32_t detail;
};

struct OwnedBatch {
    std::string source;
    int64_t ts_utc_ns = 0;
    std::vector<OwnedValue> values;
    static OwnedBatch copy_of(const gs_sample_batch &batch);
};

struct OwnedEvent {
    std::string type;
    std::string source;
    std::string message;
    uint32_t circuit = 0;
    uint32_t severity = GS_SEVERITY_INFO;
    uint32_t state = GS_EVENT_STATE_INSTANT;
    int64_t ts_utc_ns = 0;
    static OwnedEvent copy_of(const gs_event &event);
    gs_event view() const; // borrows this event's strings
};

using BusMessage =
    std::variant<std::shared_ptr<const OwnedBatch>, std::shared_ptr<const OwnedEvent>>;

// Builds the C view of a batch; the view borrows `batch` and this object.
class BatchView {
public:
    explicit BatchView(const OwnedBatch &batch);
    const gs_sample_batch &get() const { return view_; }

private:
    std::vector<gs_value> values_;
    gs_sample_batch view_{};
};

struct ConsumerOptions {
    std::string name;
    size_t capacity = 4096;
    // Lossless consumers (storage) make publish() answer RETRY_LATER when full; lossy ones
    // (live views) drop their oldest message instead.
    bool lossless = false;
    std::function<gs_status(const OwnedBatch &)> on_batch;
    std::function<gs_status(const OwnedEvent &)> on_event;
};

class Bus {
public:
    Bus() = default;
    ~Bus();
    Bus(const Bus &) = delete;
    Bus &operator=(const Bus &) = delete;

    // Before or after start(); a consumer added to a started bus starts at once.
    void add_consumer(ConsumerOptions options);
    void start();
    // How long a stop waits for the consumers to take what is queued (a storage answering
    // RETRY_LATER backs off up to 5 s per try).
    static constexpr std::chrono::milliseconds kDrainLimit{15000};
    // Waits (at most `limit`) until every consumer that is not paused has taken all it was
    // given, including what consumers publish while taking it (the alarm engine's events on
    // the last samples). False, logged, when `limit` passed first (a storage that keeps
    // answering RETRY_LATER).
    bool drain(std::chrono::milliseconds limit = kDrainLimit);
    // Drains (bounded), delivers what is still queued, then stops the consumer threads.
    void stop();

    // For a reload that replaces a consuming instance without losing what is published
    // meanwhile: pause() returns once the message in hand is delivered; later messages wait in
    // the queue (still bounded: a full lossless queue answers RETRY_LATER). resume() delivers
    // them through `options`' callbacks; a name the bus does not know is added. With
    // `deliver` false the callbacks are swapped but the consumer stays paused (its instance
    // did not start: what was held waits for a later resume).
    void pause(const std::string &name);
    void resume(ConsumerOptions options, bool deliver = true);
    // Delivers what `name` has queued (even if paused), then removes it.
    void remove(const std::string &name);

    gs_status publish(const gs_sample_batch &batch);
    gs_status publish(const gs_event &event);
    gs_status publish(BusMessage message);

    uint64_t dropped() const { return dropped_.load(); }

private:
    struct Consumer {
        ConsumerOptions options;
        std::mutex mutex;
        std::condition_variable wake;
        std::deque<BusMessage> queue;
        bool stopping = false;
        bool paused = false;
        bool busy = false; // a callback is running
        std::condition_variable idle;
        std::thread thread;
    };
    void run(Consumer &c);
    Consumer *find(const std::string &name);
    void start_thread(Consumer &c);

    std::vector<std::unique_ptr<Consumer>> consumers_;
    // Makes "all lossless queues have room, then push" atomic; held to change consumers_.
    std::mutex publish_mutex_;
    std::atomic<uint64_t> dropped_{0};
    bool started_ = false;
};

} // namespace gs::kernel
