// When a plan is due and which period of data a file covers, in the site's local time zone.
//
// `every P`: due at the instants whose local time is a multiple of P counted from a Monday
// local midnight (so 10m falls on :00, :10, ...; 1d on local midnight; 7d on Monday midnight).
// Periods below a day follow the offset changes: at the autumn change the repeated local hour
// is due twice (two real periods), at the spring change the missing local times are not due and
// the first instant after the gap is. Periods of whole days fall on local midnight.
// `at HH:MM [day]`: due at that local time each day (or on that weekday). A repeated local time
// fires once (the first one); a time that does not exist that day fires at the end of the gap.
//
// A file due at D covers [previous due, D): a day is 23 or 25 hours long across a change.
#pragma once

#include "publish/settings.hpp"

#include <date/tz.h>

#include <vector>

namespace gs::publish {

using SysSeconds = date::sys_seconds;

struct Period {
    SysSeconds start; // included
    SysSeconds end;   // excluded; the instant the file is due and is named after
};

// The first due instant strictly after `after`; SysSeconds::max() for a schedule that
// parse_settings would refuse (no period, no time). Precondition: tz is not null.
SysSeconds next_due(const Schedule &schedule, SysSeconds after, const date::time_zone *tz);
// The last due instant strictly before `before` (SysSeconds::min() for a refused schedule).
SysSeconds previous_due(const Schedule &schedule, SysSeconds before, const date::time_zone *tz);
// The period of the file due at `due` (a due instant).
Period period_ending_at(const Schedule &schedule, SysSeconds due, const date::time_zone *tz);
// The due instants in (after, until], oldest first, at most `limit` of them (the newest ones
// are kept when there are more; `skipped` receives how many older ones were left out).
std::vector<SysSeconds> dues_between(const Schedule &schedule, SysSeconds after, SysSeconds until,
                                     const date::time_zone *tz, size_t limit, size_t &skipped);

} // namespace gs::publish
