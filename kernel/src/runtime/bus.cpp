#include "runtime/bus.hpp"

#include "runtime/log.hpp"

#include <chrono>

namespace gs::kernel {

OwnedBatch OwnedBatch::copy_of(const gs_sample_batch &batch) {
    OwnedBatch out;
    out.source = batch.source ? batch.source : "";
    out.ts_utc_ns = batch.ts_utc_ns;
    out.values.reserve(batch.value_count);
    for (size_t i = 0; i < batch.value_count; ++i) {
        const auto &v = *reinterpret_cast<const gs_value *>(
            reinterpret_cast<const char *>(batch.values) + i * batch.value_stride);
        out.values.push_back({v.circuit, v.data ? v.data : "", v.value, v.quality, v.detail});
    }
    return out;
}

OwnedEvent OwnedEvent::copy_of(const gs_event &e) {
    OwnedEvent out;
    out.type = e.type ? e.type : "";
    out.source = e.source ? e.source : "";
    out.message = e.message ? e.message : "";
    out.circuit = e.circuit;
    out.severity = e.severity;
    out.state = e.state;
    out.ts_utc_ns = e.ts_utc_ns;
    return out;
}

gs_event OwnedEvent::view() const {
    return gs_event{sizeof(gs_event),
                    severity,
                    ts_utc_ns,
                    type.c_str(),
                    source.empty() ? nullptr : source.c_str(),
                    circuit,
                    state,
                    message.c_str()};
}

BatchView::BatchView(const OwnedBatch &batch) {
    values_.reserve(batch.values.size());
    for (const auto &v : batch.values)
        values_.push_back(
            gs_value{sizeof(gs_value), v.circuit, v.data.c_str(), v.value, v.quality, v.detail});
    view_ = gs_sample_batch{sizeof(gs_sample_batch), 0,
                            batch.source.c_str(),    batch.ts_utc_ns,
                            values_.data(),          values_.size(),
                            sizeof(gs_value)};
}

Bus::~Bus() {
    stop();
}

void Bus::add_consumer(ConsumerOptions options) {
    auto c = std::make_unique<Consumer>();
    c->options = std::move(options);
    Consumer &added = *c;
    {
        std::lock_guard<std::mutex> lock(publish_mutex_);
        consumers_.push_back(std::move(c));
    }
    if (started_) start_thread(added);
}

void Bus::start_thread(Consumer &c) {
    c.thread = std::thread([this, &c] { run(c); });
}

void Bus::start() {
    if (started_) return;
    started_ = true;
    for (auto &c : consumers_)
        start_thread(*c);
}

bool Bus::drain(std::chrono::milliseconds limit) {
    if (!started_) return true; // nobody takes anything yet
    const auto end = std::chrono::steady_clock::now() + limit;
    for (;;) {
        bool idle = true;
        {
            // Nobody publishes during the look (publish takes this lock): idle consumers with
            // empty queues, all at this one moment, mean the bus is drained.
            std::lock_guard<std::mutex> publish_lock(publish_mutex_);
            for (auto &c : consumers_) {
                std::lock_guard<std::mutex> lock(c->mutex);
                if (!c->paused && (c->busy || !c->queue.empty())) {
                    idle = false;
                    break;
                }
            }
        }
        if (idle) return true;
        if (std::chrono::steady_clock::now() >= end) {
            log_line(GS_LOG_WARNING, "kernel",
                     "the bus did not drain in " + std::to_string(limit.count()) +
                         " ms: messages are still queued");
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void Bus::stop() {
    if (!started_) return;
    // Each consumer thread ends once its queue is empty: without this, one could end before
    // another hands it what it publishes while taking its last messages.
    drain();
    for (auto &c : consumers_) {
        std::lock_guard<std::mutex> lock(c->mutex);
        c->stopping = true;
        c->paused = false; // stopping delivers what is queued
        c->wake.notify_all();
    }
    for (auto &c : consumers_)
        if (c->thread.joinable()) c->thread.join();
    started_ = false;
}

Bus::Consumer *Bus::find(const std::string &name) {
    for (auto &c : consumers_)
        if (c->options.name == name) return c.get();
    return nullptr;
}

void Bus::pause(const std::string &name) {
    Consumer *c = find(name);
    if (!c) return;
    std::unique_lock<std::mutex> lock(c->mutex);
    c->paused = true;
    c->idle.wait(lock, [&] { return !c->busy; });
}

void Bus::resume(ConsumerOptions options, bool deliver) {
    Consumer *c = find(options.name);
    if (!c) {
        std::string name = options.name;
        add_consumer(std::move(options));
        if (!deliver) pause(name);
        return;
    }
    std::lock_guard<std::mutex> lock(c->mutex);
    // Paused and idle: the consumer thread reads no callback now.
    c->options.on_batch = std::move(options.on_batch);
    c->options.on_event = std::move(options.on_event);
    c->paused = !deliver;
    c->wake.notify_all();
}

void Bus::remove(const std::string &name) {
    std::unique_ptr<Consumer> gone;
    {
        std::lock_guard<std::mutex> lock(publish_mutex_);
        for (auto it = consumers_.begin(); it != consumers_.end(); ++it)
            if ((*it)->options.name == name) {
                gone = std::move(*it);
                consumers_.erase(it);
                break;
            }
    }
    if (!gone) return;
    {
        std::lock_guard<std::mutex> lock(gone->mutex);
        gone->stopping = true;
        gone->paused = false;
        gone->wake.notify_all();
    }
    if (gone->thread.joinable()) gone->thread.join();
}

gs_status Bus::publish(const gs_sample_batch &batch) {
    return publish(std::make_shared<const OwnedBatch>(OwnedBatch::copy_of(batch)));
}

gs_status Bus::publish(const gs_event &event) {
    return publish(std::make_shared<const OwnedEvent>(OwnedEvent::copy_of(event)));
}

gs_status Bus::publish(BusMessage message) {
    std::lock_guard<std::mutex> publish_lock(publish_mutex_);
    for (auto &c : consumers_) {
        if (!c->options.lossless) continue;
        std::lock_guard<std::mutex> lock(c->mutex);
        if (c->queue.size() >= c->options.capacity) return GS_ERR_RETRY_LATER;
    }
    for (auto &c : consumers_) {
        std::lock_guard<std::mutex> lock(c->mutex);
        if (c->queue.size() >= c->options.capacity) { // lossy: drop the oldest
            c->queue.pop_front();
            ++dropped_;
        }
        c->queue.push_back(message);
        c->wake.notify_one();
    }
    return GS_OK;
}

void Bus::run(Consumer &c) {
    auto backoff = std::chrono::milliseconds(50);
    while (true) {
        BusMessage message;
        {
            std::unique_lock<std::mutex> lock(c.mutex);
            c.wake.wait(lock, [&] { return c.stopping || (!c.paused && !c.queue.empty()); });
            if (c.queue.empty()) return; // stopping and drained
            message = std::move(c.queue.front());
            c.queue.pop_front();
            c.busy = true;
        }
        gs_status st = GS_OK;
        if (auto *batch = std::get_if<std::shared_ptr<const OwnedBatch>>(&message)) {
            if (c.options.on_batch) st = c.options.on_batch(**batch);
        } else if (c.options.on_event) {
            st = c.options.on_event(*std::get<std::shared_ptr<const OwnedEvent>>(message));
        }
        std::unique_lock<std::mutex> lock(c.mutex);
        c.busy = false;
        if (c.paused) c.idle.notify_all(); // only pause() waits for a delivery to end
        if (st == GS_ERR_RETRY_LATER && !c.stopping) {
            // Keep the message and offer it again, backing off up to 5 s.
            c.queue.push_front(std::move(message));
            c.wake.wait_for(lock, backoff, [&] { return c.stopping; });
            backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
            continue;
        }
        backoff = std::chrono::milliseconds(50);
        if (st != GS_OK && st != GS_ERR_RETRY_LATER)
            log_line(GS_LOG_WARNING, c.options.name,
                     "a message was refused (status " + std::to_string(st) + ")");
    }
}

} // namespace gs::kernel
