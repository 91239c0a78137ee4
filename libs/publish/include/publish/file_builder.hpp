// Builds the published files from plain inputs: the glue reads the storage and fills these
// structs, this code decides nothing about where the data came from. The format is described
// in docs/datalogger.md; every file is a header block (site, server, file type, period, then
// one column per value: device, circuit, data, unit, coefficient, aggregate) and rows of
// local time, UTC offset and values.
#pragma once

#include "publish/schedule.hpp"
#include "publish/settings.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace gs::publish {

struct SeriesInfo {
    std::string device;     // the source's name in the site
    std::string circuit;    // circuit (load) name or number; empty = the device as a whole
    std::string data;       // catalog data name: "IEaPInst"
    std::string unit;       // "Wh"
    double coefficient = 1; // physical value = value in the file x coefficient
};

struct Point {
    SysSeconds ts; // when it was measured (UTC)
    double value;
};

struct Series {
    SeriesInfo info;
    std::vector<Point> points; // oldest first
};

struct EventRecord {
    SysSeconds ts;
    std::string device; // empty: the site
    std::string circuit;
    std::string type;     // "comm.lost", "device.alarm", ...
    std::string severity; // "info" | "low" | "medium" | "high"
    std::string state;    // "instant" | "active" | "finished" | "acknowledged"
    std::string message;
};

struct DeviceStatus {
    std::string device;
    std::string state;      // "ok", "lost", "disabled", ...
    SysSeconds last_seen{}; // last good reading; epoch = never
    std::string detail;
};

// What every file of one due plan shares.
struct FileContext {
    Identification identification;
    PlanType type = PlanType::index;
    Period period;
    std::string device; // per_device files: the device; empty: one file for all devices
    const date::time_zone *tz = nullptr;
    CsvFormat format;
};

struct BuiltFile {
    std::string name; // <server>_<type>_<device|all>_<yyyymmddHHMMSS>.csv
    std::string content;
    size_t rows = 0; // data rows (the header block not counted)
};

// Each counter's last value at or before the period end; one row stamped with the period end.
BuiltFile build_index_file(const FileContext &context, const std::vector<Series> &counters);
// Average, minimum and maximum of the points in [start, end) of each series: three columns per
// series, one row stamped with the period end.
BuiltFile build_measurement_file(const FileContext &context, const std::vector<Series> &series);
// The average of each series (active and reactive power) per history period: one row per slot
// of `history` within the file's period, stamped with the slot's end, slots aligned on the
// period start. A slot where no series has a reading has no row (a missing row means no data).
BuiltFile build_load_curve_file(const FileContext &context, const std::vector<Series> &power,
                                std::chrono::seconds history);
// One row per event in [start, end), oldest first.
BuiltFile build_alarms_file(const FileContext &context, const std::vector<EventRecord> &events);
// One row per device, stamped with the period end.
BuiltFile build_status_file(const FileContext &context, const std::vector<DeviceStatus> &devices);

// The log lines of the period, as they are (one file, `.log`): `lines` holds the lines of the
// gridscope log files that may cover it; those whose time stamp ("2026-12-03T10:10:00.123Z ...")
// is in [start, end) are kept, in order. Lines without a time stamp follow the line before.
BuiltFile build_log_file(const FileContext &context, const std::string &lines);

// The name for a file: the time is the period end in UTC (unique, also across the autumn
// change). The device part keeps letters, digits, '-', '.' and '_'; other bytes become '-'.
std::string file_name(const std::string &server, PlanType type, const std::string &device,
                      SysSeconds period_end, const char *extension = ".csv");

} // namespace gs::publish
