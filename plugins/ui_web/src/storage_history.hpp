// The History API's reads of the storage's query service (gridscope.storage.query/1,
// sdk/include/gridscope/services/storage.h): series names through list_series (kept, listed
// again when an id is not known yet) and buckets through `history`, which a store older than
// that field lacks (struct_size is checked first: then there is no source, and the API
// answers 503).
#ifndef GS_UI_WEB_STORAGE_HISTORY_HPP
#define GS_UI_WEB_STORAGE_HISTORY_HPP

#include "history.hpp"

#include <gridscope/services/storage.h>

#include <functional>

namespace gs::ui {

// `lookup` is asked for the service at each request (nullptr: no storage plugin runs).
HistorySource storage_history(std::function<const gs_storage_query_v1 *()> lookup);

} // namespace gs::ui

#endif
