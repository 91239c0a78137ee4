/*
 * Service "gridscope.device/1" (since ABI 1.5): a driver declares what it identified a device as.
 * Provided by the kernel to driver instances through gs_host.get_service(host,
 * GS_DEVICE_SERVICE_V1); NULL from an older kernel or from a host that runs no site.
 *
 * Why: a source may be configured with a profile that the driver chooses from the device at
 * start (`profile: socomec/auto`). Until the driver says what it found, the site model only
 * knows the placeholder profile: a guessed number of circuits and no points, so no data is known
 * to be a counter. With this service the driver tells the kernel the profile the device
 * identified as and the circuits the device really has; the kernel then
 *   - puts them in the site model: the source's profile becomes the identified one, its
 *     circuits those declared (circuits the site file configures keep their names, models and
 *     settings; the placeholder's other circuits go), so the site document
 *     (gridscope.site/1), the storages (counters stored as counters, with their counter_max),
 *     the UIs and the exporters see the real device; they learn it as at a reload, through
 *     site_changed, before declare_identified returns;
 *   - hands the driver, through on_source, the source as it now is (gs_source, the identified
 *     profile's defaults and commands, and only the points the circuits' models collect), which
 *     the driver polls from then on instead of every point of the profile.
 * A declaration stays in force while the site runs, across reloads of an unchanged source; a
 * driver that is replaced (its source changed) is handed the configured source again and
 * declares again once it has identified the device.
 */
#ifndef GRIDSCOPE_SERVICES_DEVICE_H
#define GRIDSCOPE_SERVICES_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "../plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_DEVICE_SERVICE_V1 "gridscope.device/1"

/* What the device of one source identified as. */
typedef struct gs_identified_source {
    uint32_t struct_size;
    uint32_t reserved;        /* 0 */
    const char *source;       /* a source this driver instance was given with add_source() */
    const char *profile;      /* the id of a profile of the site ("socomec/diris-b30") */
    const uint32_t *circuits; /* the device's circuits (1-based, ascending, each at most the
                                 profile's `circuits`); may be NULL when circuit_count is 0 */
    size_t circuit_count;
} gs_identified_source;

/* Receives the source as the kernel now describes it, as add_source() would: name, profile (the
 * identified one), circuit_count (the highest declared circuit), attrs (the source entry),
 * defaults and commands of the identified profile, and the points to poll. Borrowed for the call
 * except the config nodes, which stay valid as long as the instance. */
typedef gs_status (*gs_source_fn)(void *payload, const gs_source *source);

typedef struct gs_device_service_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0 */
    void *context;     /* pass to every function */

    /* [plugin-thread or kernel-thread, blocking] Declares what the device of
     * identified->source is. Calls on_source once before returning GS_OK (the driver's new
     * points), then returns once the site model holding the declaration is in force (a bounded
     * wait: GS_OK also when the kernel is stopping or reloading meanwhile; the declaration is
     * then applied with the next model). On failure a one-line reason is written into `message`
     * (NUL-terminated, truncated to message_size; may be NULL) and nothing changes:
     * GS_ERR_NOT_FOUND: no such source, or no such profile; GS_ERR_INVALID_ARG: the source is not
     * this driver instance's, or a circuit is out of the profile's range or not ascending;
     * GS_ERR_STATE: the source is disabled. */
    gs_status (*declare_identified)(void *context, const gs_identified_source *identified,
                                    gs_source_fn on_source, void *payload, char *message,
                                    size_t message_size);
} gs_device_service_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_DEVICE_H */
