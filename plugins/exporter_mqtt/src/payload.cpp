#include "payload.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace gs::mqtt {
namespace {

void append_json_string(std::string &out, const std::string &s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

void append_number(std::string &out, double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v); // shortest text that reads back exactly
    out.append(buf, r.ptr);
}

void append_int(std::string &out, int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

} // namespace

int64_t ms_of(int64_t ns) {
    return ns >= 0 ? ns / 1000000 : -((-ns + 999999) / 1000000);
}

std::string topic_level(const std::string &name) {
    std::string out = name;
    for (char &c : out)
        if (c == '/' || c == '+' || c == '#') c = '_';
    return out.empty() ? "_" : out;
}

void messages_of(const std::string &topic_prefix, const gs::JournalEntry &entry,
                 std::vector<Message> &out) {
    if (entry.is_event()) {
        const auto &e = *entry.event;
        Message m{topic_prefix + "/events", {}};
        std::string &p = m.payload;
        p += "{\"ts\": ";
        append_int(p, ms_of(entry.ts_utc_ns));
        p += ", \"type\": ";
        append_json_string(p, e.type);
        p += ", \"source\": ";
        if (e.source.empty())
            p += "null";
        else
            append_json_string(p, e.source);
        p += ", \"circuit\": ";
        append_int(p, e.circuit);
        p += ", \"severity\": \"";
        p += gs::severity_name(e.severity);
        p += "\", \"state\": \"";
        p += gs::event_state_name(e.state);
        p += "\", \"message\": ";
        append_json_string(p, e.message);
        p += '}';
        out.push_back(std::move(m));
        return;
    }
    // Circuits in the order they first appear in the batch.
    std::vector<uint32_t> circuits;
    for (const auto &v : entry.values)
        if (std::find(circuits.begin(), circuits.end(), v.circuit) == circuits.end())
            circuits.push_back(v.circuit);
    const std::string base = topic_prefix + "/" + topic_level(entry.source) + "/";
    for (uint32_t circuit : circuits) {
        Message m{base + std::to_string(circuit), {}};
        std::string &p = m.payload;
        p.reserve(32 + entry.values.size() * 24);
        p += "{\"ts\": ";
        append_int(p, ms_of(entry.ts_utc_ns));
        p += ", \"values\": {";
        bool first = true, any_bad = false;
        for (const auto &v : entry.values) {
            if (v.circuit != circuit) continue;
            if (!first) p += ", ";
            first = false;
            append_json_string(p, v.data);
            p += ": ";
            if (v.quality == GS_QUALITY_GOOD && std::isfinite(v.value))
                append_number(p, v.value);
            else
                p += "null";
            any_bad = any_bad || v.quality != GS_QUALITY_GOOD;
        }
        p += "}, \"quality\": {";
        if (any_bad) {
            first = true;
            for (const auto &v : entry.values) {
                if (v.circuit != circuit || v.quality == GS_QUALITY_GOOD) continue;
                if (!first) p += ", ";
                first = false;
                append_json_string(p, v.data);
                p += ": \"";
                p += gs::quality_name(v.quality);
                p += '"';
            }
        }
        p += "}}";
        out.push_back(std::move(m));
    }
}

} // namespace gs::mqtt
