#include "line_protocol.hpp"

#include <charconv>
#include <cmath>

namespace gs::influx {
namespace {

void append_escaped(std::string &out, const std::string &text, const char *special) {
    for (char c : text) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
        for (const char *s = special; *s; ++s)
            if (c == *s) {
                out += '\\';
                break;
            }
        out += c;
    }
}

template <class T> void append_num(std::string &out, T v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

} // namespace

void append_measurement(std::string &out, const std::string &name) {
    append_escaped(out, name, ", ");
}

void append_tag(std::string &out, const std::string &text) {
    append_escaped(out, text, ",= ");
}

void append_string_field(std::string &out, const std::string &text) {
    out += '"';
    append_escaped(out, text, "\"\\");
    out += '"';
}

size_t append_lines(const LineContext &context, const gs::JournalEntry &entry, std::string &out) {
    if (entry.is_event()) {
        const auto &e = *entry.event;
        out += "gridscope_events,severity=";
        out += gs::severity_name(e.severity);
        if (!context.site.empty()) {
            out += ",site=";
            append_tag(out, context.site);
        }
        if (!e.source.empty()) {
            out += ",source=";
            append_tag(out, e.source);
        }
        out += ",state=";
        out += gs::event_state_name(e.state);
        if (!e.type.empty()) {
            out += ",type=";
            append_tag(out, e.type);
        }
        out += " circuit=";
        append_num(out, e.circuit);
        out += "i,message=";
        append_string_field(out, e.message);
        out += ' ';
        append_num(out, entry.ts_utc_ns);
        out += '\n';
        return 1;
    }
    // The tags after circuit are the same for every value of the entry.
    std::string site_source;
    if (!context.site.empty()) {
        site_source += ",site=";
        append_tag(site_source, context.site);
    }
    site_source += ",source=";
    append_tag(site_source, entry.source);
    char ts[24];
    auto ts_end = std::to_chars(ts, ts + sizeof ts, entry.ts_utc_ns).ptr;
    size_t lines = 0;
    for (const auto &v : entry.values) {
        if (v.quality != GS_QUALITY_GOOD || !std::isfinite(v.value) || v.data.empty()) continue;
        append_measurement(out, v.data);
        out += ",circuit=";
        append_num(out, v.circuit);
        out += site_source;
        const std::string &unit = context.unit_of(v.data);
        if (!unit.empty()) {
            out += ",unit=";
            append_tag(out, unit);
        }
        out += " value=";
        append_num(out, v.value);
        out += ' ';
        out.append(ts, ts_end);
        out += '\n';
        ++lines;
    }
    return lines;
}

} // namespace gs::influx
