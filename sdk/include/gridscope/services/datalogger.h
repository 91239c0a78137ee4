/*
 * Service "gridscope.datalogger/1": the Datalogger function (issue 16, manual §8.7), offered by
 * the plugin `exporter_files` (an exporter, ABI 1.4 get_service) to the other plugins: ui_web's
 * /api/v1/datalogger and its page. Look it up with gs_host.get_service(host,
 * GS_DATALOGGER_SERVICE_V1); NULL when the site runs no exporter_files.
 *
 * The struct is static data of the plugin's library: it stays valid while the library is
 * loaded. While no delivery loop runs (before start, between a stop and a start), every function
 * answers GS_ERR_STATE. [any-thread]: send_now and test_connection block the caller while they
 * work (bounded by the server's timeouts) and are serialised with the plugin's own deliveries.
 *
 * Answers are JSON (docs/api.md, "Datalogger"):
 *   status:  {"identification": {"site", "server"},
 *             "server": {"protocol", "host", "port", "user", "password_set", "directory",
 *                        "passive", "method", "auth", "destination"},      (never the password)
 *             "plans": [{"type", "files", "schedule", "delivered_until", "last_success",
 *                        "last_failure", "last_error", "next_run", "pending"}],
 *             "failing": "" | "login" | "unreachable" | ..., "retry_at", "dropped_total",
 *             "sending": false}   (true: files are being sent, the rest is from before)
 *   send_now: [{"file", "type", "rows", "bytes", "status"}] as `gridscope publish` prints it
 *   test_connection: {"ok": true|false, "failure": "" | "login" | ..., "message",
 *                     "destination"}
 * Times are ISO 8601 UTC ("2026-12-03T10:10:00Z") or null. A status other than GS_OK hands
 * on_json the reason as plain text instead.
 */
#ifndef GRIDSCOPE_SERVICES_DATALOGGER_H
#define GRIDSCOPE_SERVICES_DATALOGGER_H

#include "gridscope/plugin.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GS_DATALOGGER_SERVICE_V1 "gridscope.datalogger/1"

typedef struct gs_datalogger_service_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0 */
    void *context;     /* pass it back to every function */

    /* The configuration (password left out) and each plan's delivery state, handed to on_json. */
    gs_status (*status)(void *context, gs_text_fn on_json, void *payload);

    /* Sends at once what is due now, ignoring a running backoff; type: one plan type ("index",
     * ...) or NULL/"" for all. GS_ERR_INVALID_ARG for a type no plan has. */
    gs_status (*send_now)(void *context, const char *type, gs_text_fn on_json, void *payload);

    /* Connects and logs in to the server (FTP: the destination folder is entered or created;
     * HTTP: a HEAD request to it) and hands on the verdict; sends no file. send_now and
     * test_connection answer GS_ERR_RETRY_LATER when a delivery (a backlog after an outage)
     * keeps the exporter busy for more than a few seconds. */
    gs_status (*test_connection)(void *context, gs_text_fn on_json, void *payload);
} gs_datalogger_service_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_DATALOGGER_H */
