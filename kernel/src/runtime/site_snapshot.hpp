// One loaded site model with what the kernel serves from it (gridscope.site/1 and
// gridscope.runtime/1). A reload makes a new snapshot; each plugin instance holds the one it
// knows, so the strings it was handed stay valid as long as it may read them.
#pragma once

#include "site/model.hpp"

#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>

#include <map>
#include <set>
#include <string>
#include <utility>

namespace gs::kernel {

struct RuntimeOptions {
    std::string data_dir = "gridscope-data";
    int http_port = 0;
    std::string share_dir;
    // When not empty, only these plugins get instances (tools such as `gridscope query`).
    std::set<std::string> only;
};

struct SiteSnapshot {
    // `options` must outlive the snapshot (the runtime's own copy does). `candidate`: the file
    // the model was read from when it is not the site file yet (a save's text, checked before
    // it replaces the site file): gridscope.runtime/1's site_file names it, so that a plugin
    // reading the site file itself (ABI 1.4 site_sections: the alarm rules) checks the text
    // being saved, not the one it replaces. Such a snapshot is for checking only (reload.cpp).
    SiteSnapshot(SiteModel site, const RuntimeOptions &options, std::string candidate = {});
    SiteSnapshot(const SiteSnapshot &) = delete;
    SiteSnapshot &operator=(const SiteSnapshot &) = delete;

    const SiteModel model;
    const std::string json;      // site_to_json(model)
    const std::string read_from; // "" when the model was read from model.file
    gs_site_service_v1 site_service{};
    gs_runtime_service_v1 runtime_service{};
    // Per source, the (circuit, data) its driver polls that no model with `history` keeps: the
    // storages are not handed them (site/collected.hpp).
    std::map<std::string, std::set<std::pair<uint32_t, std::string>>, std::less<>> not_stored;

    bool stored(const std::string &source, uint32_t circuit, const std::string &data) const;
};

} // namespace gs::kernel
