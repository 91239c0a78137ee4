// Bounds on open live streams. CivetWeb serves each connection on one of its worker threads
// and a server-sent-events stream keeps its thread for as long as it is open, so streams are
// counted: at most `max_total` at once and `max_per_session` per session. The rest of the
// threads stay free for requests (num_threads must leave room; see plugin.cpp).
#ifndef GS_UI_WEB_STREAM_SLOTS_HPP
#define GS_UI_WEB_STREAM_SLOTS_HPP

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gs::ui {

class StreamSlots {
public:
    StreamSlots(size_t max_total, size_t max_per_session);

    // Held by an open stream; gives its place back when destroyed.
    class Slot {
    public:
        Slot(StreamSlots &owner, std::string session)
            : owner_(owner), session_(std::move(session)) {}
        ~Slot();
        Slot(const Slot &) = delete;
        Slot &operator=(const Slot &) = delete;

    private:
        StreamSlots &owner_;
        std::string session_;
    };

    enum class Refusal { none, total, session };
    // A slot, or nullptr with `why` set when a limit is reached.
    std::shared_ptr<Slot> acquire(const std::string &session_id, Refusal *why);
    size_t in_use() const;
    size_t max_total() const { return max_total_; }
    size_t max_per_session() const { return max_per_session_; }

private:
    void release(const std::string &session_id);

    size_t max_total_, max_per_session_;
    mutable std::mutex mutex_;
    size_t total_ = 0;
    std::unordered_map<std::string, size_t> per_session_;
};

} // namespace gs::ui

#endif
