#include "publish/file_builder.hpp"

#include "publish/csv.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace gs::publish {
namespace {

// Site, server, file type and period: the first lines of every file.
void write_identity(CsvWriter &csv, const FileContext &c) {
    csv.text("site").text(c.identification.site).end_row();
    csv.text("server").text(c.identification.server).end_row();
    csv.text("file").text(to_string(c.type)).end_row();
    csv.text("device").text(c.device.empty() ? "all" : c.device).end_row();
    csv.text("period start").local_time(c.period.start, c.tz).end_row();
    csv.text("period end").local_time(c.period.end, c.tz).end_row();
}

// The per-column header of value files: one line per attribute, two label cells (so the
// values line up under the data rows' values), then one cell per column. Each series spans
// `aggregates.size()` columns.
void write_columns(CsvWriter &csv, const std::vector<Series> &series,
                   const std::vector<const char *> &aggregates) {
    auto line = [&](const char *label, auto cell) {
        csv.text(label).empty();
        for (const auto &s : series)
            for (size_t i = 0; i < aggregates.size(); ++i)
                cell(s.info, aggregates[i]);
        csv.end_row();
    };
    line("device", [&](const SeriesInfo &i, const char *) { csv.text(i.device); });
    line("circuit", [&](const SeriesInfo &i, const char *) { csv.text(i.circuit); });
    line("data", [&](const SeriesInfo &i, const char *) { csv.text(i.data); });
    line("unit", [&](const SeriesInfo &i, const char *) { csv.text(i.unit); });
    line("coefficient", [&](const SeriesInfo &i, const char *) { csv.number(i.coefficient); });
    line("aggregate", [&](const SeriesInfo &, const char *a) { csv.text(a); });
    csv.text("local time").text("UTC offset");
    for (size_t i = 0; i < series.size() * aggregates.size(); ++i)
        csv.text("value");
    csv.end_row();
}

// Runs `write` for the data rows and returns the file, counting only those rows.
template <class Write> BuiltFile finish(const FileContext &c, CsvWriter &csv, Write write) {
    const size_t header_rows = csv.rows();
    write();
    BuiltFile file;
    file.rows = csv.rows() - header_rows;
    file.content = csv.take();
    file.name = file_name(c.identification.server, c.type, c.device, c.period.end);
    return file;
}

struct Stats {
    size_t count = 0;
    double sum = 0, min = 0, max = 0;
};

Stats stats_in(const std::vector<Point> &points, SysSeconds from, SysSeconds to) {
    Stats s;
    auto first = std::lower_bound(points.begin(), points.end(), from,
                                  [](const Point &p, SysSeconds t) { return p.ts < t; });
    for (auto it = first; it != points.end() && it->ts < to; ++it) {
        s.min = s.count ? std::min(s.min, it->value) : it->value;
        s.max = s.count ? std::max(s.max, it->value) : it->value;
        s.sum += it->value;
        ++s.count;
    }
    return s;
}

std::optional<double> average(const Stats &s) {
    if (!s.count) return std::nullopt;
    return s.sum / static_cast<double>(s.count);
}

} // namespace

BuiltFile build_index_file(const FileContext &c, const std::vector<Series> &counters) {
    CsvWriter csv(c.format);
    write_identity(csv, c);
    write_columns(csv, counters, {"last"});
    return finish(c, csv, [&] {
        csv.local_time(c.period.end, c.tz);
        for (const auto &s : counters) {
            auto after_end =
                std::upper_bound(s.points.begin(), s.points.end(), c.period.end,
                                 [](SysSeconds t, const Point &p) { return t < p.ts; });
            csv.number(after_end == s.points.begin()
                           ? std::nullopt
                           : std::optional<double>(std::prev(after_end)->value));
        }
        csv.end_row();
    });
}

BuiltFile build_measurement_file(const FileContext &c, const std::vector<Series> &series) {
    CsvWriter csv(c.format);
    write_identity(csv, c);
    write_columns(csv, series, {"average", "min", "max"});
    return finish(c, csv, [&] {
        csv.local_time(c.period.end, c.tz);
        for (const auto &s : series) {
            const Stats st = stats_in(s.points, c.period.start, c.period.end);
            csv.number(average(st));
            csv.number(st.count ? std::optional<double>(st.min) : std::nullopt);
            csv.number(st.count ? std::optional<double>(st.max) : std::nullopt);
        }
        csv.end_row();
    });
}

BuiltFile build_load_curve_file(const FileContext &c, const std::vector<Series> &power,
                                std::chrono::seconds history) {
    CsvWriter csv(c.format);
    write_identity(csv, c);
    write_columns(csv, power, {"average"});
    if (history.count() <= 0) history = c.period.end - c.period.start;
    return finish(c, csv, [&] {
        for (SysSeconds from = c.period.start; from < c.period.end; from += history) {
            const SysSeconds to = std::min(from + history, c.period.end);
            std::vector<std::optional<double>> averages;
            bool any = false;
            for (const auto &s : power) {
                averages.push_back(average(stats_in(s.points, from, to)));
                any = any || averages.back().has_value();
            }
            if (!any) continue; // no reading in this slot: no row, rather than a row of blanks
            csv.local_time(to, c.tz);
            for (const auto &a : averages)
                csv.number(a);
            csv.end_row();
        }
    });
}

BuiltFile build_alarms_file(const FileContext &c, const std::vector<EventRecord> &events) {
    CsvWriter csv(c.format);
    write_identity(csv, c);
    csv.text("local time")
        .text("UTC offset")
        .text("device")
        .text("circuit")
        .text("type")
        .text("severity")
        .text("state")
        .text("message")
        .end_row();
    return finish(c, csv, [&] {
        std::vector<const EventRecord *> rows;
        for (const auto &e : events)
            if (e.ts >= c.period.start && e.ts < c.period.end) rows.push_back(&e);
        std::stable_sort(rows.begin(), rows.end(),
                         [](const EventRecord *a, const EventRecord *b) { return a->ts < b->ts; });
        for (const EventRecord *e : rows) {
            csv.local_time(e->ts, c.tz).text(e->device).text(e->circuit).text(e->type);
            csv.text(e->severity).text(e->state).text(e->message).end_row();
        }
    });
}

BuiltFile build_status_file(const FileContext &c, const std::vector<DeviceStatus> &devices) {
    CsvWriter csv(c.format);
    write_identity(csv, c);
    csv.text("local time")
        .text("UTC offset")
        .text("device")
        .text("state")
        .text("last seen local time")
        .text("last seen UTC offset")
        .text("detail")
        .end_row();
    return finish(c, csv, [&] {
        for (const auto &d : devices) {
            csv.local_time(c.period.end, c.tz).text(d.device).text(d.state);
            if (d.last_seen.time_since_epoch().count() > 0)
                csv.local_time(d.last_seen, c.tz);
            else
                csv.empty().empty();
            csv.text(d.detail).end_row();
        }
    });
}

BuiltFile build_log_file(const FileContext &c, const std::string &lines) {
    const std::string from = date::format("%FT%T", c.period.start);
    const std::string to = date::format("%FT%T", c.period.end);
    BuiltFile file;
    bool keep = false;
    for (size_t at = 0; at < lines.size();) {
        size_t end = lines.find('\n', at);
        end = end == std::string::npos ? lines.size() : end + 1;
        const std::string_view line(lines.data() + at, end - at);
        const bool stamped = line.size() > 19 && line[4] == '-' && line[10] == 'T' &&
                             line[13] == ':' && line[16] == ':';
        if (stamped) {
            const std::string_view stamp = line.substr(0, 19); // to the second, UTC
            keep = stamp >= from && stamp < to;
            if (keep) ++file.rows;
        }
        if (keep) file.content.append(line);
        at = end;
    }
    if (!file.content.empty() && file.content.back() != '\n') file.content += '\n';
    file.name = file_name(c.identification.server, c.type, c.device, c.period.end, ".log");
    return file;
}

std::string file_name(const std::string &server, PlanType type, const std::string &device,
                      SysSeconds period_end, const char *extension) {
    std::string part = device.empty() ? "all" : device;
    for (char &ch : part)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.' || ch == '_'))
            ch = '-';
    return server + "_" + to_string(type) + "_" + part + "_" +
           date::format("%Y%m%d%H%M%S", period_end) + extension;
}

} // namespace gs::publish
