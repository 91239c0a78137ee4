// The storage_rocksdb plugin instance: the C-ABI glue around gs::store::Store. The services
// ("gridscope.storage.query/1", "gridscope.storage.journal/1") are in services.cpp.
#pragma once

#include "core/store.hpp"
#include "store_status.hpp"

#include <gridscope/plugin.hpp>
#include <gridscope/services/storage.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

namespace gs::storage {

// The defaults are those of StoragePlugin::config_fields: build it with parse_settings().
struct Settings {
    std::string path;
    bool read_only = false;
    int64_t maintenance_interval_s = 0;
    store::Options options; // retention, budget, sync_writes; time_zone set at start
};

// Reads and checks the plugin's section (throws gs::InvalidArgument naming the field).
Settings parse_settings(const Config &config);

class StoragePlugin : public Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_STORAGE;
    static constexpr const char *id = "storage_rocksdb";
    static constexpr const char *version = "1.0.0";
    static constexpr const char *description =
        "RocksDB time-series store: samples, rollups, consumption, events, journal cursors";
    static constexpr const char *kMaxDays = "36600"; // 100 years
    static constexpr gs_config_field config_fields[] = {
        field(GS_CONFIG_STRING, "path", "store",
              "store folder; relative paths are below the site's data_dir"),
        field(GS_CONFIG_BOOL, "read_only", "false",
              "open as a RocksDB secondary next to a running site (queries only)"),
        bounded(field(GS_CONFIG_INT, "retention_raw_days", "90", "raw samples kept (0 = for ever)"),
                "0", kMaxDays),
        bounded(field(GS_CONFIG_INT, "retention_period_days", "732",
                      "history-period rollups kept (0 = for ever)"),
                "0", kMaxDays),
        bounded(field(GS_CONFIG_INT, "retention_hour_days", "1098",
                      "hourly rollups kept (0 = for ever)"),
                "0", kMaxDays),
        bounded(
            field(GS_CONFIG_INT, "retention_day_days", "0", "daily rollups kept (0 = for ever)"),
            "0", kMaxDays),
        bounded(field(GS_CONFIG_INT, "retention_month_days", "0",
                      "monthly rollups kept (0 = for ever)"),
                "0", kMaxDays),
        bounded(field(GS_CONFIG_INT, "retention_event_days", "732", "events kept (0 = for ever)"),
                "0", kMaxDays),
        bounded(field(GS_CONFIG_DOUBLE, "journal_budget_mb", "4096",
                      "disk budget of raw data + journal; past it unread entries are dropped "
                      "(journal.full); more than 0"),
                "0", "1000000000"),
        bounded(field(GS_CONFIG_INT, "maintenance_interval_s", "300",
                      "period of retention and budget enforcement (0 = never)"),
                "0", "604800"),
        field(GS_CONFIG_BOOL, "sync_writes", "false",
              "fsync every append (survives power loss; slower)")};

    explicit StoragePlugin(Host host);
    ~StoragePlugin() override;

    void start();
    void stop();
    void append_samples(const gs_sample_batch &batch);
    void append_event(const gs_event &event);
    const void *get_service(const char *service_id);
    // ABI 1.2: a reload changed the site model but not this section: the new model's series are
    // declared on the open store; a new time zone throws (the kernel then reopens the store).
    void site_changed();

    // For the service thunks: runs `f(store)` (returning a gs_status) with the store open and,
    // in read-only mode, caught up with the primary at most once a second. Every exception
    // becomes a status reported through set_error.
    template <class F> gs_status serve(F &&f) noexcept;
    bool read_only() const { return settings_.read_only; }
    // The store's folder as `path` says (below the host's data_dir when relative), and its
    // import spool's folder: known from create on, open or not. Throw Error.
    std::string store_dir();
    std::string import_spool_folder();

private:
    void declare_site_series();
    // Stores one poll and publishes the counter events it found (also listed in *event_lines).
    void ingest(const store::Batch &batch, store::BucketTally *tally,
                std::vector<std::string> *event_lines);
    void maintenance_loop();
    void maintain_once();
    // Raises hierarchy.balance for the local days closed since the last check
    // (balance_events.cpp). [maintenance-thread]
    void check_balance(int64_t now_utc_ns);
    // Picks up `gridscope import` requests (import_spool.hpp) while the store is open.
    void spool_loop();
    void import_spool_file(const std::string &rows_path);
    bool stopping();
    void publish_event(const gs_event &event, const char *what);
    void catch_up_if_due();

public:
    // The gs::guarded hook of every entry point: store errors by their code.
    static gs_status status_of(const std::exception &e) noexcept { return store_status_of(e); }

private:
    Settings settings_;
    std::string dir_;
    std::string time_zone_;       // the store was opened with it
    std::shared_mutex lifecycle_; // exclusive: start/stop; shared: appends, services
    std::unique_ptr<store::Store> store_;
    std::atomic<int64_t> last_catch_up_mono_ns_{0};
    int64_t balance_checked_until_ns_ = 0; // days before it are checked [maintenance-thread]

    std::mutex maintenance_mutex_;
    std::condition_variable maintenance_wake_;
    bool stopping_ = false;
    std::thread maintenance_;
    std::thread spool_;

    gs_storage_query_v1 query_{};
    gs_storage_journal_v1 journal_{};
    friend void fill_services(StoragePlugin &, gs_storage_query_v1 &, gs_storage_journal_v1 &);
};

void fill_services(StoragePlugin &plugin, gs_storage_query_v1 &query,
                   gs_storage_journal_v1 &journal);

template <class F> gs_status StoragePlugin::serve(F &&f) noexcept {
    return gs::guarded(
        host().raw(),
        [&]() -> gs_status {
            std::shared_lock lock(lifecycle_);
            if (!store_)
                throw Error("the store is not open (storage_rocksdb not started)", GS_ERR_STATE);
            catch_up_if_due();
            return f(*store_);
        },
        &status_of);
}

} // namespace gs::storage
