#include "modbus_driver/links.hpp"

#include "modbus_driver/sample_glue.hpp"

#include <algorithm>

namespace gs::modbus {

Links::Links(gs::Host host, LinkSettings settings, OnPoll on_poll)
    : host_(host), settings_(settings), on_poll_(std::move(on_poll)) {}

Links::~Links() {
    stop();
}

void Links::open(const std::vector<const SourceConfig *> &sources) {
    if (sources.empty()) return;
    const SourceConfig &first = *sources.front();
    std::vector<DeviceConfig> devices;
    for (const SourceConfig *s : sources)
        devices.push_back(s->device);
    LinkCallbacks cb;
    cb.on_result = [this](const std::string &dev, int64_t ts, std::vector<PointResult> results) {
        publish(dev, ts, results);
    };
    cb.on_link_state = [this](const std::string &dev, bool connected, const std::string &why) {
        link_state(dev, connected, why);
    };
    auto link =
        Link::create(settings_.link_config(first.endpoint, first.link_key), std::move(devices), cb);
    if (!link) throw gs::Error("link " + first.link_key + ": " + link.error());
    std::lock_guard<std::mutex> lock(mutex_);
    for (const SourceConfig *s : sources)
        polled_[s->device.id] = s;
    links_.push_back(std::move(link).value());
    keys_.push_back(first.link_key);
    links_.back()->start();
}

void Links::open_all(const std::vector<const SourceConfig *> &sources) {
    std::map<std::string, std::vector<const SourceConfig *>> by_link;
    for (const SourceConfig *s : sources)
        by_link[s->link_key].push_back(s);
    for (const auto &[key, members] : by_link)
        open(members);
}

bool Links::has(const std::string &link_key) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::find(keys_.begin(), keys_.end(), link_key) != keys_.end();
}

void Links::add(const SourceConfig &source) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto key = std::find(keys_.begin(), keys_.end(), source.link_key);
    if (key == keys_.end()) throw gs::Error("no open link " + source.link_key, GS_ERR_STATE);
    polled_[source.device.id] = &source; // before its first poll can be published
    if (Status st = links_[static_cast<size_t>(key - keys_.begin())]->add_device(source.device);
        !st) {
        polled_.erase(source.device.id);
        throw gs::Error("link " + source.link_key + ": " + st.error());
    }
}

Outcome Links::read(const std::string &link_key, uint8_t unit, const ReadRequest &request,
                    uint32_t timeout_ms) {
    Link *link = nullptr;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto key = std::find(keys_.begin(), keys_.end(), link_key);
        if (key != keys_.end()) link = links_[static_cast<size_t>(key - keys_.begin())].get();
    }
    if (!link) return Outcome{Quality::disconnected(), {}, "no open link " + link_key};
    auto f = link->submit_read(unit, request, timeout_ms);
    // The link runs it between two requests: at most a cycle's worth of waiting, then its own
    // timeout.
    if (f.wait_for(std::chrono::milliseconds(timeout_ms * 2 + 5000)) != std::future_status::ready)
        return Outcome{Quality::timeout(), {}, "the link did not run the read in time"};
    return f.get();
}

void Links::stop() {
    std::vector<std::unique_ptr<Link>> links;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        links.swap(links_);
    }
    for (auto &l : links)
        l->stop(); // joins the link thread: no publish() after this
    std::lock_guard<std::mutex> lock(mutex_);
    keys_.clear();
    polled_.clear();
    lost_.clear();
}

size_t Links::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return links_.size();
}

void Links::write(const SourceConfig &source, uint32_t circuit, const std::string &data,
                  double value) {
    const PointSpec *target = nullptr;
    for (const auto *list : {&source.device.points, &source.commands})
        for (const auto &p : *list)
            if (!target && p.circuit == circuit && p.data == data) target = &p;
    if (!target)
        throw gs::Error("no point " + data + " on circuit " + std::to_string(circuit),
                        GS_ERR_NOT_FOUND);
    std::vector<Link *> links;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto &l : links_)
            links.push_back(l.get());
    }
    for (Link *link : links) {
        auto f = link->submit_write(source.device.id, *target, Value{value});
        if (f.wait_for(std::chrono::milliseconds(source.device.timeout_ms * 2 + 2000)) !=
            std::future_status::ready)
            throw gs::Error("write timed out", GS_ERR_TIMEOUT);
        WriteOutcome out = f.get();
        if (out.quality.is_good()) return;
        if (out.refusal == WriteRefusal::unknown_device) continue; // polled by another link
        throw gs::Error("write refused: " + to_string(out.quality) + " " + out.detail,
                        out.quality.kind == QualityKind::timeout ? GS_ERR_TIMEOUT : GS_ERR_IO);
    }
    throw gs::Error("write: '" + source.device.id + "' is not polled now", GS_ERR_STATE);
}

std::vector<std::pair<std::string, LinkStats>> Links::stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::pair<std::string, LinkStats>> out;
    for (size_t i = 0; i < links_.size(); ++i)
        out.emplace_back(keys_[i], links_[i]->stats());
    return out;
}

std::vector<std::pair<std::string, std::vector<DeviceStats>>> Links::device_stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::pair<std::string, std::vector<DeviceStats>>> out;
    for (size_t i = 0; i < links_.size(); ++i)
        out.emplace_back(keys_[i], links_[i]->device_stats());
    return out;
}

bool Links::trace(const std::string &link_key, std::chrono::steady_clock::duration how_long,
                  std::vector<TracedFrame> &frames) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto key = std::find(keys_.begin(), keys_.end(), link_key);
    if (key == keys_.end()) return false;
    FrameTrace &trace = links_[static_cast<size_t>(key - keys_.begin())]->trace();
    trace.arm(how_long);
    frames = trace.frames();
    return true;
}

// [link thread] Never a stale value as fresh: a point without an answer goes out with its
// quality and no value (add_result).
void Links::publish(const std::string &device, int64_t ts,
                    const std::vector<PointResult> &results) {
    const SourceConfig *source = nullptr;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = polled_.find(device);
        if (it != polled_.end()) source = it->second;
    }
    if (!source) return;
    gs::SampleBatch batch(device, ts);
    for (const auto &r : results)
        add_result(batch, source->device.points[r.index], r);
    try {
        host_.publish(batch.view());
    } catch (const gs::RetryLater &) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (dropped_++ % 1000 == 0) host_.warning("bus full: poll results dropped");
    }
    if (on_poll_) on_poll_(device, ts, results);
}

// [link thread] A device never reached reports nothing; each loss is reported once (an active,
// high-severity comm.lost), then its end (an instant comm.restored).
void Links::link_state(const std::string &device, bool connected, const std::string &reason) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        bool was_lost = lost_.count(device) != 0;
        if (connected && !was_lost) return; // first contact: nothing to report
        if (connected)
            lost_.erase(device);
        else
            lost_.insert(device);
    }
    std::string message = connected ? "communication restored" : "communication lost: " + reason;
    publish_event(host_, connected ? "comm.restored" : "comm.lost",
                  connected ? GS_SEVERITY_INFO : GS_SEVERITY_HIGH,
                  connected ? GS_EVENT_STATE_INSTANT : GS_EVENT_STATE_ACTIVE, device, message);
    (connected ? host_.info(device + ": " + message) : host_.warning(device + ": " + message));
}

} // namespace gs::modbus
