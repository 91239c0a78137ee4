#include "site_reload.hpp"

#include <utility>

namespace gs::ui {

std::vector<LiveTable::SourceSpec> live_specs(const SiteModel &model) {
    std::vector<LiveTable::SourceSpec> specs;
    for (const auto &s : model.sources) {
        LiveTable::SourceSpec spec{s.name, s.period_ms, {}};
        if (const auto *p = model.profile_of(s))
            for (const auto &pt : p->data)
                spec.expected.emplace_back(pt.circuit, pt.data);
        specs.push_back(std::move(spec));
    }
    return specs;
}

std::shared_ptr<ApiGeneration> CurrentApi::get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
}

std::shared_ptr<ApiGeneration> CurrentApi::replace(std::shared_ptr<ApiGeneration> next) {
    std::shared_ptr<ApiGeneration> previous;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        previous = std::exchange(current_, std::move(next));
        ++serial_;
    }
    replaced_.notify_all();
    if (previous) previous->retired.store(true);
    return previous;
}

uint64_t CurrentApi::serial() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return serial_;
}

bool CurrentApi::wait_newer(uint64_t serial, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    replaced_.wait_for(lock, timeout, [&] { return serial_ > serial || closed_; });
    return serial_ > serial;
}

bool CurrentApi::closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
}

void CurrentApi::close() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
    }
    replaced_.notify_all();
}

} // namespace gs::ui
