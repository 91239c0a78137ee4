#include "datalogger_service.hpp"

#include <exception>
#include <mutex>

namespace gs::exporter {

namespace {

std::mutex current_mutex; // held by every call: the loop cannot go away under one
DeliveryLoop *current = nullptr;

template <class Work> gs_status with_loop(gs_text_fn on_json, void *payload, Work work) {
    if (!on_json) return GS_ERR_INVALID_ARG;
    try {
        std::lock_guard<std::mutex> guard(current_mutex);
        if (!current) {
            on_json(payload, "the Datalogger is not running");
            return GS_ERR_STATE;
        }
        std::string text;
        gs_status st = work(*current, text);
        on_json(payload, text.c_str());
        return st;
    } catch (const std::exception &e) { // nothing crosses the C ABI
        on_json(payload, e.what());
        return GS_ERR_FAILED;
    }
}

gs_status status(void *, gs_text_fn on_json, void *payload) {
    return with_loop(on_json, payload, [](DeliveryLoop &loop, std::string &text) {
        text = loop.status_json();
        return GS_OK;
    });
}

gs_status send_now(void *, const char *type, gs_text_fn on_json, void *payload) {
    return with_loop(on_json, payload, [type](DeliveryLoop &loop, std::string &text) {
        return loop.send_now(type ? type : "", text);
    });
}

gs_status test_connection(void *, gs_text_fn on_json, void *payload) {
    return with_loop(on_json, payload, [](DeliveryLoop &loop, std::string &text) {
        return loop.test_connection(text);
    });
}

const gs_datalogger_service_v1 kService = {
    sizeof(gs_datalogger_service_v1), 0, nullptr, &status, &send_now, &test_connection};

} // namespace

const gs_datalogger_service_v1 *datalogger_service() {
    return &kService;
}

void make_current(DeliveryLoop *loop) {
    std::lock_guard<std::mutex> guard(current_mutex);
    current = loop;
}

} // namespace gs::exporter
