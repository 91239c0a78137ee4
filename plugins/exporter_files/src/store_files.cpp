#include "store_files.hpp"

#include <gridscope/names.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace gs::exporter {

namespace {

using publish::SysSeconds;

int64_t to_ns(SysSeconds t) {
    return int64_t(t.time_since_epoch().count()) * 1000000000;
}
SysSeconds from_ns(int64_t ns) {
    return SysSeconds{std::chrono::seconds{ns / 1000000000}};
}

void check(gs_status st, const char *what) {
    if (st != GS_OK)
        throw std::runtime_error(std::string("the store could not be read (") + what + ", status " +
                                 std::to_string(st) + ")");
}

// The data written by the load curve files: total active and reactive power.
bool is_load_curve_data(const std::string &data) {
    return data == "IPSumInst" || data == "IQSumInst";
}

struct PointsOut {
    std::vector<publish::Point> points;
};

gs_status add_point(void *payload, const gs_series_point *p) {
    if (p->quality == GS_QUALITY_GOOD)
        static_cast<PointsOut *>(payload)->points.push_back({from_ns(p->ts_utc_ns), p->value});
    return GS_OK;
}

} // namespace

StoreFiles::StoreFiles(const gs_storage_query_v1 &query, const gs::site::Site &site,
                       const publish::Settings &settings, const date::time_zone *tz)
    : query_(query), site_(site), settings_(settings), tz_(tz) {}

std::vector<StoreFiles::StoredSeries> StoreFiles::list() const {
    struct Out {
        const StoreFiles *self;
        std::vector<StoredSeries> series;
    } out{this, {}};
    auto on_series = [](void *payload, const gs_series_info *info) -> gs_status {
        auto &o = *static_cast<Out *>(payload);
        StoredSeries s;
        s.id = info->id;
        s.info.device = info->source ? info->source : "";
        s.info.circuit = info->circuit == 0 ? "" : std::to_string(info->circuit);
        s.info.data = info->data ? info->data : "";
        auto entry = o.self->site_.catalog.find(s.info.data);
        s.info.unit = entry == o.self->site_.catalog.end() ? "" : entry->second.unit;
        s.counter = entry != o.self->site_.catalog.end() && entry->second.counter;
        s.last_utc_ns = info->to_utc_ns;
        o.series.push_back(std::move(s));
        return GS_OK;
    };
    check(query_.list_series(query_.context, on_series, &out), "list_series");
    // Columns in the site's order of sources, then by circuit and data name.
    auto rank = [this](const std::string &device) {
        for (size_t i = 0; i < site_.sources.size(); ++i)
            if (site_.sources[i].name == device) return i;
        return site_.sources.size();
    };
    std::vector<StoredSeries> known;
    for (auto &s : out.series)
        if (rank(s.info.device) < site_.sources.size()) known.push_back(std::move(s));
    std::stable_sort(known.begin(), known.end(), [&](const auto &a, const auto &b) {
        auto ka = std::make_tuple(rank(a.info.device), a.info.circuit.size(), a.info.circuit,
                                  a.info.data);
        auto kb = std::make_tuple(rank(b.info.device), b.info.circuit.size(), b.info.circuit,
                                  b.info.data);
        return ka < kb;
    });
    return known;
}

// The good readings of all `chosen` series in [from, to), in one store query: the storage's
// history query reads the series of one source in one pass over its raw records (one `range`
// per series read those records once per series: about 97 % of a publish run's CPU). With no
// bucketing asked for (max_points beyond any range's count), every value comes raw.
std::vector<publish::Series> StoreFiles::read(const std::vector<StoredSeries> &chosen, int64_t from,
                                              int64_t to) const {
    std::vector<publish::Series> out;
    out.reserve(chosen.size());
    for (const auto &s : chosen)
        out.push_back({s.info, {}});
    if (chosen.empty() || to <= from) return out;
    if (!GS_HAS_FIELD(&query_, gs_storage_query_v1, history) || !query_.history)
        throw std::runtime_error("the storage offers no history query (gridscope.storage.query/1 "
                                 "before its history call)");
    std::vector<uint64_t> ids;
    ids.reserve(chosen.size());
    for (const auto &s : chosen)
        ids.push_back(s.id);
    struct Out {
        std::vector<publish::Series> *series;
        bool bucketed = false;
    } sink{&out};
    auto on_bucket = [](void *payload, size_t index, const gs_history_bucket *b) -> gs_status {
        auto &o = *static_cast<Out *>(payload);
        if (b->width_ns != 0) { // more values than max_points: cannot happen below 2^32
            o.bucketed = true;
            return GS_ERR_FAILED;
        }
        (*o.series)[index].points.push_back({from_ns(b->start_utc_ns), b->avg});
        return GS_OK;
    };
    const gs_status st = query_.history(query_.context, ids.data(), ids.size(), from, to,
                                        UINT32_MAX, on_bucket, &sink);
    if (sink.bucketed) throw std::runtime_error("the store answered buckets, not raw values");
    check(st, "history");
    return out;
}

// Each counter's last good reading at or before `at`, however old: the last hour's readings of
// all of them in one query; for a counter with none there, its newest reading when that is not
// after `at` (the store keeps it at hand), else the older ones through the store's downsampling
// (a few points, the newest last).
std::vector<publish::Series> StoreFiles::last_values(const std::vector<StoredSeries> &chosen,
                                                     int64_t at) const {
    const int64_t hour = int64_t(3600) * 1000000000;
    std::vector<publish::Series> out = read(chosen, at - hour, at + 1);
    for (size_t i = 0; i < chosen.size(); ++i) {
        auto &points = out[i].points;
        if (points.empty()) {
            const StoredSeries &s = chosen[i];
            PointsOut older;
            if (s.last_utc_ns <= at) {
                // A series declared but without a reading yet (a site just started) has none.
                const gs_status st = query_.latest(query_.context, s.id, &add_point, &older);
                if (st != GS_ERR_NOT_FOUND) check(st, "latest");
            } else {
                check(query_.range(query_.context, s.id, 0, at - hour, 16, &add_point, &older),
                      "range");
            }
            points = std::move(older.points);
        }
        if (points.size() > 1) points.erase(points.begin(), points.end() - 1);
    }
    return out;
}

std::vector<publish::EventRecord> StoreFiles::events(const std::string &device, int64_t from,
                                                     int64_t to) const {
    gs_event_query q{};
    q.struct_size = sizeof q;
    q.from_utc_ns = from;
    q.to_utc_ns = to;
    q.source = device.empty() ? nullptr : device.c_str();
    q.limit = 100000;
    std::vector<publish::EventRecord> out;
    auto on_event = [](void *payload, const gs_event_record *r) -> gs_status {
        const gs_event &e = r->event;
        publish::EventRecord rec;
        rec.ts = from_ns(e.ts_utc_ns);
        rec.device = e.source ? e.source : "";
        rec.circuit = e.circuit == 0 ? "" : std::to_string(e.circuit);
        rec.type = e.type ? e.type : "";
        rec.severity = gs::severity_name(e.severity);
        rec.state = gs::event_state_name(e.state);
        rec.message = e.message ? e.message : "";
        static_cast<std::vector<publish::EventRecord> *>(payload)->push_back(std::move(rec));
        return GS_OK;
    };
    check(query_.events(query_.context, &q, on_event, &out), "events");
    std::reverse(out.begin(), out.end()); // the store answers newest first
    return out;
}

// A source is "ok" when it was read within three of its polling periods (at least a minute)
// before the period end, "lost" when it was read before that, "never" when it never was. The
// last readings of every series of the sources asked for come from one query.
std::vector<publish::DeviceStatus> StoreFiles::statuses(const std::string &device,
                                                        int64_t at) const {
    std::vector<StoredSeries> series;
    for (auto &s : list())
        if (device.empty() || s.info.device == device) series.push_back(std::move(s));
    std::map<std::string, int64_t> last_seen; // by source
    for (const auto &v : last_values(series, at))
        if (!v.points.empty())
            last_seen[v.info.device] =
                std::max(last_seen[v.info.device], to_ns(v.points.back().ts));
    std::vector<publish::DeviceStatus> out;
    for (const auto &source : site_.sources) {
        if (!device.empty() && source.name != device) continue;
        const auto seen = last_seen.find(source.name);
        const int64_t last = seen == last_seen.end() ? 0 : seen->second;
        publish::DeviceStatus st;
        st.device = source.name;
        st.last_seen = from_ns(last);
        int64_t grace = std::max<int64_t>(3 * source.period_ms, 60000) * 1000000;
        st.state = !source.enabled      ? "disabled"
                   : last == 0          ? "never"
                   : at - last <= grace ? "ok"
                                        : "lost";
        out.push_back(std::move(st));
    }
    return out;
}

std::chrono::seconds StoreFiles::history_period(const std::string &device) const {
    int64_t longest = 0;
    for (const auto &source : site_.sources) {
        if (!device.empty() && source.name != device) continue;
        for (const auto &circuit : source.circuits)
            for (const auto &model : circuit.models) {
                auto m = site_.models.find(model);
                if (m != site_.models.end())
                    longest = std::max(longest, m->second.history_period_s);
            }
    }
    return std::chrono::seconds{longest > 0 ? longest : 600};
}

std::vector<publish::BuiltFile> StoreFiles::build(const publish::Plan &plan,
                                                  const publish::Period &period) const {
    std::vector<std::string> devices;
    if (plan.files == publish::FileGrouping::all)
        devices.push_back("");
    else
        for (const auto &source : site_.sources)
            devices.push_back(source.name);
    const int64_t from = to_ns(period.start), to = to_ns(period.end);
    // The series of each file come from one store query (the store reads a source's records
    // once for all its series); one query per file keeps the memory to one file's readings.
    const bool from_series = plan.type == publish::PlanType::index ||
                             plan.type == publish::PlanType::measurement ||
                             plan.type == publish::PlanType::load_curve;
    std::vector<StoredSeries> wanted;
    if (from_series)
        for (auto &s : list()) {
            bool kind = plan.type == publish::PlanType::index ? s.counter
                        : plan.type == publish::PlanType::measurement
                            ? !s.counter
                            : is_load_curve_data(s.info.data);
            if (kind) wanted.push_back(std::move(s));
        }
    std::vector<publish::DeviceStatus> all_statuses;
    if (plan.type == publish::PlanType::status) all_statuses = statuses("", to);
    std::vector<publish::BuiltFile> files;
    for (const auto &device : devices) {
        publish::FileContext context{settings_.identification, plan.type, period, device, tz_,
                                     settings_.format};
        std::vector<StoredSeries> mine;
        for (const auto &s : wanted)
            if (device.empty() || s.info.device == device) mine.push_back(s);
        // A device (or a site) that collects no series of this kind gets no file, rather than
        // a file with no columns.
        if (from_series && mine.empty()) continue;
        std::vector<publish::Series> chosen;
        if (from_series)
            chosen = plan.type == publish::PlanType::index ? last_values(mine, to)
                                                           : read(mine, from, to);
        switch (plan.type) {
        case publish::PlanType::index:
            files.push_back(publish::build_index_file(context, chosen));
            break;
        case publish::PlanType::measurement:
            files.push_back(publish::build_measurement_file(context, chosen));
            break;
        case publish::PlanType::load_curve:
            files.push_back(
                publish::build_load_curve_file(context, chosen, history_period(device)));
            break;
        case publish::PlanType::alarms:
            files.push_back(publish::build_alarms_file(context, events(device, from, to)));
            break;
        case publish::PlanType::status: {
            std::vector<publish::DeviceStatus> listed;
            for (const auto &st : all_statuses)
                if (device.empty() || st.device == device) listed.push_back(st);
            files.push_back(publish::build_status_file(context, listed));
            break;
        }
        case publish::PlanType::log:
        case publish::PlanType::config_backup:
            break; // the site's own files (site_files.hpp), not the store's
        }
    }
    return files;
}

} // namespace gs::exporter
