/* plugin.h compiles alone as C11 with -pedantic -Werror, and its ABI layout is pinned: a change
 * of any size or offset below is an ABI break and must bump the major version. (LP64) */
#include <gridscope/plugin.h>
#include <gridscope/services/alarms.h>
#include <gridscope/services/config.h>
#include <gridscope/services/control.h>
#include <gridscope/services/device.h>
#include <gridscope/services/discovery.h>
#include <gridscope/services/metrics.h>
#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>
#include <gridscope/services/storage.h>

#include <stddef.h>

#define PIN_SIZE(type, size) _Static_assert(sizeof(type) == (size), #type " size changed")
#define PIN_OFFSET(type, field, off)                                                               \
    _Static_assert(offsetof(type, field) == (off), #type "." #field " moved")

PIN_SIZE(gs_value, 32);
PIN_OFFSET(gs_value, data, 8);
PIN_OFFSET(gs_value, value, 16);
PIN_OFFSET(gs_value, quality, 24);
PIN_SIZE(gs_sample_batch, 48);
PIN_OFFSET(gs_sample_batch, source, 8);
PIN_OFFSET(gs_sample_batch, ts_utc_ns, 16);
PIN_OFFSET(gs_sample_batch, value_stride, 40);
PIN_SIZE(gs_event, 48);
PIN_OFFSET(gs_event, type, 16);
PIN_OFFSET(gs_event, message, 40);
/* 1.2 ended at 40; 1.3 appended min_value, max_value and allowed_values. */
PIN_OFFSET(gs_config_field, min_value, 40);
PIN_SIZE(gs_config_field, 64);
PIN_SIZE(gs_host, 128);
PIN_OFFSET(gs_host, log, 16);
PIN_OFFSET(gs_host, publish_samples, 48);
PIN_OFFSET(gs_host, get_service, 120);
PIN_SIZE(gs_point, 32);
/* 1.0 ended at 72; 1.1 appended the commands (a minor version only appends). */
PIN_OFFSET(gs_source, period_ms, 64);
PIN_OFFSET(gs_source, commands, 72);
PIN_SIZE(gs_source, 96);
/* 1.2 ended at 88; 1.3 appended the connection options, then source_fields. */
PIN_OFFSET(gs_driver_vtable, connection_options, 88);
PIN_OFFSET(gs_driver_vtable, source_fields, 104);
/* 1.3 ended at 120; 1.4 appended the scan options. */
PIN_OFFSET(gs_driver_vtable, scan_options, 120);
/* 1.4 ended at 136; 1.5 appended the poll counters. */
PIN_OFFSET(gs_driver_vtable, poll_counters, 136);
/* 1.5 ended at 144; 1.6 appended diagnostics and bus_trace. */
PIN_OFFSET(gs_driver_vtable, diagnostics, 144);
PIN_OFFSET(gs_driver_vtable, bus_trace, 152);
PIN_SIZE(gs_driver_vtable, 160);
PIN_SIZE(gs_poll_counters, 32);
PIN_OFFSET(gs_poll_counters, link, 8);
PIN_OFFSET(gs_poll_counters, requests, 16);
PIN_OFFSET(gs_poll_counters, errors, 24);
/* 1.5 ended at 24; 1.6 appended diagnostics, bus_trace and plugins. */
PIN_OFFSET(gs_metrics_service_v1, poll_counters, 16);
PIN_OFFSET(gs_metrics_service_v1, diagnostics, 24);
PIN_OFFSET(gs_metrics_service_v1, bus_trace, 32);
PIN_OFFSET(gs_metrics_service_v1, plugins, 40);
PIN_SIZE(gs_metrics_service_v1, 48);
PIN_SIZE(gs_cli_option, 56);
PIN_OFFSET(gs_cli_option, integer, 24);
PIN_OFFSET(gs_cli_option, description, 48);
PIN_OFFSET(gs_driver_vtable, describe, 80);
PIN_OFFSET(gs_driver_vtable, validate_point, 40);
PIN_OFFSET(gs_driver_vtable, scan, 72);
/* 1.1 ended at 64, 64 and 56; 1.2 appended site_changed to each. */
PIN_OFFSET(gs_storage_vtable, site_changed, 64);
PIN_SIZE(gs_storage_vtable, 72);
PIN_OFFSET(gs_exporter_vtable, site_changed, 64);
/* 1.4 appended get_service to the exporter vtable. */
PIN_OFFSET(gs_exporter_vtable, get_service, 72);
PIN_SIZE(gs_exporter_vtable, 80);
PIN_OFFSET(gs_ui_vtable, site_changed, 56);
PIN_SIZE(gs_ui_vtable, 64);
/* 1.2 ended at 56; 1.3 appended the tools. */
PIN_OFFSET(gs_plugin_descriptor, tools, 56);
/* 1.3 ended at 72; 1.4 appended the site sections. */
PIN_OFFSET(gs_plugin_descriptor, site_sections, 72);
PIN_SIZE(gs_plugin_descriptor, 88);
/* 1.3's gs_tool ended at 56; 1.4 appended the switches. */
PIN_SIZE(gs_tool, 72);
PIN_OFFSET(gs_tool, options, 32);
PIN_OFFSET(gs_tool, run, 48);
PIN_OFFSET(gs_tool, switches, 56);
PIN_OFFSET(gs_plugin_descriptor, vtable, 48);
PIN_SIZE(gs_module, 32);
PIN_OFFSET(gs_module, abi_version, 4);
PIN_SIZE(gs_runtime_service_v1, 48);
PIN_SIZE(gs_site_service_v1, 16);
PIN_SIZE(gs_control_service_v1, 24);
/* 1.5: the device service. */
PIN_SIZE(gs_identified_source, 40);
PIN_OFFSET(gs_identified_source, source, 8);
PIN_OFFSET(gs_identified_source, profile, 16);
PIN_OFFSET(gs_identified_source, circuits, 24);
PIN_OFFSET(gs_identified_source, circuit_count, 32);
PIN_SIZE(gs_device_service_v1, 24);
PIN_OFFSET(gs_device_service_v1, declare_identified, 16);
/* 1.6: the discovery service. */
PIN_SIZE(gs_discovery_status, 64);
PIN_OFFSET(gs_discovery_status, driver, 8);
PIN_OFFSET(gs_discovery_status, message, 16);
PIN_OFFSET(gs_discovery_status, done, 24);
PIN_OFFSET(gs_discovery_status, total, 32);
PIN_OFFSET(gs_discovery_status, found, 40);
PIN_OFFSET(gs_discovery_status, started_utc_ns, 48);
PIN_OFFSET(gs_discovery_status, ended_utc_ns, 56);
PIN_SIZE(gs_discovery_service_v1, 48);
PIN_OFFSET(gs_discovery_service_v1, context, 8);
PIN_OFFSET(gs_discovery_service_v1, drivers, 16);
PIN_OFFSET(gs_discovery_service_v1, start, 24);
PIN_OFFSET(gs_discovery_service_v1, status, 32);
PIN_OFFSET(gs_discovery_service_v1, cancel, 40);
/* 1.6: the config service. */
PIN_SIZE(gs_config_service_v1, 48);
PIN_OFFSET(gs_config_service_v1, get, 16);
PIN_OFFSET(gs_config_service_v1, validate, 24);
PIN_OFFSET(gs_config_service_v1, save, 32);
PIN_OFFSET(gs_config_service_v1, restore, 40);
/* 1.4 ended at 64; 1.5 appended query and export_csv (the Alarms page). */
PIN_OFFSET(gs_alarms_service_v1, query, 64);
PIN_SIZE(gs_alarms_service_v1, 80);
PIN_SIZE(gs_series_info, 56);
PIN_SIZE(gs_series_point, 40);
PIN_SIZE(gs_event_record, 80);
PIN_SIZE(gs_event_query, 48);
/* query/1 ended at 72; `history` (and gs_history_bucket) appended. */
PIN_OFFSET(gs_storage_query_v1, set_event_state, 64);
PIN_OFFSET(gs_storage_query_v1, history, 72);
/* then `import_spool` (the folder `gridscope import` writes to). */
PIN_OFFSET(gs_storage_query_v1, import_spool, 80);
/* 1.5 appended `counters` (values stored, journal head). */
PIN_OFFSET(gs_storage_query_v1, counters, 88);
PIN_SIZE(gs_storage_query_v1, 96);
PIN_SIZE(gs_storage_counters, 24);
PIN_OFFSET(gs_storage_counters, values_stored, 8);
PIN_OFFSET(gs_storage_counters, journal_head, 16);
PIN_SIZE(gs_history_bucket, 48);
PIN_OFFSET(gs_history_bucket, start_utc_ns, 8);
PIN_OFFSET(gs_history_bucket, avg, 40);
/* journal/1 ended at 40; 1.5 appended `cursors`. */
PIN_OFFSET(gs_storage_journal_v1, commit, 32);
PIN_OFFSET(gs_storage_journal_v1, cursors, 40);
PIN_SIZE(gs_storage_journal_v1, 48);

int main(void) {
    return GS_ABI_MAJOR_OF(GS_ABI_VERSION) == GS_ABI_VERSION_MAJOR ? 0 : 1;
}
