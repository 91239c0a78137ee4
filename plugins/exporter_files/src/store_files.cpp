#include "store_files.hpp"

#include <algorithm>
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

const char *severity_name(uint32_t s) {
    switch (s) {
    case GS_SEVERITY_LOW:
        return "low";
    case GS_SEVERITY_MEDIUM:
        return "medium";
    case GS_SEVERITY_HIGH:
        return "high";
    default:
        return "info";
    }
}

const char *state_name(uint32_t s) {
    switch (s) {
    case GS_EVENT_STATE_ACTIVE:
        return "active";
    case GS_EVENT_STATE_FINISHED:
        return "finished";
    case GS_EVENT_STATE_ACKNOWLEDGED:
        return "acknowledged";
    default:
        return "instant";
    }
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

std::vector<publish::Series> StoreFiles::read(const std::vector<StoredSeries> &chosen, int64_t from,
                                              int64_t to) const {
    std::vector<publish::Series> out;
    for (const auto &s : chosen) {
        PointsOut points;
        check(query_.range(query_.context, s.id, from, to, 0, &add_point, &points), "range");
        out.push_back({s.info, std::move(points.points)});
    }
    return out;
}

// Each counter's last good reading at or before `at`, however old.
std::vector<publish::Series> StoreFiles::last_values(const std::vector<StoredSeries> &chosen,
                                                     int64_t at) const {
    const int64_t hour = int64_t(3600) * 1000000000;
    std::vector<publish::Series> out;
    for (const auto &s : chosen) {
        PointsOut points;
        if (s.last_utc_ns <= at) {
            // A series declared but without a reading yet (a site just started) has none.
            const gs_status st = query_.latest(query_.context, s.id, &add_point, &points);
            if (st != GS_ERR_NOT_FOUND) check(st, "latest");
        } else {
            // Recent readings raw; if none in the last hour, the older ones through the
            // store's downsampling (a few points, the newest last).
            check(query_.range(query_.context, s.id, at - hour, at + 1, 0, &add_point, &points),
                  "range");
            if (points.points.empty())
                check(query_.range(query_.context, s.id, 0, at - hour, 16, &add_point, &points),
                      "range");
        }
        publish::Series series{s.info, {}};
        if (!points.points.empty()) series.points.push_back(points.points.back());
        out.push_back(std::move(series));
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
        rec.severity = severity_name(e.severity);
        rec.state = state_name(e.state);
        rec.message = e.message ? e.message : "";
        static_cast<std::vector<publish::EventRecord> *>(payload)->push_back(std::move(rec));
        return GS_OK;
    };
    check(query_.events(query_.context, &q, on_event, &out), "events");
    std::reverse(out.begin(), out.end()); // the store answers newest first
    return out;
}

// A source is "ok" when it was read within three of its polling periods (at least a minute)
// before the period end, "lost" when it was read before that, "never" when it never was.
std::vector<publish::DeviceStatus> StoreFiles::statuses(const std::string &device,
                                                        int64_t at) const {
    auto series = list();
    std::vector<publish::DeviceStatus> out;
    for (const auto &source : site_.sources) {
        if (!device.empty() && source.name != device) continue;
        std::vector<StoredSeries> mine;
        for (const auto &s : series)
            if (s.info.device == source.name) mine.push_back(s);
        int64_t last = 0;
        for (const auto &v : last_values(mine, at))
            if (!v.points.empty()) last = std::max(last, to_ns(v.points.back().ts));
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
    std::vector<StoredSeries> all;
    if (plan.type != publish::PlanType::alarms && plan.type != publish::PlanType::status)
        all = list();
    std::vector<publish::BuiltFile> files;
    for (const auto &device : devices) {
        publish::FileContext context{settings_.identification, plan.type, period, device, tz_,
                                     settings_.format};
        std::vector<StoredSeries> chosen;
        for (const auto &s : all) {
            if (!device.empty() && s.info.device != device) continue;
            bool wanted = plan.type == publish::PlanType::index ? s.counter
                          : plan.type == publish::PlanType::measurement
                              ? !s.counter
                              : is_load_curve_data(s.info.data);
            if (wanted) chosen.push_back(s);
        }
        // A device (or a site) that collects no series of this kind gets no file, rather than
        // a file with no columns.
        const bool from_series = plan.type == publish::PlanType::index ||
                                 plan.type == publish::PlanType::measurement ||
                                 plan.type == publish::PlanType::load_curve;
        if (from_series && chosen.empty()) continue;
        switch (plan.type) {
        case publish::PlanType::index:
            files.push_back(publish::build_index_file(context, last_values(chosen, to)));
            break;
        case publish::PlanType::measurement:
            files.push_back(publish::build_measurement_file(context, read(chosen, from, to)));
            break;
        case publish::PlanType::load_curve:
            files.push_back(publish::build_load_curve_file(context, read(chosen, from, to),
                                                           history_period(device)));
            break;
        case publish::PlanType::alarms:
            files.push_back(publish::build_alarms_file(context, events(device, from, to)));
            break;
        case publish::PlanType::status:
            files.push_back(publish::build_status_file(context, statuses(device, to)));
            break;
        case publish::PlanType::log:
        case publish::PlanType::config_backup:
            break; // the site's own files (site_files.hpp), not the store's
        }
    }
    return files;
}

} // namespace gs::exporter
