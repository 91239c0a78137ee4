/*
 * Service "gridscope.alarms/1": the alarm engine (issue 14), offered by the plugin `alarms`
 * (an exporter, ABI 1.4 get_service) to the other plugins: ui_web's /api/v1/alarms and its
 * banner. Look it up with gs_host.get_service(host, GS_ALARMS_SERVICE_V1); NULL when the site
 * runs no alarm engine (no `alarms:` section).
 *
 * The struct is static data of the plugin's library: it stays valid while the library is
 * loaded, across reloads that replace the engine. Between two engines (a reload) and before the
 * first started, every function answers GS_ERR_STATE ("the alarm engine is not running").
 * [any-thread]: calls are serialised inside the engine; each one that changes something is on
 * disk (journal, fsync) before it returns.
 *
 * Records are JSON objects with the fields of `gridscope alarms` (docs/alarms.md):
 *   {"id": 12, "rule": "freq-high", "source": "tgbt", "circuit": 0, "data": "IFreqInst",
 *    "criticality": "high", "state": "active"|"normal", "acked": false,
 *    "raised": "2026-03-29T10:00:00.000Z", "cleared": null, "acked_at": null,
 *    "acked_by": null, "value": 50.7, "message": "..."}
 * exactly (as `gridscope alarms` prints them), or, asked with details, followed by: "isa_state"
 * (ISA-18.2), "level", "limit", "ack_comment", "activations", "shelved", "suppressed",
 * "out_of_service", "messages" (language -> text).
 */
#ifndef GRIDSCOPE_SERVICES_ALARMS_H
#define GRIDSCOPE_SERVICES_ALARMS_H

#include "gridscope/plugin.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GS_ALARMS_SERVICE_V1 "gridscope.alarms/1"

/* One file of an export: its name and bytes, borrowed for the call. */
typedef gs_status (*gs_alarms_file_fn)(void *payload, const char *name, const char *data,
                                       size_t size);

/* Open ends of a period. */
#define GS_ALARMS_NO_TIME INT64_MIN

typedef struct gs_alarms_service_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0 */
    void *context;     /* pass it back to every function */

    /* The records as one JSON array (objects above), ordered by id, handed to on_json.
     * state: "all", "active" (active now) or "unacked" (not acknowledged); from/to (UTC ns,
     * GS_ALARMS_NO_TIME = open): records whose [raised, cleared] meets [from, to). details 1:
     * the details after the contract's fields. GS_ERR_INVALID_ARG for another state. */
    gs_status (*list)(void *context, const char *state, int64_t from_utc_ns, int64_t to_utc_ns,
                      int32_t details, gs_text_fn on_json, void *payload);

    /* Acknowledges records by id, keeping who, when and the comment; hands on_json
     * {"acknowledged": [ids], "already": [ids], "unknown": [ids]}. Who may acknowledge
     * (Advanced, Admin) is the caller's business. */
    gs_status (*acknowledge)(void *context, const uint64_t *ids, size_t id_count, const char *who,
                             const char *comment, gs_text_fn on_json, void *payload);

    /* Shelves the alarm of record `id` for duration_s seconds (at most its rule's
     * max_shelve_s), or unshelves it when duration_s is 0. GS_ERR_NOT_FOUND for an unknown id,
     * GS_ERR_INVALID_ARG when refused; the reason is copied into message (NUL-terminated). */
    gs_status (*shelve)(void *context, uint64_t id, int64_t duration_s, const char *who,
                        char *message, size_t message_size);

    /* Takes every alarm of `rule` out of service (out = 1) or back (out = 0). The reason of a
     * refusal (no such rule) is copied into message. Who may (Admin) is the caller's business. */
    gs_status (*set_out_of_service)(void *context, const char *rule, int32_t out, const char *who,
                                    char *message, size_t message_size);

    /* The banner's count: annunciated records not acknowledged (active or returned); -1 while
     * no engine runs. */
    int64_t (*unacked_count)(void *context);

    /* Increases by one at every change of the engine's records (raised, cleared, acknowledged,
     * shelved...): a reader compares it with the value it saw last. */
    uint64_t (*revision)(void *context);

    /* --- appended (present when struct_size > offsetof(gs_alarms_service_v1, query)) --- */

    /* The Alarms and events page: one page of alarm records and EN 50160-style voltage events
     * together, newest first. query_json (every key optional):
     *   {"type": "all"|"alarm"|"event", "sources": [names], "categories": [rule kinds such as
     *    "limit", "comm_lost", or event kinds "dip", "swell", "interruption"],
     *    "statuses": ["active", "cleared", "unacked", "acked", "shelved", "out_of_service"] (any
     *    of), "criticalities": ["low", "medium", "high", "critical"], "from": ns, "to": ns,
     *    "offset": 0, "limit": 50 (1..1000), "kpis": false, "language": "en"}
     * hands on_json {"total": rows selected, "items": [the page's rows], "kpis": {...} (when
     * asked, over [from, to) or the last 24 h)}. An alarm row is a record with its details
     * (above) then "type": "alarm", "category" and its rule's "thresholds", "deadband",
     * "on_delay_s", "off_delay_s"; an event row is {"id", "type": "event", "rule", "source",
     * "circuit", "category", "criticality", "state", "raised" (start), "cleared" (end),
     * "duration_s", "nominal_v", "extreme_v", "extreme_pct", "depth_pct", "phases", "method"}.
     * GS_ERR_INVALID_ARG for a bad query, its reason copied into message. */
    gs_status (*query)(void *context, const char *query_json, gs_text_fn on_json, void *payload,
                       char *message, size_t message_size);

    /* Every row of the same selection ("offset" and "limit" ignored) as CSV files, UTF-8, times
     * ISO 8601 with the offset of query_json's "timezone" (an IANA name; UTC when absent):
     * on_file is called with "alarms.csv" then "events.csv". */
    gs_status (*export_csv)(void *context, const char *query_json, gs_alarms_file_fn on_file,
                            void *payload, char *message, size_t message_size);
} gs_alarms_service_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_ALARMS_H */
