// gridscope.config/1 (sdk services/config.h) as `run` offers it: plugin threads hand their
// request to the kernel thread (the one that takes SIGHUP reloads) and wait for its answer, so
// that a save is checked and put in force by the one reload path (Runtime::reload) and never
// races a SIGHUP or a declaration.
#pragma once

#include "runtime/runtime.hpp"
#include "site/loader.hpp"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace gs::kernel {

class ConfigDesk {
public:
    // Offers the service through `runtime` until close() or destruction. [kernel-thread]
    ConfigDesk(Runtime &runtime, std::string site_file, LoadOptions options);
    ~ConfigDesk();
    ConfigDesk(const ConfigDesk &) = delete;
    ConfigDesk &operator=(const ConfigDesk &) = delete;

    // [kernel-thread] Answers the requests waiting; `run` calls it between signals.
    void serve();
    // Stops offering: waiting callers get GS_ERR_STATE. Before the runtime stops (a UI that
    // stops waits for its request threads).
    void close();

    // The service's work, callable directly on the kernel thread (tests, serve()).
    gs_status get(std::string &reply);
    gs_status validate(const std::string &request, std::string &reply);
    // `answered` is called once the outcome is known, before a taken save is put in force.
    gs_status save(const std::string &request, std::string &reply,
                   const std::function<void(gs_status, const std::string &)> &answered);
    gs_status restore(const std::string &archive, std::string &reply,
                      const std::function<void(gs_status, const std::string &)> &answered);

private:
    enum class Kind { get, validate, save, restore };
    struct Request {
        Kind kind;
        std::string input;
        gs_status status = GS_ERR_STATE;
        std::string reply;
        bool started = false, done = false, abandoned = false;
    };
    gs_status call(Kind kind, std::string input, gs_text_fn on_json, void *payload);
    void run(Request &request);
    void finish(Request &request, gs_status status, const std::string &reply);

    static gs_status get_thunk(void *context, gs_text_fn on_json, void *payload);
    static gs_status validate_thunk(void *context, const char *request, gs_text_fn on_json,
                                    void *payload);
    static gs_status save_thunk(void *context, const char *request, gs_text_fn on_json,
                                void *payload);
    static gs_status restore_thunk(void *context, const void *archive, size_t size,
                                   gs_text_fn on_json, void *payload);

    Runtime &runtime_;
    std::string file_;
    LoadOptions options_;
    gs_config_service_v1 service_;
    const std::thread::id kernel_thread_ = std::this_thread::get_id();
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::shared_ptr<Request>> queue_;
    bool closed_ = false;
};

} // namespace gs::kernel
