#include "atys_driver.hpp"

#include "sample_glue.hpp"

#include <stdexcept>

namespace gs::socomec::atys {

namespace {

using namespace gs::modbus;

// The status fields of one poll, from the points with the ATyS data names.
Status status_of(const std::vector<PointSpec> &points, const std::vector<PointResult> &results) {
    Status s;
    for (const auto &r : results) {
        const double *v = r.value ? std::get_if<double>(&*r.value) : nullptr;
        if (!r.quality.is_good() || !v) continue;
        const std::string &data = points[r.index].data;
        int raw = static_cast<int>(*v);
        if (data == kPositionData)
            s.position = raw;
        else if (data == kModeData)
            s.mode = raw;
        else if (data == kSource1Data)
            s.source1 = raw;
        else if (data == kSource2Data)
            s.source2 = raw;
    }
    return s;
}

} // namespace

AtysDriver::AtysDriver(gs::Host host) : Plugin(host) {
    auto cfg = config();
    connect_timeout_ms_ = cfg.get<uint32_t>("connect_timeout_ms", 2000);
    offline_after_ = cfg.get<unsigned>("offline_after_failures", 3);
    if (offline_after_ < 1)
        throw gs::InvalidArgument("field 'offline_after_failures': must be at least 1");
}

AtysDriver::~AtysDriver() {
    stop();
}

void AtysDriver::validate_point(gs::Host &, const gs::ptree &defaults, const gs::ptree &point) {
    try {
        check_point(defaults, point);
    } catch (const std::invalid_argument &e) {
        throw gs::InvalidArgument(e.what());
    }
}

void AtysDriver::add_source(const gs::Source &source) {
    std::vector<PointInput> points;
    bool has_position = false;
    for (const auto &p : source.points) {
        points.push_back({p.circuit, p.data, p.attrs});
        has_position = has_position || p.data == kPositionData;
    }
    if (!has_position)
        throw gs::InvalidArgument("source '" + source.name + "': profile " + source.profile +
                                  " has no " + kPositionData +
                                  " point (use socomec/atys-pm or a profile with the status "
                                  "block)");
    try {
        Added a;
        a.config =
            parse_source(source.name, source.period_ms, source.attrs, source.defaults, points);
        a.profile = source.profile;
        sources_[source.name] = std::move(a);
    } catch (const std::invalid_argument &e) {
        throw gs::InvalidArgument("source '" + source.name + "': " + e.what());
    }
}

void AtysDriver::start() {
    if (!links_.empty()) return;
    std::map<std::string, std::vector<const Added *>> by_link;
    for (const auto &[name, added] : sources_)
        by_link[added.config.link_key].push_back(&added);
    for (const auto &[key, members] : by_link) {
        LinkConfig lc;
        lc.endpoint = members.front()->config.endpoint;
        lc.connect_timeout_ms = connect_timeout_ms_;
        lc.offline_after_failures = offline_after_;
        lc.seed = std::hash<std::string>{}(key);
        std::vector<DeviceConfig> devices;
        for (const Added *a : members)
            devices.push_back(a->config.device);
        LinkCallbacks cb;
        cb.on_result = [this](const std::string &dev, int64_t ts,
                              std::vector<PointResult> results) { publish(dev, ts, results); };
        cb.on_link_state = [this](const std::string &dev, bool connected,
                                  const std::string &reason) {
            link_state(dev, connected, reason);
        };
        auto link = Link::create(lc, std::move(devices), cb);
        if (!link) throw gs::Error("link " + key + ": " + link.error());
        links_.push_back(std::move(link).value());
    }
    for (auto &l : links_)
        l->start();
    host().info("polling " + std::to_string(sources_.size()) + " ATyS on " +
                std::to_string(links_.size()) + " link(s)");
}

void AtysDriver::stop() {
    for (auto &l : links_)
        l->stop();
    links_.clear();
}

AtysDriver::Added &AtysDriver::find(const std::string &name) {
    auto it = sources_.find(name);
    if (it == sources_.end()) throw gs::Error("no source '" + name + "'", GS_ERR_NOT_FOUND);
    return it->second;
}

std::vector<gs::SampleBatch> AtysDriver::read(const std::string &name) {
    const Added &a = find(name);
    auto results = read_once(a.config.endpoint, a.config.device);
    if (!results) throw gs::Error(results.error(), GS_ERR_IO);
    gs::SampleBatch batch(name, host().now_utc_ns());
    for (const auto &r : results.value())
        add_result(batch, a.config.device.points[r.index], r);
    Status s = status_of(a.config.device.points, results.value());
    if (s.position)
        host().info(name + ": position " + position_name(*s.position) +
                    (s.describe().empty() ? "" : ", " + s.describe()));
    return {std::move(batch)};
}

std::string AtysDriver::describe(const std::string &name, bool json) {
    const Added &a = find(name);
    auto planner = DevicePlanner::create(a.config.device.points, a.config.device.limits);
    if (!planner) throw gs::Error(planner.error(), GS_ERR_INVALID_ARG);
    const auto &reqs = planner.value().requests();
    if (json)
        return "{\"profile\": \"" + a.profile + "\", \"events\": [\"atys.transfer\"], " +
               "\"requests\": " + plan_to_json(reqs, a.config.device.points) + "}";
    return a.profile + ": " + std::to_string(a.config.device.points.size()) + " points in " +
           std::to_string(reqs.size()) + " request(s); atys.transfer on each position change\n" +
           describe_plan(reqs, a.config.device.points);
}

// [link thread]
void AtysDriver::publish(const std::string &dev, int64_t ts,
                         const std::vector<PointResult> &results) {
    Added &a = sources_.at(dev);
    gs::SampleBatch batch(dev, ts);
    for (const auto &r : results)
        add_result(batch, a.config.device.points[r.index], r);
    try {
        host().publish(batch.view());
    } catch (const gs::RetryLater &) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (dropped_++ % 1000 == 0) host().warning("bus full: poll results dropped");
    }
    Status s = status_of(a.config.device.points, results);
    if (!s.position) return;
    if (auto transfer = a.tracker.update(*s.position)) {
        std::string details = s.describe();
        std::string message = *transfer + (details.empty() ? "" : "; " + details);
        event("atys.transfer", GS_SEVERITY_MEDIUM, GS_EVENT_STATE_INSTANT, dev, message);
        host().info(dev + ": " + message);
    }
}

void AtysDriver::event(const char *type, gs_severity severity, gs_event_state state,
                       const std::string &source, const std::string &message) {
    gs_event e{sizeof(gs_event),
               static_cast<uint32_t>(severity),
               host().now_utc_ns(),
               type,
               source.c_str(),
               0,
               static_cast<uint32_t>(state),
               message.c_str()};
    try {
        host().publish(e);
    } catch (const gs::Error &) {
        host().warning(source + ": " + type + " not delivered: " + message);
    }
}

// [link thread]
void AtysDriver::link_state(const std::string &dev, bool connected, const std::string &reason) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        bool was_lost = lost_.count(dev) != 0;
        if (connected && !was_lost) return; // first contact: nothing to report
        if (connected)
            lost_.erase(dev);
        else
            lost_.insert(dev);
    }
    std::string message = connected ? "communication restored" : "communication lost: " + reason;
    event(connected ? "comm.restored" : "comm.lost",
          connected ? GS_SEVERITY_INFO : GS_SEVERITY_HIGH,
          connected ? GS_EVENT_STATE_INSTANT : GS_EVENT_STATE_ACTIVE, dev, message);
    (connected ? host().info(dev + ": " + message) : host().warning(dev + ": " + message));
}

} // namespace gs::socomec::atys
