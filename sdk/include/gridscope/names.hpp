/* gridscope — names of the ABI's enumerations (quality, severity, event state) as exported
 * payloads, the CLI and logs spell them. Header-only C++ over plugin.h. */
#ifndef GRIDSCOPE_NAMES_HPP
#define GRIDSCOPE_NAMES_HPP

#include <gridscope/plugin.h>

#include <cstdint>

namespace gs {

// Names of the enumerations in exported payloads (MQTT JSON, line-protocol tags).
inline const char *quality_name(uint32_t quality) {
    switch (quality) {
    case GS_QUALITY_GOOD:
        return "good";
    case GS_QUALITY_TIMEOUT:
        return "timeout";
    case GS_QUALITY_EXCEPTION:
        return "exception";
    case GS_QUALITY_DISCONNECTED:
        return "disconnected";
    case GS_QUALITY_BAD_RESPONSE:
        return "bad_response";
    default:
        return "invalid";
    }
}
inline const char *severity_name(uint32_t severity) {
    switch (severity) {
    case GS_SEVERITY_INFO:
        return "info";
    case GS_SEVERITY_LOW:
        return "low";
    case GS_SEVERITY_MEDIUM:
        return "medium";
    case GS_SEVERITY_HIGH:
        return "high";
    default:
        return "invalid";
    }
}
inline const char *event_state_name(uint32_t state) {
    switch (state) {
    case GS_EVENT_STATE_INSTANT:
        return "instant";
    case GS_EVENT_STATE_ACTIVE:
        return "active";
    case GS_EVENT_STATE_FINISHED:
        return "finished";
    case GS_EVENT_STATE_ACKNOWLEDGED:
        return "acknowledged";
    default:
        return "invalid";
    }
}

} // namespace gs

#endif
