#include "store_status.hpp"

#include "core/types.hpp"

#include <gridscope/services/storage.h>

namespace gs::storage {

gs_status store_status_of(const std::exception &e) noexcept {
    const auto *store_error = dynamic_cast<const store::StoreError *>(&e);
    if (!store_error) return GS_OK;
    switch (store_error->code()) {
    case store::StoreErrc::unknown_series:
    case store::StoreErrc::unknown_cursor:
    case store::StoreErrc::no_store:
        return GS_ERR_NOT_FOUND;
    case store::StoreErrc::read_only:
        return GS_ERR_UNSUPPORTED;
    case store::StoreErrc::invalid_argument:
        return GS_ERR_INVALID_ARG;
    case store::StoreErrc::in_use:
        return GS_ERR_STORAGE_IN_USE;
    case store::StoreErrc::failed:
        break;
    }
    return GS_ERR_FAILED;
}

} // namespace gs::storage
