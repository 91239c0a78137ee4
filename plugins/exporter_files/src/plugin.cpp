// exporter_files: the Datalogger function (issue 16) as an exporter plugin: files built from
// the stored data, sent on the plans of plugins.exporter_files (docs/datalogger.md), with
// `gridscope publish` for a stopped site, and gridscope.datalogger/1 for the page. Glue only: the
// work is in libs/publish.
#include "config_settings.hpp"
#include "datalogger_service.hpp"
#include "delivery_loop.hpp"
#include "publish_tool.hpp"

#include <gridscope/plugin.hpp>

#include <cstring>

namespace {

const char *const kPublishOptions[] = {"--type", "--format"};
const char *const kPublishSwitches[] = {"--now"};
constexpr gs_tool kPublishTool = {sizeof(gs_tool),
                                  "publish",
                                  "--now [--type T] --format json",
                                  "send the data files due now (site stopped)",
                                  kPublishOptions,
                                  2,
                                  &gs::exporter::run_publish_tool,
                                  kPublishSwitches,
                                  1};

class ExporterFiles : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_EXPORTER;
    static constexpr const char *id = "exporter_files";
    static constexpr const char *version = "0.1.0";
    static constexpr const char *description =
        "Data files (index, measurement, load curves, alarms, status) to FTP(S)/HTTP(S) servers";
    // The sections are checked key by key by libs/publish's parser at create.
    static constexpr gs_config_field config_fields[] = {
        gs::field(GS_CONFIG_SECTION, "identification", nullptr, "{site, server}: names in files",
                  true),
        gs::field(GS_CONFIG_SECTION, "server", nullptr,
                  "{protocol, host, port, user, password, directory, passive, method, auth, "
                  "ca_file, timeouts}",
                  true),
        gs::field(GS_CONFIG_SECTION, "plans", nullptr, "list of {type, every | at [day], files}",
                  true),
        gs::field(GS_CONFIG_SECTION, "format", nullptr, "{separator, decimal} of the CSV files")};
    static constexpr const gs_tool *tools[] = {&kPublishTool};

    explicit ExporterFiles(gs::Host host)
        : Plugin(host), loop_(host, gs::exporter::settings_from_config(host.raw(), nullptr),
                              gs::exporter::site_context(host.raw())) {}

    void start() {
        loop_.start();
        gs::exporter::make_current(&loop_);
    }
    void stop() {
        gs::exporter::make_current(nullptr); // the page's calls end before the loop does
        loop_.stop();
    }
    // gridscope.datalogger/1: the Datalogger page's status, send now, test connection.
    const void *get_service(const char *service_id) {
        if (service_id && std::strcmp(service_id, GS_DATALOGGER_SERVICE_V1) == 0)
            return gs::exporter::datalogger_service();
        return nullptr;
    }

private:
    gs::exporter::DeliveryLoop loop_;
};

} // namespace

GS_DECLARE_MODULE("exporter_files", gs::descriptor<ExporterFiles>())
