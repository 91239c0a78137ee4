// A save through the kernel's gridscope.config/1 that its caller may stop waiting for. The
// service's save waits (up to the kernel's 8 s) for the kernel thread to take it; when that
// thread is busy stopping this very driver (a reload from a browser save or a SIGHUP while a
// learn is queued), a Learner joined by stop() would hold the stop that long. So the blocking
// call runs on a thread of its own, and abandon() lets the waiting caller go at once: the
// driver forgets the save (the box's retained description is learned again by the next driver).
// The kernel still answers the queued request: refused as a conflict when the file changed
// meanwhile, else taken after the reload, writing what was learned (never a stale file: the
// request carries the version it was merged on). The call's thread touches only the service and
// its own shared state, never the driver, so it may outlive the driver.
#pragma once

#include <gridscope/services/config.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace gs::hub {

class ConfigCall {
public:
    // Starts `config`'s save of `request` on a thread of its own.
    static std::shared_ptr<ConfigCall> save(const gs_config_service_v1 &config,
                                            std::string request);

    // Waits until the save is answered (true, with `status` and `reply`) or abandoned (false).
    bool wait(gs_status &status, std::string &reply);
    // Lets wait() return false at once; the save itself goes on.
    void abandon();
    // Waits at most `ms` for the service's answer (the driver's last stop: the service is closed
    // and answers at once; its struct must not be used after the run). True when answered.
    bool wait_answered(int ms);

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool answered_ = false, abandoned_ = false;
    gs_status status_ = GS_ERR_STATE;
    std::string reply_;
};

} // namespace gs::hub
