#include "publish_tool.hpp"

#include "config_settings.hpp"
#include "publisher.hpp"
#include "report_json.hpp"
#include "site_context.hpp"

#include <gridscope/plugin.hpp>
#include <gridscope/services/storage.h>
#include <publish/settings_text.hpp>

#include <iostream>

namespace gs::exporter {

namespace {

constexpr const char *kPrefix = "gridscope publish: ";

int usage(const std::string &why) {
    std::cerr << kPrefix << why << "\n";
    return 2;
}

int failed(const std::string &why) {
    std::cerr << kPrefix << why << "\n";
    return 1;
}

} // namespace

int32_t run_publish_tool(const gs_host *host, const gs_config *options) noexcept {
    try {
        gs::Host h(host);
        gs::ptree given = h.config(options);
        if (given.get<std::string>("now", "") != "true")
            return usage("--now is required (the command publishes what is due now)");
        if (given.get<std::string>("format", "json") != "json") return usage("--format takes json");
        publish::Settings settings;
        try {
            settings = settings_from_config(host, nullptr);
        } catch (const gs::InvalidArgument &e) {
            return failed(e.what());
        }
        std::vector<publish::Plan> plans = settings.plans;
        if (auto type = given.get_optional<std::string>("type")) {
            std::string error;
            auto wanted = publish::parse_plan_type(*type, error);
            if (!wanted) return usage("--type: " + error);
            plans.erase(std::remove_if(plans.begin(), plans.end(),
                                       [&](const publish::Plan &p) { return p.type != *wanted; }),
                        plans.end());
            if (plans.empty()) return failed("no plan of type '" + *type + "' in the site");
        }
        if (plans.empty()) return failed("the site's plugins.exporter_files has no plans");

        // The lock first: while the site runs, its exporter holds the cursor.
        std::string state_dir = state_dir_of(given.get<std::string>("data_dir"));
        StateLock lock(state_dir);
        if (!lock.held()) return failed(lock.error());
        const auto *query = h.service<gs_storage_query_v1>(GS_STORAGE_QUERY_V1);
        if (!query) return failed("the store cannot be read (see the message above)");
        SiteContext site = site_context(host);

        Publisher publisher(settings, plans, site, state_dir);
        std::string error;
        if (!publisher.load(error)) std::cerr << kPrefix << error << "\n";
        auto now = std::chrono::floor<std::chrono::seconds>(
            date::sys_time<std::chrono::nanoseconds>(std::chrono::nanoseconds(h.now_utc_ns())));
        publish::RunReport report = publisher.run(now, *query);

        std::cout << deliveries_json(report).dump(2) << "\n";
        if (report.dropped_periods)
            std::cerr << kPrefix << report.dropped_periods
                      << " period(s) over the backlog budget were dropped\n";
        if (report.failure) {
            std::cerr << kPrefix << report.failure->error << "\n";
            return 1;
        }
        return 0;
    } catch (const std::exception &e) { // nothing crosses the C ABI
        std::cerr << kPrefix << e.what() << "\n";
        return 1;
    }
}

} // namespace gs::exporter
