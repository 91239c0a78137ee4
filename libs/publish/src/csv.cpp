#include "publish/csv.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace gs::publish {

void CsvWriter::separate() {
    if (row_started_) out_ += format_.separator;
    row_started_ = true;
}

CsvWriter &CsvWriter::text(std::string_view field) {
    separate();
    if (field.find_first_of(std::string{format_.separator, '"', '\r', '\n'}) ==
        std::string_view::npos) {
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

CsvWriter &CsvWriter::number(std::optional<double> value) {
    separate();
    if (!value || !std::isfinite(*value)) return *this;
    char buf[400]; // fixed notation of the largest double fits
    // The shortest text that reads back as the same double, never in exponent form.
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *value, std::chars_format::fixed);
    if (ec != std::errc()) return *this;
    for (char *c = buf; c != end; ++c)
        out_ += *c == '.' ? format_.decimal : *c;
    return *this;
}

CsvWriter &CsvWriter::local_time(date::sys_seconds t, const date::time_zone *tz) {
    const date::sys_info info = tz->get_info(t);
    separate();
    out_ += date::format("%Y-%m-%d %H:%M:%S", t + info.offset);
    const int64_t minutes = info.offset.count() / 60;
    const int64_t magnitude = minutes < 0 ? -minutes : minutes;
    char offset[48];
    std::snprintf(offset, sizeof offset, "%c%02lld:%02lld", minutes < 0 ? '-' : '+',
                  static_cast<long long>(magnitude / 60), static_cast<long long>(magnitude % 60));
    separate();
    out_ += offset;
    return *this;
}

void CsvWriter::end_row() {
    out_ += "\r\n";
    row_started_ = false;
    ++rows_;
}

} // namespace gs::publish
