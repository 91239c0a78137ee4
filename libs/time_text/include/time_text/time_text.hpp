// ISO 8601 times as text, for every place that reads or writes them (ui_web's History API,
// the storage plugin's import results, the CLI's times). Free of the SDK.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gs::time_text {

// "2026-03-29T00:00:00Z", "2026-03-29T01:00:00.250+01:00", "...-0500": a date, a time with
// seconds (fractions optional, up to nanoseconds) and an explicit offset (Z or +-HH:MM); a space
// where the offset's '+' is expected is read as '+' (a '+' left unescaped in a query string).
// UTC nanoseconds; nullopt for anything else, and outside the years 1678..2261 (int64
// nanoseconds).
std::optional<int64_t> parse_iso(std::string_view text);

// "2026-03-29T00:00:00.250Z": UTC, milliseconds (rounded down).
std::string format_utc(int64_t ts_utc_ns);

} // namespace gs::time_text
