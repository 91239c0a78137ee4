/*
 * Services of the storage plugin, offered to every plugin (and the CLI) through
 * gs_host.get_service():
 *   "gridscope.storage.query/1"    series, ranges, consumption, events      (GS_STORAGE_QUERY_V1)
 *   "gridscope.storage.journal/1"  samples and events in order per cursor  (GS_STORAGE_JOURNAL_V1)
 *
 * Every function is [any-thread] and returns a gs_status; variable-size results arrive through
 * callbacks with a payload, one call per item, borrowed for the call. A callback returning
 * anything but GS_OK stops the query, which then returns that status. Pass `context` back as
 * the first argument. Times are UTC nanoseconds; ranges are [from, to).
 *
 * Statuses: those of plugin.h, with these meanings, and the storage codes below (append-only;
 * a caller acts on the code, the message set through set_error is for people):
 *   GS_ERR_NOT_FOUND       unknown series id or journal cursor; opening read-only (the CLI)
 *                          a folder that holds no store
 *   GS_ERR_INVALID_ARG     NULL pointers, an argument outside what the store keeps (a range
 *                          ending before it starts, times beyond 1823..2116, a bucket step,
 *                          committing a cursor past the journal head)
 *   GS_ERR_UNSUPPORTED     a write (set_event_state) on a store open read-only
 *   GS_ERR_STATE           the store is not open (the storage plugin is not started)
 *   GS_ERR_FAILED          an I/O error or corrupt data (the message says which)
 */
#ifndef GRIDSCOPE_SERVICES_STORAGE_H
#define GRIDSCOPE_SERVICES_STORAGE_H

#include <gridscope/plugin.h>

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GS_STORAGE_QUERY_V1 "gridscope.storage.query/1"
#define GS_STORAGE_JOURNAL_V1 "gridscope.storage.journal/1"

/* Storage codes, beyond plugin.h's gs_status values (append-only, from -100 down). */
/* The store's folder is held by another process (a running site): returned by the storage
 * plugin's create/start. `gridscope import` then hands its rows to that process. */
#define GS_ERR_STORAGE_IN_USE ((gs_status)-100)

typedef struct gs_series_info {
    uint32_t struct_size;
    uint32_t circuit;
    uint64_t id; /* stable id of the series in this store */
    const char *source;
    const char *data;
    uint64_t count;      /* raw points stored */
    int64_t from_utc_ns; /* first and last raw point */
    int64_t to_utc_ns;
} gs_series_info;

/* One point of a series. `range` returns samples, raw or downsampled, so min = max = value:
 * a downsampled range gives each pixel's lowest and highest sample (for long ranges taken
 * from the rollup buckets' min and max, whose times are rounded down to about 1/128 of the
 * bucket). */
typedef struct gs_series_point {
    uint32_t struct_size;
    uint32_t quality; /* gs_quality */
    int64_t ts_utc_ns;
    double value;
    double min;
    double max;
} gs_series_point;

typedef enum gs_bucket_step {
    GS_BUCKET_INVALID = 0,
    GS_BUCKET_HOUR = 1,
    GS_BUCKET_DAY = 2,  /* local days of the site's time zone (23 or 25 h at DST changes) */
    GS_BUCKET_WEEK = 3, /* local weeks starting on Monday */
    GS_BUCKET_MONTH = 4 /* local months */
} gs_bucket_step;

/* An event as stored, with its id and state changes. */
typedef struct gs_event_record {
    uint32_t struct_size;
    uint32_t reserved;
    uint64_t id;
    gs_event event;              /* type, source, circuit, severity, state, message, start time */
    int64_t finished_utc_ns;     /* 0 if not finished */
    int64_t acknowledged_utc_ns; /* 0 if not acknowledged */
} gs_event_record;

/* Filters of an event query; a NULL string or a 0 means "any". */
typedef struct gs_event_query {
    uint32_t struct_size;
    uint32_t state; /* gs_event_state */
    int64_t from_utc_ns;
    int64_t to_utc_ns; /* 0 = no upper bound */
    const char *source;
    const char *type;
    uint32_t min_severity; /* gs_severity */
    uint32_t limit;        /* at most this many, newest first; 0 = 1000 */
} gs_event_query;

/* One bucket of a `history` answer: the good, finite values of one series in
 * [start_utc_ns, start_utc_ns + width_ns), min and max exact, avg their mean (same unit as the
 * values). width_ns 0: one raw value (min = max = avg = the value, start_utc_ns its time).
 * Buckets without values are not reported (gaps stay gaps). */
typedef struct gs_history_bucket {
    uint32_t struct_size;
    uint32_t count; /* values in the bucket (1 for a raw value) */
    int64_t start_utc_ns;
    int64_t width_ns;
    double min;
    double max;
    double avg;
} gs_history_bucket;

typedef gs_status (*gs_series_info_fn)(void *payload, const gs_series_info *info);
typedef gs_status (*gs_series_point_fn)(void *payload, const gs_series_point *point);
typedef gs_status (*gs_bucket_fn)(void *payload, int64_t start_utc_ns, int64_t end_utc_ns,
                                  double value);
typedef gs_status (*gs_event_record_fn)(void *payload, const gs_event_record *record);
/* series_index: the position of the series in the request. */
typedef gs_status (*gs_history_bucket_fn)(void *payload, size_t series_index,
                                          const gs_history_bucket *bucket);

/* Since 1.5: what gs_storage_query_v1.counters reports. */
typedef struct gs_storage_counters {
    uint32_t struct_size;
    uint32_t reserved;
    uint64_t values_stored; /* values appended by this process (polls and imports) */
    uint64_t journal_head;  /* sequence number of the newest journal entry (0: none yet) */
} gs_storage_counters;

typedef struct gs_storage_query_v1 {
    uint32_t struct_size;
    uint32_t reserved;
    void *context;

    /* Every stored series. */
    gs_status (*list_series)(void *context, gs_series_info_fn on_series, void *payload);
    /* The series id of (source, circuit, data); GS_ERR_NOT_FOUND if none. */
    gs_status (*find_series)(void *context, const char *source, uint32_t circuit, const char *data,
                             uint64_t *id);
    /* The newest point of a series (any quality). */
    gs_status (*latest)(void *context, uint64_t series, gs_series_point_fn on_point, void *payload);
    /* Points of a series in [from, to): raw when max_points is 0, else at most max_points,
     * keeping each pixel's min and max sample (served from rollups for long ranges; possibly
     * fewer points when a coarser stored rollup level serves a sparse series). */
    gs_status (*range)(void *context, uint64_t series, int64_t from_utc_ns, int64_t to_utc_ns,
                       uint32_t max_points, gs_series_point_fn on_point, void *payload);
    /* Consumption (sum of counter deltas, resets and rollovers handled) of the given counter
     * series together, per bucket whose start lies in [bucket containing from, to). */
    gs_status (*consumption)(void *context, const uint64_t *series, size_t series_count,
                             int32_t step /* gs_bucket_step */, int64_t from_utc_ns,
                             int64_t to_utc_ns, gs_bucket_fn on_bucket, void *payload);
    /* Events matching the query, newest first. */
    gs_status (*events)(void *context, const gs_event_query *query, gs_event_record_fn on_event,
                        void *payload);
    /* Moves an event to GS_EVENT_STATE_FINISHED or GS_EVENT_STATE_ACKNOWLEDGED. */
    gs_status (*set_event_state)(void *context, uint64_t id, int32_t state, int64_t ts_utc_ns);

    /* --- appended (present when struct_size > offsetof(gs_storage_query_v1, history)) --- */

    /* Per-bucket min, max and average of each series over [from, to) (the History API):
     * on_bucket is called series by series in request order, each in time order, with at most
     * max_points buckets per series. When [from, to) holds at most max_points good values of
     * a series, they come raw (width_ns 0). Otherwise the buckets are equal-width cells of a
     * grid: from raw records for short ranges (grid from `from`; the last cell is cut at `to`),
     * from whole rollup buckets (UTC hours, else the series' history period) once a cell is at
     * least that wide: the grid is then aligned to that level, so the first and last cells may
     * reach before `from` and after `to` and cover values there. Counters and gauges alike
     * (min, max and mean of the readings); values of bad quality and NaN/inf are left out.
     * [any-thread]; buckets are borrowed for the call. Errors: GS_ERR_INVALID_ARG (max_points
     * 0, to <= from, times beyond the years 1823..2116, NULL pointers), GS_ERR_NOT_FOUND
     * (unknown series id; nothing is reported then). Series of one source are read in one
     * pass over the raw records. */
    gs_status (*history)(void *context, const uint64_t *series, size_t series_count,
                         int64_t from_utc_ns, int64_t to_utc_ns, uint32_t max_points,
                         gs_history_bucket_fn on_bucket, void *payload);

    /* --- appended (present when struct_size > offsetof(gs_storage_query_v1, import_spool)) --- */

    /* The folder of the storage's import spool, where `gridscope import` queues its checked
     * rows for whichever process holds the store (the storage owns where its files are: the
     * CLI computes nothing). Answered once the plugin is created, before start and when start
     * failed with GS_ERR_STORAGE_IN_USE. Copies the NUL-terminated path into `folder`
     * (capacity `folder_size`). Protocol of the folder: NAME.tmp renamed to NAME.rows (first
     * line "gridscope-import 1", then TS_UTC_NS \t SOURCE \t CIRCUIT \t DATA \t VALUE per
     * line); the holder renames it NAME.working and answers NAME.result (lines "values N",
     * "buckets N", "events N", "event ..." or "error TEXT"). [any-thread]. Errors:
     * GS_ERR_INVALID_ARG (NULL folder), GS_ERR_BUFFER_TOO_SMALL (the message gives the size),
     * GS_ERR_FAILED (the path cannot be resolved, e.g. a relative path without a data dir).
     * NULL: the storage has no import spool. */
    gs_status (*import_spool)(void *context, char *folder, size_t folder_size);

    /* --- appended in ABI 1.5 (present when GS_HAS_FIELD(q, gs_storage_query_v1, counters)) --- */

    /* The store's counters since this process opened it (`GET /metrics`). Fills `out`, whose
     * struct_size the caller sets; fields beyond it are left alone. [any-thread]. Errors:
     * GS_ERR_INVALID_ARG (NULL out), GS_ERR_STATE (not open). */
    gs_status (*counters)(void *context, gs_storage_counters *out);
} gs_storage_query_v1;

/* One journal entry: a batch of samples or an event, with its sequence number. */
typedef gs_status (*gs_journal_fn)(void *payload, uint64_t seq, const gs_sample_batch *batch,
                                   const gs_event *event /* exactly one is non-NULL */);

typedef gs_status (*gs_journal_cursor_fn)(void *payload, const char *cursor, uint64_t position,
                                          uint64_t lag);

typedef struct gs_storage_journal_v1 {
    uint32_t struct_size;
    uint32_t reserved;
    void *context;

    /* Creates the named cursor if needed (positioned before the oldest stored entry). */
    gs_status (*open_cursor)(void *context, const char *cursor);
    /* Hands at most max_entries entries after the cursor, in order; the cursor does not move. */
    gs_status (*read)(void *context, const char *cursor, uint32_t max_entries,
                      gs_journal_fn on_entry, void *payload);
    /* Marks everything up to seq consumed (persisted). */
    gs_status (*commit)(void *context, const char *cursor, uint64_t seq);

    /* --- appended in ABI 1.5 (present when GS_HAS_FIELD(j, gs_storage_journal_v1, cursors)) --- */

    /* Calls on_cursor once per cursor with its name, its position (the last entry consumed)
     * and its lag: the journal entries (sample batches and events) after it. [any-thread] */
    gs_status (*cursors)(void *context, gs_journal_cursor_fn on_cursor, void *payload);
} gs_storage_journal_v1;

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_SERVICES_STORAGE_H */
