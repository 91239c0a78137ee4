#include "cli/store_access.hpp"

#include <gridscope/services/storage.h>

#include <stdexcept>

namespace gs::kernel {

namespace {

// The storage the site uses: the one its plugins section names, else the only one installed.
std::string storage_of(const PluginRegistry &registry, const SiteModel &site) {
    std::vector<std::string> installed;
    for (const auto &plugin : registry.all())
        if (plugin->kind == GS_KIND_STORAGE) {
            if (site.plugins.count(plugin->id)) return plugin->id;
            installed.push_back(plugin->id);
        }
    if (installed.empty()) throw std::runtime_error("the storage plugin is not installed");
    if (installed.size() > 1) {
        std::string names;
        for (const auto &id : installed)
            names += (names.empty() ? "" : ", ") + id;
        throw std::runtime_error("several storage plugins are installed (" + names +
                                 "): name the site's in its plugins section");
    }
    return installed.front();
}

} // namespace

void open_store(StoreAccess &access, const Args &args, const std::string &site_file,
                bool read_only) {
    prepare_store(access, args, site_file, read_only);
    start_store(access);
}

void prepare_store(StoreAccess &access, const Args &args, const std::string &site_file,
                   bool read_only) {
    CommonOptions common = CommonOptions::from(args);
    common.load_plugins(access.registry);
    SiteModel site = load_site(site_file, common.load_options());
    access.storage_id = storage_of(access.registry, site);
    auto &section = site.plugins[access.storage_id];
    section.id = access.storage_id;
    section.node =
        section.node.IsMap() ? YAML::Clone(section.node) : YAML::Node(YAML::NodeType::Map);
    if (read_only) section.node["read_only"] = true;
    RuntimeOptions ro;
    ro.data_dir = args.get("--data-dir", "gridscope-data");
    ro.share_dir = common.share_dir;
    ro.only = {access.storage_id};
    access.runtime = std::make_unique<Runtime>(std::move(site), access.registry, ro);
    Diagnostics diag;
    access.runtime->build(diag);
    if (!diag.empty()) throw ConfigFailure(diag);
    access.storage = access.runtime->instance_of(access.storage_id);
    if (!access.storage) throw std::runtime_error("the storage plugin is not installed");
}

void start_store(StoreAccess &access) {
    access.runtime->start();
    if (!access.storage->started) {
        std::string why = access.runtime->last_start_error(access.storage_id);
        // The storage's answer for a store another process holds (ABI: a transient failure).
        if (access.runtime->last_start_status(access.storage_id) == GS_ERR_STORAGE_IN_USE)
            throw StoreInUse(why);
        throw std::runtime_error(why);
    }
    access.query =
        static_cast<const gs_storage_query_v1 *>(access.runtime->service(GS_STORAGE_QUERY_V1));
    if (!access.query) throw std::runtime_error("the storage plugin offers no query service");
}

std::string import_spool_folder(const StoreAccess &access) {
    const auto *query =
        static_cast<const gs_storage_query_v1 *>(access.runtime->service(GS_STORAGE_QUERY_V1));
    if (!query || !GS_HAS_FIELD(query, gs_storage_query_v1, import_spool) || !query->import_spool)
        throw std::runtime_error("the storage plugin '" + access.storage_id +
                                 "' has no import spool");
    std::vector<char> folder(4096);
    gs_status st = query->import_spool(query->context, folder.data(), folder.size());
    if (st != GS_OK)
        throw std::runtime_error(
            access.storage->host->take_error("the storage plugin gives no import spool folder"));
    return std::string(folder.data());
}

} // namespace gs::kernel
