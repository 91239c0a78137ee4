#include "alarm_engine.hpp"

#include <atomic>
#include <cstddef>
#include <memory>

namespace gs::ui {

namespace {

gs_status keep_text(void *payload, const char *text) {
    *static_cast<std::string *>(payload) = text ? text : "";
    return GS_OK;
}

AlarmAnswer message_answer(gs_status st, const char *message) {
    return {st, message};
}

gs_status keep_file(void *payload, const char *name, const char *data, size_t size) {
    static_cast<std::vector<AlarmEngine::File> *>(payload)->push_back(
        {name ? name : "", std::string(data ? data : "", data ? size : 0)});
    return GS_OK;
}

// An engine built before `query` was appended to the service lacks it.
bool has_query(const gs_alarms_service_v1 *s) {
    return s->struct_size > offsetof(gs_alarms_service_v1, query) && s->query && s->export_csv;
}

} // namespace

AlarmEngine alarm_engine_over(std::function<const gs_alarms_service_v1 *()> lookup) {
    // Looked up until found (the engine plugin may come later, at a reload), then kept: the
    // struct is static data of the alarms library, valid while it is loaded (services/alarms.h).
    auto cached = std::make_shared<std::atomic<const gs_alarms_service_v1 *>>(nullptr);
    auto service = [lookup, cached]() -> const gs_alarms_service_v1 * {
        if (const auto *known = cached->load()) return known;
        const gs_alarms_service_v1 *s = lookup();
        if (!s || s->struct_size < sizeof(gs_alarms_service_v1)) return nullptr;
        cached->store(s);
        return s;
    };
    AlarmEngine e;
    e.list = [service](const std::string &state, int64_t from, int64_t to, bool details) {
        const auto *s = service();
        AlarmAnswer a;
        a.status =
            s ? s->list(s->context, state.c_str(), from, to, details ? 1 : 0, &keep_text, &a.text)
              : GS_ERR_STATE;
        return a;
    };
    e.acknowledge = [service](const std::vector<uint64_t> &ids, const std::string &who,
                              const std::string &comment) {
        const auto *s = service();
        AlarmAnswer a;
        a.status = s ? s->acknowledge(s->context, ids.data(), ids.size(), who.c_str(),
                                      comment.c_str(), &keep_text, &a.text)
                     : GS_ERR_STATE;
        return a;
    };
    e.shelve = [service](uint64_t id, int64_t duration_s, const std::string &who) {
        const auto *s = service();
        char message[512] = "";
        gs_status st =
            s ? s->shelve(s->context, id, duration_s, who.c_str(), message, sizeof message)
              : GS_ERR_STATE;
        return message_answer(st, message);
    };
    e.out_of_service = [service](const std::string &rule, bool out, const std::string &who) {
        const auto *s = service();
        char message[512] = "";
        gs_status st = s ? s->set_out_of_service(s->context, rule.c_str(), out ? 1 : 0, who.c_str(),
                                                 message, sizeof message)
                         : GS_ERR_STATE;
        return message_answer(st, message);
    };
    e.unacked_count = [service]() -> int64_t {
        const auto *s = service();
        return s ? s->unacked_count(s->context) : -1;
    };
    e.revision = [service]() -> uint64_t {
        const auto *s = service();
        return s ? s->revision(s->context) : 0;
    };
    e.query = [service](const std::string &query_json) {
        const auto *s = service();
        if (!s) return AlarmAnswer{GS_ERR_STATE, ""};
        if (!has_query(s)) return AlarmAnswer{GS_ERR_UNSUPPORTED, "the alarm engine has no query"};
        AlarmAnswer a;
        char message[512] = "";
        a.status =
            s->query(s->context, query_json.c_str(), &keep_text, &a.text, message, sizeof message);
        if (a.status != GS_OK) a.text = message;
        return a;
    };
    e.export_files = [service](const std::string &query_json, std::vector<AlarmEngine::File> &out) {
        const auto *s = service();
        if (!s) return AlarmAnswer{GS_ERR_STATE, ""};
        if (!has_query(s)) return AlarmAnswer{GS_ERR_UNSUPPORTED, "the alarm engine has no export"};
        char message[512] = "";
        gs_status st = s->export_csv(s->context, query_json.c_str(), &keep_file, &out, message,
                                     sizeof message);
        return message_answer(st, message);
    };
    return e;
}

} // namespace gs::ui
