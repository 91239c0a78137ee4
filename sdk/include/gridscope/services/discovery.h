/*
 * Service "gridscope.discovery/1" (since ABI 1.6): looks for devices with a driver's scan while
 * the site runs (manual §8.2.6 and §8.3.2, "Auto discovery"), for a UI plugin, which cannot
 * call drivers itself. Provided by the kernel to every instance through
 * gs_host.get_service(host, GS_DISCOVERY_SERVICE_V1); NULL from an older kernel or from a host
 * that runs no site. [any-thread]
 *
 * The kernel runs one scan at a time, on a thread of its own, with an instance of the driver
 * made for the scan alone (never started, polling nothing, knowing the site's profiles); it is
 * the code `gridscope discover` runs. The settings are those the driver declares in
 * gs_driver_vtable.scan_options, given by their `key`: the kernel knows no scan key. Progress
 * comes from the driver's "discovery.progress" events (which go to the scan, not to the bus);
 * a message holding "D/T" after the word "unit" (`unit 12/247, 1 found`) gives done and total.
 * Found devices are the key/value lists the driver reports (unit, vendor, family, model,
 * profile, circuits, and its address key, e.g. tcp).
 */
#ifndef GRIDSCOPE_SERVICES_DISCOVERY_H
#define GRIDSCOPE_SERVICES_DISCOVERY_H

#include <stddef.h>
#include <stdint.h>

#include "../plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_DISCOVERY_SERVICE_V1 "gridscope.discovery/1"

typedef enum gs_discovery_state {
    GS_DISCOVERY_IDLE = 0,     /* no scan since start */
    GS_DISCOVERY_RUNNING = 1,  /* a scan runs */
    GS_DISCOVERY_DONE = 2,     /* the last scan ended; its devices are kept until the next */
    GS_DISCOVERY_FAILED = 3,   /* the last scan failed: `message` says why */
    GS_DISCOVERY_CANCELLED = 4 /* the last scan was cancelled; the devices found before stay */
} gs_discovery_state;

/* The scan as it stands. Borrowed for the call. */
typedef struct gs_discovery_status {
    uint32_t struct_size;
    uint32_t state;      /* gs_discovery_state */
    const char *driver;  /* the plugin id scanning or last scanned; "" when idle */
    const char *message; /* the driver's last progress message, or why it failed */
    uint64_t done;       /* progress (see above); 0 of 0 when the driver's messages say none */
    uint64_t total;
    uint64_t found; /* devices found so far (each handed to on_device) */
    int64_t started_utc_ns;
    int64_t ended_utc_ns; /* 0 while it runs */
} gs_discovery_status;

/* One driver that can scan, with the settings its scan takes (gs_driver_vtable.scan_options,
 * borrowed for the call). */
typedef gs_status (*gs_discovery_driver_fn)(void *payload, const char *plugin,
                                            const gs_cli_option *const *options, size_t count);
typedef gs_status (*gs_discovery_status_fn)(void *payload, const gs_discovery_status *status);

typedef struct gs_discovery_service_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0 */
    void *context;     /* pass to every function */

    /* Calls on_driver for every installed driver that declares a scan. */
    gs_status (*drivers)(void *context, gs_discovery_driver_fn on_driver, void *payload);

    /* Starts a scan of `driver` with the settings keys[i] = values[i] (each a key of the
     * driver's scan_options; the others take their default; integer ones must be integers;
     * exactly one address option). Returns once the driver took its settings or refused them:
     * GS_OK (the scan runs, or already ended), GS_ERR_INVALID_ARG (a setting is wrong: the
     * driver's or the kernel's words in `message`), GS_ERR_NOT_FOUND (no such driver, or it
     * cannot scan), GS_ERR_RETRY_LATER (a scan runs already), GS_ERR_STATE (the site stops). */
    gs_status (*start)(void *context, const char *driver, const char *const *keys,
                       const char *const *values, size_t count, char *message, size_t message_size);

    /* Calls on_status once with the scan's state, then on_device for each device found, in
     * scan order. Either callback returning anything but GS_OK stops the walk. */
    gs_status (*status)(void *context, gs_discovery_status_fn on_status, gs_found_fn on_device,
                        void *payload);

    /* Asks the running scan to stop: it stops at the driver's next found device, else when
     * the driver's scan ends by itself. GS_ERR_STATE when no scan runs. */
    gs_status (*cancel)(void *context);
} gs_discovery_service_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_DISCOVERY_H */
