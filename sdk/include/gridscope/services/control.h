/*
 * Service "gridscope.control/1": sends a profile's named command to a device, through the
 * driver that polls it. Provided by the kernel through gs_host.get_service(host,
 * GS_CONTROL_SERVICE_V1); the web UI uses it for the manual's "Partial energy reset".
 *
 * A profile declares its commands next to its points (docs/profiles.md):
 *   commands:
 *     - name: partial_energy_reset   # what the command does; the UI knows this name
 *       circuit: 0                   # 0 = the device as a whole
 *       value: 0x001F                # the number written
 *       address: 57890               # ...then the driver's keys, as for a point
 *       type: u16
 * Running a command writes `value` with the driver's write() (the driver added the command as
 * a write-only point named after the command). Who may run what is the caller's business: the
 * web UI checks the user's profile before calling.
 */
#ifndef GRIDSCOPE_SERVICES_CONTROL_H
#define GRIDSCOPE_SERVICES_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "../plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_CONTROL_SERVICE_V1 "gridscope.control/1"

/* The standard command names a UI offers when a profile declares them. */
#define GS_COMMAND_PARTIAL_ENERGY_RESET "partial_energy_reset"

typedef struct gs_control_service_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0 */
    void *context;     /* pass to every function */

    /* [any-thread, blocking] Runs command `name` of `source`'s profile on `circuit` (0 = the
     * device; a command declared for circuit 0 also answers any circuit of the device). Returns
     * when the device answered or the driver gave up (its timeout). On failure a one-line reason
     * is written into `message` (NUL-terminated, truncated to message_size; may be NULL).
     * GS_ERR_NOT_FOUND: unknown source, or its profile has no such command for that circuit;
     * GS_ERR_STATE: the source is disabled or its driver is not running; GS_ERR_UNSUPPORTED:
     * the driver cannot write; GS_ERR_TIMEOUT / GS_ERR_IO: the device did not take it. Calls
     * are serialized. */
    gs_status (*run_command)(void *context, const char *source, uint32_t circuit, const char *name,
                             char *message, size_t message_size);
} gs_control_service_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_CONTROL_H */
