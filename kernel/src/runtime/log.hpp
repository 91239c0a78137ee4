// The kernel's log: one line per message on stderr, "time level [who] message".
#pragma once

#include <gridscope/plugin.h>

#include <string>

namespace gs::kernel {

void log_line(gs_log_level level, const std::string &who, const std::string &message);
// Messages below this level are dropped (default INFO; GRIDSCOPE_LOG=debug lowers it).
void set_log_level(gs_log_level level);
// `gridscope run` also appends each line to <dir>/gridscope-YYYY-MM-DD.log (the line's UTC day),
// flushed per line, keeping kLogDays days: the Datalogger publishes them (exporter_files, plan
// type log). Empty: stderr only.
constexpr int kLogDays = 31;
void set_log_folder(const std::string &dir);

} // namespace gs::kernel
