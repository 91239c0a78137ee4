#include "sparkplug_node.hpp"

#include <cmath>

namespace gs::mqtt {
namespace {

constexpr char kNamespace[] = "spBv1.0";
constexpr char kRebirth[] = "Node Control/Rebirth";
constexpr char kBdSeq[] = "bdSeq";

spb::Metric bd_seq_metric(int bd_seq, uint64_t now_ms) {
    spb::Metric m;
    m.name = kBdSeq;
    m.timestamp = now_ms;
    m.datatype = spb::kInt64;
    m.value = static_cast<uint64_t>(bd_seq);
    return m;
}

} // namespace

EdgeNode::EdgeNode(std::string group_id, std::string edge_node_id)
    : group_id_(std::move(group_id)), edge_node_id_(std::move(edge_node_id)),
      ncmd_topic_(topic("NCMD")) {}

std::string EdgeNode::topic(const char *type, const std::string &device_id) const {
    std::string t = std::string(kNamespace) + "/" + group_id_ + "/" + type + "/" + edge_node_id_;
    if (!device_id.empty()) t += "/" + device_id;
    return t;
}

uint64_t EdgeNode::next_seq() {
    return ++seq_; // uint8_t: 255 -> 0
}

Message EdgeNode::next_will(uint64_t now_ms) {
    if (will_sent_) bd_seq_ = (bd_seq_ + 1) % 256;
    will_sent_ = false;
    return death(now_ms);
}

void EdgeNode::connect_sent(uint64_t now_ms) {
    will_sent_ = true;
    session_start_ms_ = now_ms;
    births_due_ = true;
    born_.clear();
}

Message EdgeNode::death(uint64_t now_ms) const {
    spb::Payload p; // no seq in an NDEATH
    p.timestamp = now_ms;
    p.metrics.push_back(bd_seq_metric(bd_seq_, now_ms));
    return Message{topic("NDEATH"), spb::encode(p)};
}

void EdgeNode::births(uint64_t now_ms, std::vector<Message> &out) {
    spb::Payload node;
    node.timestamp = now_ms;
    node.seq = seq_ = 0;
    node.metrics.push_back(bd_seq_metric(bd_seq_, now_ms));
    spb::Metric rebirth;
    rebirth.name = kRebirth;
    rebirth.timestamp = now_ms;
    rebirth.datatype = spb::kBoolean;
    rebirth.value = false;
    node.metrics.push_back(std::move(rebirth));
    out.push_back(Message{topic("NBIRTH"), spb::encode(node)});
    born_.clear();
    for (const auto &[source, d] : devices_) {
        if (d.metrics.empty()) continue;
        spb::Payload p;
        p.timestamp = now_ms;
        p.seq = next_seq();
        for (const MetricState &s : d.metrics) {
            spb::Metric m;
            m.name = s.name;
            m.alias = s.alias;
            m.datatype = spb::kDouble;
            m.timestamp = s.known ? s.ts_ms : now_ms;
            if (s.known && s.good)
                m.value = s.value;
            else
                m.is_null = true;
            if (s.known && !s.good) m.quality = spb::kQualityBad;
            p.metrics.push_back(std::move(m));
        }
        out.push_back(Message{topic("DBIRTH", d.id), spb::encode(p)});
        born_[d.id] = true;
    }
    births_due_ = false;
}

EdgeNode::Device &EdgeNode::device(const std::string &source) {
    auto it = devices_.find(source);
    if (it != devices_.end()) return it->second;
    births_due_ = true;
    Device &d = devices_[source];
    d.id = topic_level(source);
    return d;
}

size_t EdgeNode::metric(Device &d, uint32_t circuit, const std::string &data) {
    auto key = std::make_pair(circuit, data);
    auto it = d.index.find(key);
    if (it != d.index.end()) return it->second;
    births_due_ = true;
    MetricState s;
    s.name = std::to_string(circuit) + "/" + data;
    s.alias = next_alias_++;
    d.metrics.push_back(std::move(s));
    d.index.emplace(std::move(key), d.metrics.size() - 1);
    return d.metrics.size() - 1;
}

void EdgeNode::data(const gs::JournalEntry &entry, uint64_t now_ms, std::vector<Message> &out) {
    if (entry.is_event() || entry.values.empty()) return;
    Device &d = device(entry.source);
    std::vector<size_t> which;
    which.reserve(entry.values.size());
    for (const auto &v : entry.values)
        which.push_back(metric(d, v.circuit, v.data));
    if (births_due_) births(now_ms, out);

    const int64_t ts = ms_of(entry.ts_utc_ns);
    const uint64_t ts_ms = ts < 0 ? 0 : static_cast<uint64_t>(ts);
    spb::Payload p;
    p.timestamp = now_ms;
    p.seq = next_seq();
    p.metrics.reserve(entry.values.size());
    for (size_t i = 0; i < entry.values.size(); ++i) {
        const auto &v = entry.values[i];
        MetricState &s = d.metrics[which[i]];
        const bool good = v.quality == GS_QUALITY_GOOD && std::isfinite(v.value);
        spb::Metric m;
        m.alias = s.alias;
        m.timestamp = ts_ms;
        m.historical = ts_ms < session_start_ms_;
        if (good)
            m.value = v.value;
        else
            m.is_null = true;
        if (v.quality != GS_QUALITY_GOOD) m.quality = spb::kQualityBad;
        p.metrics.push_back(std::move(m));
        s.known = true;
        s.good = good;
        s.value = v.value;
        s.ts_ms = ts_ms;
    }
    out.push_back(Message{topic("DDATA", d.id), spb::encode(p)});
}

void EdgeNode::set_site(const gs::site::Site &site, uint64_t now_ms, std::vector<Message> &out) {
    std::map<std::string, Device> kept;
    for (const auto &source : site.sources) {
        if (!source.enabled) continue;
        auto it = devices_.find(source.name);
        Device d;
        if (it != devices_.end()) d = std::move(it->second);
        d.id = topic_level(source.name);
        for (const auto &circuit : source.circuits)
            if (circuit.enabled)
                for (const auto &data : circuit.history)
                    metric(d, circuit.index, data);
        kept.emplace(source.name, std::move(d));
        if (it != devices_.end()) devices_.erase(it);
    }
    for (const auto &[source, d] : devices_) // left the site
        if (born_.count(d.id)) {
            spb::Payload p;
            p.timestamp = now_ms;
            p.seq = next_seq();
            out.push_back(Message{topic("DDEATH", d.id), spb::encode(p)});
            born_.erase(d.id);
        }
    devices_ = std::move(kept);
    births_due_ = true;
}

bool EdgeNode::is_rebirth_request(const void *payload, size_t size) {
    auto p = spb::decode(payload, size);
    if (!p) return false;
    for (const spb::Metric &m : p->metrics)
        if (m.name == kRebirth) {
            const bool *b = std::get_if<bool>(&m.value);
            return b && *b;
        }
    return false;
}

} // namespace gs::mqtt
