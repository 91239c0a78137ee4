// storage_rocksdb: the RocksDB time-series store as a gridscope storage plugin. Glue only: the
// store is in core/, the series declarations in series_catalog.cpp, the query and journal
// services in services.cpp.
#include "import_spool.hpp"
#include "series_catalog.hpp"
#include "storage_plugin.hpp"

#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>
#include <time_text/time_text.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace gs::storage {
namespace {

constexpr int64_t kNsPerS = 1'000'000'000;

// Counter readings as people read them on the meter: 1000000000, not 1e+09.
std::string number_text(double v) {
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 1e18)
        return std::to_string(static_cast<int64_t>(v));
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, res.ptr);
}

int64_t days_field(const Config &cfg, const char *key) {
    return cfg.get<int64_t>(key) * 86400; // 0 = keep for ever; bounds in config_fields
}

} // namespace

Settings parse_settings(const Config &cfg) {
    Settings s;
    s.path = cfg.get<std::string>("path");
    if (s.path.empty()) throw InvalidArgument("field 'path': must not be empty");
    s.read_only = cfg.get<bool>("read_only");
    store::Options &o = s.options;
    o.raw_retention_s = days_field(cfg, "retention_raw_days");
    o.period_retention_s = days_field(cfg, "retention_period_days");
    o.hour_retention_s = days_field(cfg, "retention_hour_days");
    o.day_retention_s = days_field(cfg, "retention_day_days");
    o.month_retention_s = days_field(cfg, "retention_month_days");
    o.event_retention_s = days_field(cfg, "retention_event_days");
    double budget_mb = cfg.get<double>("journal_budget_mb");
    if (!(budget_mb > 0))
        throw InvalidArgument("field 'journal_budget_mb': must be a positive number of MB");
    o.journal_budget_bytes = static_cast<uint64_t>(budget_mb * 1024 * 1024);
    s.maintenance_interval_s = cfg.get<int64_t>("maintenance_interval_s");
    o.sync_writes = cfg.get<bool>("sync_writes");
    return s;
}

StoragePlugin::StoragePlugin(Host host)
    : Plugin(host), settings_(parse_settings(config(config_fields))) {
    fill_services(*this, query_, journal_);
}

StoragePlugin::~StoragePlugin() {
    try {
        stop();
    } catch (...) {
    }
}

void StoragePlugin::start() {
    std::unique_lock lock(lifecycle_);
    if (store_) throw Error("storage_rocksdb is already started", GS_ERR_STATE);
    const auto *runtime = host().service<gs_runtime_service_v1>(GS_RUNTIME_SERVICE_V1);
    dir_ = store_dir();
    store::Options options = settings_.options;
    if (runtime && GS_HAS_FIELD(runtime, gs_runtime_service_v1, timezone) && runtime->timezone &&
        *runtime->timezone)
        options.time_zone = runtime->timezone;
    time_zone_ = options.time_zone;

    try {
        store_ = settings_.read_only ? store::Store::open_read_only(dir_, options)
                                     : store::Store::open(dir_, options);
    } catch (const store::StoreError &e) {
        if (e.code() == store::StoreErrc::in_use)
            throw Error("the store " + dir_ +
                            " is in use by another gridscope process (is the site running?)",
                        GS_ERR_STORAGE_IN_USE);
        if (e.code() == store::StoreErrc::no_store)
            throw Error("there is no store in " + dir_ + " (has the site run yet?): " + e.what(),
                        GS_ERR_NOT_FOUND);
        throw Error("cannot open the store " + dir_ + ": " + e.what());
    }
    last_catch_up_mono_ns_ = host().now_mono_ns();
    host().info(std::string("store ") + dir_ + (settings_.read_only ? " open read-only" : " open") +
                " (time zone " + options.time_zone + ")");
    if (settings_.read_only) return;

    try {
        declare_site_series();
    } catch (...) {
        store_.reset();
        throw;
    }
    stopping_ = false;
    if (settings_.maintenance_interval_s > 0)
        maintenance_ = std::thread([this] { maintenance_loop(); });
    fail_abandoned_spool_files(spool_folder(dir_));
    spool_ = std::thread([this] { spool_loop(); });
}

std::string StoragePlugin::store_dir() {
    const auto *runtime = host().service<gs_runtime_service_v1>(GS_RUNTIME_SERVICE_V1);
    std::filesystem::path path(settings_.path);
    if (path.is_relative()) {
        if (!runtime || !GS_HAS_FIELD(runtime, gs_runtime_service_v1, data_dir) ||
            !runtime->data_dir || !*runtime->data_dir)
            throw Error("field 'path': '" + settings_.path +
                        "' is relative but the host gives no data_dir to put it in");
        path = std::filesystem::path(runtime->data_dir) / path;
    }
    return path.lexically_normal().string();
}

std::string StoragePlugin::import_spool_folder() {
    return spool_folder(store_dir());
}

void StoragePlugin::stop() {
    {
        std::lock_guard<std::mutex> lock(maintenance_mutex_);
        stopping_ = true;
    }
    maintenance_wake_.notify_all();
    if (store_ && maintenance_.joinable()) store_->interrupt(); // a pass under way ends soon
    if (maintenance_.joinable()) maintenance_.join();
    if (spool_.joinable()) spool_.join();

    std::unique_lock lock(lifecycle_);
    if (!store_) return;
    std::unique_ptr<store::Store> closing = std::move(store_);
    if (!closing->read_only()) {
        try {
            closing->checkpoint();
        } catch (const std::exception &e) {
            // The journal replay restores the open buckets when the store is opened again.
            host().warning(std::string("checkpoint at stop failed: ") + e.what());
        }
    }
    closing.reset();
    host().info("store " + dir_ + " closed");
}

void StoragePlugin::site_changed() {
    const auto *runtime = host().service<gs_runtime_service_v1>(GS_RUNTIME_SERVICE_V1);
    std::string zone = runtime && GS_HAS_FIELD(runtime, gs_runtime_service_v1, timezone) &&
                               runtime->timezone && *runtime->timezone
                           ? runtime->timezone
                           : time_zone_;
    std::shared_lock lock(lifecycle_);
    if (!store_) throw Error("the store is not open (storage_rocksdb not started)", GS_ERR_STATE);
    if (zone != time_zone_)
        throw Error("the site's time zone changed from " + time_zone_ + " to " + zone +
                    ": the store is opened again with it");
    if (!settings_.read_only) declare_site_series();
}

void StoragePlugin::declare_site_series() {
    const auto *site = host().service<gs_site_service_v1>(GS_SITE_SERVICE_V1);
    if (!site || !GS_HAS_FIELD(site, gs_site_service_v1, site_json) || !site->site_json) {
        host().warning("no site model from the host: every series is stored as a gauge");
        return;
    }
    std::vector<store::SeriesSpec> specs;
    try {
        specs = series_from_site_json(site->site_json);
    } catch (const std::exception &e) {
        throw Error(std::string("reading the site model: ") + e.what());
    }
    size_t counters = 0;
    for (const store::SeriesSpec &spec : specs) {
        try {
            store_->declare_series(spec);
            counters += spec.kind == store::SeriesKind::counter;
        } catch (const store::StoreError &e) {
            host().warning("series " + spec.source + "/" + std::to_string(spec.circuit) + "/" +
                           spec.data + " not declared: " + e.what());
        }
    }
    host().debug(std::to_string(specs.size()) + " series declared from the site, " +
                 std::to_string(counters) + " counters");
}

void StoragePlugin::append_samples(const gs_sample_batch &batch) {
    if (settings_.read_only)
        throw Error("storage_rocksdb is open read-only (read_only: true): samples are not stored",
                    GS_ERR_UNSUPPORTED);
    if (batch.value_count == 0) return;
    if (!batch.values || batch.value_stride < offsetof(gs_value, quality) + sizeof(uint32_t))
        throw InvalidArgument("sample batch: no values or a value_stride too small");
    store::Batch b;
    b.source = batch.source ? batch.source : "";
    b.ts_utc_ns = batch.ts_utc_ns;
    b.values.reserve(batch.value_count);
    for (size_t i = 0; i < batch.value_count; ++i) {
        const gs_value &v = value_at(batch, i);
        if (!v.data)
            throw InvalidArgument("sample batch of '" + b.source + "': a value has no data name");
        b.values.push_back(store::Value{v.circuit, v.data, v.value,
                                        static_cast<uint8_t>(v.quality <= 255 ? v.quality : 0)});
    }

    ingest(b, nullptr, nullptr);
}

void StoragePlugin::ingest(const store::Batch &b, store::BucketTally *tally,
                           std::vector<std::string> *event_lines) {
    store::AppendResult result;
    {
        std::shared_lock lock(lifecycle_);
        if (!store_)
            throw Error("the store is not open (storage_rocksdb not started)", GS_ERR_STATE);
        result = store_->append(b, tally);
    }

    for (const store::CounterEvent &ce : result.counter_events) {
        const store::Value *value = nullptr;
        {
            std::shared_lock lock(lifecycle_);
            for (const store::Value &v : b.values)
                if (store_ && store_->find_series(b.source, v.circuit, v.data) == ce.series) {
                    value = &v;
                    break;
                }
        }
        bool rollover = ce.kind == store::CounterEventKind::rollover;
        std::string data = value ? value->data : "series " + std::to_string(ce.series);
        std::string message =
            data + ": counter went from " + number_text(ce.before) + " to " +
            number_text(ce.after) +
            (rollover ? " (rolled over its maximum)" : " (meter reset or replaced)");
        const char *type = rollover ? "counter.rollover" : "counter.reset";
        uint32_t circuit = value ? value->circuit : 0;
        gs_event e{sizeof(gs_event), GS_SEVERITY_LOW, ce.ts_utc_ns,           type,
                   b.source.c_str(), circuit,         GS_EVENT_STATE_INSTANT, message.c_str()};
        publish_event(e, "counter event");
        if (event_lines)
            event_lines->push_back("event " + time_text::format_utc(ce.ts_utc_ns) + " " + type +
                                   " " + b.source + "/" + std::to_string(circuit) + ": " + message);
    }
}

void StoragePlugin::append_event(const gs_event &event) {
    if (settings_.read_only)
        throw Error("storage_rocksdb is open read-only (read_only: true): events are not stored",
                    GS_ERR_UNSUPPORTED);
    if (!event.type || !*event.type) throw InvalidArgument("event without a type");
    store::Event e;
    e.ts_utc_ns = event.ts_utc_ns;
    e.type = event.type;
    e.source = event.source ? event.source : "";
    e.circuit = event.circuit;
    e.severity = static_cast<uint8_t>(std::min<uint32_t>(event.severity, GS_SEVERITY_HIGH));
    e.state = event.state >= GS_EVENT_STATE_INSTANT && event.state <= GS_EVENT_STATE_ACKNOWLEDGED
                  ? static_cast<store::EventState>(event.state)
                  : store::EventState::instant;
    e.message = event.message ? event.message : "";
    std::shared_lock lock(lifecycle_);
    if (!store_) throw Error("the store is not open (storage_rocksdb not started)", GS_ERR_STATE);
    store_->append_event(e);
}

const void *StoragePlugin::get_service(const char *service_id) {
    if (!service_id) return nullptr;
    std::string_view id(service_id);
    if (id == GS_STORAGE_QUERY_V1) return &query_;
    if (id == GS_STORAGE_JOURNAL_V1) return &journal_;
    return nullptr;
}

// Publishing from the bus thread into the bus is fine (the host copies); a full bus drops it.
void StoragePlugin::publish_event(const gs_event &event, const char *what) {
    gs_status st = host().raw()->publish_event(host().raw(), &event);
    if (st == GS_ERR_RETRY_LATER)
        host().warning(std::string("event bus full, ") + what +
                       " not published: " + (event.message ? event.message : ""));
    else if (st != GS_OK)
        host().warning(std::string(what) + " not published (status " + std::to_string(st) + ")");
}

void StoragePlugin::maintenance_loop() {
    // The first pass comes soon after start, so frequent restarts do not starve it.
    auto wait = std::chrono::seconds(std::min<int64_t>(settings_.maintenance_interval_s, 30));
    std::unique_lock<std::mutex> lock(maintenance_mutex_);
    while (!maintenance_wake_.wait_for(lock, wait, [this] { return stopping_; })) {
        lock.unlock();
        maintain_once();
        lock.lock();
        wait = std::chrono::seconds(settings_.maintenance_interval_s);
    }
}

void StoragePlugin::maintain_once() {
    store::MaintenanceReport report;
    int64_t now = host().now_utc_ns();
    try {
        report = store_->maintain(now); // stop() joins before closing
    } catch (const std::exception &e) {
        host().error(std::string("store maintenance failed: ") + e.what());
        return;
    }
    if (stopping()) return;
    try {
        check_balance(now);
    } catch (const std::exception &e) {
        host().warning(std::string("hierarchy balance check failed: ") + e.what());
    }
    if (report.raw_windows_dropped)
        host().debug("maintenance dropped " + std::to_string(report.raw_windows_dropped) +
                     " raw windows");
    for (const store::JournalOverflow &o : report.overflows) {
        std::string message = "journal cursor '" + o.cursor + "' lost " +
                              std::to_string(o.resumed_after_seq - o.lost_after_seq) +
                              " entries (sequence " + std::to_string(o.lost_after_seq + 1) +
                              " to " + std::to_string(o.resumed_after_seq) +
                              "): the store exceeded journal_budget_mb before they were read";
        host().warning(message);
        gs_event e{sizeof(gs_event),       GS_SEVERITY_HIGH, host().now_utc_ns(),
                   "journal.full",         nullptr,          0,
                   GS_EVENT_STATE_INSTANT, message.c_str()};
        publish_event(e, "journal.full event");
    }
}

bool StoragePlugin::stopping() {
    std::lock_guard<std::mutex> lock(maintenance_mutex_);
    return stopping_;
}

void StoragePlugin::spool_loop() {
    const std::string folder = spool_folder(dir_);
    std::unique_lock<std::mutex> lock(maintenance_mutex_);
    while (!maintenance_wake_.wait_for(lock, std::chrono::milliseconds(250),
                                       [this] { return stopping_; })) {
        lock.unlock();
        for (const std::string &path : pending_spool_files(folder)) {
            if (stopping()) break;
            import_spool_file(path);
        }
        lock.lock();
    }
}

void StoragePlugin::import_spool_file(const std::string &rows_path) {
    std::string working = std::filesystem::path(rows_path).replace_extension(".working").string();
    std::error_code ec;
    std::filesystem::rename(rows_path, working, ec);
    if (ec) return; // withdrawn by `gridscope import` (it gave up waiting)
    ImportOutcome outcome;
    store::BucketTally tally;
    try {
        std::vector<SpoolRow> rows = read_spool_rows(working);
        host().info("importing " + std::to_string(rows.size()) + " values from " + working);
        store::Batch batch;
        // One poll per run of rows sharing a source and a time, as a device delivers them.
        for (size_t i = 0; i <= rows.size(); ++i) {
            bool same = i < rows.size() && !batch.values.empty() &&
                        rows[i].ts_utc_ns == batch.ts_utc_ns && rows[i].source == batch.source;
            if (!same && !batch.values.empty()) {
                if (stopping())
                    throw std::runtime_error("interrupted after " + std::to_string(outcome.values) +
                                             " values: the process holding the store stopped");
                ingest(batch, &tally, &outcome.events);
                outcome.values += batch.values.size();
                batch.values.clear();
            }
            if (i == rows.size()) break;
            batch.source = rows[i].source;
            batch.ts_utc_ns = rows[i].ts_utc_ns;
            batch.values.push_back(
                store::Value{rows[i].circuit, rows[i].data, rows[i].value, store::quality::good});
        }
    } catch (const std::exception &e) {
        outcome.error = e.what();
        host().error("import " + working + ": " + outcome.error);
    }
    outcome.buckets = tally.buckets.size();
    try { // a backfill leaves one fragment per value and level: merge them now, not at stop
        std::shared_lock lock(lifecycle_);
        if (store_) store_->consolidate();
    } catch (const std::exception &e) {
        host().warning(std::string("import: merging late-value fragments failed (maintenance "
                                   "retries): ") +
                       e.what());
    }
    try {
        write_spool_result(working, outcome);
    } catch (const std::exception &e) {
        host().error(std::string("import: cannot write its result: ") + e.what());
    }
    std::filesystem::remove(working, ec);
    host().info("imported " + std::to_string(outcome.values) + " values, " +
                std::to_string(outcome.buckets) + " rollup buckets updated");
}

void StoragePlugin::catch_up_if_due() {
    if (!settings_.read_only) return;
    int64_t now = host().now_mono_ns();
    int64_t last = last_catch_up_mono_ns_.load();
    if (now - last < kNsPerS) return;
    // One caller catches up; the others answer from the current view.
    if (!last_catch_up_mono_ns_.compare_exchange_strong(last, now)) return;
    store_->catch_up();
}

} // namespace gs::storage

GS_DECLARE_MODULE("storage_rocksdb", gs::descriptor<gs::storage::StoragePlugin>())
