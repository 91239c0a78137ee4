#include "messages.hpp"

#include <gridscope/names.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace gs::hub {
namespace {

using json = nlohmann::json;

json parse_object(std::string_view payload) {
    json doc = json::parse(payload.begin(), payload.end(), nullptr, false);
    if (doc.is_discarded()) throw std::invalid_argument("not JSON");
    if (!doc.is_object()) throw std::invalid_argument("not a JSON object");
    return doc;
}

int64_t ts_of(const json &doc) {
    auto it = doc.find("ts");
    if (it == doc.end() || !it->is_number_integer())
        throw std::invalid_argument("'ts' must be an integer (ms since the epoch)");
    int64_t ts = it->get<int64_t>();
    // ns must fit in 64 bits: until 2262.
    if (ts < 0 || ts > std::numeric_limits<int64_t>::max() / 1000000)
        throw std::invalid_argument("'ts' out of range");
    return ts;
}

// The enumeration value whose name (gridscope/names.hpp) is `text`, or 0.
template <class Name> uint32_t value_named(const std::string &text, Name name, uint32_t last) {
    for (uint32_t v = 1; v <= last; ++v)
        if (text == name(v)) return v;
    return 0;
}

std::string string_of(const json &doc, const char *key, bool nullable) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_string()) return it->get<std::string>();
    if (nullable && (it == doc.end() || it->is_null())) return {};
    throw std::invalid_argument(std::string("'") + key + "' must be a string");
}

} // namespace

std::string topic_level(const std::string &name) {
    std::string out = name;
    for (char &c : out)
        if (c == '/' || c == '+' || c == '#') c = '_';
    return out.empty() ? "_" : out;
}

Topic topic_of(std::string_view rest) {
    Topic t;
    if (rest == "status") {
        t.kind = TopicKind::status;
        return t;
    }
    if (rest == "events") {
        t.kind = TopicKind::events;
        return t;
    }
    if (rest == "description") {
        t.kind = TopicKind::description;
        return t;
    }
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0) return t;
    std::string_view circuit = rest.substr(slash + 1);
    if (circuit.empty() || circuit.size() > 9) return t;
    uint32_t c = 0;
    for (char ch : circuit) {
        if (ch < '0' || ch > '9') return t;
        c = c * 10 + static_cast<uint32_t>(ch - '0');
    }
    t.kind = TopicKind::data;
    t.source = std::string(rest.substr(0, slash));
    t.circuit = c;
    return t;
}

DataMessage parse_data(std::string_view payload) {
    json doc = parse_object(payload);
    DataMessage m;
    m.ts_ms = ts_of(doc);
    auto values = doc.find("values");
    if (values == doc.end() || !values->is_object())
        throw std::invalid_argument("'values' must be an object");
    const json *quality = nullptr;
    if (auto q = doc.find("quality"); q != doc.end()) {
        if (!q->is_object()) throw std::invalid_argument("'quality' must be an object");
        quality = &*q;
    }
    m.values.reserve(values->size());
    for (const auto &[data, v] : values->items()) {
        ReceivedValue r;
        r.data = data;
        if (v.is_number()) {
            r.value = v.get<double>();
        } else if (v.is_null()) {
            r.quality = GS_QUALITY_BAD_RESPONSE; // unless "quality" says why
        } else {
            throw std::invalid_argument("value of '" + data + "' must be a number or null");
        }
        if (quality) {
            auto q = quality->find(data);
            if (q != quality->end()) {
                if (!q->is_string())
                    throw std::invalid_argument("quality of '" + data + "' must be a string");
                uint32_t code =
                    value_named(q->get<std::string>(), gs::quality_name, GS_QUALITY_BAD_RESPONSE);
                if (code == 0 || code == GS_QUALITY_GOOD) code = GS_QUALITY_BAD_RESPONSE;
                r.quality = static_cast<gs_quality>(code);
            }
        }
        if (r.quality == GS_QUALITY_GOOD && !std::isfinite(r.value))
            r.quality = GS_QUALITY_BAD_RESPONSE;
        m.values.push_back(std::move(r));
    }
    return m;
}

EventMessage parse_event(std::string_view payload) {
    json doc = parse_object(payload);
    EventMessage e;
    e.ts_ms = ts_of(doc);
    e.type = string_of(doc, "type", false);
    if (e.type.empty()) throw std::invalid_argument("'type' must not be empty");
    e.source = string_of(doc, "source", true);
    if (auto c = doc.find("circuit"); c != doc.end() && !c->is_null()) {
        if (!c->is_number_unsigned() || c->get<uint64_t>() > 0xffffffffu)
            throw std::invalid_argument("'circuit' must be a circuit number");
        e.circuit = c->get<uint32_t>();
    }
    uint32_t severity =
        value_named(string_of(doc, "severity", false), gs::severity_name, GS_SEVERITY_HIGH);
    if (!severity) throw std::invalid_argument("unknown 'severity'");
    e.severity = static_cast<gs_severity>(severity);
    uint32_t state = value_named(string_of(doc, "state", false), gs::event_state_name,
                                 GS_EVENT_STATE_ACKNOWLEDGED);
    if (!state) throw std::invalid_argument("unknown 'state'");
    e.state = static_cast<gs_event_state>(state);
    e.message = string_of(doc, "message", true);
    return e;
}

} // namespace gs::hub
