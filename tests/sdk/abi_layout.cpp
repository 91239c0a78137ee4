// plugin.h compiles alone as C++17 with -pedantic -Werror; the C++ layer too.
#include <gridscope/plugin.h>
#include <gridscope/services/config.h>
#include <gridscope/services/device.h>
#include <gridscope/services/discovery.h>
#include <gridscope/services/metrics.h>
#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>
#include <gridscope/services/storage.h>

#include <gridscope/plugin.hpp>
#include <gridscope/testing.hpp>

static_assert(sizeof(gs_value) == 32);
static_assert(sizeof(gs_host) == 128);
// 1.3 appended the connection options and source_fields (driver), the tools (descriptor) and
// the bounds (gs_config_field).
// 1.4 appended the scan options (driver); 1.5 the poll counters; 1.6 diagnostics and bus_trace.
static_assert(sizeof(gs_driver_vtable) == 160 && offsetof(gs_driver_vtable, diagnostics) == 144 &&
              offsetof(gs_driver_vtable, bus_trace) == 152 &&
              offsetof(gs_driver_vtable, connection_options) == 88 &&
              offsetof(gs_driver_vtable, source_fields) == 104 &&
              offsetof(gs_driver_vtable, scan_options) == 120 &&
              offsetof(gs_driver_vtable, poll_counters) == 136);
// 1.5 appended counters (storage query) and cursors (journal).
static_assert(sizeof(gs_storage_query_v1) == 96 && offsetof(gs_storage_query_v1, counters) == 88);
static_assert(sizeof(gs_storage_journal_v1) == 48 &&
              offsetof(gs_storage_journal_v1, cursors) == 40);
// 1.4 appended site_sections (descriptor) and get_service (exporter).
static_assert(sizeof(gs_plugin_descriptor) == 88 && offsetof(gs_plugin_descriptor, tools) == 56 &&
              offsetof(gs_plugin_descriptor, site_sections) == 72);
static_assert(sizeof(gs_config_field) == 64 && offsetof(gs_config_field, min_value) == 40);
// 1.2 appended site_changed; a module built against 1.1 hands the shorter struct (struct_size).
static_assert(sizeof(gs_ui_vtable) == 64 && offsetof(gs_ui_vtable, site_changed) == 56);
static_assert(sizeof(gs_storage_vtable) == 72 && offsetof(gs_storage_vtable, site_changed) == 64);
static_assert(sizeof(gs_exporter_vtable) == 80 &&
              offsetof(gs_exporter_vtable, site_changed) == 64 &&
              offsetof(gs_exporter_vtable, get_service) == 72);

// 1.6 appended diagnostics, bus_trace and plugins to the metrics service.
static_assert(sizeof(gs_metrics_service_v1) == 48 &&
              offsetof(gs_metrics_service_v1, diagnostics) == 24 &&
              offsetof(gs_metrics_service_v1, plugins) == 40);

// 1.5 added the device service (services/device.h).
static_assert(sizeof(gs_identified_source) == 40 &&
              offsetof(gs_identified_source, circuits) == 24 &&
              sizeof(gs_device_service_v1) == 24 &&
              offsetof(gs_device_service_v1, declare_identified) == 16);
// 1.6 added the discovery service (services/discovery.h).
static_assert(sizeof(gs_discovery_status) == 64 && offsetof(gs_discovery_status, done) == 24 &&
              offsetof(gs_discovery_status, ended_utc_ns) == 56 &&
              sizeof(gs_discovery_service_v1) == 48 &&
              offsetof(gs_discovery_service_v1, drivers) == 16 &&
              offsetof(gs_discovery_service_v1, cancel) == 40);
// 1.6 added the config service (services/config.h).
static_assert(sizeof(gs_config_service_v1) == 48 && offsetof(gs_config_service_v1, get) == 16 &&
              offsetof(gs_config_service_v1, save) == 32 &&
              offsetof(gs_config_service_v1, restore) == 40);
static_assert(GS_ABI_VERSION == GS_ABI_MAKE_VERSION(1, 6));

int main() {
    return GS_OK;
}
