#include "hub.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace gs::hub {
namespace {
constexpr std::chrono::milliseconds kMaxWait{200};
// Messages held per box while its sources are learned (a few seconds of a box's polls).
constexpr size_t kMaxHeld = 100000;
} // namespace

Hub::Hub(gs::Host host, std::function<bool()> stopping, Described described)
    : host_(host), stopping_(std::move(stopping)), described_(std::move(described)) {}

void Hub::add_box(const std::string &box) {
    boxes_[box];
}

void Hub::add_source(const gs::Source &source, const std::string &box, const std::string &remote) {
    auto found = boxes_.find(box);
    if (found == boxes_.end())
        throw gs::InvalidArgument("field 'box': no box '" + box + "' in plugins.driver_mqtt.boxes");
    BoxState &state = found->second;
    const std::string level = topic_level(remote);
    if (state.by_topic.count(level))
        throw gs::InvalidArgument("field 'remote_source': box '" + box + "' source '" + remote +
                                  "' already feeds source '" + state.by_topic[level]->name +
                                  "' of this hub");
    auto fed = std::make_unique<Fed>();
    fed->name = source.name;
    fed->remote = remote;
    for (const auto &p : source.points)
        if (fed->points[p.circuit].insert(p.data).second)
            fed->all_points.emplace_back(p.circuit, p.data);
    state.by_remote[remote] = fed.get();
    state.by_topic.emplace(level, std::move(fed));
}

Hub::Counters Hub::counters(const std::string &box) const {
    auto it = boxes_.find(box);
    if (it == boxes_.end()) return {};
    return {it->second.messages.load(), it->second.rejected.load()};
}

void Hub::on_message(const std::string &name, std::string_view rest, std::string_view payload) {
    auto it = boxes_.find(name);
    if (it == boxes_.end()) return;
    BoxState &box = it->second;
    ++box.messages;
    const Topic topic = topic_of(rest);
    try {
        switch (topic.kind) {
        case TopicKind::status:
            if (payload == "offline")
                go_offline(name, box, Offline::status, "the box is offline");
            else if (payload == "online")
                go_online(name, box);
            else
                reject(name, box, "status '" + std::string(payload.substr(0, 40)) + "'");
            return;
        case TopicKind::events:
            on_event(name, box, payload);
            return;
        case TopicKind::description: {
            if (payload.empty()) return; // a retained description removed
            BoxDescription d = parse_description(payload);
            box.described.clear();
            for (const auto &s : d.sources)
                box.described.insert(topic_level(s.name));
            if (described_) described_(name, std::move(d), std::string(payload));
            return;
        }
        case TopicKind::data:
            // Data after a lost broker: the box is there (a status would have said otherwise).
            if (box.offline == Offline::broker) go_online(name, box);
            on_data(box, topic, rest, payload);
            return;
        case TopicKind::other:
            --box.messages; // another publisher's topic below the prefix (discovery...)
            return;
        }
    } catch (const std::invalid_argument &e) {
        reject(name, box, std::string(rest) + ": " + e.what());
    }
}

void Hub::reject(const std::string &name, BoxState &box, const std::string &why) {
    uint64_t n = box.rejected++;
    if (n < 10 || n % 1000 == 0) // a stream of bad messages does not flood the log
        host_.warning("box " + name + ": message ignored (" + why + ")" +
                      (n >= 10 ? " [" + std::to_string(n + 1) + " so far]" : ""));
}

bool Hub::on_data(BoxState &box, const Topic &topic, std::string_view rest,
                  std::string_view payload) {
    auto it = box.by_topic.find(topic.source);
    if (it == box.by_topic.end()) {
        if (box.described.count(topic.source) && box.held.size() < kMaxHeld) {
            box.held.emplace_back(std::string(rest), std::string(payload));
            return false;
        }
        throw std::invalid_argument("no source of this hub is fed by '" + topic.source + "'");
    }
    const Fed &fed = *it->second;
    auto circuit = fed.points.find(topic.circuit);
    if (circuit == fed.points.end())
        throw std::invalid_argument("source '" + fed.name + "' collects nothing on circuit " +
                                    std::to_string(topic.circuit));
    DataMessage m = parse_data(payload);
    gs::SampleBatch batch(fed.name, m.ts_ms * 1000000);
    for (auto &v : m.values)
        if (circuit->second.count(v.data))
            batch.add(topic.circuit, std::move(v.data), v.value, v.quality);
    if (batch.size() == 0) return true; // the hub's circuits collect none of these data
    publish(batch.view());
    return true;
}

Hub::Held Hub::take_held() {
    Held out;
    for (auto &[name, box] : boxes_)
        if (!box.held.empty()) out[name] = std::move(box.held);
    for (auto &kv : boxes_)
        kv.second.held.clear();
    return out;
}

void Hub::replay(const Held &held) {
    for (const auto &[name, messages] : held) {
        auto it = boxes_.find(name);
        if (it == boxes_.end()) continue;
        for (const auto &[rest, payload] : messages)
            on_message(name, rest, payload);
        host_.info("box " + name + ": " + std::to_string(messages.size()) +
                   " message(s) received while its sources were learned, handled");
    }
}

void Hub::on_event(const std::string &name, BoxState &box, std::string_view payload) {
    EventMessage e = parse_event(payload);
    const char *source = nullptr;
    std::string message = e.message;
    if (!e.source.empty()) {
        auto it = box.by_remote.find(e.source);
        if (it != box.by_remote.end())
            source = it->second->name.c_str();
        else
            message = e.source + ": " + message; // a source of the box the hub does not keep
    }
    if (!source) message = name + ": " + message;
    gs_event ev{sizeof(gs_event),
                static_cast<uint32_t>(e.severity),
                e.ts_ms * 1000000,
                e.type.c_str(),
                source,
                source ? e.circuit : 0,
                static_cast<uint32_t>(e.state),
                message.c_str()};
    publish(ev);
}

void Hub::go_offline(const std::string &name, BoxState &box, Offline why, const std::string &text) {
    if (box.offline != Offline::no) {
        if (why == Offline::status) box.offline = why; // the box said it: only `online` ends it
        return;
    }
    box.offline = why;
    host_.warning("box " + name + ": " + text + "; its sources are offline");
    const int64_t now = host_.now_utc_ns();
    const std::string message = "communication lost: box " + name + ": " + text;
    for (const auto &[level, fed] : box.by_topic) {
        gs::SampleBatch batch(fed->name, now);
        for (const auto &[circuit, data] : fed->all_points)
            batch.add(circuit, data, 0, GS_QUALITY_DISCONNECTED);
        if (batch.size()) publish(batch.view());
        publish(gs_event{sizeof(gs_event), GS_SEVERITY_HIGH, now, "comm.lost", fed->name.c_str(), 0,
                         GS_EVENT_STATE_ACTIVE, message.c_str()});
    }
}

void Hub::go_online(const std::string &name, BoxState &box) {
    if (box.offline == Offline::no) return;
    box.offline = Offline::no;
    host_.info("box " + name + ": online again");
    const int64_t now = host_.now_utc_ns();
    for (const auto &[level, fed] : box.by_topic)
        publish(gs_event{sizeof(gs_event), GS_SEVERITY_INFO, now, "comm.restored",
                         fed->name.c_str(), 0, GS_EVENT_STATE_INSTANT, "communication restored"});
}

// A full bus holds the box's thread (and, through TCP, the broker) instead of dropping data.
void Hub::retry_while_full(const std::function<void()> &publish) {
    for (auto delay = std::chrono::milliseconds{5};; delay = std::min(delay * 2, kMaxWait)) {
        try {
            publish();
            return;
        } catch (const gs::RetryLater &) {
            if (stopping_()) return;
            std::this_thread::sleep_for(delay);
        }
    }
}

void Hub::publish(const gs_sample_batch &batch) {
    retry_while_full([&] { host_.publish(batch); });
}

void Hub::publish(const gs_event &event) {
    retry_while_full([&] { host_.publish(event); });
}

void Hub::broker_lost(const std::string &name, const std::string &why) {
    auto it = boxes_.find(name);
    if (it != boxes_.end()) go_offline(name, it->second, Offline::broker, why);
}

} // namespace gs::hub
