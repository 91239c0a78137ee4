// gs::testing::FakeHost — unit-test a plugin without the kernel.
//
//   gs::ptree cfg;  cfg.put("seed", 7);
//   gs::testing::FakeHost host(cfg);
//   Meter meter(host.host());
//   meter.add_source(...);
//   CHECK(host.samples.size() == 1);
//
// It implements every gs_host function: it records logs, errors, samples and events (copied,
// as the real host does), serves config from property trees (a gs_config node is a ptree
// here), and has a settable clock.
#ifndef GRIDSCOPE_TESTING_HPP
#define GRIDSCOPE_TESTING_HPP

#include <gridscope/plugin.hpp>

#include <boost/property_tree/ptree.hpp>

#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace gs::testing {

struct RecordedValue {
    uint32_t circuit;
    std::string data;
    double value;
    gs_quality quality;
    int32_t detail;
};

struct RecordedBatch {
    std::string source;
    int64_t ts_utc_ns;
    std::vector<RecordedValue> values;
};

struct RecordedEvent {
    std::string type;
    std::string source;
    uint32_t circuit;
    gs_severity severity;
    gs_event_state state;
    std::string message;
    int64_t ts_utc_ns;
};

class FakeHost {
public:
    explicit FakeHost(ptree config = {}) : config_(std::move(config)) {
        host_.struct_size = sizeof(gs_host);
        host_.abi_version = GS_ABI_VERSION;
        host_.host_data = this;
        host_.log = &log;
        host_.set_error = &set_error;
        host_.now_utc_ns = [](const gs_host *h) { return self(h).utc_ns; };
        host_.now_mono_ns = [](const gs_host *h) { return self(h).mono_ns; };
        host_.publish_samples = &publish_samples;
        host_.publish_event = &publish_event;
        host_.config_get_int = &get_int;
        host_.config_get_double = &get_double;
        host_.config_get_bool = &get_bool;
        host_.config_get_string = &get_string;
        host_.config_child = &child;
        host_.config_visit = &visit;
        host_.config_location = [](const gs_host *, const gs_config *, char *buf, size_t size) {
            if (size) std::strncpy(buf, "fake:0:0", size - 1), buf[size - 1] = 0;
            return static_cast<gs_status>(GS_OK);
        };
        host_.get_service = [](const gs_host *h, const char *id) -> const void * {
            auto it = self(h).services.find(id);
            return it == self(h).services.end() ? nullptr : it->second;
        };
    }
    FakeHost(const FakeHost &) = delete;
    FakeHost &operator=(const FakeHost &) = delete;

    const gs_host *raw() const { return &host_; }
    Host host() const { return Host(&host_); }
    // A config node handle for a tree the caller keeps alive.
    static const gs_config *node(const ptree &tree) {
        return reinterpret_cast<const gs_config *>(&tree);
    }

    // What the plugin did (guarded: plugins may publish from their own threads).
    std::vector<RecordedBatch> samples_copy() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return samples;
    }
    std::vector<RecordedEvent> events_copy() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return events;
    }

    mutable std::mutex mutex_;
    std::vector<RecordedBatch> samples;
    std::vector<RecordedEvent> events;
    std::vector<std::pair<gs_log_level, std::string>> logs;
    std::string last_error;
    gs_status last_error_code = GS_OK;
    int64_t utc_ns = 1'700'000'000'000'000'000;
    int64_t mono_ns = 1'000'000'000;
    gs_status publish_result = GS_OK; // set GS_ERR_RETRY_LATER to simulate a full bus
    std::map<std::string, const void *> services;

private:
    static FakeHost &self(const gs_host *h) { return *static_cast<FakeHost *>(h->host_data); }
    const ptree &tree(const gs_config *node) const {
        return node ? *reinterpret_cast<const ptree *>(node) : config_;
    }

    static void log(const gs_host *h, int32_t level, const char *message) {
        std::lock_guard<std::mutex> lock(self(h).mutex_);
        self(h).logs.emplace_back(static_cast<gs_log_level>(level), message);
    }
    static void set_error(const gs_host *h, gs_status code, const char *message) {
        std::lock_guard<std::mutex> lock(self(h).mutex_);
        self(h).last_error = message ? message : "";
        self(h).last_error_code = code;
    }
    static gs_status publish_samples(const gs_host *h, const gs_sample_batch *batch) {
        FakeHost &me = self(h);
        std::lock_guard<std::mutex> lock(me.mutex_);
        if (me.publish_result != GS_OK) return me.publish_result;
        RecordedBatch rec{batch->source ? batch->source : "", batch->ts_utc_ns, {}};
        for (size_t i = 0; i < batch->value_count; ++i) {
            const gs_value &v = value_at(*batch, i);
            rec.values.push_back({v.circuit, v.data ? v.data : "", v.value,
                                  static_cast<gs_quality>(v.quality), v.detail});
        }
        me.samples.push_back(std::move(rec));
        return GS_OK;
    }
    static gs_status publish_event(const gs_host *h, const gs_event *e) {
        FakeHost &me = self(h);
        std::lock_guard<std::mutex> lock(me.mutex_);
        if (me.publish_result != GS_OK) return me.publish_result;
        me.events.push_back({e->type ? e->type : "", e->source ? e->source : "", e->circuit,
                             static_cast<gs_severity>(e->severity),
                             static_cast<gs_event_state>(e->state), e->message ? e->message : "",
                             e->ts_utc_ns});
        return GS_OK;
    }
    template <class V>
    static gs_status get(const gs_host *h, const gs_config *node, const char *key, V *out) {
        auto found = self(h).tree(node).template get_optional<std::string>(key);
        if (!found) return GS_ERR_NOT_FOUND;
        auto typed = self(h).tree(node).template get_optional<V>(key);
        if (!typed) {
            set_error(h, GS_ERR_INVALID_ARG, (std::string("wrong type for ") + key).c_str());
            return GS_ERR_INVALID_ARG;
        }
        *out = *typed;
        return GS_OK;
    }
    static gs_status get_int(const gs_host *h, const gs_config *n, const char *k, int64_t *o) {
        return get(h, n, k, o);
    }
    static gs_status get_double(const gs_host *h, const gs_config *n, const char *k, double *o) {
        return get(h, n, k, o);
    }
    static gs_status get_bool(const gs_host *h, const gs_config *n, const char *k, int32_t *o) {
        bool b = false;
        gs_status st = get(h, n, k, &b);
        if (st == GS_OK) *o = b ? 1 : 0;
        return st;
    }
    static gs_status get_string(const gs_host *h, const gs_config *n, const char *k, char *buf,
                                size_t size, size_t *needed) {
        auto found = self(h).tree(n).get_optional<std::string>(k);
        if (!found) return GS_ERR_NOT_FOUND;
        *needed = found->size() + 1;
        if (size < *needed) return GS_ERR_BUFFER_TOO_SMALL;
        std::memcpy(buf, found->c_str(), *needed);
        return GS_OK;
    }
    static const gs_config *child(const gs_host *h, const gs_config *n, const char *k) {
        auto found = self(h).tree(n).get_child_optional(k);
        return found ? node(*found) : nullptr;
    }
    static gs_status visit(const gs_host *h, const gs_config *n, gs_config_visit_fn fn,
                           void *payload) {
        std::vector<std::string> path;
        return walk(self(h).tree(n), path, fn, payload);
    }
    static gs_status walk(const ptree &t, std::vector<std::string> &path, gs_config_visit_fn fn,
                          void *payload) {
        if (t.empty()) {
            if (path.empty()) return GS_OK;
            std::vector<const char *> segs;
            for (const auto &s : path)
                segs.push_back(s.c_str());
            return fn(payload, segs.data(), segs.size(), t.data().c_str());
        }
        for (const auto &kv : t) {
            path.push_back(kv.first);
            gs_status st = walk(kv.second, path, fn, payload);
            path.pop_back();
            if (st != GS_OK) return st;
        }
        return GS_OK;
    }

    ptree config_;
    gs_host host_{};
};

} // namespace gs::testing

#endif // GRIDSCOPE_TESTING_HPP
