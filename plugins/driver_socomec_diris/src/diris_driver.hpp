// driver_socomec_diris: polls SOCOMEC meters (COUNTIS, DIRIS, Digiware) like driver_modbus, after
// identifying each device from its identification block; scans gateways for SOCOMEC devices.
// The class is the plugin (see plugin.cpp); the protocol is in identify, scanner, profile_files;
// sources, links, reads, writes and plans are DriverBase's (libs/modbus_driver).
#pragma once

#include "identify.hpp"
#include "modbus_driver/driver_base.hpp"
#include "profile_files.hpp"
#include "scanner.hpp"

#include <gridscope/plugin.hpp>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace gs::socomec {

// The profile id that asks the driver to choose the profile from the device.
inline constexpr const char *kAutoProfile = "socomec/auto";

// A source; an auto source's config holds the endpoint and unit only until it is resolved.
struct DirisEntry : modbus::SourceEntry {
    gs::Source source;
    bool automatic = false;
    bool resolved = false;
};

class DirisDriver : public modbus::DriverBase<DirisDriver, DirisEntry> {
public:
    static constexpr const char *id = "driver_socomec_diris";
    static constexpr const char *version = "0.1.0";
    static constexpr const char *description =
        "SOCOMEC COUNTIS / DIRIS / Digiware: identification, profile choice, polling, discovery";
    static constexpr gs_config_field config_fields[] = {
        GS_MODBUS_LINK_FIELDS,
        gs::field(GS_CONFIG_STRING, "profiles_dir", nullptr,
                  "folder of profile YAML files read in addition to the kernel's site document "
                  "(default: none; <share_dir>/profiles when there is no site document)"),
        gs::bounded(gs::field(GS_CONFIG_DURATION_MS, "identify_retry_ms", "10000",
                              "how often a socomec/auto source that could not be identified is "
                              "tried again"),
                    "100", nullptr)};
    // What `gridscope discover` takes on its command line for scan() (ABI 1.4); the defaults
    // are scan()'s own when a caller leaves a key out.
    static constexpr const char *kScanUnits = "1-247";
    static constexpr const char *kScanTimeoutMs = "200";
    static constexpr gs_cli_option scan_options[] = {
        {sizeof(gs_cli_option), "--tcp", "tcp", 0, 1, nullptr, nullptr,
         "HOST:PORT (the Modbus TCP gateway scanned)"},
        {sizeof(gs_cli_option), "--units", "units", 0, 0, kScanUnits, nullptr,
         "A-B,C (the unit ids tried)"},
        {sizeof(gs_cli_option), "--timeout-ms", "timeout_ms", 1, 0, kScanTimeoutMs, nullptr,
         "T (answer timeout per unit, 10..60000 ms)"}};
    static constexpr const char *plan_note =
        "; identification FC03 @50000 x4 (+ @50004 x4, @50042 x24) first";
    static constexpr const char *plan_extra_json =
        "\"identify\": {\"function\": 3, \"address\": 50000, \"count\": 4}, ";

    explicit DirisDriver(gs::Host host);
    ~DirisDriver() override;

    void add_source(const gs::Source &source);
    void start();
    void stop();
    std::vector<gs::SampleBatch> read(const std::string &name);
    void write(const std::string &name, uint32_t circuit, const std::string &data, double value);
    std::string describe(const std::string &name, bool json);
    // Found devices are reported as key/value pairs (see discovery_report).
    using Report = std::function<void(const std::vector<std::pair<std::string, std::string>> &)>;
    void scan(const gs::ptree &params, const Report &report);

    // The profiles known for matching: the site service's, enriched by the YAML files.
    std::vector<ProfileInfo> known_profiles();

private:
    // The site document's profiles, completed by the files of profiles_dir.
    const std::vector<ProfileDef> &definitions();
    // Identifies the device of `a` through `read`; fills a.config.device.points for an auto
    // source. False when the device did not answer (auto sources stay unresolved).
    bool identify(const UnitReader &read, DirisEntry &a);
    // [worker thread] Identifies the devices of one gateway, then polls them on one link;
    // devices identified later join that link (one scheduler per gateway, never two).
    void run_gateway(std::vector<std::string> names);
    void poll(const std::vector<std::string> &names);

    std::string profiles_dir_;
    int64_t identify_retry_ms_;
    std::string share_profiles_dir_; // <share_dir>/profiles, used when there is no site document
    bool definitions_loaded_ = false;
    std::vector<ProfileDef> definitions_;

    std::mutex resolve_mutex_; // guards DirisEntry::config, profile, resolved of auto sources
    std::mutex mutex_;         // guards stopping_
    std::condition_variable wake_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

} // namespace gs::socomec
