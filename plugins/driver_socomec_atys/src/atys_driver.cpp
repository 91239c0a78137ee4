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
    : DriverBase(host, [this](const std::string &dev, int64_t, const std::vector<PointResult> &r) {
          on_poll(dev, r);
      }) {}

void AtysDriver::add_source(const gs::Source &source) {
    bool has_position = false;
    for (const auto &p : source.points)
        has_position = has_position || p.data == kPositionData;
    if (!has_position)
        throw gs::InvalidArgument("source '" + source.name + "': profile " + source.profile +
                                  " has no " + kPositionData +
                                  " point (use socomec/atys-pm or a profile with the status "
                                  "block)");
    add_entry(source);
}

// [link thread] The samples are published by links_; this adds the transfer events.
void AtysDriver::on_poll(const std::string &dev, const std::vector<PointResult> &results) {
    AtysEntry &a = sources_.at(dev);
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
