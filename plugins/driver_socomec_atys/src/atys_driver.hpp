// driver_socomec_atys: polls ATyS p M transfer switches (status block 20480..20489) like
// driver_modbus, and publishes an "atys.transfer" event each time the switch position changes.
// The class is the plugin (see plugin.cpp); the decoding is in atys.hpp.
#pragma once

#include "atys.hpp"
#include "source_config.hpp"

#include <gridscope/plugin.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace gs::socomec::atys {

class AtysDriver : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_DRIVER;
    static constexpr const char *id = "driver_socomec_atys";
    static constexpr const char *version = "0.1.0";
    static constexpr const char *description =
        "SOCOMEC ATyS p M: switch position, mode, sources; an event at each transfer";
    static constexpr gs_config_field config_fields[] = {
        gs::field(GS_CONFIG_DURATION_MS, "connect_timeout_ms", "2000", "TCP connect timeout"),
        gs::field(GS_CONFIG_INT, "offline_after_failures", "3",
                  "failed cycles before a device is declared lost and polled on a backoff")};

    explicit AtysDriver(gs::Host host);
    ~AtysDriver() override;

    static void validate_point(gs::Host &, const gs::ptree &defaults, const gs::ptree &point);
    void add_source(const gs::Source &source);
    void start();
    void stop();
    std::vector<gs::SampleBatch> read(const std::string &name);
    std::string describe(const std::string &name, bool json);

private:
    struct Added {
        modbus::SourceConfig config;
        std::string profile;
        TransferTracker tracker; // [link thread]
    };

    void publish(const std::string &dev, int64_t ts, const std::vector<modbus::PointResult> &r);
    void link_state(const std::string &dev, bool connected, const std::string &reason);
    void event(const char *type, gs_severity severity, gs_event_state state,
               const std::string &source, const std::string &message);
    Added &find(const std::string &name);

    uint32_t connect_timeout_ms_;
    unsigned offline_after_;
    std::map<std::string, Added> sources_;
    std::vector<std::unique_ptr<modbus::Link>> links_;
    std::mutex mutex_; // guards lost_, dropped_
    std::set<std::string> lost_;
    uint64_t dropped_ = 0;
};

} // namespace gs::socomec::atys
