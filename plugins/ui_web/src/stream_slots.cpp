#include "stream_slots.hpp"

namespace gs::ui {

StreamSlots::StreamSlots(size_t max_total, size_t max_per_session)
    : max_total_(max_total), max_per_session_(max_per_session) {}

StreamSlots::Slot::~Slot() {
    owner_.release(session_);
}

std::shared_ptr<StreamSlots::Slot> StreamSlots::acquire(const std::string &session_id,
                                                        Refusal *why) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (total_ >= max_total_) {
        *why = Refusal::total;
        return nullptr;
    }
    size_t &mine = per_session_[session_id];
    if (mine >= max_per_session_) {
        *why = Refusal::session;
        return nullptr;
    }
    ++mine;
    ++total_;
    *why = Refusal::none;
    return std::make_shared<Slot>(*this, session_id);
}

void StreamSlots::release(const std::string &session_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    --total_;
    auto it = per_session_.find(session_id);
    if (it != per_session_.end() && --it->second == 0) per_session_.erase(it);
}

size_t StreamSlots::in_use() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return total_;
}

} // namespace gs::ui
