// What the exporter needs of the site besides its own section: the site model (sources,
// catalog, models) and its time zone, read from the kernel's services.
#pragma once

#include <gridscope/plugin.h>
#include <gridscope/site.hpp>

#include <date/tz.h>

namespace gs::exporter {

struct SiteContext {
    gs::site::Site site;
    const date::time_zone *tz = nullptr;
    std::string data_dir;
    std::string site_file;       // the site file's path (the configuration backup)
    std::string custom_profiles; // JSON array: the site's profiles not installed with gridscope
};

// Throws gs::Error when a service is missing or the time zone is unknown.
SiteContext site_context(const gs_host *host);

} // namespace gs::exporter
