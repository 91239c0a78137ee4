// Times on the command line: ISO 8601 in and out, in UTC or the site's local time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gs::kernel {

// "2026-03-29T00:00:00+01:00", "2026-03-29T00:00:00Z", "2026-03-29T00:00:00.5Z", or a bare date
// "2026-03-29" (midnight in `timezone`). Nothing else.
std::optional<int64_t> parse_time(const std::string &text, const std::string &timezone);
// "2026-03-29T01:00:00.000Z"
std::string format_utc(int64_t ts_utc_ns);
// "2026-03-29T03:00:00+02:00" in `timezone`
std::string format_local(int64_t ts_utc_ns, const std::string &timezone);

} // namespace gs::kernel
