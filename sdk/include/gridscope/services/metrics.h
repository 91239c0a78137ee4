/*
 * Service "gridscope.metrics/1" (ABI 1.5): the kernel's view of what its drivers count, for
 * monitoring (`GET /metrics` of the web UI). Provided by the kernel through
 * gs_host.get_service(host, GS_METRICS_SERVICE_V1). [any-thread]
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

typedef struct gs_metrics_service_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0 */
    void *context;     /* pass to every function */

    /* Calls on_link for every link of every started driver that reports poll counters
     * (gs_driver_vtable.poll_counters), counters since the driver started. A callback that
     * returns anything but GS_OK stops the walk, which returns that status. */
    gs_status (*poll_counters)(void *context, gs_plugin_poll_counters_fn on_link, void *payload);
} gs_metrics_service_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_METRICS_H */
