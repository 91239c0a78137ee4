// `gridscope alarms --config F --data-dir D [--state active|unacked|all] [--from T --to T]
// --format json`: the records of <data_dir>/alarms/ as JSON (record_json.hpp), read without
// writing, so it works while the site runs.
#pragma once

#include <iostream>
#include <optional>
#include <string>

namespace gs::alarm_glue {

struct ToolOptions {
    std::string data_dir;
    std::optional<std::string> state, from, to, format;
};

// Messages start with "gridscope alarms: "; returns the exit code (0, 1 failed, 2 wrong usage).
int run_alarms_tool(const ToolOptions &options, std::ostream &out, std::ostream &err);

// The engine's folder inside a data folder.
std::string state_dir_of(const std::string &data_dir);

} // namespace gs::alarm_glue
