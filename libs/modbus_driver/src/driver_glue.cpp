#include "modbus_driver/driver_glue.hpp"

#include "modbus_driver/sample_glue.hpp"

#include <functional>
#include <stdexcept>

namespace gs::modbus {

LinkSettings LinkSettings::from(const gs::Config &section) {
    LinkSettings s; // bounds and defaults are in the fields (kConnectTimeoutField, ...)
    s.connect_timeout_ms = section.get<uint32_t>("connect_timeout_ms");
    s.offline_after_failures = section.get<unsigned>("offline_after_failures");
    s.guard_interval_us = section.get<long>("guard_interval_us");
    s.phase_spacing_ms = section.get<long>("phase_spacing_ms");
    return s;
}

LinkConfig LinkSettings::link_config(const Endpoint &endpoint, const std::string &link_key) const {
    LinkConfig lc;
    lc.endpoint = endpoint;
    lc.connect_timeout_ms = connect_timeout_ms;
    lc.offline_after_failures = offline_after_failures;
    lc.guard_interval = std::chrono::microseconds(guard_interval_us);
    lc.phase_spacing = std::chrono::milliseconds(phase_spacing_ms);
    lc.seed = std::hash<std::string>{}(link_key); // stable jitter per link
    return lc;
}

void validate_profile_point(const gs::ptree &defaults, const gs::ptree &point) {
    try {
        check_point(defaults, point);
    } catch (const std::invalid_argument &e) {
        throw gs::InvalidArgument(e.what());
    }
}

SourceConfig parse_sdk_source(const gs::Source &source, bool with_points) {
    std::vector<PointInput> points, commands;
    if (with_points) {
        for (const auto &p : source.points)
            points.push_back({p.circuit, p.data, p.attrs});
        for (const auto &c : source.commands)
            commands.push_back({c.circuit, c.data, c.attrs});
    }
    try {
        return parse_source(source.name, source.period_ms, source.attrs, source.defaults, points,
                            commands);
    } catch (const std::invalid_argument &e) {
        throw gs::InvalidArgument("source '" + source.name + "': " + e.what());
    }
}

gs::SampleBatch read_source(const gs::Host &host, const std::string &name,
                            const SourceConfig &source) {
    auto results = read_once(source.endpoint, source.device);
    if (!results) throw gs::Error(results.error(), GS_ERR_IO);
    gs::SampleBatch batch(name, host.now_utc_ns());
    size_t good = 0;
    std::string first_problem;
    for (const auto &r : results.value()) {
        add_result(batch, source.device.points[r.index], r);
        if (r.quality.is_good())
            ++good;
        else if (first_problem.empty())
            first_problem = to_string(r.quality) + " " + r.detail;
    }
    if (good == 0 && !results.value().empty())
        throw gs::Error("no value from unit " + std::to_string(source.device.unit) + " at " +
                            describe(source.endpoint) + ": " + first_problem,
                        GS_ERR_TIMEOUT);
    return batch;
}

std::string describe_source(const std::string &profile, const SourceConfig &source, bool json,
                            const std::string &note, const std::string &extra_json) {
    const auto &points = source.device.points;
    auto planner = DevicePlanner::create(points, source.device.limits);
    if (!planner) throw gs::Error(planner.error(), GS_ERR_INVALID_ARG);
    const auto &reqs = planner.value().requests();
    if (json)
        return "{\"profile\": \"" + profile + "\", " + extra_json +
               "\"requests\": " + plan_to_json(reqs, points) + "}";
    return profile + ": " + std::to_string(points.size()) + " points in " +
           std::to_string(reqs.size()) + " request(s)" + note + "\n" + describe_plan(reqs, points);
}

void publish_event(const gs::Host &host, const char *type, gs_severity severity,
                   gs_event_state state, const std::string &source, const std::string &message) {
    gs_event e{sizeof(gs_event),
               static_cast<uint32_t>(severity),
               host.now_utc_ns(),
               type,
               source.empty() ? nullptr : source.c_str(),
               0,
               static_cast<uint32_t>(state),
               message.c_str()};
    try {
        host.publish(e);
    } catch (const gs::Error &) {
        host.warning(std::string(type) + " not delivered (bus full): " +
                     (source.empty() ? "" : source + ": ") + message);
    }
}

} // namespace gs::modbus
