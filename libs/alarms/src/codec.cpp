// Journal payloads (see codec.hpp).
#include "codec.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace gs::alarms::codec {

namespace {

class Writer {
public:
    explicit Writer(char type) { out_ += type; }
    Writer &add(const std::string &field) {
        out_ += '\t';
        for (char c : field) {
            switch (c) {
            case '\\':
                out_ += "\\\\";
                break;
            case '\t':
                out_ += "\\t";
                break;
            case '\n':
                out_ += "\\n";
                break;
            case '\r':
                out_ += "\\r";
                break;
            default:
                out_ += c;
            }
        }
        return *this;
    }
    Writer &add(int64_t v) { return add(std::to_string(v)); }
    Writer &add(uint64_t v) { return add(std::to_string(v)); }
    Writer &add(uint32_t v) { return add(static_cast<uint64_t>(v)); }
    Writer &add(bool v) { return add(std::string(v ? "1" : "0")); }
    Writer &add(double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        return add(std::string(buf));
    }
    std::string str() { return std::move(out_); }

private:
    std::string out_;
};

struct Malformed : std::runtime_error {
    Malformed() : std::runtime_error("malformed") {}
};

class Reader {
public:
    explicit Reader(const std::string &payload) {
        std::string field;
        for (std::size_t i = 0; i < payload.size(); ++i) {
            char c = payload[i];
            if (c == '\t') {
                fields_.push_back(std::move(field));
                field.clear();
            } else if (c == '\\' && i + 1 < payload.size()) {
                char e = payload[++i];
                field += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
            } else {
                field += c;
            }
        }
        fields_.push_back(std::move(field));
    }
    char type() const { return fields_[0].size() == 1 ? fields_[0][0] : 0; }
    std::size_t size() const { return fields_.size(); }
    const std::string &text() { return next(); }
    int64_t i64() {
        const std::string &f = next();
        char *end = nullptr;
        long long v = std::strtoll(f.c_str(), &end, 10);
        if (f.empty() || *end) throw Malformed();
        return v;
    }
    uint64_t u64() {
        const std::string &f = next();
        char *end = nullptr;
        unsigned long long v = std::strtoull(f.c_str(), &end, 10);
        if (f.empty() || *end) throw Malformed();
        return v;
    }
    bool flag() { return u64() != 0; }
    double real() {
        const std::string &f = next();
        char *end = nullptr;
        double v = std::strtod(f.c_str(), &end);
        if (f.empty() || *end) throw Malformed();
        return v;
    }
    template <class E> E small_enum(int max) {
        uint64_t v = u64();
        if (v > static_cast<uint64_t>(max)) throw Malformed();
        return static_cast<E>(v);
    }

private:
    const std::string &next() {
        if (pos_ + 1 >= fields_.size()) throw Malformed();
        return fields_[++pos_];
    }
    std::vector<std::string> fields_;
    std::size_t pos_ = 0;
};

} // namespace

std::string slot(const std::string &key, const SlotState &s) {
    return Writer('S')
        .add(key)
        .add(s.cond)
        .add(s.active)
        .add(s.pending_since)
        .add(s.clearing_since)
        .add(s.record)
        .add(s.shelved_until)
        .add(s.shelved_by)
        .str();
}

std::string record(const AlarmRecord &r) {
    Writer w('R');
    w.add(r.id).add(r.rule).add(static_cast<uint32_t>(r.kind)).add(static_cast<uint32_t>(r.level));
    w.add(r.source).add(r.circuit).add(r.data).add(static_cast<uint32_t>(r.criticality));
    w.add(r.active).add(r.acked).add(r.raised).add(r.cleared).add(r.acked_at);
    w.add(r.acked_by).add(r.ack_comment).add(r.value).add(r.limit).add(r.activations);
    w.add(r.shelved).add(r.suppressed).add(r.out_of_service);
    for (const auto &[lang, text] : r.message)
        w.add(lang).add(text);
    return w.str();
}

std::string activation(const Activation &a) {
    return Writer('A').add(a.t).add(a.alarm).add(static_cast<uint32_t>(a.criticality)).str();
}

std::string voltage(const VoltageEvent &e) {
    return Writer('V')
        .add(e.id)
        .add(e.rule)
        .add(e.source)
        .add(e.circuit)
        .add(static_cast<uint32_t>(e.kind))
        .add(e.start)
        .add(e.end)
        .add(e.nominal_v)
        .add(e.extreme_v)
        .add(e.phases)
        .str();
}

std::string out_of_service(const std::string &rule, bool out, const std::string &who, TimeNs t) {
    return Writer('X').add(rule).add(out).add(who).add(t).str();
}

std::string clock(TimeNs t) {
    return Writer('T').add(t).str();
}

std::string next_id(uint64_t id) {
    return Writer('N').add(id).str();
}

Decoded decode(const std::string &payload) {
    Decoded d;
    Reader r(payload);
    try {
        switch (r.type()) {
        case 'S':
            d.key = r.text();
            d.slot.cond = r.flag();
            d.slot.active = r.flag();
            d.slot.pending_since = r.i64();
            d.slot.clearing_since = r.i64();
            d.slot.record = r.u64();
            d.slot.shelved_until = r.i64();
            d.slot.shelved_by = r.text();
            break;
        case 'R': {
            AlarmRecord &x = d.record;
            x.id = r.u64();
            x.rule = r.text();
            x.kind = r.small_enum<RuleKind>(static_cast<int>(RuleKind::voltage_events));
            x.level = r.small_enum<Level>(static_cast<int>(Level::low_low));
            x.source = r.text();
            x.circuit = static_cast<uint32_t>(r.u64());
            x.data = r.text();
            x.criticality = r.small_enum<Criticality>(static_cast<int>(Criticality::critical));
            x.active = r.flag();
            x.acked = r.flag();
            x.raised = r.i64();
            x.cleared = r.i64();
            x.acked_at = r.i64();
            x.acked_by = r.text();
            x.ack_comment = r.text();
            x.value = r.real();
            x.limit = r.real();
            x.activations = static_cast<uint32_t>(r.u64());
            x.shelved = r.flag();
            x.suppressed = r.flag();
            x.out_of_service = r.flag();
            while (r.size() > 22 + 2 * x.message.size()) {
                std::string lang = r.text();
                x.message[lang] = r.text();
            }
            break;
        }
        case 'A':
            d.activation.t = r.i64();
            d.activation.alarm = r.text();
            d.activation.criticality =
                r.small_enum<Criticality>(static_cast<int>(Criticality::critical));
            break;
        case 'V': {
            VoltageEvent &e = d.voltage;
            e.id = r.u64();
            e.rule = r.text();
            e.source = r.text();
            e.circuit = static_cast<uint32_t>(r.u64());
            e.kind =
                r.small_enum<VoltageEventKind>(static_cast<int>(VoltageEventKind::interruption));
            e.start = r.i64();
            e.end = r.i64();
            e.nominal_v = r.real();
            e.extreme_v = r.real();
            e.phases = static_cast<uint32_t>(r.u64());
            break;
        }
        case 'X':
            d.rule = r.text();
            d.out = r.flag();
            r.text(); // who
            d.t = r.i64();
            break;
        case 'T':
            d.t = r.i64();
            break;
        case 'N':
            d.id = r.u64();
            break;
        default:
            return Decoded{};
        }
    } catch (const Malformed &) {
        return Decoded{};
    }
    d.type = r.type();
    return d;
}

} // namespace gs::alarms::codec
