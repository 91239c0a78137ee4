// Calls into plugins as the runtime makes them: one guard turns an exception that crosses the C
// ABI into a logged plugin error, and one view of the entries every kind of vtable has.
#pragma once

#include "plugin/loader.hpp"
#include "runtime/log.hpp"

#include <gridscope/plugin.h>

#include <exception>
#include <string>

namespace gs::kernel {

// Every call into a plugin goes through here: an exception crossing the C ABI breaks the
// contract and becomes a failure instead of taking the kernel down.
// `who` and `what` name the call in the log line.
template <class F> gs_status call_plugin(const std::string &who, const char *what, F &&f) {
    try {
        return f();
    } catch (const std::exception &e) {
        log_line(GS_LOG_ERROR, who, std::string(what) + " threw across the ABI: " + e.what());
    } catch (...) {
        log_line(GS_LOG_ERROR, who, std::string(what) + " threw across the ABI");
    }
    return GS_ERR_FAILED;
}

inline std::string status_text(gs_status st) {
    return "status " + std::to_string(st);
}

// The kind-independent head of every vtable.
struct Lifecycle {
    gs_create_fn create;
    gs_destroy_fn destroy;
    gs_start_fn start;
    gs_stop_fn stop;
};
inline Lifecycle lifecycle_of(const LoadedPlugin &p) {
    switch (p.kind) {
    case GS_KIND_DRIVER: {
        auto *v = p.driver();
        return {v->create, v->destroy, v->start, v->stop};
    }
    case GS_KIND_STORAGE: {
        auto *v = p.storage();
        return {v->create, v->destroy, v->start, v->stop};
    }
    case GS_KIND_EXPORTER: {
        auto *v = p.exporter();
        return {v->create, v->destroy, v->start, v->stop};
    }
    default: {
        auto *v = p.ui();
        return {v->create, v->destroy, v->start, v->stop};
    }
    }
}

// The optional site_changed entry (ABI 1.2) of a storage, exporter or UI plugin, or null.
inline gs_site_changed_fn site_changed_of(const LoadedPlugin &p) {
    if (auto *v = p.storage())
        return GS_HAS_FIELD(v, gs_storage_vtable, site_changed) ? v->site_changed : nullptr;
    if (auto *v = p.exporter())
        return GS_HAS_FIELD(v, gs_exporter_vtable, site_changed) ? v->site_changed : nullptr;
    if (auto *v = p.ui())
        return GS_HAS_FIELD(v, gs_ui_vtable, site_changed) ? v->site_changed : nullptr;
    return nullptr;
}

} // namespace gs::kernel
