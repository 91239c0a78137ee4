// The CSV text of the published files: fields separated by `;` or `,`, numbers with a `.` or `,`
// decimal mark, local times with their UTC offset. RFC 4180 quoting for text fields that hold
// the separator, a quote or a line break. Lines end with CRLF (RFC 4180, and what Excel writes).
#pragma once

#include "publish/settings.hpp"

#include <date/tz.h>

#include <optional>
#include <string>
#include <string_view>

namespace gs::publish {

class CsvWriter {
public:
    explicit CsvWriter(CsvFormat format) : format_(format) {}

    CsvWriter &text(std::string_view field);
    CsvWriter &number(std::optional<double> value); // empty field when absent or not finite
    // Two fields: "2026-12-03 10:10:00" (local) and "+01:00".
    CsvWriter &local_time(date::sys_seconds t, const date::time_zone *tz);
    CsvWriter &empty() { return text({}); }
    void end_row();
    size_t rows() const { return rows_; }
    std::string take() { return std::move(out_); }

private:
    void separate();
    CsvFormat format_;
    std::string out_;
    bool row_started_ = false;
    size_t rows_ = 0;
};

} // namespace gs::publish
