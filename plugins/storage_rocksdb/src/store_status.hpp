// The gs_status of a store::StoreError, by its code (services/storage.h lists what each
// status means to a caller). The hook of gs::guarded for the storage plugin.
#pragma once

#include <gridscope/plugin.h>

#include <exception>

namespace gs::storage {

// GS_OK when `e` is not a store::StoreError (gs::guarded then applies its default).
gs_status store_status_of(const std::exception &e) noexcept;

} // namespace gs::storage
