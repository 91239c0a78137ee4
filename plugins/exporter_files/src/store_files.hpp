// The files of one plan's period, built from what the storage keeps (its query service,
// services/storage.h) and the site model: index files from the counters' last readings,
// measurement files from the other series' raw readings, load curves from the total active and
// reactive power per history period, alarm files from the stored events, status files from
// each source's last reading. A file's values come from one store query for all its series
// (the storage's history call, which reads a source's raw records once for all its series),
// not one query per series.
#pragma once

#include <gridscope/services/storage.h>
#include <gridscope/site.hpp>
#include <publish/file_builder.hpp>
#include <publish/settings.hpp>

#include <vector>

namespace gs::exporter {

class StoreFiles {
public:
    // `query` and `site` must outlive this object.
    StoreFiles(const gs_storage_query_v1 &query, const gs::site::Site &site,
               const publish::Settings &settings, const date::time_zone *tz);

    // Throws std::runtime_error when the store cannot be read (the run stops: nothing is sent
    // and the cursor stays).
    std::vector<publish::BuiltFile> build(const publish::Plan &plan,
                                          const publish::Period &period) const;

private:
    struct StoredSeries {
        uint64_t id;
        publish::SeriesInfo info;
        bool counter;
        int64_t last_utc_ns;
    };
    std::vector<StoredSeries> list() const;
    std::vector<publish::Series> read(const std::vector<StoredSeries> &chosen, int64_t from,
                                      int64_t to) const;
    std::vector<publish::Series> last_values(const std::vector<StoredSeries> &chosen,
                                             int64_t at) const;
    std::vector<publish::EventRecord> events(const std::string &device, int64_t from,
                                             int64_t to) const;
    std::vector<publish::DeviceStatus> statuses(const std::string &device, int64_t at) const;
    std::chrono::seconds history_period(const std::string &device) const;

    const gs_storage_query_v1 &query_;
    const gs::site::Site &site_;
    const publish::Settings &settings_;
    const date::time_zone *tz_;
};

} // namespace gs::exporter
