// The zip export's files (manual §7.3, services/alarms.h `export_csv`): alarms.csv and
// events.csv of the rows selected, newest first, UTF-8, RFC 4180 (comma, quotes, CRLF), times
// ISO 8601 with their offset in the site's time zone.
#pragma once

#include "alarms/query.hpp"

#include <string>
#include <vector>

namespace gs::alarm_glue {

struct CsvFiles {
    std::string alarms; // alarms.csv
    std::string events; // events.csv
};

// Throws std::runtime_error for an unknown time zone ("" = UTC).
CsvFiles export_csv(const std::vector<alarms::Row> &rows, const std::string &language,
                    const std::string &timezone);

} // namespace gs::alarm_glue
