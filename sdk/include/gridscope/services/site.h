/*
 * Service "gridscope.site/1": the site model as the kernel loaded it, for plugins that show or
 * export it (the web UI, exporters). Provided by the kernel through
 * gs_host.get_service(host, GS_SITE_SERVICE_V1). [any-thread]
 *
 * site_json is a UTF-8 JSON document that lives as long as the instance:
 * {
 *   "name": "Demo building", "timezone": "Europe/Paris", "file": "/path/site.yaml",
 *   "catalog": [{"name": "IEaPInst", "type": "meter", "group": "energy", "unit": "Wh",
 *                "description": "...", "counter": true, "custom": false,
 *                "enabled": true}, ...],
 *   "models": [{"id": "metered_energy", "name": "Metered Energy", "history_period_s": 600,
 *               "data": ["IEaPInst", ...], "custom": false,
 *               "history": true, "datalogger": false}, ...],
 *   "profiles": [{"id": "socomec/countis-e2x", "name": "...", "maker": "SOCOMEC",
 *                 "model": "...", "family": "COUNTIS", "driver": "driver_modbus",
 *                 "circuits": 1, "models": ["COUNTIS E23", "COUNTIS E24"],
 *                 "defaults": {...the profile's defaults section, scalars as strings...},
 *                 "identification": {"product_order_id": "100"} or null,
 *                 "data": [{"circuit": 1, "data": "IEaPInst",
 *                           "attrs": {...the point's entry, scalars as strings...}}, ...],
 *                 "commands": [{"name": "partial_energy_reset", "circuit": 0}, ...]}, ...],
 *               (a source with points of its own, `sources[].points`, or a GENERIC device with
 *                more circuits than its profile has, gets a profile of its own, id
 *                "<profile>@<source>": the file profile's points then the source's, its circuit
 *                count, "source": "<source>", and no model, models nor identification, so
 *                that discovery never matches a device to it; docs/configuration.md)
 *   "sources": [{"name": "tgbt", "profile": "socomec/diris-a40", "driver": "driver_modbus",
 *                "period_ms": 1000, "enabled": true, "location": "Building A/Floor 1",
 *                "configured_profile": "socomec/auto", (only once the driver declared the
 *                                   device as `profile`, services/device.h, or when `profile`
 *                                   is the source's own: the file's profile)
 *                "circuits": [{"index": 1, "name": "Main", "fluid": "electricity",
 *                              "usage": "Lighting", "zone": "Floor 1",
 *                              "models": ["metrology"], "enabled": true,
 *                              "collected": ["IPSumInst", ...],  (the profile data it polls:
 *                                                                  its models' data)
 *                              "history": ["IPSumInst", ...],    (those stored)
 *                              "datalogger": [...]}, ...]}, ...], (those published)
 *   "hierarchies": [{"name": "Electricity", "fluid": "electricity",
 *                    "balance_tolerance": "2%",   (or an amount in the data's unit: "500")
 *                    "root": {"name": "Site", "meter": "tgbt/1" (only when the node has one),
 *                             "loads": ["tgbt/2"], "hierarchies": [],
 *                             "children": [...]}}, ...],
 *   "users": {"session_idle_timeout_s": 900, "languages": ["en", "fr"],
 *             "default_language": "en"}
 * }
 * Fields may be added to any object in later minor versions; readers ignore what they do not
 * know.
 */
#ifndef GRIDSCOPE_SERVICES_SITE_H
#define GRIDSCOPE_SERVICES_SITE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GS_SITE_SERVICE_V1 "gridscope.site/1"

typedef struct gs_site_service_v1 {
    uint32_t struct_size;
    uint32_t reserved;     /* 0 */
    const char *site_json; /* see above */
} gs_site_service_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_SITE_H */
