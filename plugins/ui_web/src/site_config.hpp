// What the configuration API asks of the kernel (gridscope.config/1, services/config.h), as
// functions the unit tests can fake. Empty: the site runs under a host that offers no service
// (the API's 503).
#ifndef GS_UI_WEB_SITE_CONFIG_HPP
#define GS_UI_WEB_SITE_CONFIG_HPP

#include "alarm_engine.hpp" // AlarmAnswer: a gs_status and the JSON text

#include <gridscope/services/config.h>

#include <functional>
#include <string>

namespace gs::ui {

struct SiteConfig {
    std::function<AlarmAnswer()> get;                                // {"version", "site"}
    std::function<AlarmAnswer(const std::string &request)> validate; // {"errors", "warnings"}
    std::function<AlarmAnswer(const std::string &request)> save;     // {"version"} or errors
    std::function<AlarmAnswer(const std::string &zip)> restore;      // {"version"} or errors
    // The configuration backup's bytes (site_files/backup.hpp); throws when a file is unreadable.
    std::function<std::string()> backup;

    explicit operator bool() const { return static_cast<bool>(get); }
};

// The functions over the kernel's service, looked up at each call (the kernel stops offering
// it while it stops); without it they answer GS_ERR_STATE.
// `backup` makes the archive of the site file and data dir (gridscope.runtime/1's).
SiteConfig site_config_over(std::function<const gs_config_service_v1 *()> lookup,
                            std::function<std::string()> backup);

} // namespace gs::ui

#endif
