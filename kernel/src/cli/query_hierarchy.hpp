// gridscope query --consumption --hierarchy NAME (--node NAME | --by usage): a node's (or the
// hierarchy's root's) consumption per bucket with its parts, as JSON (docs/consumption.md).
#pragma once

#include "cli/args.hpp"
#include "site/model.hpp"

#include <gridscope/services/storage.h>

#include <string>

namespace gs::kernel {

// Prints the answer on stdout; returns GS_OK, or the store's failing status. Throws UsageError
// for an unknown hierarchy or node.
gs_status query_hierarchy(const Args &args, const SiteModel &site, const gs_storage_query_v1 &q,
                          int32_t step, int64_t from_utc_ns, int64_t to_utc_ns);

} // namespace gs::kernel
