#include "runtime/consumers.hpp"

#include "runtime/log.hpp"
#include "runtime/plugin_calls.hpp"

#include <algorithm>
#include <optional>

namespace gs::kernel {

ConsumerOptions consumer_of(Instance *inst) {
    const LoadedPlugin &p = *inst->plugin;
    auto report = [inst](gs_status st) {
        if (st != GS_OK && st != GS_ERR_RETRY_LATER)
            log_line(GS_LOG_WARNING, inst->host->who(), inst->host->take_error(status_text(st)));
        return st;
    };
    auto guard = [inst, report](const char *what, auto &&call) {
        return report(call_plugin(inst->host->who(), what, call));
    };
    ConsumerOptions c;
    c.name = p.id;
    if (auto *vt = p.storage()) {
        c.lossless = true;
        // The snapshot the storage was made with: data no `history` model keeps never reach it.
        std::shared_ptr<const SiteSnapshot> site = inst->site;
        c.on_batch = [=](const OwnedBatch &b) {
            std::optional<OwnedBatch> kept;
            if (site && site->not_stored.count(b.source)) {
                kept = b;
                auto &v = kept->values;
                v.erase(std::remove_if(v.begin(), v.end(),
                                       [&](const OwnedValue &x) {
                                           return !site->stored(b.source, x.circuit, x.data);
                                       }),
                        v.end());
                if (v.empty()) return static_cast<gs_status>(GS_OK);
            }
            BatchView view(kept ? *kept : b);
            return guard("append_samples",
                         [&] { return vt->append_samples(inst->handle, &view.get()); });
        };
        c.on_event = [=](const OwnedEvent &e) {
            gs_event ev = e.view();
            return guard("append_event", [&] { return vt->append_event(inst->handle, &ev); });
        };
    } else if (auto *vt = p.exporter()) {
        if (vt->consume_samples)
            c.on_batch = [=](const OwnedBatch &b) {
                BatchView view(b);
                return guard("consume_samples",
                             [&] { return vt->consume_samples(inst->handle, &view.get()); });
            };
        if (vt->consume_event)
            c.on_event = [=](const OwnedEvent &e) {
                gs_event ev = e.view();
                return guard("consume_event", [&] { return vt->consume_event(inst->handle, &ev); });
            };
    } else if (auto *vt = p.ui()) {
        if (GS_HAS_FIELD(vt, gs_ui_vtable, on_samples) && vt->on_samples)
            c.on_batch = [=](const OwnedBatch &b) {
                BatchView view(b);
                return guard("on_samples",
                             [&] { return vt->on_samples(inst->handle, &view.get()); });
            };
        if (GS_HAS_FIELD(vt, gs_ui_vtable, on_event) && vt->on_event)
            c.on_event = [=](const OwnedEvent &e) {
                gs_event ev = e.view();
                return guard("on_event", [&] { return vt->on_event(inst->handle, &ev); });
            };
    }
    return c;
}

} // namespace gs::kernel
