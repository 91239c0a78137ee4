#include "csv_export.hpp"

// GCC 12 at -O2 warns, falsely, of an uninitialised variable inside date.h (as in
// libs/consumption/src/report.cpp); the header is third-party, silenced for this file only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/tz.h>
#pragma GCC diagnostic pop

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace gs::alarm_glue {

namespace {

// The site's local times, as date::format("%FT%T%Ez") of the zoned time writes them, for
// instants mostly close together: the offset of the zone's interval between two transitions is
// kept, so the zone is looked up only when a time leaves that interval. (date::format, one
// lookup and one stream per call, made the export of 100,000 rows take 10 s.)
class LocalTimes {
public:
    explicit LocalTimes(const date::time_zone *tz) : tz_(tz) {}

    // "2026-12-03T18:00:01.200+01:00".
    void append(std::string &out, alarms::TimeNs t) {
        using namespace std::chrono;
        const date::sys_time<milliseconds> tp{floor<milliseconds>(nanoseconds(t))};
        if (!(tp >= interval_.begin && tp < interval_.end)) interval_ = tz_->get_info(tp);
        const seconds offset = interval_.offset;
        const auto local = tp + offset;
        const auto day = date::floor<date::days>(local);
        const date::year_month_day ymd{day};
        const int year = static_cast<int>(ymd.year());
        if (year < 0 || year > 9999 || offset % minutes(1) != seconds(0)) {
            // Not four digits, or a local mean time of seconds: date's own rules.
            out += date::format("%FT%T%Ez", date::make_zoned(tz_, tp));
            return;
        }
        const int64_t ms = (local - day).count();
        const int64_t off_min = std::abs(duration_cast<minutes>(offset).count());
        char b[29];
        digits(b, year, 4);
        b[4] = '-';
        digits(b + 5, static_cast<unsigned>(ymd.month()), 2);
        b[7] = '-';
        digits(b + 8, static_cast<unsigned>(ymd.day()), 2);
        b[10] = 'T';
        digits(b + 11, ms / 3'600'000, 2);
        b[13] = ':';
        digits(b + 14, ms / 60'000 % 60, 2);
        b[16] = ':';
        digits(b + 17, ms / 1000 % 60, 2);
        b[19] = '.';
        digits(b + 20, ms % 1000, 3);
        b[23] = offset < seconds(0) ? '-' : '+';
        digits(b + 24, off_min / 60, 2);
        b[26] = ':';
        digits(b + 27, off_min % 60, 2);
        out.append(b, sizeof b);
    }

private:
    static void digits(char *at, int64_t v, int width) {
        for (int i = width - 1; i >= 0; --i, v /= 10)
            at[i] = static_cast<char>('0' + v % 10);
    }
    const date::time_zone *tz_;
    date::sys_info interval_{}; // empty (begin == end) until the first time
};

// A text cell a spreadsheet would read as a formula (OWASP "CSV injection"): =, +, -, @, tab,
// carriage return first. Numbers are written by Csv::number and never pass here.
bool formula_like(const std::string &field) {
    return !field.empty() && std::string_view("=+-@\t\r").find(field[0]) != std::string_view::npos;
}

class Csv {
public:
    Csv(const date::time_zone *tz, std::size_t bytes) : times_(tz) { out_.reserve(bytes); }

    // A text cell: quoted when needed, and a leading apostrophe when it would be a formula.
    Csv &text(const std::string &field) {
        if (!formula_like(field)) return cell(field);
        return cell("'" + field);
    }
    Csv &number(double v) { return cell(std::isfinite(v) ? nlohmann::json(v).dump() : ""); }
    Csv &integer(uint64_t v) { return cell(std::to_string(v)); }
    Csv &boolean(bool v) { return cell(v ? "true" : "false"); }
    // "2026-12-03T18:00:01.200+01:00"; empty for no time.
    Csv &time(alarms::TimeNs t) {
        separate();
        if (t != alarms::kNoTime) times_.append(out_, t);
        return *this;
    }
    Csv &row(std::initializer_list<const char *> names) {
        for (const char *n : names)
            cell(n);
        return end();
    }
    Csv &end() {
        out_ += "\r\n";
        first_ = true;
        return *this;
    }
    std::string take() { return std::move(out_); }

private:
    // RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
    Csv &cell(std::string_view field) {
        separate();
        // A loop rather than find_first_of, which calls memchr for every character.
        if (std::none_of(field.begin(), field.end(),
                         [](char c) { return c == ',' || c == '"' || c == '\r' || c == '\n'; })) {
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
    void separate() {
        if (!first_) out_ += ',';
        first_ = false;
    }
    LocalTimes times_;
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
    std::size_t events = 0;
    for (const alarms::Row &row : rows)
        events += std::holds_alternative<alarms::EventRow>(row);
    // About 250 bytes an alarm row and 200 an event row: one allocation each, mostly.
    Csv alarms_csv(tz, 256 * (rows.size() - events + 1)), events_csv(tz, 256 * (events + 1));
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
