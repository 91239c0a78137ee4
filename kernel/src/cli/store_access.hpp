// The site's store, reached through the storage plugin and its query service, for the
// commands that work on stored data (`gridscope query`, `import`). Nothing but the storage
// plugin runs; it is found by its kind (the one the site's plugins section names, else the
// only one installed).
#pragma once

#include "cli/commands.hpp"
#include "runtime/runtime.hpp"

#include <gridscope/services/storage.h>

#include <memory>
#include <stdexcept>

namespace gs::kernel {

struct StoreAccess {
    PluginRegistry registry;
    std::string storage_id; // the storage plugin found by its kind
    std::unique_ptr<Runtime> runtime;
    Instance *storage = nullptr;
    const gs_storage_query_v1 *query = nullptr;
};

// Loads the site, starts only its storage plugin (read-only: as a secondary that works while
// the site runs). Throws ConfigFailure / std::runtime_error with a clear message.
void open_store(StoreAccess &access, const Args &args, const std::string &site_file,
                bool read_only);
// The two halves of open_store: load the site and build the runtime, then start it.
void prepare_store(StoreAccess &access, const Args &args, const std::string &site_file,
                   bool read_only);
void start_store(StoreAccess &access);

// The folder of the storage's import spool, as the storage plugin answers it (services/
// storage.h `import_spool`; created, not necessarily started). Throws std::runtime_error.
std::string import_spool_folder(const StoreAccess &access);

// start_store's failure when another process holds the store: the storage's start answered
// GS_ERR_STORAGE_IN_USE (services/storage.h: a running site; the import spool reaches it).
class StoreInUse : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace gs::kernel
