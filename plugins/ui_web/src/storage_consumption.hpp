// The Consumption API's reads of the storage's query service (gridscope.storage.query/1): each
// load's consumption per bucket through libs/consumption's reader (from_storage.hpp), the one
// the CLI uses.
#ifndef GS_UI_WEB_STORAGE_CONSUMPTION_HPP
#define GS_UI_WEB_STORAGE_CONSUMPTION_HPP

#include "consumption_api.hpp"

#include <gridscope/services/storage.h>

#include <functional>

namespace gs::ui {

// `lookup` is asked for the service at each request (nullptr: no storage plugin runs).
ConsumptionSource storage_consumption(std::function<const gs_storage_query_v1 *()> lookup);

} // namespace gs::ui

#endif
