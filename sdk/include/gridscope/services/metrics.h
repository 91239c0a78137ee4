/*
 * Service "gridscope.metrics/1" (ABI 1.5): the kernel's view of what its drivers count, for
 * monitoring (`GET /metrics` of the web UI) and, since 1.6, the Diagnostics page. Provided by the
 * kernel through gs_host.get_service(host, GS_METRICS_SERVICE_V1). [any-thread]
 */
#ifndef GRIDSCOPE_SERVICES_METRICS_H
#define GRIDSCOPE_SERVICES_METRICS_H

#include <stdint.h>

#include "../plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_METRICS_SERVICE_V1 "gridscope.metrics/1"

/* One link of one running driver instance: `plugin` is the instance's plugin id. */
typedef gs_status (*gs_plugin_poll_counters_fn)(void *payload, const char *plugin,
                                                const gs_poll_counters *counters);
/* Since 1.6: a text (JSON) of plugin `plugin`'s, borrowed for the call. */
typedef gs_status (*gs_plugin_text_fn)(void *payload, const char *plugin, const char *text);

typedef struct gs_metrics_service_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0 */
    void *context;     /* pass to every function */

    /* Calls on_link for every link of every started driver that reports poll counters
     * (gs_driver_vtable.poll_counters), counters since the driver started. A callback that
     * returns anything but GS_OK stops the walk, which returns that status. */
    gs_status (*poll_counters)(void *context, gs_plugin_poll_counters_fn on_link, void *payload);

    /* Since 1.6 (check with GS_HAS_FIELD): calls on_json with each started driver's
     * diagnostics document (gs_driver_vtable.diagnostics), `plugin` its plugin id. A callback
     * that returns anything but GS_OK stops the walk, which returns that status. */
    gs_status (*diagnostics)(void *context, gs_plugin_text_fn on_json, void *payload);
    /* Since 1.6: the bus view of `link` (gs_driver_vtable.bus_trace) from the started driver
     * that has it; GS_ERR_NOT_FOUND when none has. */
    gs_status (*bus_trace)(void *context, const char *link, gs_plugin_text_fn on_json,
                           void *payload);
    /* Since 1.6: calls on_json once with the plugins the kernel loaded, `plugin` NULL:
     *   {"gridscope": "<kernel version>", "abi": "1.6", "plugins": [{"id", "kind", "version",
     *    "abi": "1.5", "module", "state": "running"|"failed"|"stopped"|"loaded", "error",
     *    "settings": {"key": "value text"}}]}
     * "loaded": the site runs no instance of it; "settings": the number, duration and boolean
     * keys of the plugin's section, defaults filled in (never a text: no secret). */
    gs_status (*plugins)(void *context, gs_plugin_text_fn on_json, void *payload);
} gs_metrics_service_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_METRICS_H */
