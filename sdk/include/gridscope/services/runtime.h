/*
 * Service "gridscope.runtime/1": where this site runs. Provided by the kernel to every
 * instance through gs_host.get_service(host, GS_RUNTIME_SERVICE_V1).
 * The strings live as long as the instance. [any-thread]
 */
#ifndef GRIDSCOPE_SERVICES_RUNTIME_H
#define GRIDSCOPE_SERVICES_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GS_RUNTIME_SERVICE_V1 "gridscope.runtime/1"

typedef struct gs_runtime_service_v1 {
    uint32_t struct_size;
    int32_t http_port;     /* the --http-port the site runs with; 0 if none given */
    const char *data_dir;  /* folder for persistent data (the store, passwords, ...) */
    const char *site_file; /* the site file's path (for an instance made to check a save, the
                              text being saved: see gs_plugin_descriptor.site_sections) */
    const char *site_name;
    const char *timezone;  /* the site's IANA time zone, e.g. "Europe/Paris" */
    const char *share_dir; /* installed read-only data: profiles/, webroot/ */
} gs_runtime_service_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_RUNTIME_H */
