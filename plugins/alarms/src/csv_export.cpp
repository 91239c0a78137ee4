#include "csv_export.hpp"

// GCC 12 at -O2 warns, falsely, of an uninitialised variable inside date.h (as in
// libs/consumption/src/report.cpp); the header is third-party, silenced for this file only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/tz.h>
#pragma GCC diagnostic pop

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace gs::alarm_glue {

namespace {

class Csv {
public:
    explicit Csv(const date::time_zone *tz) : tz_(tz) {}

    Csv &text(const std::string &field) {
        separate();
        if (field.find_first_of(",\"\r\n") == std::string::npos) {
            out_ += field;
            return *this;
        }
        out_ += '"';
        for (char c : field) {
            if (c == '"') out_ += '"';
            out_ += c;
        }
        out_ += '"';
        return *this;
    }
    Csv &number(double v) { return text(std::isfinite(v) ? nlohmann::json(v).dump() : ""); }
    Csv &integer(uint64_t v) { return text(std::to_string(v)); }
    Csv &boolean(bool v) { return text(v ? "true" : "false"); }
    // "2026-12-03T18:00:01.200+01:00"; empty for no time.
    Csv &time(alarms::TimeNs t) {
        if (t == alarms::kNoTime) return text("");
        using namespace std::chrono;
        date::sys_time<milliseconds> tp{floor<milliseconds>(nanoseconds(t))};
        return text(date::format("%FT%T%Ez", date::make_zoned(tz_, tp)));
    }
    Csv &row(std::initializer_list<const char *> names) {
        for (const char *n : names)
            text(n);
        return end();
    }
    Csv &end() {
        out_ += "\r\n";
        first_ = true;
        return *this;
    }
    std::string take() { return std::move(out_); }

private:
    void separate() {
        if (!first_) out_ += ',';
        first_ = false;
    }
    const date::time_zone *tz_;
    std::string out_;
    bool first_ = true;
};

void alarm_row(Csv &c, const alarms::AlarmRecord &r, const std::string &language) {
    c.integer(r.id).text(r.rule).text(alarms::category_of(r)).text(alarms::name_of(r.level));
    c.text(r.source).integer(r.circuit).text(r.data).text(alarms::name_of(r.criticality));
    c.text(r.state()).text(r.isa_state()).boolean(r.acked);
    c.time(r.raised).time(r.active ? alarms::kNoTime : r.cleared);
    c.time(r.acked ? r.acked_at : alarms::kNoTime).text(r.acked ? r.acked_by : "");
    c.text(r.ack_comment).number(r.value).number(r.limit).integer(r.activations);
    c.boolean(r.shelved).boolean(r.suppressed).boolean(r.out_of_service);
    c.text(r.message_in(language)).end();
}

void event_row(Csv &c, const alarms::EventRow &row) {
    const alarms::VoltageEvent &e = row.event;
    c.integer(e.id).text(e.rule).text(alarms::category_of(e)).text(e.source).integer(e.circuit);
    c.text(alarms::name_of(row.criticality)).text(e.end == alarms::kNoTime ? "active" : "normal");
    c.time(e.start).time(e.end);
    if (e.end == alarms::kNoTime)
        c.text("");
    else
        c.number(static_cast<double>(e.duration()) / alarms::kNsPerS);
    c.number(e.nominal_v).number(e.extreme_v).number(e.extreme_pct()).number(e.depth_pct());
    std::string phases;
    for (uint32_t p = 0; p < 32; ++p)
        if (e.phases & (1u << p)) phases += (phases.empty() ? "" : " ") + std::to_string(p + 1);
    c.text(phases).text(alarms::VoltageEvent::kMethod).end();
}

} // namespace

CsvFiles export_csv(const std::vector<alarms::Row> &rows, const std::string &language,
                    const std::string &timezone) {
    const date::time_zone *tz = nullptr;
    try {
        tz = date::locate_zone(timezone.empty() ? "UTC" : timezone);
    } catch (const std::exception &) {
        throw std::runtime_error("timezone: unknown time zone '" + timezone + "'");
    }
    Csv alarms_csv(tz), events_csv(tz);
    alarms_csv.row({"id",          "rule",           "category",    "level",       "source",
                    "circuit",     "data",           "criticality", "state",       "isa_state",
                    "acked",       "raised",         "cleared",     "acked_at",    "acked_by",
                    "ack_comment", "value",          "limit",       "activations", "shelved",
                    "suppressed",  "out_of_service", "message"});
    events_csv.row({"id", "rule", "category", "source", "circuit", "criticality", "state", "start",
                    "end", "duration_s", "nominal_v", "extreme_v", "extreme_pct", "depth_pct",
                    "phases", "method"});
    for (const alarms::Row &row : rows) {
        if (const auto *e = std::get_if<alarms::EventRow>(&row))
            event_row(events_csv, *e);
        else
            alarm_row(alarms_csv, std::get<alarms::AlarmRecord>(row), language);
    }
    return {alarms_csv.take(), events_csv.take()};
}

} // namespace gs::alarm_glue
