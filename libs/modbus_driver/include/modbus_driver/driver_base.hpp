// DriverBase<Derived, Entry>: the plugin class every Modbus-based driver derives from (CRTP). It
// holds what they all do the same way: the link settings of the plugin section, the sources the
// kernel adds (by name, with their profile), the polling links, the profile check, on-demand
// reads, writes through the link that polls the source, and the plan description.
//
// A driver redefines a member (add_source, start, stop, read, write, describe) only where it does
// more, and may call DriverBase's from its own; the SDK's thunks call Derived's. It tunes the
// defaults by redefining the static members below (config_fields, plan_note, plan_extra_json,
// polled_noun) and keeps its own per-source state in an Entry derived from SourceEntry.
//
// Destruction: the links are DriverBase's last member, so they stop before the sources go; a
// driver whose poll callback or threads use its own members stops them in its own destructor.
#pragma once

#include "modbus_driver/diagnostics_json.hpp"
#include "modbus_driver/driver_glue.hpp"
#include "modbus_driver/links.hpp"

#include <gridscope/plugin.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gs::modbus {

// What a driver keeps of a source the kernel added; drivers add their own state by deriving.
struct SourceEntry {
    SourceConfig config;
    std::string profile; // the profile polled
};

template <class Derived, class Entry = SourceEntry> class DriverBase : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_DRIVER;
    // The plugin-section keys: the link settings. A driver with keys of its own declares its
    // own config_fields, starting with GS_MODBUS_LINK_FIELDS.
    static constexpr gs_config_field config_fields[] = {GS_MODBUS_LINK_FIELDS};
    // The source keys `gridscope read` and `plan` take on their command line (ABI 1.3).
    static constexpr gs_cli_option connection_options[] = {
        {sizeof(gs_cli_option), "--tcp", "tcp", 0, 1, "127.0.0.1:502", nullptr,
         "HOST:PORT (Modbus TCP)"}, // the default: the stand-in `plan` plans, never contacted
        {sizeof(gs_cli_option), "--rtu", "rtu", 0, 1, nullptr, nullptr, "DEVICE (Modbus RTU)"},
        {sizeof(gs_cli_option), "--rtu-tcp", "rtu_tcp", 0, 1, nullptr, nullptr,
         "HOST:PORT (Modbus RTU frames over a raw TCP socket)"},
        {sizeof(gs_cli_option), "--baud", "baud", 1, 0, "9600", "rtu", "B (RTU)"},
        {sizeof(gs_cli_option), "--parity", "parity", 0, 0, "N", "rtu", "N|E|O (RTU)"},
        {sizeof(gs_cli_option), "--unit", "unit", 1, 0, "1", nullptr, "N (unit id)"},
        {sizeof(gs_cli_option), "--timeout-ms", "timeout_ms", 1, 0, nullptr, nullptr,
         "T (answer timeout)"}};
    // The keys of a source entry (checked and filled by the kernel, read by parse_source).
    static constexpr const gs_config_field (&source_fields)[std::size(kSourceFields)] =
        kSourceFields;
    // describe(): text after "N points in K request(s)", and JSON members before "requests"
    // ("" or ending with ", "); see describe_source.
    static constexpr const char *plan_note = "";
    static constexpr const char *plan_extra_json = "";
    // start() logs "polling N <polled_noun> on K link(s)".
    static constexpr const char *polled_noun = "device(s)";

    static void validate_point(gs::Host &, const gs::ptree &defaults, const gs::ptree &point) {
        validate_profile_point(defaults, point);
    }

    // Keeps the source with its profile's points and commands.
    void add_source(const gs::Source &source) { add_entry(source); }

    // Polls every source added, one link per link key. A second start() does nothing.
    void start() {
        if (links_.size()) return;
        std::vector<const SourceConfig *> all;
        for (const auto &[name, entry] : sources_)
            all.push_back(&entry.config);
        links_.open_all(all);
        host().info("polling " + std::to_string(sources_.size()) + " " + Derived::polled_noun +
                    " on " + std::to_string(links_.size()) + " link(s)");
    }

    void stop() { links_.stop(); }

    // Every point of the source, read now on a connection of its own.
    std::vector<gs::SampleBatch> read(const std::string &name) {
        return {read_source(host(), name, find(name).config)};
    }

    // A polled point, or a profile command's target (named after the command), written through
    // the link that polls the source.
    void write(const std::string &name, uint32_t circuit, const std::string &data, double value) {
        links_.write(find(name).config, circuit, data, value);
    }

    // [any-thread] Each link's read requests and failed ones since start (ABI 1.5, `/metrics`).
    std::vector<gs::PollCounters> poll_counters() const {
        std::vector<gs::PollCounters> out;
        for (const auto &[link, stats] : links_.stats())
            out.push_back({link, stats.requests, stats.failed_requests});
        return out;
    }

    // [any-thread] Each link's and each source's counters as JSON (ABI 1.6, the Diagnostics
    // page).
    std::string diagnostics() const { return diagnostics_json(links_); }

    // [any-thread] The last frames of link `link` as JSON (ABI 1.6, the bus view); arms the
    // link's trace for a minute, so a page that reads it every few seconds keeps it on. Throws
    // gs::Error GS_ERR_NOT_FOUND when this driver polls no such link.
    std::string bus_trace(const std::string &link) {
        std::vector<TracedFrame> frames;
        if (!links_.trace(link, std::chrono::minutes(1), frames))
            throw gs::Error("no link '" + link + "'", GS_ERR_NOT_FOUND);
        return bus_trace_json(link, frames);
    }

    std::string describe(const std::string &name, bool json) {
        const Entry &entry = find(name);
        return describe_source(entry.profile, entry.config, json, Derived::plan_note,
                               Derived::plan_extra_json);
    }

protected:
    // Reads the link settings of the plugin section (throws gs::InvalidArgument naming the
    // field); on_poll is called after each poll of a device is published [link thread].
    explicit DriverBase(gs::Host host, Links::OnPoll on_poll = {})
        : Plugin(host), settings_(LinkSettings::from(config(Derived::config_fields))),
          links_(host, settings_, std::move(on_poll)) {}

    // Parses and keeps `source` (with_points false: endpoint and unit only); replaces an entry
    // of the same name. Throws gs::InvalidArgument "source 'NAME': field ...".
    Entry &add_entry(const gs::Source &source, bool with_points = true) {
        Entry entry;
        entry.config = parse_sdk_source(source, with_points);
        entry.profile = source.profile;
        return sources_[source.name] = std::move(entry);
    }

    // The entry of a source added; throws gs::Error GS_ERR_NOT_FOUND.
    Entry &find(const std::string &name) {
        auto it = sources_.find(name);
        if (it == sources_.end()) throw gs::Error("no source '" + name + "'", GS_ERR_NOT_FOUND);
        return it->second;
    }
    const Entry &find(const std::string &name) const {
        return const_cast<DriverBase *>(this)->find(name);
    }

    const LinkSettings &link_settings() const { return settings_; }

    // Declares to the kernel what the device of source `name` identified as (ABI 1.5,
    // gridscope.device/1): the site model takes the profile and the device's circuits, and the
    // answer is the source's configuration to poll from then on (the identified profile's
    // points that the circuits' models collect, its commands). nullopt when the kernel offers
    // no device service. Throws gs::Error (the kernel refused) or gs::InvalidArgument.
    std::optional<SourceConfig> declare_identified(const std::string &name,
                                                   const std::string &profile,
                                                   const std::vector<uint32_t> &circuits) {
        std::optional<gs::Source> declared =
            gs::declare_identified(host(), name, profile, circuits);
        if (!declared) return std::nullopt;
        return parse_sdk_source(*declared);
    }

    // Declaration order matters: the settings before the links made from them, the sources
    // before the links that poll them (links are destroyed, and so stopped, first).
private:
    const LinkSettings settings_;

protected:
    std::map<std::string, Entry> sources_;
    Links links_;
};

} // namespace gs::modbus
