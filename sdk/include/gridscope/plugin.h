/*
 * gridscope plugin ABI — the contract between the gridscope kernel and its plugins.
 *
 * This header is pure C11 (it also compiles as C++17) and includes only <stdint.h> and
 * <stddef.h>. Nothing of C++, of the standard C++ library, or of any third-party library crosses
 * this boundary.
 *
 * ---------------------------------------------------------------------------------------------
 * Versioning
 *   The ABI version is major.minor, packed as (major << 16) | minor.
 *   - The kernel loads a module only if its major equals the kernel's major and its minor is not
 *     newer than the kernel's minor.
 *   - Structs are append-only within a major: new fields go at the end, and every struct that
 *     crosses the boundary starts with `uint32_t struct_size`, set by whoever fills the struct
 *     to sizeof() as that side was compiled. The reader uses a field only when struct_size is
 *     large enough to contain it (GS_HAS_FIELD). A NULL optional function pointer means
 *     "not supported".
 *   - Anything added later that is not a field of these structs is an extension looked up by a
 *     versioned string id through gs_host.get_service ("gridscope.storage.query/1").
 *
 * Status codes
 *   Every function that can fail returns a gs_status: GS_OK (0) on success, a negative code on
 *   failure. GS_ERR_RETRY_LATER is transient: the same call may succeed later (a remote server
 *   down, a device busy); every other negative code is a hard failure of that call. The human
 *   message of a failure goes through gs_host.set_error() before returning; the host copies it.
 *   There is no global or thread-local "last error".
 *
 * Ownership, one rule per direction
 *   - Arguments are borrowed for the duration of the call. Whoever wants to keep something
 *     copies it before returning. The host copies everything it is given (samples, events,
 *     messages); the plugin copies every string or config value it keeps.
 *   - Descriptors, vtables and the strings they point to are static data of the plugin library:
 *     they live as long as the library is loaded, and the kernel keeps the library loaded while
 *     any instance made from it exists.
 *   - The plugin owns its instances: create() makes one, destroy() frees it.
 *   - Variable-size output is returned through a caller buffer plus length, or through a
 *     callback with a `void *payload`. Neither side ever frees memory of the other.
 *
 * Threads (each function says which thread calls it)
 *   [kernel-thread]  the kernel's main thread: load, create, start, stop, destroy, unload.
 *   [bus-thread]     the kernel's sample/event bus thread (one per consuming instance).
 *   [plugin-thread]  any thread the plugin created itself.
 *   [any-thread]     any thread; the callee must be thread-safe.
 *   A plugin never loads or unloads libraries.
 *
 * Time: UTC timestamps are int64 nanoseconds since the Unix epoch (ts_utc_ns); monotonic time
 * is int64 nanoseconds from an arbitrary origin (mono_ns). Units are part of field names.
 * ---------------------------------------------------------------------------------------------
 */
#ifndef GRIDSCOPE_PLUGIN_H
#define GRIDSCOPE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ----------------------------------------------------------------------------------------- */
/* Version                                                                                     */
/* ----------------------------------------------------------------------------------------- */

#define GS_ABI_VERSION_MAJOR 1
/* 1.1: gs_source.commands (profile commands, run through the driver's write()).
 * 1.2: site_changed in the storage, exporter and UI vtables (a reload keeps the instance).
 * 1.3: gs_plugin_descriptor.tools (command-line tools a plugin offers, `gridscope passwd`);
 *      gs_driver_vtable.connection_options (the command-line options of `read`/`plan`);
 *      gs_config_field.min_value, max_value, allowed_values (the kernel checks them and fills
 *      defaults before create); gs_driver_vtable.source_fields (a driver's source keys).
 * 1.4: gs_tool.switches (options without a value, `gridscope publish --now`); a tool's host
 *      reads the plugin's own section of the site (NULL node) and offers the kernel's services
 *      and the storage's (the store opened read-only) through get_service;
 *      gs_driver_vtable.scan_options (the command-line settings of `discover`);
 *      gs_exporter_vtable.get_service (an exporter offers a service, the alarm engine's
 *      "gridscope.alarms/1"); gs_plugin_descriptor.site_sections (top-level sections of the
 *      site file a plugin reads itself, the alarm rules' `alarms:`).
 * 1.5: gs_driver_vtable.poll_counters (each link's requests and failed requests, for the
 *      kernel's "gridscope.metrics/1" and `GET /metrics`); gs_storage_query_v1.counters and
 *      gs_storage_journal_v1.cursors (values stored, journal cursors and their lag); the kernel
 *      offers drivers "gridscope.device/1" (services/device.h): a driver declares the profile
 *      and circuits a device identified as (`socomec/auto`), the site model takes them and the
 *      driver gets the points its circuits' models collect; gs_alarms_service_v1 gained query
 *      and export_csv (the Alarms page).
 * 1.6: the kernel offers "gridscope.discovery/1" (services/discovery.h): a driver's scan run
 *      while the site runs, with its progress and the devices found (the web UI's Auto
 *      discovery); gs_driver_vtable.scan is then called on a kernel worker thread, on an
 *      instance made for the scan alone;
 *      the kernel offers "gridscope.config/1" (services/config.h): the site file as a JSON
 *      document a plugin reads, checks and replaces (secrets write-only, a version against
 *      concurrent saves), put in force as a reload (the web UI's configuration pages);
 *      gs_driver_vtable.diagnostics and bus_trace (each source's and link's counters, the last
 *      frames of a link, for the Diagnostics page); gs_metrics_service_v1 gained diagnostics,
 *      bus_trace and plugins (services/metrics.h). */
#define GS_ABI_VERSION_MINOR 6
#define GS_ABI_MAKE_VERSION(major, minor) ((((uint32_t)(major)) << 16) | ((uint32_t)(minor)))
#define GS_ABI_VERSION GS_ABI_MAKE_VERSION(GS_ABI_VERSION_MAJOR, GS_ABI_VERSION_MINOR)
#define GS_ABI_MAJOR_OF(v) (((uint32_t)(v)) >> 16)
#define GS_ABI_MINOR_OF(v) (((uint32_t)(v)) & 0xffffu)

/* True when a struct whose first member is struct_size holds `field` entirely. */
#define GS_HAS_FIELD(ptr, type, field)                                                             \
    ((ptr)->struct_size >= offsetof(type, field) + sizeof(((const type *)0)->field))

/* The one symbol a plugin library exports (see gs_module_entry_fn below). */
#define GS_MODULE_ENTRY_SYMBOL "gs_module_entry"

#if defined(_WIN32)
#define GS_EXPORT __declspec(dllexport)
#else
#define GS_EXPORT __attribute__((visibility("default")))
#endif

/* ----------------------------------------------------------------------------------------- */
/* Status codes                                                                                */
/* ----------------------------------------------------------------------------------------- */

typedef int32_t gs_status;

enum {
    GS_OK = 0,
    GS_ERR_FAILED = -1,           /* generic hard failure; the message says why */
    GS_ERR_INVALID_ARG = -2,      /* an argument or a config value is wrong */
    GS_ERR_UNSUPPORTED = -3,      /* the operation is not supported by this plugin or host */
    GS_ERR_NOT_FOUND = -4,        /* no such key, source, series, service */
    GS_ERR_NO_MEMORY = -5,        /* allocation failed */
    GS_ERR_TIMEOUT = -6,          /* the operation did not complete in its allotted time */
    GS_ERR_IO = -7,               /* an I/O or protocol error */
    GS_ERR_BUFFER_TOO_SMALL = -8, /* the caller's buffer is too small; the needed size is given */
    GS_ERR_RETRY_LATER = -9,      /* transient: nothing was done, the same call may succeed later */
    GS_ERR_STATE = -10            /* called in the wrong lifecycle state */
};

/* ----------------------------------------------------------------------------------------- */
/* Enumerations (0 is always invalid)                                                          */
/* ----------------------------------------------------------------------------------------- */

typedef enum gs_plugin_kind {
    GS_KIND_INVALID = 0,
    GS_KIND_DRIVER = 1,   /* acquires data from devices: gs_driver_vtable */
    GS_KIND_STORAGE = 2,  /* stores samples and events: gs_storage_vtable */
    GS_KIND_EXPORTER = 3, /* publishes data elsewhere: gs_exporter_vtable */
    GS_KIND_UI = 4        /* serves users: gs_ui_vtable */
} gs_plugin_kind;

typedef enum gs_log_level {
    GS_LOG_INVALID = 0,
    GS_LOG_DEBUG = 1,
    GS_LOG_INFO = 2,
    GS_LOG_WARNING = 3,
    GS_LOG_ERROR = 4
} gs_log_level;

/* How trustworthy a value is. Only GS_QUALITY_GOOD values are fresh measurements; for every
 * other quality the value field is meaningless and must not be shown as live. */
typedef enum gs_quality {
    GS_QUALITY_INVALID = 0,
    GS_QUALITY_GOOD = 1,
    GS_QUALITY_TIMEOUT = 2,      /* the device did not answer in time */
    GS_QUALITY_EXCEPTION = 3,    /* the device answered with a protocol exception (detail = code) */
    GS_QUALITY_DISCONNECTED = 4, /* no connection to the device or its gateway */
    GS_QUALITY_BAD_RESPONSE = 5  /* the answer was malformed or inconsistent and was rejected */
} gs_quality;

typedef enum gs_config_type {
    GS_CONFIG_INVALID = 0,
    GS_CONFIG_STRING = 1,
    GS_CONFIG_INT = 2,
    GS_CONFIG_DOUBLE = 3,
    GS_CONFIG_BOOL = 4,
    GS_CONFIG_SECTION = 5,    /* a nested map or list, read with config_child / config_visit */
    GS_CONFIG_DURATION_MS = 6 /* an integer number of milliseconds */
} gs_config_type;

typedef enum gs_severity {
    GS_SEVERITY_INVALID = 0,
    GS_SEVERITY_INFO = 1,
    GS_SEVERITY_LOW = 2,
    GS_SEVERITY_MEDIUM = 3,
    GS_SEVERITY_HIGH = 4
} gs_severity;

typedef enum gs_event_state {
    GS_EVENT_STATE_INVALID = 0,
    GS_EVENT_STATE_INSTANT = 1,     /* a one-off event, no duration (a transfer, a reset) */
    GS_EVENT_STATE_ACTIVE = 2,      /* an alarm or condition that has started */
    GS_EVENT_STATE_FINISHED = 3,    /* the condition is over */
    GS_EVENT_STATE_ACKNOWLEDGED = 4 /* a user acknowledged it */
} gs_event_state;

/* ----------------------------------------------------------------------------------------- */
/* Data crossing the boundary                                                                  */
/* ----------------------------------------------------------------------------------------- */

/* One measured value of one circuit. */
typedef struct gs_value {
    uint32_t struct_size;
    uint32_t circuit; /* 1-based circuit (load) of the source; 0 = the source as a whole */
    const char *data; /* catalog data name, e.g. "IEaPInst" */
    double value;     /* in catalog units; meaningful only when quality is GOOD */
    uint32_t quality; /* gs_quality */
    int32_t detail;   /* protocol detail, e.g. the Modbus exception code; 0 if none */
} gs_value;

/* The values one source produced at one instant: one device poll. `values` is an array of
 * value_count elements laid out with a stride of value_stride bytes (the producer's
 * sizeof(gs_value)), so that gs_value can grow without breaking readers. */
typedef struct gs_sample_batch {
    uint32_t struct_size;
    uint32_t reserved;  /* 0 */
    const char *source; /* the source's name in the site model */
    int64_t ts_utc_ns;  /* when the values were measured */
    const gs_value *values;
    size_t value_count;
    size_t value_stride; /* sizeof(gs_value) as the producer was compiled */
} gs_sample_batch;

/* An event or alarm. `type` is a stable dotted identifier: "comm.lost", "comm.restored",
 * "atys.transfer", "counter.reset", "counter.rollover", "journal.full", "discovery.progress",
 * "device.alarm", or a plugin's own "<plugin-id>.<name>". */
typedef struct gs_event {
    uint32_t struct_size;
    uint32_t severity; /* gs_severity */
    int64_t ts_utc_ns;
    const char *type;
    const char *source;  /* source name, or NULL for site-wide events */
    uint32_t circuit;    /* 1-based circuit, or 0 */
    uint32_t state;      /* gs_event_state */
    const char *message; /* human-readable, UTF-8 */
} gs_event;

/* ----------------------------------------------------------------------------------------- */
/* Configuration                                                                               */
/* ----------------------------------------------------------------------------------------- */

/* A node of configuration owned by the host (a plugin's section, a source entry, a profile
 * point). Opaque: read it only through the gs_host config functions. A node stays valid for as
 * long as the object it was given with (the instance for the plugin's own section, the source
 * for source and point nodes). NULL designates the plugin instance's own section. */
typedef struct gs_config gs_config;

/* One config key a plugin accepts: the plugin's config map. The same table validates the site
 * file, documents the plugin (`gridscope plugins`) and can build a UI form. Before create() (and
 * before add_source() for a driver's source_fields) the kernel checks every key of the section
 * against the table and reports every problem at once, each as
 * `file:line:column: field 'plugins.<id>.<key>': ...`: unknown keys, missing required keys,
 * wrong types, values out of [min_value, max_value] or not among allowed_values. It then fills
 * the default of every absent key, so the plugin reads each key with the config getters and
 * never repeats a default. All strings are static: the kernel reads the table while the
 * library is loaded. */
typedef struct gs_config_field {
    uint32_t struct_size;
    uint32_t type;             /* gs_config_type */
    const char *key;           /* top-level key in the plugin's section */
    uint32_t required;         /* 1 if the key must be present */
    uint32_t reserved;         /* 0 */
    const char *default_value; /* textual default (of `type`), or NULL: absent means "not set" */
    const char *description;
    /* Since 1.3 (check with GS_HAS_FIELD). Inclusive bounds for INT, DURATION_MS and DOUBLE
     * keys, as text of the key's type ("1", "65535", "0.5"); NULL = unbounded on that side. */
    const char *min_value;
    const char *max_value;
    /* Since 1.3: a NULL-terminated list of the texts the key accepts ("N", "E", "O"), compared
     * exactly after YAML unquoting; NULL = any value of the type. */
    const char *const *allowed_values;
} gs_config_field;

/* Called once per leaf by config_visit. `path` holds `depth` segments from the visited node
 * down to the leaf; a list element's segment is its decimal index ("0", "1", ...). `value` is
 * the leaf's text. All strings are borrowed for the call. Return GS_OK to go on, anything else
 * to stop the visit (config_visit then returns that status). */
typedef gs_status (*gs_config_visit_fn)(void *payload, const char *const *path, size_t depth,
                                        const char *value);

/* ----------------------------------------------------------------------------------------- */
/* Host services                                                                               */
/* ----------------------------------------------------------------------------------------- */

typedef struct gs_host gs_host;

/* The host's services for one plugin instance. The kernel gives each instance its own gs_host at
 * create(); it stays valid until destroy() returns. Every function may be called from
 * [any-thread] unless stated otherwise, and never blocks for long. */
struct gs_host {
    uint32_t struct_size;
    uint32_t abi_version; /* the kernel's GS_ABI_VERSION */
    void *host_data;      /* the host's own; plugins leave it alone */

    /* Writes one log line attributed to this instance. */
    void (*log)(const gs_host *host, int32_t level /* gs_log_level */, const char *message);

    /* Records why the call in progress fails; the host copies `message` and reports it with the
     * status the call returns. Call it just before returning an error. */
    void (*set_error)(const gs_host *host, gs_status code, const char *message);

    /* Clocks: UTC wall time and monotonic time, in nanoseconds. */
    int64_t (*now_utc_ns)(const gs_host *host);
    int64_t (*now_mono_ns)(const gs_host *host);

    /* Hands a batch of samples to the kernel's sample bus. The host copies everything before
     * returning. GS_ERR_RETRY_LATER means the bus is full: nothing was taken. */
    gs_status (*publish_samples)(const gs_host *host, const gs_sample_batch *batch);

    /* Hands an event to the kernel's event bus; copied before returning. */
    gs_status (*publish_event)(const gs_host *host, const gs_event *event);

    /* Typed config getters on `node` (NULL = this instance's section). `key` is a dotted path
     * below node ("tls.cert"). GS_ERR_NOT_FOUND if absent; GS_ERR_INVALID_ARG (with a message
     * naming file, line and key) if present with another type. */
    gs_status (*config_get_int)(const gs_host *host, const gs_config *node, const char *key,
                                int64_t *out);
    gs_status (*config_get_double)(const gs_host *host, const gs_config *node, const char *key,
                                   double *out);
    gs_status (*config_get_bool)(const gs_host *host, const gs_config *node, const char *key,
                                 int32_t *out);
    /* Copies the string with its terminating NUL into buf; *needed receives the size the whole
     * string needs (NUL included). GS_ERR_BUFFER_TOO_SMALL if buf_size < *needed. */
    gs_status (*config_get_string)(const gs_host *host, const gs_config *node, const char *key,
                                   char *buf, size_t buf_size, size_t *needed);
    /* The child node at `key` (a map or a list element by index), or NULL. */
    const gs_config *(*config_child)(const gs_host *host, const gs_config *node, const char *key);
    /* Calls visit for every leaf below node, in document order. */
    gs_status (*config_visit)(const gs_host *host, const gs_config *node, gs_config_visit_fn visit,
                              void *payload);
    /* Where a node was written, for error messages: copies "file:line:column" into buf. */
    gs_status (*config_location)(const gs_host *host, const gs_config *node, char *buf,
                                 size_t buf_size);

    /* Looks up a further service by versioned id, e.g. "gridscope.storage.query/1". Returns a
     * struct that starts with struct_size and stays valid until this instance is destroyed, or
     * NULL if the host does not provide it (yet: services may appear once all plugins started). */
    const void *(*get_service)(const gs_host *host, const char *service_id);
};

/* ----------------------------------------------------------------------------------------- */
/* Plugin instances and vtables                                                                */
/* ----------------------------------------------------------------------------------------- */

/* A plugin instance, defined by the plugin. */
typedef struct gs_instance gs_instance;

/* The lifecycle shared by every kind, in this order:
 *   create -> [configure calls of the kind] -> start -> ... -> stop -> destroy
 * create:  [kernel-thread] makes an instance bound to `host`; reads and validates its config.
 *          On failure it sets an error, frees what it made and leaves *out untouched.
 * start:   [kernel-thread] begins work (threads, sockets). Must return promptly.
 * stop:    [kernel-thread] ends work; when it returns no plugin thread calls the host any more.
 * destroy: [kernel-thread] frees the instance; called once, after stop if start succeeded.
 */
typedef gs_status (*gs_create_fn)(const gs_host *host, gs_instance **out);
typedef gs_status (*gs_start_fn)(gs_instance *instance);
typedef gs_status (*gs_stop_fn)(gs_instance *instance);
/* Since 1.2: see site_changed in gs_storage_vtable. */
typedef gs_status (*gs_site_changed_fn)(gs_instance *instance);
typedef void (*gs_destroy_fn)(gs_instance *instance);

/* A point of a device profile as the driver sees it. */
typedef struct gs_point {
    uint32_t struct_size;
    uint32_t circuit;       /* 1-based circuit the value belongs to; 0 = the source itself */
    const char *data;       /* catalog data name */
    const char *unit;       /* catalog unit of the value ("Wh"), "" if none */
    const gs_config *attrs; /* the point's entry in the profile: driver-specific keys */
} gs_point;

/* A data source (a device) the driver must poll. */
typedef struct gs_source {
    uint32_t struct_size;
    uint32_t circuit_count;    /* number of circuits (loads) of the device */
    const char *name;          /* unique in the site */
    const char *profile;       /* profile id */
    const gs_config *attrs;    /* the source's entry in the site file (address, unit, ...) */
    const gs_config *defaults; /* the profile's `defaults` section, or NULL */
    const gs_point *points;
    size_t point_count;
    size_t point_stride; /* sizeof(gs_point) as the host was compiled */
    int64_t period_ms;   /* polling period */
    /* Since 1.1 (check with GS_HAS_FIELD): the profile's commands, as write-only points whose
     * `data` is the command's name and `attrs` its entry (driver keys as for a point). The
     * driver never polls them; the kernel runs one by calling write(source, circuit, name,
     * value). Each element is command_stride bytes long. */
    const gs_point *commands;
    size_t command_count;
    size_t command_stride;
} gs_source;

/* Receives the values of an on-demand read or the devices found by a scan. Borrowed data. */
typedef gs_status (*gs_values_fn)(void *payload, const gs_sample_batch *batch);
/* Receives a text (plain or JSON) from describe(). Borrowed for the call. */
typedef gs_status (*gs_text_fn)(void *payload, const char *text);
/* Receives one device found by a scan, described as a flat list of key/value strings
 * (keys[i] = values[i]), e.g. unit, vendor, family, model, profile, circuits. */
typedef gs_status (*gs_found_fn)(void *payload, const char *const *keys, const char *const *values,
                                 size_t count);

/* Since 1.3: one command-line option a driver accepts for a source given on the command line
 * (`gridscope read --tcp HOST:PORT --unit 3`). The kernel copies the option's value into the
 * source entry under `key`, as an integer when `integer` is 1; add_source then checks the
 * entry as it checks a site file's. */
typedef struct gs_cli_option {
    uint32_t struct_size;
    const char *flag;          /* "--tcp" */
    const char *key;           /* "tcp": the source key it fills */
    uint32_t integer;          /* 1: the value must be an integer */
    uint32_t address;          /* 1: one of the address options, exactly one of which is given */
    const char *default_value; /* put in the entry when the option is absent; NULL: none */
    const char *only_with;     /* the default applies only when this key is set; NULL: always */
    const char *description;   /* one line, with the value's form: "HOST:PORT" */
} gs_cli_option;

/* Since 1.5: the polling counters of one link of a driver (gs_driver_vtable.poll_counters). */
typedef struct gs_poll_counters {
    uint32_t struct_size;
    uint32_t reserved;
    const char *link;  /* the link's name, e.g. "tcp 127.0.0.1:1502" (borrowed for the call) */
    uint64_t requests; /* requests sent to devices since start */
    uint64_t errors;   /* ... of which not answered with data (timeout, exception, I/O error) */
} gs_poll_counters;
typedef gs_status (*gs_poll_counters_fn)(void *payload, const gs_poll_counters *counters);

typedef struct gs_driver_vtable {
    uint32_t struct_size;
    gs_create_fn create;   /* required */
    gs_destroy_fn destroy; /* required */
    gs_start_fn start;     /* required: begins polling every added source on its own threads,
                              publishing through host->publish_samples [plugin-thread] */
    gs_stop_fn stop;       /* required */

    /* [kernel-thread] Checks one point of a profile before any instance exists: `point` is the
     * point's entry, `defaults` the profile's defaults section (or NULL). The kernel itself
     * reads the point keys data, circuit, source, states and description; the driver checks
     * and refuses every other key. Returns GS_ERR_INVALID_ARG with a message naming the field
     * that is wrong. The host given here has no instance: only log, set_error and the config
     * functions may be used. Required. */
    gs_status (*validate_point)(const gs_host *host, const gs_config *defaults,
                                const gs_config *point);

    /* [kernel-thread] Adds a source to poll; before start() only. The driver copies what it
     * keeps. source->attrs is the source's whole entry: the kernel reads name, profile, driver,
     * period_ms, enabled, location and circuits; the driver checks and refuses every other key
     * (its connection settings). Required. */
    gs_status (*add_source)(gs_instance *instance, const gs_source *source);

    /* [kernel-thread] Reads every point of an added source now and hands the values to
     * `on_values` before returning (on-demand read, used by `gridscope read`). Optional. */
    gs_status (*read)(gs_instance *instance, const char *source, gs_values_fn on_values,
                      void *payload);

    /* [any-thread, blocking] Writes one value to a device point, or runs a command (since 1.1:
     * `data` is then the command's name, see gs_source.commands). Returns when the device
     * answered or the driver's timeout passed. The kernel serializes calls. Optional. */
    gs_status (*write)(gs_instance *instance, const char *source, uint32_t circuit,
                       const char *data, double value);

    /* [kernel-thread] Looks for devices as `params` say (address range, unit ids, timeout);
     * calls on_found for each one and reports progress as "discovery.progress" events (a
     * message holding "unit D/T" gives the probes done and planned, for a progress bar).
     * The kernel calls it on an instance made for the scan (created, never started); since
     * 1.6 possibly on a kernel worker thread while the site runs (gridscope.discovery/1).
     * on_found returning anything but GS_OK asks the scan to stop. Optional. */
    gs_status (*scan)(gs_instance *instance, const gs_config *params, gs_found_fn on_found,
                      void *payload);

    /* [kernel-thread] Describes how the driver polls an added source, for people and tools
     * (`gridscope plan`): calls on_text once with plain text when json is 0, with a JSON
     * document when json is 1. Optional. */
    gs_status (*describe)(gs_instance *instance, const char *source, int32_t json,
                          gs_text_fn on_text, void *payload);

    /* Since 1.3, optional: the source keys a user may give on the command line of
     * `gridscope read` and `plan` (a device's address), so that the kernel knows no driver's
     * keys. See gs_cli_option. NULL: the driver takes none. */
    const gs_cli_option *connection_options;
    size_t connection_option_count;

    /* Since 1.3, optional (NULL with a count of 0: the driver checks its source keys alone).
     * The config map of the keys a source entry may carry besides the kernel's own (name,
     * profile, driver, period_ms, enabled, location, circuits): the driver's connection
     * settings. The kernel checks every source of this driver against it as it checks a plugin
     * section (path `sources[<i>].<key>`), fills the defaults into source->attrs, and does not
     * call add_source() for a source that has an error. */
    const gs_config_field *source_fields;
    size_t source_field_count;

    /* Since 1.4, optional (NULL with a count of 0: scan() gets no command-line settings): the
     * settings of `gridscope discover` as command-line options (gs_cli_option), so that the
     * kernel knows no scan key. The kernel puts each option given, or its default, under its
     * key in scan()'s params; `address` marks where to scan (exactly one is given: the
     * command's output names its value); `only_with` as for connection_options. */
    const gs_cli_option *scan_options;
    size_t scan_option_count;

    /* Since 1.5, optional: [any-thread] calls on_link once per link the driver polls (a TCP
     * connection, a serial port) with its counters since start; a driver without links may
     * report one entry per source. Must not block on a device. NULL: no counters. */
    gs_status (*poll_counters)(gs_instance *instance, gs_poll_counters_fn on_link, void *payload);

    /* Since 1.6, optional: [any-thread] calls on_json once with the driver's counters since
     * start as one JSON document (borrowed for the call); must not block on a device:
     *   {"links": [{"link", "requests", "timeouts", "exceptions", "invalid", "disconnected",
     *               "busy_us", "running_us", "utilisation"}],
     *    "sources": [{"source", "link", "state": "online"|"offline"|"unknown",
     *                 "last_good_utc_ns" (null: never), "requests", "timeouts", "exceptions",
     *                 "invalid", "disconnected", "mean_response_us" (null: no request)}]}
     * `link` as in poll_counters; busy_us is the time spent on requests (send to outcome),
     * utilisation busy_us / running_us. Members may be added; readers ignore unknown ones.
     * NULL: no diagnostics. */
    gs_status (*diagnostics)(gs_instance *instance, gs_text_fn on_json, void *payload);

    /* Since 1.6, optional: [any-thread] the bus view of link `link` (a name poll_counters
     * gives): calls on_json once with the last frames sent and received, oldest first:
     *   {"link", "capacity", "frames": [{"ts_utc_ns", "direction": "sent"|"received", "unit",
     *                                    "hex": "01 03 00 00 00 02 C4 0B", "note"}]}
     * A call also arms the link's recording for a while (a minute with the SDK's Modbus
     * drivers): a link nobody looks at records nothing. GS_ERR_NOT_FOUND when the driver has no
     * such link. NULL: no bus view. */
    gs_status (*bus_trace)(gs_instance *instance, const char *link, gs_text_fn on_json,
                           void *payload);
} gs_driver_vtable;

typedef struct gs_storage_vtable {
    uint32_t struct_size;
    gs_create_fn create;   /* required */
    gs_destroy_fn destroy; /* required */
    gs_start_fn start;     /* required: opens the store */
    gs_stop_fn stop;       /* required: flushes and closes */

    /* [bus-thread] Stores a batch durably: when it returns GS_OK the samples survive a crash.
     * Required. */
    gs_status (*append_samples)(gs_instance *instance, const gs_sample_batch *batch);
    /* [bus-thread] Stores an event. Required. */
    gs_status (*append_event)(gs_instance *instance, const gs_event *event);

    /* [any-thread] Returns the storage's implementation of a versioned service
     * ("gridscope.storage.query/1", "gridscope.storage.journal/1"), which the host then offers
     * to every plugin through get_service; NULL if not provided. Optional. */
    const void *(*get_service)(gs_instance *instance, const char *service_id);

    /* Since 1.2, optional. [kernel-thread] The site file was reloaded, this instance's own
     * section did not change but the site model did: the instance reads the new one
     * (gridscope.site/1, gridscope.runtime/1) and goes on running with it, keeping its state
     * (a UI keeps its sessions). The kernel calls it while none of this instance's bus calls
     * is in flight and queues the bus messages meanwhile; the previous site_json stays valid
     * until it returns. Any other answer than GS_OK, or NULL: the kernel replaces the instance
     * (stop, destroy, then a new one is created and started). */
    gs_site_changed_fn site_changed;
} gs_storage_vtable;

typedef struct gs_exporter_vtable {
    uint32_t struct_size;
    gs_create_fn create;   /* required */
    gs_destroy_fn destroy; /* required */
    gs_start_fn start;     /* required */
    gs_stop_fn stop;       /* required */

    /* [bus-thread] Takes a batch to publish. GS_ERR_RETRY_LATER when the destination is
     * unreachable: the kernel keeps the batch and offers it again later. Optional. */
    gs_status (*consume_samples)(gs_instance *instance, const gs_sample_batch *batch);
    /* [bus-thread] The same for one event. Optional. */
    gs_status (*consume_event)(gs_instance *instance, const gs_event *event);
    /* [bus-thread] Publishes what is buffered now (end of a period, shutdown). Optional. */
    gs_status (*flush)(gs_instance *instance);

    /* Since 1.2, optional: as in gs_storage_vtable. */
    gs_site_changed_fn site_changed;

    /* Since 1.4, optional. [any-thread] As in gs_storage_vtable: a versioned service the host
     * offers every plugin through get_service ("gridscope.alarms/1"), or NULL. The struct must
     * stay valid while the plugin's library is loaded (an instance replaced by a reload must not
     * leave another plugin holding freed memory): give a static struct whose functions answer
     * GS_ERR_STATE while no instance runs. */
    const void *(*get_service)(gs_instance *instance, const char *service_id);
} gs_exporter_vtable;

typedef struct gs_ui_vtable {
    uint32_t struct_size;
    gs_create_fn create;   /* required */
    gs_destroy_fn destroy; /* required */
    gs_start_fn start;     /* required: starts serving */
    gs_stop_fn stop;       /* required */

    /* [bus-thread] Live samples and events, for pushing to users. Optional. */
    gs_status (*on_samples)(gs_instance *instance, const gs_sample_batch *batch);
    gs_status (*on_event)(gs_instance *instance, const gs_event *event);

    /* Since 1.2, optional: as in gs_storage_vtable. */
    gs_site_changed_fn site_changed;
} gs_ui_vtable;

/* ----------------------------------------------------------------------------------------- */
/* Module and plugin descriptors                                                               */
/* ----------------------------------------------------------------------------------------- */

/* Since 1.3: a command-line tool a plugin offers as `gridscope <name>`, for what belongs to the
 * plugin (ui_web's passwords file: `gridscope passwd`). The kernel parses the command line:
 * --config FILE (required; the site is checked first), --data-dir DIR (default
 * "gridscope-data"), its common options, and the value options the tool lists. It then calls
 * run with a map node holding "config", "data_dir" and each option given, under its name
 * without the leading dashes ("--profile" -> "profile"). The tool talks to the user on the
 * standard streams itself, its messages starting with "gridscope <name>: ". */
typedef struct gs_tool {
    uint32_t struct_size;
    const char *name;           /* "passwd" */
    const char *usage;          /* its own options, for the help text: "--profile admin|advanced" */
    const char *summary;        /* one line */
    const char *const *options; /* the value options it takes besides the kernel's: "--profile" */
    size_t option_count;
    /* [kernel-thread] Runs the tool; returns the process exit code (0: done, 1: failed, 2: wrong
     * usage). `host` has no instance: log, set_error, the clocks, the config functions and
     * (since 1.4) get_service may be used. Since 1.4 the NULL node is the plugin's own section
     * of the site file (an empty map when the site has none), and get_service offers the
     * kernel's services and the storage's, the store opened read-only on first use (NULL when
     * it cannot be opened; the reason is logged). */
    int32_t (*run)(const gs_host *host, const gs_config *options);
    /* Since 1.4, optional: the options without a value it takes ("--now"); one given appears in
     * the options node as "true" under its name without the dashes. */
    const char *const *switches;
    size_t switch_count;
} gs_tool;

typedef struct gs_plugin_descriptor {
    uint32_t struct_size;
    uint32_t kind;                        /* gs_plugin_kind */
    const char *id;                       /* stable, unique among loaded plugins: "driver_modbus" */
    const char *version;                  /* the plugin's own version, "1.2.0" */
    const char *description;              /* one line */
    const gs_config_field *config_fields; /* the keys its section accepts */
    size_t config_field_count;
    const void *vtable; /* gs_driver_vtable, gs_storage_vtable, ... as kind says */

    /* Since 1.3, optional: command-line tools the plugin offers (see gs_tool). */
    const gs_tool *const *tools;
    size_t tool_count;

    /* Since 1.4, optional: top-level sections of the site file the plugin reads itself
     * ("alarms"), which the kernel otherwise refuses as unknown keys. A site file holding one
     * runs the plugin (as if listed under `plugins:`); a change of the section alone replaces the
     * instance at a reload. The kernel does not read the section: the plugin reads the site
     * file (gridscope.runtime/1's site_file, or a tool's "config") and checks it in create(), so
     * `gridscope check` and a reload report its errors with file:line. While a save through
     * "gridscope.config/1" is checked, the instances made to check it find there the text being
     * saved (a candidate file beside the site file; errors at their keys, "alarms[0].deadband");
     * the instances that then run are made once it replaced the site file. */
    const char *const *site_sections;
    size_t site_section_count;
} gs_plugin_descriptor;

typedef struct gs_module {
    uint32_t struct_size;
    uint32_t abi_version; /* GS_ABI_VERSION the module was built against */
    const char *name;     /* the library's name, for messages */
    const gs_plugin_descriptor *const *plugins;
    size_t plugin_count;
} gs_module;

/* The entry point, exported as GS_MODULE_ENTRY_SYMBOL. [kernel-thread] Called once after load
 * with the kernel's ABI version; returns the module's static descriptor, or NULL if the module
 * cannot work with that kernel. Must not call the host or start anything. */
typedef const gs_module *(*gs_module_entry_fn)(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* GRIDSCOPE_PLUGIN_H */
