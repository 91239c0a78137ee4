#include "atys_driver.hpp"

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

AtysDriver::AtysDriver(gs::Host host)
    : Plugin(host), links_(host, LinkSettings::from(config()),
                           [this](const std::string &dev, int64_t,
                                  const std::vector<PointResult> &r) { on_poll(dev, r); }) {}

AtysDriver::~AtysDriver() {
    stop();
}

void AtysDriver::validate_point(gs::Host &, const gs::ptree &defaults, const gs::ptree &point) {
    validate_profile_point(defaults, point);
}

void AtysDriver::add_source(const gs::Source &source) {
    bool has_position = false;
    for (const auto &p : source.points)
        has_position = has_position || p.data == kPositionData;
    if (!has_position)
        throw gs::InvalidArgument("source '" + source.name + "': profile " + source.profile +
                                  " has no " + kPositionData +
                                  " point (use socomec/atys-pm or a profile with the status "
                                  "block)");
    Added a;
    a.config = parse_sdk_source(source);
    a.profile = source.profile;
    sources_[source.name] = std::move(a);
}

void AtysDriver::start() {
    if (links_.size()) return;
    std::vector<const SourceConfig *> all;
    for (const auto &[name, added] : sources_)
        all.push_back(&added.config);
    links_.open_all(all);
    host().info("polling " + std::to_string(sources_.size()) + " ATyS on " +
                std::to_string(links_.size()) + " link(s)");
}

void AtysDriver::stop() {
    links_.stop();
}

AtysDriver::Added &AtysDriver::find(const std::string &name) {
    auto it = sources_.find(name);
    if (it == sources_.end()) throw gs::Error("no source '" + name + "'", GS_ERR_NOT_FOUND);
    return it->second;
}

std::vector<gs::SampleBatch> AtysDriver::read(const std::string &name) {
    const Added &a = find(name);
    gs::SampleBatch batch = read_source(host(), name, a.config);
    return {std::move(batch)};
}

void AtysDriver::write(const std::string &name, uint32_t circuit, const std::string &data,
                       double value) {
    links_.write(find(name).config, circuit, data, value);
}

std::string AtysDriver::describe(const std::string &name, bool json) {
    const Added &a = find(name);
    return describe_source(a.profile, a.config, json, "; atys.transfer on each position change",
                           "\"events\": [\"atys.transfer\"], ");
}

// [link thread] The samples are published by links_; this adds the transfer events.
void AtysDriver::on_poll(const std::string &dev, const std::vector<PointResult> &results) {
    Added &a = sources_.at(dev);
    Status s = status_of(a.config.device.points, results);
    if (!s.position) return;
    if (auto transfer = a.tracker.update(*s.position)) {
        std::string details = s.describe();
        std::string message = *transfer + (details.empty() ? "" : "; " + details);
        publish_event(host(), "atys.transfer", GS_SEVERITY_MEDIUM, GS_EVENT_STATE_INSTANT, dev,
                      message);
        host().info(dev + ": " + message);
    }
}

} // namespace gs::socomec::atys
