// storage_rocksdb through its C ABI: the built module is loaded with dlopen() and driven on
// gs::testing::FakeHost, with the runtime and site services the kernel would give it.
#include "series_catalog.hpp"
#include "store_status.hpp"

#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>
#include <gridscope/services/storage.h>
#include <gridscope/testing.hpp>

#include <doctest/doctest.h>

#include <dlfcn.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <thread>

namespace {

using gs::testing::FakeHost;
namespace fs = std::filesystem;

// 2024-03-30T00:00:00 Europe/Paris (UTC+1).
constexpr int64_t kS = 1'000'000'000;
constexpr int64_t kHour = 3600 * kS;
constexpr int64_t kParisMar30 = 1711753200 * kS;

const gs_storage_vtable &vtable() {
    // Loaded once and never unloaded: RocksDB keeps background threads in the process.
    static const gs_storage_vtable *vt = [] {
        void *lib = dlopen(GS_STORAGE_PLUGIN, RTLD_NOW | RTLD_LOCAL);
        REQUIRE_MESSAGE(lib, dlerror());
        auto entry = reinterpret_cast<gs_module_entry_fn>(dlsym(lib, GS_MODULE_ENTRY_SYMBOL));
        REQUIRE(static_cast<bool>(entry));
        const gs_module *m = entry(GS_ABI_VERSION);
        REQUIRE(m);
        REQUIRE(m->plugin_count == 1);
        const gs_plugin_descriptor *d = m->plugins[0];
        REQUIRE(d->kind == GS_KIND_STORAGE);
        REQUIRE(std::string(d->id) == "storage_rocksdb");
        return static_cast<const gs_storage_vtable *>(d->vtable);
    }();
    return *vt;
}

const gs_plugin_descriptor &descriptor() {
    vtable();
    void *lib = dlopen(GS_STORAGE_PLUGIN, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    auto entry = reinterpret_cast<gs_module_entry_fn>(dlsym(lib, GS_MODULE_ENTRY_SYMBOL));
    const gs_plugin_descriptor &d = *entry(GS_ABI_VERSION)->plugins[0];
    dlclose(lib); // drops the NOLOAD reference only
    return d;
}

// A small site: meter m1 (circuit 1: a u32 energy counter x10 Wh and a power gauge; circuit 2:
// an f32 counter), a disabled meter m2, models of 300 s and 900 s on circuit 1.
const char *const kSiteJson = R"({
  "name": "test", "timezone": "Europe/Paris", "file": "site.yaml",
  "catalog": [{"name": "IEaPInst", "type": "meter", "unit": "Wh", "counter": true, "custom": false},
              {"name": "IEaNInst", "type": "meter", "unit": "Wh", "counter": true, "custom": false},
              {"name": "IPInst", "type": "power", "unit": "W", "counter": false, "custom": false}],
  "models": [{"id": "metrology", "history_period_s": 300, "data": ["IPInst"], "custom": false},
             {"id": "energy", "history_period_s": 900, "data": ["IEaPInst"], "custom": false}],
  "profiles": [{"id": "test/meter", "name": "Meter", "driver": "driver_modbus", "circuits": 2,
                "models": [], "defaults": {}, "identification": null,
                "data": [{"circuit": 1, "data": "IEaPInst",
                          "attrs": {"data": "IEaPInst", "address": "100", "type": "u32",
                                    "coefficient": "10"}},
                         {"circuit": 1, "data": "IPInst",
                          "attrs": {"address": "110", "type": "s32", "coefficient": "0.1"}},
                         {"circuit": 2, "data": "IEaNInst",
                          "attrs": {"address": "120", "type": "f32"}}]}],
  "sources": [{"name": "m1", "profile": "test/meter", "driver": "driver_modbus",
               "period_ms": 1000, "enabled": true, "location": "",
               "circuits": [{"index": 1, "name": "Main", "models": ["energy", "metrology"]},
                            {"index": 2, "name": "Aux", "models": []}]},
              {"name": "m2", "profile": "test/meter", "driver": "driver_modbus",
               "period_ms": 1000, "enabled": false, "location": "", "circuits": []}],
  "hierarchies": [], "users": {}
})";

std::string fresh_dir(const char *name) {
    static int counter = 0;
    fs::path dir = fs::path(GS_TEST_TMP) / (std::string(name) + "-" + std::to_string(getpid()) +
                                            "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

// The kernel's runtime and site services for instances sharing one data_dir.
struct Site {
    explicit Site(const char *name, std::string json = kSiteJson)
        : data_dir(fresh_dir(name)), site_json(std::move(json)) {
        runtime.struct_size = sizeof runtime;
        runtime.data_dir = data_dir.c_str();
        runtime.site_file = "site.yaml";
        runtime.site_name = "test";
        runtime.timezone = "Europe/Paris";
        runtime.share_dir = "";
        site.struct_size = sizeof site;
        site.site_json = site_json.c_str();
    }
    ~Site() {
        std::error_code ec; // the instances, declared after the site, are gone by now
        fs::remove_all(data_dir, ec);
    }
    std::string data_dir, site_json;
    gs_runtime_service_v1 runtime{};
    gs_site_service_v1 site{};
};

struct Value {
    uint32_t circuit;
    const char *data;
    double value;
    gs_quality quality = GS_QUALITY_GOOD;
};

// One plugin instance on its own FakeHost.
class Instance {
public:
    Instance(Site &site, gs::ptree config = {}) : host(with_defaults(std::move(config))) {
        host.services[GS_RUNTIME_SERVICE_V1] = &site.runtime;
        host.services[GS_SITE_SERVICE_V1] = &site.site;
        created = vtable().create(host.raw(), &instance);
    }
    ~Instance() {
        if (started) vtable().stop(instance);
        if (instance) vtable().destroy(instance);
    }
    gs_status start() {
        gs_status st = vtable().start(instance);
        started = st == GS_OK;
        return st;
    }
    void stop() {
        REQUIRE(vtable().stop(instance) == GS_OK);
        started = false;
    }
    gs_status append(const char *source, int64_t ts, std::vector<Value> values) {
        gs::SampleBatch batch(source, ts);
        for (const Value &v : values)
            batch.add(v.circuit, v.data, v.value, v.quality);
        return vtable().append_samples(instance, &batch.view());
    }
    gs_status event(const char *type, const char *source, gs_severity severity,
                    gs_event_state state, int64_t ts, const char *message = "msg") {
        gs_event e{sizeof(gs_event), severity, ts, type, source, 0, state, message};
        return vtable().append_event(instance, &e);
    }
    const gs_storage_query_v1 &query() {
        auto *q = static_cast<const gs_storage_query_v1 *>(
            vtable().get_service(instance, GS_STORAGE_QUERY_V1));
        REQUIRE(q);
        return *q;
    }
    const gs_storage_journal_v1 &journal() {
        auto *j = static_cast<const gs_storage_journal_v1 *>(
            vtable().get_service(instance, GS_STORAGE_JOURNAL_V1));
        REQUIRE(j);
        return *j;
    }
    uint64_t series(const char *source, uint32_t circuit, const char *data) {
        uint64_t id = 0;
        REQUIRE(query().find_series(query().context, source, circuit, data, &id) == GS_OK);
        return id;
    }

    FakeHost host;
    gs_instance *instance = nullptr;
    gs_status created = GS_ERR_FAILED;
    bool started = false;

private:
    static gs::ptree with_defaults(gs::ptree config) {
        if (!config.get_optional<std::string>("maintenance_interval_s"))
            config.put("maintenance_interval_s", 0); // tests run maintenance explicitly
        return config;
    }
};

// Callback adapters: payload = a std::function.
template <class... A> using Fn = std::function<gs_status(A...)>;
gs_status on_info(void *p, const gs_series_info *i) {
    return (*static_cast<Fn<const gs_series_info &> *>(p))(*i);
}
gs_status on_point(void *p, const gs_series_point *pt) {
    return (*static_cast<Fn<const gs_series_point &> *>(p))(*pt);
}
gs_status on_bucket(void *p, int64_t start, int64_t end, double v) {
    return (*static_cast<Fn<int64_t, int64_t, double> *>(p))(start, end, v);
}
gs_status on_record(void *p, const gs_event_record *r) {
    return (*static_cast<Fn<const gs_event_record &> *>(p))(*r);
}
gs_status on_entry(void *p, uint64_t seq, const gs_sample_batch *b, const gs_event *e) {
    return (*static_cast<Fn<uint64_t, const gs_sample_batch *, const gs_event *> *>(p))(seq, b, e);
}

std::vector<gs_series_point> range(Instance &in, uint64_t series, int64_t from, int64_t to,
                                   uint32_t max_points = 0) {
    std::vector<gs_series_point> out;
    Fn<const gs_series_point &> fn = [&](const gs_series_point &p) {
        out.push_back(p);
        return GS_OK;
    };
    REQUIRE(in.query().range(in.query().context, series, from, to, max_points, &on_point, &fn) ==
            GS_OK);
    return out;
}

struct Bucket {
    int64_t start, end;
    double value;
};
std::vector<Bucket> consumption(Instance &in, std::vector<uint64_t> series, gs_bucket_step step,
                                int64_t from, int64_t to) {
    std::vector<Bucket> out;
    Fn<int64_t, int64_t, double> fn = [&](int64_t s, int64_t e, double v) {
        out.push_back({s, e, v});
        return GS_OK;
    };
    REQUIRE(in.query().consumption(in.query().context, series.data(), series.size(), step, from, to,
                                   &on_bucket, &fn) == GS_OK);
    return out;
}

std::vector<gs::testing::RecordedEvent> events_of(const Instance &in, const std::string &type) {
    std::vector<gs::testing::RecordedEvent> out;
    for (auto &e : in.host.events_copy())
        if (e.type == type) out.push_back(e);
    return out;
}

struct Stored {
    uint64_t id;
    std::string type, source, message;
    uint32_t state, severity;
    int64_t ts, finished, acknowledged;
};
std::vector<Stored> query_events(Instance &in, gs_event_query q) {
    q.struct_size = sizeof q;
    std::vector<Stored> out;
    Fn<const gs_event_record &> fn = [&](const gs_event_record &r) {
        out.push_back({r.id, r.event.type, r.event.source ? r.event.source : "", r.event.message,
                       r.event.state, r.event.severity, r.event.ts_utc_ns, r.finished_utc_ns,
                       r.acknowledged_utc_ns});
        return GS_OK;
    };
    REQUIRE(in.query().events(in.query().context, &q, &on_record, &fn) == GS_OK);
    return out;
}

struct Entry {
    uint64_t seq;
    std::string source_or_type;
    size_t values;
    double first_value;
};
std::vector<Entry> read_journal(Instance &in, const char *cursor, uint32_t max = 100) {
    std::vector<Entry> out;
    Fn<uint64_t, const gs_sample_batch *, const gs_event *> fn =
        [&](uint64_t seq, const gs_sample_batch *b, const gs_event *e) {
            CHECK((b == nullptr) != (e == nullptr));
            if (b)
                out.push_back({seq, b->source, b->value_count,
                               b->value_count ? gs::value_at(*b, 0).value : 0});
            else
                out.push_back({seq, e->type, 0, 0});
            return GS_OK;
        };
    REQUIRE(in.journal().read(in.journal().context, cursor, max, &on_entry, &fn) == GS_OK);
    return out;
}

} // namespace

TEST_CASE("series specs from the site model") {
    using gs::storage::raw_max_of_type;
    CHECK(raw_max_of_type("u16") == 65535.0);
    CHECK(raw_max_of_type("u32") == 4294967295.0);
    CHECK(raw_max_of_type("s32") == 2147483647.0);
    CHECK(raw_max_of_type("u64") > 1e19);
    CHECK(raw_max_of_type("f32") == 0);

    auto specs = gs::storage::series_from_site_json(kSiteJson);
    REQUIRE(specs.size() == 3); // m2 is disabled
    for (const auto &s : specs)
        CHECK(s.source == "m1");
    CHECK(specs[0].data == "IEaPInst");
    CHECK(specs[0].kind == gs::store::SeriesKind::counter);
    CHECK(specs[0].counter_max == 42949672950.0);
    CHECK(specs[0].counter_step == 10.0);
    CHECK(specs[0].history_period_s == 300); // the smallest of energy (900) and metrology (300)
    CHECK(specs[1].data == "IPInst");
    CHECK(specs[1].kind == gs::store::SeriesKind::gauge);
    CHECK(specs[2].data == "IEaNInst");
    CHECK(specs[2].kind == gs::store::SeriesKind::counter);
    CHECK(specs[2].counter_max == 0); // f32: every drop is a reset
    CHECK(specs[2].history_period_s == 600);

    CHECK_THROWS_WITH_AS(gs::storage::series_from_site_json("{"),
                         doctest::Contains("not valid JSON"), std::runtime_error);
}

TEST_CASE("series specs: only the data a circuit's history models keep") {
    // The kernel lists per circuit what it polls ("collected") and what it stores ("history").
    std::string json = kSiteJson;
    const std::string main = R"("models": ["energy", "metrology"]})";
    REQUIRE(json.find(main) != std::string::npos);
    json.replace(json.find(main), main.size(),
                 R"("models": ["energy", "metrology"], "collected": ["IEaPInst", "IPInst"],)"
                 R"( "history": ["IEaPInst"]})");
    auto specs = gs::storage::series_from_site_json(json);
    std::vector<std::string> names;
    for (const auto &s : specs)
        names.push_back(std::to_string(s.circuit) + ":" + s.data);
    // IPInst is polled but kept by no history model; circuit 2 lists nothing (older document).
    CHECK(names == std::vector<std::string>{"1:IEaPInst", "2:IEaNInst"});
}

TEST_CASE("descriptor and config validation") {
    const gs_plugin_descriptor &d = descriptor();
    std::vector<std::string> keys;
    for (size_t i = 0; i < d.config_field_count; ++i)
        keys.push_back(d.config_fields[i].key);
    for (const char *k : {"path", "read_only", "retention_raw_days", "retention_period_days",
                          "retention_hour_days", "retention_day_days", "retention_month_days",
                          "journal_budget_mb", "maintenance_interval_s", "sync_writes"})
        CHECK(std::find(keys.begin(), keys.end(), k) != keys.end());

    Site site("config");
    gs::ptree bad;
    bad.put("retention_raw_days", -1);
    Instance a(site, bad);
    CHECK(a.created == GS_ERR_INVALID_ARG);
    CHECK(a.host.last_error.find("retention_raw_days") != std::string::npos);

    gs::ptree bad2;
    bad2.put("read_only", "perhaps");
    Instance b(site, bad2);
    CHECK(b.created == GS_ERR_INVALID_ARG);
    CHECK(b.host.last_error.find("read_only") != std::string::npos);

    // Services exist before start but answer GS_ERR_STATE.
    Instance c(site);
    REQUIRE(c.created == GS_OK);
    uint64_t id = 0;
    CHECK(c.query().find_series(c.query().context, "m1", 1, "IPInst", &id) == GS_ERR_STATE);
    CHECK(vtable().get_service(c.instance, "gridscope.nothing/1") == nullptr);
}

TEST_CASE("samples: list, find, latest, range raw and downsampled") {
    Site site("samples");
    Instance in(site);
    REQUIRE(in.created == GS_OK);
    REQUIRE(in.start() == GS_OK);
    CHECK(fs::exists(fs::path(site.data_dir) / "store"));

    int64_t t0 = kParisMar30;
    for (int i = 0; i < 100; ++i)
        REQUIRE(in.append("m1", t0 + i * kS,
                          {{1, "IPInst", 1000.0 + i},
                           {1, "IEaPInst", 5000.0 + 10 * i},
                           {3, "IUInst", 230.5}}) == GS_OK);
    REQUIRE(in.append("m1", t0 + 100 * kS, {{1, "IPInst", 0, GS_QUALITY_TIMEOUT}}) == GS_OK);

    std::vector<std::string> names;
    Fn<const gs_series_info &> fn = [&](const gs_series_info &i) {
        names.push_back(std::string(i.source) + "/" + std::to_string(i.circuit) + "/" + i.data);
        if (std::string(i.data) == "IPInst") {
            CHECK(i.count == 101);
            CHECK(i.from_utc_ns == t0);
            CHECK(i.to_utc_ns == t0 + 100 * kS);
        }
        return GS_OK;
    };
    REQUIRE(in.query().list_series(in.query().context, &on_info, &fn) == GS_OK);
    // Declared from the site (3) + the undeclared IUInst created as a gauge.
    CHECK(names.size() == 4);
    CHECK(std::find(names.begin(), names.end(), "m1/3/IUInst") != names.end());

    uint64_t power = in.series("m1", 1, "IPInst");
    uint64_t nothing = 0;
    CHECK(in.query().find_series(in.query().context, "m1", 9, "IPInst", &nothing) ==
          GS_ERR_NOT_FOUND);

    gs_series_point last{};
    Fn<const gs_series_point &> keep = [&](const gs_series_point &p) {
        last = p;
        return GS_OK;
    };
    REQUIRE(in.query().latest(in.query().context, power, &on_point, &keep) == GS_OK);
    CHECK(last.quality == GS_QUALITY_TIMEOUT);
    CHECK(last.ts_utc_ns == t0 + 100 * kS);
    CHECK(in.query().latest(in.query().context, 9999, &on_point, &keep) == GS_ERR_NOT_FOUND);

    auto raw = range(in, power, t0, t0 + 50 * kS);
    REQUIRE(raw.size() == 50);
    CHECK(raw[7].value == 1007.0);
    CHECK(raw[7].min == 1007.0);
    CHECK(raw[7].quality == GS_QUALITY_GOOD);

    auto down = range(in, power, t0, t0 + 100 * kS, 10);
    CHECK(down.size() <= 10);
    CHECK(down.size() >= 2);
    CHECK(down.front().value == 1000.0);
    CHECK(down.back().value == 1099.0);

    // A callback's status stops the query and comes back.
    Fn<const gs_series_point &> stop = [](const gs_series_point &) { return GS_ERR_TIMEOUT; };
    CHECK(in.query().range(in.query().context, power, t0, t0 + 50 * kS, 0, &on_point, &stop) ==
          GS_ERR_TIMEOUT);
    CHECK(in.query().range(in.query().context, 9999, t0, t0 + 50 * kS, 0, &on_point, &keep) ==
          GS_ERR_NOT_FOUND);

    // Data survives stop and a new instance.
    in.stop();
    Instance again(site);
    REQUIRE(again.start() == GS_OK);
    CHECK(range(again, again.series("m1", 1, "IPInst"), t0, t0 + 200 * kS).size() == 101);
}

TEST_CASE("history through the ABI: raw values, buckets, several series, errors") {
    Site site("history");
    Instance in(site);
    REQUIRE(in.start() == GS_OK);
    int64_t t0 = kParisMar30;
    for (int i = 0; i < 100; ++i) {
        if (i >= 40 && i < 60) continue; // a gap
        REQUIRE(in.append("m1", t0 + i * kS,
                          {{1, "IPInst", i == 70 ? 9000.0 : 1000.0 + i},
                           {1, "IEaPInst", 5000.0 + 10 * i}}) == GS_OK);
    }
    const gs_storage_query_v1 &q = in.query();
    REQUIRE(q.struct_size > offsetof(gs_storage_query_v1, history));
    uint64_t ids[] = {in.series("m1", 1, "IPInst"), in.series("m1", 1, "IEaPInst")};
    struct Got {
        size_t series;
        gs_history_bucket b;
    };
    std::vector<Got> got;
    Fn<size_t, const gs_history_bucket &> keep = [&](size_t s, const gs_history_bucket &b) {
        got.push_back({s, b});
        return GS_OK;
    };
    auto on_history = [](void *p, size_t s, const gs_history_bucket *b) {
        return (*static_cast<Fn<size_t, const gs_history_bucket &> *>(p))(s, *b);
    };
    // 80 values per series, 100 asked: raw values, min = max = avg.
    REQUIRE(q.history(q.context, ids, 2, t0, t0 + 100 * kS, 100, on_history, &keep) == GS_OK);
    REQUIRE(got.size() == 160);
    CHECK(got[0].series == 0);
    CHECK(got[0].b.width_ns == 0);
    CHECK(got[0].b.start_utc_ns == t0);
    CHECK(got[0].b.min == 1000.0);
    CHECK(got[0].b.avg == 1000.0);
    CHECK(got[80].series == 1);
    CHECK(got[80].b.max == 5000.0);
    // 10 buckets of 10 s: the gap stays a gap (no bucket), the spike is the max of its bucket.
    got.clear();
    REQUIRE(q.history(q.context, ids, 1, t0, t0 + 100 * kS, 10, on_history, &keep) == GS_OK);
    REQUIRE(got.size() == 8);
    CHECK(got[0].b.width_ns == 10 * kS);
    CHECK(got[0].b.count == 10);
    CHECK(got[0].b.min == 1000.0);
    CHECK(got[0].b.max == 1009.0);
    CHECK(got[0].b.avg == doctest::Approx(1004.5));
    CHECK(got[4].b.start_utc_ns == t0 + 60 * kS);
    CHECK(got[5].b.start_utc_ns == t0 + 70 * kS);
    CHECK(got[5].b.max == 9000.0);
    CHECK(got[5].b.min == 1071.0);

    CHECK(q.history(q.context, ids, 2, t0, t0 + 100 * kS, 0, on_history, &keep) ==
          GS_ERR_INVALID_ARG);
    CHECK(q.history(q.context, ids, 2, t0 + 100 * kS, t0, 10, on_history, &keep) ==
          GS_ERR_INVALID_ARG);
    CHECK(q.history(q.context, ids, 2, t0, t0 + 100 * kS, 10, nullptr, &keep) ==
          GS_ERR_INVALID_ARG);
    uint64_t unknown[] = {ids[0], 9999};
    got.clear();
    CHECK(q.history(q.context, unknown, 2, t0, t0 + 100 * kS, 10, on_history, &keep) ==
          GS_ERR_NOT_FOUND);
    CHECK(got.empty());
    Fn<size_t, const gs_history_bucket &> stop = [](size_t, const gs_history_bucket &) {
        return GS_ERR_TIMEOUT;
    };
    CHECK(q.history(q.context, ids, 2, t0, t0 + 100 * kS, 10, on_history, &stop) == GS_ERR_TIMEOUT);
}

TEST_CASE("counters declared from the site: rollover, reset, events") {
    Site site("counters");
    Instance in(site);
    REQUIRE(in.start() == GS_OK);
    int64_t t0 = kParisMar30;
    const double max = 4294967295.0 * 10;
    REQUIRE(in.append("m1", t0, {{1, "IEaPInst", max - 950}}) == GS_OK);
    REQUIRE(in.append("m1", t0 + 60 * kS, {{1, "IEaPInst", 100}}) == GS_OK); // rollover
    REQUIRE(in.append("m1", t0 + 120 * kS, {{1, "IEaPInst", 1e9}}) == GS_OK);
    REQUIRE(in.append("m1", t0 + 180 * kS, {{1, "IEaPInst", 5}}) == GS_OK); // reset

    auto rollovers = events_of(in, "counter.rollover");
    REQUIRE(rollovers.size() == 1);
    CHECK(rollovers[0].source == "m1");
    CHECK(rollovers[0].circuit == 1);
    CHECK(rollovers[0].severity == GS_SEVERITY_LOW);
    CHECK(rollovers[0].state == GS_EVENT_STATE_INSTANT);
    CHECK(rollovers[0].ts_utc_ns == t0 + 60 * kS);
    auto resets = events_of(in, "counter.reset");
    REQUIRE(resets.size() == 1);
    CHECK(resets[0].message == "IEaPInst: counter went from 1000000000 to 5 (meter reset or "
                               "replaced)");

    uint64_t energy = in.series("m1", 1, "IEaPInst");
    auto hours = consumption(in, {energy}, GS_BUCKET_HOUR, t0, t0 + kHour);
    REQUIRE(hours.size() == 1);
    // (max - before) + step + after, then 1e9 - 100, then the reset counts 5.
    CHECK(hours[0].value == doctest::Approx(950 + 10 + 100 + (1e9 - 100) + 5));

    // f32 counter (no maximum): any drop is a reset. A full bus only logs.
    in.host.publish_result = GS_ERR_RETRY_LATER;
    REQUIRE(in.append("m1", t0 + 240 * kS, {{2, "IEaNInst", 1e9}}) == GS_OK);
    REQUIRE(in.append("m1", t0 + 300 * kS, {{2, "IEaNInst", 3}}) == GS_OK);
    in.host.publish_result = GS_OK;
    CHECK(events_of(in, "counter.reset").size() == 1);
    bool logged = false;
    for (auto &[level, text] : in.host.logs)
        logged |= level == GS_LOG_WARNING && text.find("bus full") != std::string::npos;
    CHECK(logged);
}

TEST_CASE("daily consumption across the Europe/Paris spring DST change") {
    Site site("dst");
    Instance in(site);
    REQUIRE(in.start() == GS_OK);
    // Hourly readings +1 from 2024-03-29 23:00 local to 2024-04-01 00:00 local.
    int64_t first = kParisMar30 - kHour;
    int64_t end = kParisMar30 + 47 * kHour; // 2024-04-01T00:00 local (23 h day in between)
    double v = 0;
    for (int64_t t = first; t <= end; t += kHour, v += 1)
        REQUIRE(in.append("m1", t, {{1, "IEaPInst", v}}) == GS_OK);
    uint64_t energy = in.series("m1", 1, "IEaPInst");

    auto days = consumption(in, {energy}, GS_BUCKET_DAY, kParisMar30, end);
    REQUIRE(days.size() == 2);
    CHECK(days[0].start == kParisMar30);
    CHECK(days[0].end - days[0].start == 24 * kHour);
    CHECK(days[0].value == 24);
    CHECK(days[1].end - days[1].start == 23 * kHour);
    CHECK(days[1].end == end);
    CHECK(days[1].value == 23);

    auto months = consumption(in, {energy, energy}, GS_BUCKET_MONTH, kParisMar30, end + kS);
    REQUIRE(months.size() == 2); // March and April
    // The reading exactly at 2024-04-01T00:00 local closes March; nothing follows it.
    CHECK(months[0].value == 2 * 48);
    CHECK(months[1].value == 0);

    Fn<int64_t, int64_t, double> fn = [](int64_t, int64_t, double) { return GS_OK; };
    CHECK(in.query().consumption(in.query().context, &energy, 1, 7, kParisMar30, end, &on_bucket,
                                 &fn) == GS_ERR_INVALID_ARG);
}

TEST_CASE("events: query, newest first, state changes") {
    Site site("events");
    Instance in(site);
    REQUIRE(in.start() == GS_OK);
    int64_t t0 = kParisMar30;
    REQUIRE(in.event("comm.lost", "m1", GS_SEVERITY_MEDIUM, GS_EVENT_STATE_ACTIVE, t0) == GS_OK);
    REQUIRE(in.event("counter.reset", "m1", GS_SEVERITY_LOW, GS_EVENT_STATE_INSTANT, t0 + kS) ==
            GS_OK);
    REQUIRE(in.event("device.alarm", "m2", GS_SEVERITY_HIGH, GS_EVENT_STATE_ACTIVE, t0 + 2 * kS) ==
            GS_OK);
    REQUIRE(in.event("journal.full", nullptr, GS_SEVERITY_HIGH, GS_EVENT_STATE_INSTANT,
                     t0 + 3 * kS) == GS_OK);

    auto all = query_events(in, {});
    REQUIRE(all.size() == 4);
    CHECK(all[0].type == "journal.full"); // newest first
    CHECK(all[0].source.empty());
    CHECK(all[3].type == "comm.lost");

    gs_event_query q{};
    q.limit = 2;
    auto newest = query_events(in, q);
    REQUIRE(newest.size() == 2);
    CHECK(newest[0].type == "journal.full");
    CHECK(newest[1].type == "device.alarm");

    q = {};
    q.source = "m1";
    CHECK(query_events(in, q).size() == 2);
    q = {};
    q.min_severity = GS_SEVERITY_HIGH;
    CHECK(query_events(in, q).size() == 2);
    q = {};
    q.state = GS_EVENT_STATE_ACTIVE;
    auto active = query_events(in, q);
    REQUIRE(active.size() == 2);
    q = {};
    q.from_utc_ns = t0 + kS;
    q.to_utc_ns = t0 + 3 * kS;
    q.type = "device.alarm";
    REQUIRE(query_events(in, q).size() == 1);

    const auto &qs = in.query();
    uint64_t lost = all[3].id;
    CHECK(qs.set_event_state(qs.context, lost, GS_EVENT_STATE_ACKNOWLEDGED, t0 + 10 * kS) == GS_OK);
    CHECK(qs.set_event_state(qs.context, lost, GS_EVENT_STATE_FINISHED, t0 + 20 * kS) == GS_OK);
    CHECK(qs.set_event_state(qs.context, lost, GS_EVENT_STATE_FINISHED, t0 + 30 * kS) ==
          GS_ERR_STATE);
    CHECK(qs.set_event_state(qs.context, 999999, GS_EVENT_STATE_FINISHED, t0) == GS_ERR_NOT_FOUND);
    CHECK(qs.set_event_state(qs.context, lost, GS_EVENT_STATE_ACTIVE, t0) == GS_ERR_INVALID_ARG);

    q = {};
    q.type = "comm.lost";
    auto changed = query_events(in, q);
    REQUIRE(changed.size() == 1);
    CHECK(changed[0].state == GS_EVENT_STATE_FINISHED);
    CHECK(changed[0].acknowledged == t0 + 10 * kS);
    CHECK(changed[0].finished == t0 + 20 * kS);
}

TEST_CASE("journal cursors across stop, destroy and a new instance") {
    Site site("journal");
    int64_t t0 = kParisMar30;
    uint64_t committed = 0;
    {
        Instance in(site);
        REQUIRE(in.start() == GS_OK);
        const auto &j = in.journal();
        CHECK(j.read(j.context, "exp", 10, &on_entry, nullptr) == GS_ERR_NOT_FOUND);
        REQUIRE(j.open_cursor(j.context, "exp") == GS_OK);
        for (int i = 0; i < 5; ++i)
            REQUIRE(in.append("m1", t0 + i * kS, {{1, "IPInst", 10.0 + i}, {1, "IEaPInst", 1.0}}) ==
                    GS_OK);
        REQUIRE(in.event("comm.lost", "m1", GS_SEVERITY_MEDIUM, GS_EVENT_STATE_ACTIVE,
                         t0 + 5 * kS) == GS_OK);
        REQUIRE(in.append("m1", t0 + 6 * kS, {{1, "IPInst", 16.0}}) == GS_OK);

        auto entries = read_journal(in, "exp");
        REQUIRE(entries.size() == 7);
        CHECK(entries[0].source_or_type == "m1");
        CHECK(entries[0].values == 2);
        CHECK(entries[2].first_value == 12.0);
        CHECK(entries[5].source_or_type == "comm.lost");
        CHECK(entries[6].values == 1);
        for (size_t i = 1; i < entries.size(); ++i)
            CHECK(entries[i].seq > entries[i - 1].seq);
        CHECK(read_journal(in, "exp", 3).size() == 3);

        committed = entries[3].seq;
        REQUIRE(j.commit(j.context, "exp", committed) == GS_OK);
        CHECK(j.commit(j.context, "exp", entries[6].seq + 1000) == GS_ERR_INVALID_ARG);
        CHECK(j.commit(j.context, "nope", 1) == GS_ERR_NOT_FOUND);
        in.stop();
    } // destroyed
    Instance again(site);
    REQUIRE(again.start() == GS_OK);
    auto rest = read_journal(again, "exp");
    REQUIRE(rest.size() == 3);
    CHECK(rest[0].seq > committed);
    CHECK(rest[0].first_value == 14.0);
    CHECK(rest[1].source_or_type == "comm.lost");
    // Opening an existing cursor keeps its position.
    REQUIRE(again.journal().open_cursor(again.journal().context, "exp") == GS_OK);
    CHECK(read_journal(again, "exp").size() == 3);
}

// ABI 1.5, for `GET /metrics`: values stored by this process, and each cursor's lag.
TEST_CASE("counters: values stored, journal head, cursors and their lag") {
    Site site("counters");
    int64_t t0 = kParisMar30;
    Instance in(site);
    REQUIRE(in.start() == GS_OK);
    const auto &q = in.query();
    const auto &j = in.journal();
    REQUIRE(GS_HAS_FIELD(&q, gs_storage_query_v1, counters));
    REQUIRE(GS_HAS_FIELD(&j, gs_storage_journal_v1, cursors));
    auto counters = [&] {
        gs_storage_counters c{sizeof(gs_storage_counters), 0, 0, 0};
        REQUIRE(q.counters(q.context, &c) == GS_OK);
        return c;
    };
    std::map<std::string, std::pair<uint64_t, uint64_t>> seen; // cursor -> position, lag
    Fn<const char *, uint64_t, uint64_t> collect = [&](const char *name, uint64_t pos,
                                                       uint64_t lag) {
        seen[name] = {pos, lag};
        return GS_OK;
    };
    gs_journal_cursor_fn on_cursor = [](void *p, const char *name, uint64_t pos, uint64_t lag) {
        return (*static_cast<Fn<const char *, uint64_t, uint64_t> *>(p))(name, pos, lag);
    };
    CHECK(counters().values_stored == 0);
    REQUIRE(j.cursors(j.context, on_cursor, &collect) == GS_OK);
    CHECK(seen.empty());

    REQUIRE(j.open_cursor(j.context, "exp") == GS_OK);
    for (int i = 0; i < 4; ++i)
        REQUIRE(in.append("m1", t0 + i * kS, {{1, "IPInst", 1.0 + i}, {1, "IEaPInst", 1.0}}) ==
                GS_OK);
    REQUIRE(in.event("comm.lost", "m1", GS_SEVERITY_MEDIUM, GS_EVENT_STATE_ACTIVE, t0 + 5 * kS) ==
            GS_OK);
    gs_storage_counters c = counters();
    CHECK(c.values_stored == 8);
    auto entries = read_journal(in, "exp");
    REQUIRE(entries.size() == 5);
    CHECK(c.journal_head == entries.back().seq);
    REQUIRE(j.cursors(j.context, on_cursor, &collect) == GS_OK);
    REQUIRE(seen.count("exp"));
    CHECK(seen["exp"].second == 5);

    REQUIRE(j.commit(j.context, "exp", entries[2].seq) == GS_OK);
    REQUIRE(j.cursors(j.context, on_cursor, &collect) == GS_OK);
    CHECK(seen["exp"].first == entries[2].seq);
    CHECK(seen["exp"].second == 2);

    // An older caller's shorter struct is filled only as far as it goes.
    gs_storage_counters short_one{offsetof(gs_storage_counters, journal_head), 0, 0, 777};
    REQUIRE(q.counters(q.context, &short_one) == GS_OK);
    CHECK(short_one.values_stored == 8);
    CHECK(short_one.journal_head == 777);
    CHECK(q.counters(q.context, nullptr) == GS_ERR_INVALID_ARG);
    CHECK(j.cursors(j.context, nullptr, nullptr) == GS_ERR_INVALID_ARG);
}

TEST_CASE("read-only instance next to a read-write one; a second writer is refused") {
    Site site("readonly");
    int64_t t0 = kParisMar30;
    Instance rw(site);
    REQUIRE(rw.start() == GS_OK);
    REQUIRE(rw.append("m1", t0, {{1, "IPInst", 1.0}}) == GS_OK);

    gs::ptree ro_config;
    ro_config.put("read_only", true);
    Instance ro(site, ro_config);
    REQUIRE(ro.start() == GS_OK);
    uint64_t power = ro.series("m1", 1, "IPInst");
    CHECK(range(ro, power, t0, t0 + kHour).size() == 1);

    CHECK(ro.append("m1", t0 + kS, {{1, "IPInst", 2.0}}) == GS_ERR_UNSUPPORTED);
    CHECK(ro.host.last_error.find("read-only") != std::string::npos);
    CHECK(ro.event("x.y", "m1", GS_SEVERITY_LOW, GS_EVENT_STATE_INSTANT, t0) == GS_ERR_UNSUPPORTED);
    CHECK(ro.journal().open_cursor(ro.journal().context, "c") == GS_ERR_UNSUPPORTED);

    // New writes show after the next catch-up (at most once a second of host time).
    for (int i = 1; i < 10; ++i)
        REQUIRE(rw.append("m1", t0 + i * kS, {{1, "IPInst", 1.0 + i}}) == GS_OK);
    ro.host.mono_ns += 2 * kS;
    CHECK(range(ro, power, t0, t0 + kHour).size() == 10);

    Instance second(site);
    // Its own code (services/storage.h), which `gridscope import` acts on; was GS_ERR_FAILED.
    CHECK(second.start() == GS_ERR_STORAGE_IN_USE);
    CHECK(second.host.last_error ==
          "the store " + (fs::path(site.data_dir) / "store").string() +
              " is in use by another gridscope process (is the site running?)");

    Site empty("readonly-empty");
    Instance nothing(empty, ro_config);
    CHECK(nothing.start() == GS_ERR_NOT_FOUND);
    CHECK(nothing.host.last_error.find("there is no store in") != std::string::npos);
}

TEST_CASE("the import spool's folder comes from the storage, before start and while in use") {
    Site site("spool_folder");
    gs::ptree config;
    config.put("path", "custom/../place");
    Instance writer(site, config);
    auto folder_of = [](Instance &in, size_t size, std::string &out) {
        const gs_storage_query_v1 &q = in.query();
        REQUIRE(GS_HAS_FIELD(&q, gs_storage_query_v1, import_spool));
        std::vector<char> buf(size, 'x');
        gs_status st = q.import_spool(q.context, buf.data(), buf.size());
        if (st == GS_OK) out = buf.data();
        return st;
    };
    std::string expected =
        (fs::path(site.data_dir) / "place").lexically_normal().string() + ".import";
    std::string folder;
    REQUIRE(folder_of(writer, 4096, folder) == GS_OK); // created, not started
    CHECK(folder == expected);
    REQUIRE(writer.start() == GS_OK);
    Instance second(site, config); // the import command's own instance while the site runs
    CHECK(second.start() == GS_ERR_STORAGE_IN_USE);
    folder.clear();
    REQUIRE(folder_of(second, 4096, folder) == GS_OK);
    CHECK(folder == expected);
    // Too small a buffer: its own code, the size needed in the message, nothing written past.
    CHECK(folder_of(second, expected.size(), folder) == GS_ERR_BUFFER_TOO_SMALL);
    CHECK(second.host.last_error.find(std::to_string(expected.size() + 1) + " bytes") !=
          std::string::npos);
    const gs_storage_query_v1 &q = second.query();
    CHECK(q.import_spool(q.context, nullptr, 10) == GS_ERR_INVALID_ARG);
}

TEST_CASE("maintenance: a cursor behind the journal budget gets journal.full") {
    Site site("budget");
    gs::ptree config;
    config.put("maintenance_interval_s", 1);
    config.put("journal_budget_mb", 0.0001); // ~100 bytes: everything is over budget
    config.put("path", "custom/place");
    Instance in(site, config);
    REQUIRE(in.created == GS_OK);
    in.host.utc_ns = kParisMar30 + 10 * kHour;
    REQUIRE(in.start() == GS_OK);
    CHECK(fs::exists(fs::path(site.data_dir) / "custom" / "place"));
    REQUIRE(in.journal().open_cursor(in.journal().context, "slow") == GS_OK);
    for (int i = 0; i < 3 * 60; ++i)
        REQUIRE(in.append("m1", kParisMar30 + i * 60 * kS, {{1, "IPInst", 1.0 * i}}) == GS_OK);

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (events_of(in, "journal.full").empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto full = events_of(in, "journal.full");
    REQUIRE(full.size() >= 1);
    CHECK(full[0].severity == GS_SEVERITY_HIGH);
    CHECK(full[0].message.find("journal cursor 'slow' lost") != std::string::npos);
    in.stop(); // joins the maintenance thread
}

TEST_CASE("maintenance: a metered node over its meter for a closed day raises hierarchy.balance") {
    // m3 is m1's twin; hierarchy Elec: node Site fed by meter m1/1 with one load, m3/1.
    std::string json = kSiteJson;
    auto m2 = json.find(R"({"name": "m2")");
    REQUIRE(m2 != std::string::npos);
    json.insert(m2, R"({"name": "m3", "profile": "test/meter", "driver": "driver_modbus",
               "period_ms": 1000, "enabled": true, "location": "",
               "circuits": [{"index": 1, "name": "Floor", "models": ["energy"]}]},
              )");
    auto h = json.find(R"("hierarchies": [])");
    REQUIRE(h != std::string::npos);
    json.replace(h, std::string(R"("hierarchies": [])").size(),
                 R"("hierarchies": [{"name": "Elec", "fluid": "electricity",
                     "root": {"name": "Site", "meter": "m1/1", "loads": ["m3/1"],
                              "hierarchies": [], "children": []}}])");
    Site site("balance", json);
    gs::ptree config;
    config.put("maintenance_interval_s", 1);
    Instance in(site, config);
    REQUIRE(in.created == GS_OK);
    // While the readings arrive, 2024-03-30 (Paris) is in progress: not checked.
    in.host.utc_ns = kParisMar30 + 20 * kHour;
    // Hourly readings over 2024-03-30: the meter counts 2400 Wh, its load 2640 Wh (over by 240,
    // more than 2 % of 2400).
    REQUIRE(in.start() == GS_OK);
    for (int i = 0; i <= 30; ++i) {
        REQUIRE(in.append("m1", kParisMar30 + i * kHour, {{1, "IEaPInst", 1000.0 + 100 * i}}) ==
                GS_OK);
        REQUIRE(in.append("m3", kParisMar30 + i * kHour, {{1, "IEaPInst", 1000.0 + 110 * i}}) ==
                GS_OK);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // a pass while in progress
    CHECK(events_of(in, "hierarchy.balance").empty());
    in.host.utc_ns = kParisMar30 + 34 * kHour; // the day closed: the next pass checks it
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (events_of(in, "hierarchy.balance").empty() &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto raised = events_of(in, "hierarchy.balance");
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].source == "m1");
    CHECK(raised[0].circuit == 1);
    CHECK(raised[0].ts_utc_ns == kParisMar30);
    CHECK(raised[0].severity == GS_SEVERITY_MEDIUM);
    CHECK(raised[0].message ==
          "hierarchy 'Elec', node 'Site': its loads and children (2640) exceed its meter m1/1 "
          "(2400) by more than the tolerance (48) from 2024-03-30T00:00:00+01:00 to "
          "2024-03-31T00:00:00+01:00");
    // Later passes do not raise it again (the day is checked once).
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    CHECK(events_of(in, "hierarchy.balance").size() == 1);
    in.stop();
}

TEST_CASE("store errors get their status from their code, whatever their text") {
    using gs::store::StoreErrc;
    using gs::store::StoreError;
    auto status = [](StoreErrc code) {
        // The text of another kind on purpose: only the code counts.
        return gs::storage::store_status_of(StoreError("the store is open read-only", code));
    };
    CHECK(status(StoreErrc::unknown_series) == GS_ERR_NOT_FOUND);
    CHECK(status(StoreErrc::unknown_cursor) == GS_ERR_NOT_FOUND);
    CHECK(status(StoreErrc::no_store) == GS_ERR_NOT_FOUND);
    CHECK(status(StoreErrc::invalid_argument) == GS_ERR_INVALID_ARG);
    CHECK(status(StoreErrc::read_only) == GS_ERR_UNSUPPORTED);
    CHECK(status(StoreErrc::in_use) == GS_ERR_STORAGE_IN_USE);
    CHECK(status(StoreErrc::failed) == GS_ERR_FAILED);
    CHECK(gs::storage::store_status_of(std::runtime_error("unknown series 3")) == GS_OK);
}
