/*
 * Service "gridscope.config/1" (since ABI 1.6): the site file as a document a plugin can read,
 * check and replace (the web UI's configuration pages, docs/api.md "Configuration"). Provided
 * by the kernel through gs_host.get_service(host, GS_CONFIG_SERVICE_V1) while `gridscope run`
 * runs a site; NULL from an older kernel and from tools (check, query...).
 *
 * The document is JSON: {"version": "<opaque>", "site": {...}}, where site holds the site file
 * with the same keys as the YAML (`site`, `sources`, `hierarchies`, `models`, `data`, `plugins`,
 * `alarms`, ...): plain scalars typed as YAML reads them (true/false, numbers written as JSON
 * writes them), everything else a string. The value of every key whose name holds a secret word
 * (password, passwd, secret, token, api_key, apikey, private_key) is null: secrets are
 * write-only. The version is a hash of the file's bytes, so a hand edit changes it too.
 *
 * Every function runs its work on the kernel thread (the one that takes SIGHUP reloads) and
 * waits for it, bounded: GS_ERR_TIMEOUT when the kernel is busy for longer (nothing changed).
 * Replies are NUL-terminated UTF-8 JSON, borrowed for the call.
 */
#ifndef GRIDSCOPE_SERVICES_CONFIG_H
#define GRIDSCOPE_SERVICES_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "../plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_CONFIG_SERVICE_V1 "gridscope.config/1"

typedef struct gs_config_service_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0 */
    void *context;     /* pass it back to every function */

    /* [plugin-thread, blocking] Reads the site file: on_json gets {"version", "site"}. */
    gs_status (*get)(void *context, gs_text_fn on_json, void *payload);

    /* [plugin-thread, blocking] Checks request {"site": {...}} with every check `gridscope
     * check` makes (the kernel's loader, then each plugin's checks), changing nothing. on_json
     * gets {"errors": [{"path", "message"}], "warnings": [...]}; path is the JSON path of the
     * value at fault ("sources[3].unit", "" when none). GS_ERR_INVALID_ARG (on_json: the same
     * shape) when the request itself is not such a JSON object. */
    gs_status (*validate)(void *context, const char *request_json, gs_text_fn on_json,
                          void *payload);

    /* [plugin-thread, blocking] Replaces the site with request {"version", "site"}: checked as
     * validate does; written as YAML atomically (comments of the parts that did not change
     * kept), the previous file kept as site.yaml.1 (older ones shifted up to .10); then put in
     * force as a SIGHUP reload does (without a restart). Secrets sent as null keep their stored
     * value. Returns, and on_json gets:
     *   GS_OK               {"version": "<new>"}; the reload then goes on: instances told of the
     *                       new model through site_changed (the caller's own instance too,
     *                       after this call returned);
     *   GS_ERR_INVALID_ARG  {"errors": [...], "warnings": [...]}: nothing written;
     *   GS_ERR_STATE        {"error": "conflict"}: `version` is not the file's (saved meanwhile);
     *   GS_ERR_IO           {"error": "..."}: the file could not be written (nothing changed). */
    gs_status (*save)(void *context, const char *request_json, gs_text_fn on_json, void *payload);

    /* [plugin-thread, blocking] Restores a configuration backup (a zip as `gridscope config
     * export` and GET /api/v1/config/backup make it; docs/configuration.md). The whole archive is
     * checked first: its files, then its site file and profiles with every check validate makes.
     * Only then are the site's files replaced (the site file's current text kept as a save keeps
     * it) and put in force as save does. GS_OK: on_json gets {"version": "<new>"};
     * GS_ERR_INVALID_ARG: {"errors": [...]}, nothing replaced; GS_ERR_IO: {"error": "..."}, a
     * file could not be written (what was replaced stays replaced; the running site unchanged). */
    gs_status (*restore)(void *context, const void *archive, size_t size, gs_text_fn on_json,
                         void *payload);
} gs_config_service_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_CONFIG_H */
