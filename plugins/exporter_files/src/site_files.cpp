#include "site_files.hpp"

#include <publish/atomic_file.hpp>
#include <publish/config_backup.hpp>

#include <stdexcept>

namespace gs::exporter {

namespace {

publish::FileContext context_of(const SiteContext &site, const publish::Settings &settings,
                                const publish::Plan &plan, const publish::Period &period) {
    return {settings.identification, plan.type, period, "", site.tz, settings.format};
}

// The lines of the daily log files the period touches (UTC days), oldest first.
std::string log_lines(const std::string &data_dir, const publish::Period &period) {
    std::string lines;
    const auto last = date::floor<date::days>(period.end - std::chrono::seconds{1});
    for (auto day = date::floor<date::days>(period.start); day <= last; day += date::days{1}) {
        std::string error;
        auto text = publish::read_whole_file(
            data_dir + "/logs/gridscope-" + date::format("%F", day) + ".log", error);
        if (text) lines += *text;
    }
    return lines;
}

} // namespace

std::vector<publish::BuiltFile> build_site_files(const SiteContext &site,
                                                 const publish::Settings &settings,
                                                 const publish::Plan &plan,
                                                 const publish::Period &period) {
    publish::FileContext context = context_of(site, settings, plan, period);
    const std::string &server = settings.identification.server;
    std::vector<publish::BuiltFile> files;
    if (plan.type == publish::PlanType::log) {
        publish::BuiltFile file =
            publish::build_log_file(context, log_lines(site.data_dir, period));
        if (file.rows) files.push_back(std::move(file));
        return files;
    }
    std::string error;
    auto text = publish::read_whole_file(site.site_file, error);
    if (!text)
        throw std::runtime_error("the site file " + site.site_file + " cannot be read: " +
                                 (error.empty() ? "it does not exist" : error));
    size_t removed = 0;
    publish::BuiltFile yaml;
    yaml.content = publish::without_secrets(*text, removed);
    yaml.content = "# gridscope configuration backup of " + site.site_file + ": " +
                   std::to_string(removed) + " secret value(s) replaced by \"<removed>\"\n" +
                   yaml.content;
    yaml.rows = 1;
    yaml.name = publish::file_name(server, plan.type, "site", period.end, ".yaml");
    files.push_back(std::move(yaml));
    if (site.custom_profiles != "[]") {
        publish::BuiltFile profiles;
        profiles.content = site.custom_profiles + "\n";
        profiles.rows = 1;
        profiles.name = publish::file_name(server, plan.type, "profiles", period.end, ".json");
        files.push_back(std::move(profiles));
    }
    return files;
}

} // namespace gs::exporter
