// driver_socomec_atys: polls ATyS p M transfer switches (status block 20480..20489) like
// driver_modbus, and publishes an "atys.transfer" event each time the switch position changes.
// The class is the plugin (see plugin.cpp); the decoding is in atys.hpp.
#pragma once

#include "atys.hpp"
#include "links.hpp"

#include <gridscope/plugin.hpp>

#include <map>
#include <memory>

namespace gs::socomec::atys {

class AtysDriver : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_DRIVER;
    static constexpr const char *id = "driver_socomec_atys";
    static constexpr const char *version = "0.1.0";
    static constexpr const char *description =
        "SOCOMEC ATyS p M: switch position, mode, sources; an event at each transfer";
    static constexpr gs_config_field config_fields[] = {
        modbus::kConnectTimeoutField, modbus::kOfflineAfterField, modbus::kGuardIntervalField,
        modbus::kPhaseSpacingField};

    explicit AtysDriver(gs::Host host);
    ~AtysDriver() override;

    static void validate_point(gs::Host &, const gs::ptree &defaults, const gs::ptree &point);
    void add_source(const gs::Source &source);
    void start();
    void stop();
    std::vector<gs::SampleBatch> read(const std::string &name);
    void write(const std::string &name, uint32_t circuit, const std::string &data, double value);
    std::string describe(const std::string &name, bool json);

private:
    struct Added {
        modbus::SourceConfig config;
        std::string profile;
        TransferTracker tracker; // [link thread]
    };

    // [link thread] After each poll: an atys.transfer event when the position changed.
    void on_poll(const std::string &dev, const std::vector<modbus::PointResult> &results);
    Added &find(const std::string &name);

    std::map<std::string, Added> sources_;
    modbus::Links links_;
};

} // namespace gs::socomec::atys
