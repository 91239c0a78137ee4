// The site's store, reached through the storage plugin and its query service, for the
// commands that work on stored data (`gridscope query`, `import`). Nothing but the storage
// plugin runs.
#pragma once

#include "cli/commands.hpp"
#include "runtime/runtime.hpp"

#include <gridscope/services/storage.h>

#include <memory>

namespace gs::kernel {

struct StoreAccess {
    PluginRegistry registry;
    std::string data_dir;
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

// The folder the storage plugin opens: its `path` (default "store"), below the data dir when
// relative — as the plugin resolves it.
std::string store_folder(const StoreAccess &access);

extern const char *const kStoragePlugin; // "storage_rocksdb"

} // namespace gs::kernel
