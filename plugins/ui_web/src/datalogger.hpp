// What the API asks of the Datalogger (exporter_files's gridscope.datalogger/1 service,
// services/datalogger.h), as functions the unit tests can fake. Empty: no exporter on this site.
#ifndef GS_UI_WEB_DATALOGGER_HPP
#define GS_UI_WEB_DATALOGGER_HPP

#include "alarm_engine.hpp" // AlarmAnswer: a gs_status and the JSON text (or why not)

#include <gridscope/services/datalogger.h>

#include <functional>
#include <string>

namespace gs::ui {

struct Datalogger {
    std::function<AlarmAnswer()> status;                          // the page's state (no password)
    std::function<AlarmAnswer(const std::string &type)> send_now; // "" = every plan
    std::function<AlarmAnswer()> test_connection;

    explicit operator bool() const { return static_cast<bool>(status); }
};

// The functions over the service, looked up until found (the struct is static data of the
// exporter's library); without it they answer GS_ERR_STATE (the API's 503).
Datalogger datalogger_over(std::function<const gs_datalogger_service_v1 *()> lookup);

} // namespace gs::ui

#endif
