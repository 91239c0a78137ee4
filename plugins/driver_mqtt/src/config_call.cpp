#include "config_call.hpp"

#include <chrono>
#include <thread>

namespace gs::hub {
namespace {
gs_status keep_text(void *payload, const char *text) {
    *static_cast<std::string *>(payload) = text ? text : "";
    return GS_OK;
}
} // namespace

std::shared_ptr<ConfigCall> ConfigCall::save(const gs_config_service_v1 &config,
                                             std::string request) {
    auto call = std::make_shared<ConfigCall>();
    std::thread([service = &config, request = std::move(request), call] {
        std::string reply;
        gs_status st = service->save(service->context, request.c_str(), &keep_text, &reply);
        std::lock_guard<std::mutex> lock(call->mutex_);
        call->status_ = st;
        call->reply_ = std::move(reply);
        call->answered_ = true;
        call->changed_.notify_all();
    }).detach();
    return call;
}

bool ConfigCall::wait(gs_status &status, std::string &reply) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return answered_ || abandoned_; });
    if (!answered_) return false;
    status = status_;
    reply = reply_;
    return true;
}

void ConfigCall::abandon() {
    std::lock_guard<std::mutex> lock(mutex_);
    abandoned_ = true;
    changed_.notify_all();
}

bool ConfigCall::wait_answered(int ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return answered_; });
}

} // namespace gs::hub
