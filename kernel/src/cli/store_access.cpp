#include "cli/store_access.hpp"

#include <filesystem>
#include <stdexcept>

namespace gs::kernel {

const char *const kStoragePlugin = "storage_rocksdb";

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
    auto &section = site.plugins[kStoragePlugin];
    section.id = kStoragePlugin;
    section.node =
        section.node.IsMap() ? YAML::Clone(section.node) : YAML::Node(YAML::NodeType::Map);
    if (read_only) section.node["read_only"] = true;
    RuntimeOptions ro;
    ro.data_dir = args.get("--data-dir", "gridscope-data");
    access.data_dir = ro.data_dir;
    ro.share_dir = common.share_dir;
    ro.only = {kStoragePlugin};
    access.runtime = std::make_unique<Runtime>(std::move(site), access.registry, ro);
    Diagnostics diag;
    access.runtime->build(diag);
    if (!diag.empty()) throw ConfigFailure(diag);
    access.storage = access.runtime->instance_of(kStoragePlugin);
    if (!access.storage) throw std::runtime_error("the storage plugin is not installed");
}

void start_store(StoreAccess &access) {
    access.runtime->start();
    if (!access.storage->started)
        throw std::runtime_error(access.runtime->last_start_error(kStoragePlugin));
    access.query =
        static_cast<const gs_storage_query_v1 *>(access.runtime->service(GS_STORAGE_QUERY_V1));
    if (!access.query) throw std::runtime_error("the storage plugin offers no query service");
}

std::string store_folder(const StoreAccess &access) {
    std::string path = "store";
    auto it = access.runtime->site().plugins.find(kStoragePlugin);
    if (it != access.runtime->site().plugins.end() && it->second.node.IsMap() &&
        it->second.node["path"] && it->second.node["path"].IsScalar())
        path = it->second.node["path"].as<std::string>();
    std::filesystem::path folder(path);
    if (folder.is_relative()) folder = std::filesystem::path(access.data_dir) / folder;
    return folder.lexically_normal().string();
}

} // namespace gs::kernel
