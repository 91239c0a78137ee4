// What the API asks of the kernel's device discovery (service gridscope.discovery/1,
// services/discovery.h), as functions the unit tests can fake. Empty: no such service here.
#ifndef GS_UI_WEB_DISCOVERY_HPP
#define GS_UI_WEB_DISCOVERY_HPP

#include <gridscope/services/discovery.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>

namespace gs::ui {

struct DiscoveryAnswer {
    int status = 0;       // a gs_status
    std::string message;  // why, when refused
    nlohmann::json state; // status(): {"scan": {...}, "devices": [...]}
};

struct Discovery {
    // {"drivers": [{"id", "settings": [{"key", "description", "default", "integer",
    // "address"}]}]}
    std::function<nlohmann::json()> drivers;
    std::function<DiscoveryAnswer(const std::string &driver,
                                  const std::map<std::string, std::string> &settings)>
        start;
    std::function<DiscoveryAnswer()> status;
    std::function<DiscoveryAnswer()> cancel;

    explicit operator bool() const { return static_cast<bool>(status); }
};

// The functions over the service, looked up until found; without it every call answers
// GS_ERR_STATE (the API's 503).
Discovery discovery_over(std::function<const gs_discovery_service_v1 *()> lookup);

} // namespace gs::ui

#endif
