// What every Modbus-based driver (driver_modbus, driver_socomec_diris, driver_socomec_atys) does
// the same way between the SDK and the core: the link settings of its plugin section, a source
// entry and its profile points turned into the core's configuration, the profile check, an
// on-demand read, the plan description and events. The polling links are in links.hpp.
#pragma once

#include "modbus_driver/source_config.hpp"

#include <gridscope/plugin.hpp>

#include <string>
#include <vector>

namespace gs::modbus {

// The plugin-section fields of LinkSettings, for the drivers' config_fields.
inline constexpr gs_config_field kConnectTimeoutField =
    gs::bounded(gs::field(GS_CONFIG_DURATION_MS, "connect_timeout_ms", "2000",
                          "TCP connect / serial open timeout"),
                "0", nullptr);
inline constexpr gs_config_field kOfflineAfterField =
    gs::bounded(gs::field(GS_CONFIG_INT, "offline_after_failures", "3",
                          "failed cycles before a device is declared lost and polled on a backoff"),
                "1", nullptr);
inline constexpr gs_config_field kGuardIntervalField =
    gs::bounded(gs::field(GS_CONFIG_INT, "guard_interval_us", "0",
                          "pause between two requests on a link (RTU turnaround)"),
                "0", nullptr);
inline constexpr gs_config_field kPhaseSpacingField = gs::bounded(
    gs::field(GS_CONFIG_DURATION_MS, "phase_spacing_ms", "50",
              "devices of a link are spread over their period at phases at least this far apart; "
              "those sharing a phase are polled back to back (0: a phase per device)"),
    "0", nullptr);

// The four fields above, in this order: a driver with keys of its own declares
// `config_fields[] = {GS_MODBUS_LINK_FIELDS, gs::field(...), ...}` (DriverBase's are these alone).
#define GS_MODBUS_LINK_FIELDS                                                                      \
    gs::modbus::kConnectTimeoutField, gs::modbus::kOfflineAfterField,                              \
        gs::modbus::kGuardIntervalField, gs::modbus::kPhaseSpacingField

// The keys a Modbus source entry carries besides the kernel's own: every Modbus driver's
// source_fields (DriverBase declares them). The kernel checks them before add_source(). unit's
// range is 1 to 247 on a serial line; timeout_ms, max_registers and max_gap default to the
// profile's `defaults`: those rules, which depend on something else, stay in parse_source.
inline constexpr const char *kParities[] = {"N", "E", "O", nullptr};
inline constexpr gs_config_field kSourceFields[] = {
    gs::field(GS_CONFIG_STRING, "tcp", nullptr, "HOST:PORT of a Modbus TCP device or gateway"),
    gs::field(GS_CONFIG_STRING, "rtu", nullptr, "serial device of a Modbus RTU line"),
    gs::field(GS_CONFIG_STRING, "rtu_tcp", nullptr,
              "HOST:PORT of a serial gateway that passes RTU frames over TCP"),
    gs::bounded(gs::field(GS_CONFIG_INT, "baud", "9600", "serial speed (rtu)"), "300", "1000000"),
    gs::one_of(gs::field(GS_CONFIG_STRING, "parity", "N", "serial parity (rtu): N, E or O"),
               kParities),
    gs::bounded(gs::field(GS_CONFIG_INT, "data_bits", "8", "serial data bits (rtu)"), "5", "8"),
    gs::bounded(gs::field(GS_CONFIG_INT, "stop_bits", "1", "serial stop bits (rtu)"), "1", "2"),
    gs::bounded(gs::field(GS_CONFIG_INT, "unit", "1", "Modbus unit id (1 to 247 on a serial line)"),
                "0", "255"),
    gs::bounded(gs::field(GS_CONFIG_DURATION_MS, "timeout_ms", nullptr,
                          "answer timeout (default: the profile's)"),
                "10", "60000"),
    gs::bounded(gs::field(GS_CONFIG_INT, "max_registers", nullptr,
                          "most registers in one read request (default: the profile's)"),
                "1", "125"),
    gs::bounded(gs::field(GS_CONFIG_INT, "max_gap", nullptr,
                          "unused registers a read request may span (default: the profile's)"),
                "0", "1000"),
    gs::field(GS_CONFIG_SECTION, "simulate", nullptr, "what gridscope-sim serves for the source"),
};

// How a driver's links connect and schedule, from its plugin section.
// The defaults are those of the fields above: build it with from().
struct LinkSettings {
    uint32_t connect_timeout_ms = 0;
    unsigned offline_after_failures = 0;
    long guard_interval_us = 0;
    long phase_spacing_ms = 0;

    // Throws gs::InvalidArgument naming the field.
    static LinkSettings from(const gs::Config &section); // read through GS_MODBUS_LINK_FIELDS
    // The configuration of the link that `link_key` names (SourceConfig::link_key).
    LinkConfig link_config(const Endpoint &endpoint, const std::string &link_key) const;
};

// validate_point of a Modbus-based driver: check_point with the SDK's error type.
void validate_profile_point(const gs::ptree &defaults, const gs::ptree &point);

// A source the kernel adds, with its profile's points and commands (with_points false: the
// endpoint and unit only, e.g. a source whose profile is chosen later from the device).
// Throws gs::InvalidArgument "source 'NAME': field ...".
SourceConfig parse_sdk_source(const gs::Source &source, bool with_points = true);

// Reads every point of `source` now (`gridscope read`). Throws gs::Error GS_ERR_TIMEOUT, naming
// the unit and address, when no point gave a value: a silent device is an error, not a batch
// of timeouts.
gs::SampleBatch read_source(const gs::Host &host, const std::string &name,
                            const SourceConfig &source);

// describe() of a Modbus-based driver: the requests of the source's plan, as text
// ("PROFILE: N points in K request(s)<note>\n" and one line per request) or as JSON
// ({"profile": ..., <extra_json>"requests": [...]}; extra_json is "" or ends with ", ").
std::string describe_source(const std::string &profile, const SourceConfig &source, bool json,
                            const std::string &note = "", const std::string &extra_json = "");

// Publishes an event of the driver (source "" = none, circuit 0); when the bus refuses it, the
// event is logged instead (a warning), never lost silently.
void publish_event(const gs::Host &host, const char *type, gs_severity severity,
                   gs_event_state state, const std::string &source, const std::string &message);

} // namespace gs::modbus
