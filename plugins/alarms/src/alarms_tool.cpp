#include "alarms_tool.hpp"

#include "alarms/engine.hpp"
#include "record_json.hpp"
#include "time_text/time_text.hpp"

#include <filesystem>

namespace gs::alarm_glue {

std::string state_dir_of(const std::string &data_dir) {
    return (std::filesystem::path(data_dir) / "alarms").string();
}

int run_alarms_tool(const ToolOptions &o, std::ostream &out, std::ostream &err) {
    const char *prefix = "gridscope alarms: ";
    if (o.format.value_or("json") != "json") {
        err << prefix << "--format: only json is supported\n";
        return 2;
    }
    auto state = state_named(o.state.value_or("all"));
    if (!state) {
        err << prefix << "--state must be active, unacked or all\n";
        return 2;
    }
    alarms::RecordFilter filter{*state, alarms::kNoTime, alarms::kNoTime};
    for (auto [text, into, flag] :
         {std::tuple{&o.from, &filter.from, "--from"}, std::tuple{&o.to, &filter.to, "--to"}}) {
        if (!*text) continue;
        auto t = time_text::parse_iso(**text);
        if (!t) {
            err << prefix << flag << ": expected an ISO 8601 time with its offset "
                << "(2026-03-29T00:00:00Z), found '" << **text << "'\n";
            return 2;
        }
        *into = *t;
    }
    if (filter.from != alarms::kNoTime && filter.to != alarms::kNoTime &&
        filter.from >= filter.to) {
        err << prefix << "--from must be before --to\n";
        return 2;
    }
    out << records_json(alarms::records_in(state_dir_of(o.data_dir), filter)).dump(2) << "\n";
    return 0;
}

} // namespace gs::alarm_glue
