// What the API asks of the alarm engine (the alarms plugin's gridscope.alarms/1 service,
// services/alarms.h), as functions the unit tests can fake. Empty: no engine on this site.
#ifndef GS_UI_WEB_ALARM_ENGINE_HPP
#define GS_UI_WEB_ALARM_ENGINE_HPP

#include <gridscope/services/alarms.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gs::ui {

struct AlarmAnswer {
    int status = 0;   // a gs_status
    std::string text; // the JSON answer when GS_OK, else why not
};

struct AlarmEngine {
    std::function<AlarmAnswer(const std::string &state, int64_t from_utc_ns, int64_t to_utc_ns,
                              bool details)>
        list; // text: the JSON array of records
    std::function<AlarmAnswer(const std::vector<uint64_t> &ids, const std::string &who,
                              const std::string &comment)>
        acknowledge; // text: {"acknowledged", "already", "unknown"}
    std::function<AlarmAnswer(uint64_t id, int64_t duration_s, const std::string &who)>
        shelve; // duration 0: unshelve
    std::function<AlarmAnswer(const std::string &rule, bool out, const std::string &who)>
        out_of_service;
    std::function<int64_t()> unacked_count; // the banner's count; -1 when not running
    std::function<uint64_t()> revision;     // changes at every change of the records
    // The Alarms and events page (services/alarms.h `query`): text is the page's JSON, or why
    // the query was refused (GS_ERR_INVALID_ARG). GS_ERR_UNSUPPORTED: an engine without it.
    std::function<AlarmAnswer(const std::string &query_json)> query;
    // The export (`export_csv`): the files, name -> bytes, in the order given.
    struct File {
        std::string name, data;
    };
    std::function<AlarmAnswer(const std::string &query_json, std::vector<File> &files)>
        export_files;

    explicit operator bool() const { return static_cast<bool>(list); }
};

// The functions over the service (which stays valid while the alarms plugin is loaded), looked
// up at each call; without it they answer GS_ERR_STATE (the API's 503) and a count of -1.
AlarmEngine alarm_engine_over(std::function<const gs_alarms_service_v1 *()> lookup);

} // namespace gs::ui

#endif
