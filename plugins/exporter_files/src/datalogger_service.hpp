// gridscope.datalogger/1 (services/datalogger.h): the static service struct, reaching the
// delivery loop made current by the plugin's start (none: every call answers GS_ERR_STATE).
#pragma once

#include "delivery_loop.hpp"

#include <gridscope/services/datalogger.h>

namespace gs::exporter {

const gs_datalogger_service_v1 *datalogger_service();
// Waits for calls in progress when it replaces the loop: after make_current(nullptr) returns,
// no call reaches the old one.
void make_current(DeliveryLoop *loop);

} // namespace gs::exporter
