#include "host/host_context.hpp"

#include "config/map_reader.hpp"
#include "runtime/log.hpp"

#include <chrono>
#include <cstring>

namespace gs::kernel {

// Recursive on purpose: assigning one yaml-cpp Node to another rebinds the shared tree.
YAML::Node find_path(const YAML::Node &root, const std::string &dotted) {
    if (!root.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
    size_t dot = dotted.find('.');
    std::string seg = dotted.substr(0, dot);
    YAML::Node next(YAML::NodeType::Undefined);
    if (root.IsMap()) {
        if (root[seg].IsDefined()) next.reset(root[seg]);
    } else if (root.IsSequence()) {
        char *end = nullptr;
        unsigned long idx = std::strtoul(seg.c_str(), &end, 10);
        if (!seg.empty() && !*end && idx < root.size()) next.reset(root[idx]);
    }
    if (!next.IsDefined() || dot == std::string::npos) return next;
    return find_path(next, dotted.substr(dot + 1));
}

HostContext::HostContext(std::string who, ConfigNode section, HostHooks hooks)
    : who_(std::move(who)), hooks_(std::move(hooks)), section_(std::move(section)) {
    host_.struct_size = sizeof(gs_host);
    host_.abi_version = GS_ABI_VERSION;
    host_.host_data = this;
    host_.log = &log;
    host_.set_error = &set_error;
    host_.now_utc_ns = &now_utc_ns;
    host_.now_mono_ns = &now_mono_ns;
    host_.publish_samples = &publish_samples;
    host_.publish_event = &publish_event;
    host_.config_get_int = &get_int;
    host_.config_get_double = &get_double;
    host_.config_get_bool = &get_bool;
    host_.config_get_string = &get_string;
    host_.config_child = &child;
    host_.config_visit = &visit;
    host_.config_location = &location;
    host_.get_service = &get_service;
}

HostContext &HostContext::of(const gs_host *host) {
    return *static_cast<HostContext *>(host->host_data);
}

const gs_config *HostContext::handle(const YAML::Node &node, const std::string &file) {
    std::lock_guard<std::mutex> lock(mutex_);
    arena_.push_back(ConfigNode{node, file});
    return reinterpret_cast<const gs_config *>(&arena_.back());
}

const ConfigNode &HostContext::node_of(const gs_config *handle) const {
    return handle ? *reinterpret_cast<const ConfigNode *>(handle) : section_;
}

std::string HostContext::take_error(const std::string &fallback) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out = error_.empty() ? fallback : error_;
    error_.clear();
    return out;
}

void HostContext::log(const gs_host *h, int32_t level, const char *message) {
    log_line(static_cast<gs_log_level>(level), of(h).who_, message ? message : "");
}

void HostContext::set_error(const gs_host *h, gs_status, const char *message) {
    HostContext &me = of(h);
    std::lock_guard<std::mutex> lock(me.mutex_);
    me.error_ = message ? message : "";
}

int64_t HostContext::now_utc_ns(const gs_host *) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t HostContext::now_mono_ns(const gs_host *) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

gs_status HostContext::publish_samples(const gs_host *h, const gs_sample_batch *batch) {
    HostContext &me = of(h);
    if (!batch || batch->struct_size < sizeof(gs_sample_batch) ||
        (batch->value_count && (!batch->values || batch->value_stride < sizeof(gs_value))))
        return GS_ERR_INVALID_ARG;
    if (!me.hooks_.publish_samples) return GS_ERR_UNSUPPORTED;
    return me.hooks_.publish_samples(*batch);
}

gs_status HostContext::publish_event(const gs_host *h, const gs_event *event) {
    HostContext &me = of(h);
    if (!event || event->struct_size < sizeof(gs_event) || !event->type) return GS_ERR_INVALID_ARG;
    if (!me.hooks_.publish_event) return GS_ERR_UNSUPPORTED;
    return me.hooks_.publish_event(*event);
}

template <class T>
gs_status HostContext::get_scalar(const gs_host *h, const gs_config *handle, const char *key,
                                  T *out, const char *type) {
    HostContext &me = of(h);
    const ConfigNode &cn = me.node_of(handle);
    YAML::Node node = find_path(cn.node, key ? key : "");
    if (!node.IsDefined() || node.IsNull()) return GS_ERR_NOT_FOUND;
    if (node.IsScalar() && YAML::convert<T>::decode(node, *out)) return GS_OK;
    set_error(
        h, GS_ERR_INVALID_ARG,
        (location_of(node, cn.file).str() + ": field '" + key + "': expected " + type).c_str());
    return GS_ERR_INVALID_ARG;
}

gs_status HostContext::get_int(const gs_host *h, const gs_config *n, const char *k, int64_t *o) {
    return get_scalar(h, n, k, o, "an integer");
}
gs_status HostContext::get_double(const gs_host *h, const gs_config *n, const char *k, double *o) {
    return get_scalar(h, n, k, o, "a number");
}
gs_status HostContext::get_bool(const gs_host *h, const gs_config *n, const char *k, int32_t *o) {
    bool b = false;
    gs_status st = get_scalar(h, n, k, &b, "true or false");
    if (st == GS_OK) *o = b ? 1 : 0;
    return st;
}

gs_status HostContext::get_string(const gs_host *h, const gs_config *handle, const char *key,
                                  char *buf, size_t size, size_t *needed) {
    std::string value;
    gs_status st = get_scalar(h, handle, key, &value, "a string");
    if (st != GS_OK) return st;
    if (needed) *needed = value.size() + 1;
    if (!buf || size < value.size() + 1) return GS_ERR_BUFFER_TOO_SMALL;
    std::memcpy(buf, value.c_str(), value.size() + 1);
    return GS_OK;
}

const gs_config *HostContext::child(const gs_host *h, const gs_config *handle, const char *key) {
    HostContext &me = of(h);
    const ConfigNode &cn = me.node_of(handle);
    YAML::Node node = find_path(cn.node, key ? key : "");
    if (!node.IsDefined() || node.IsNull()) return nullptr;
    return me.handle(node, cn.file);
}

namespace {
gs_status walk(const YAML::Node &node, std::vector<std::string> &path, gs_config_visit_fn fn,
               void *payload) {
    if (node.IsMap()) {
        for (const auto &kv : node) {
            path.push_back(kv.first.Scalar());
            gs_status st = walk(kv.second, path, fn, payload);
            path.pop_back();
            if (st != GS_OK) return st;
        }
        return GS_OK;
    }
    if (node.IsSequence()) {
        for (size_t i = 0; i < node.size(); ++i) {
            path.push_back(std::to_string(i));
            gs_status st = walk(node[i], path, fn, payload);
            path.pop_back();
            if (st != GS_OK) return st;
        }
        return GS_OK;
    }
    if (!node.IsScalar() || path.empty()) return GS_OK;
    std::vector<const char *> segments;
    for (const auto &s : path)
        segments.push_back(s.c_str());
    return fn(payload, segments.data(), segments.size(), node.Scalar().c_str());
}
} // namespace

gs_status HostContext::visit(const gs_host *h, const gs_config *handle, gs_config_visit_fn fn,
                             void *payload) {
    if (!fn) return GS_ERR_INVALID_ARG;
    std::vector<std::string> path;
    return walk(of(h).node_of(handle).node, path, fn, payload);
}

gs_status HostContext::location(const gs_host *h, const gs_config *handle, char *buf, size_t size) {
    const ConfigNode &cn = of(h).node_of(handle);
    std::string where = location_of(cn.node, cn.file).str();
    if (!buf || size < where.size() + 1) return GS_ERR_BUFFER_TOO_SMALL;
    std::memcpy(buf, where.c_str(), where.size() + 1);
    return GS_OK;
}

const void *HostContext::get_service(const gs_host *h, const char *id) {
    HostContext &me = of(h);
    if (!id || !me.hooks_.get_service) return nullptr;
    return me.hooks_.get_service(id);
}

} // namespace gs::kernel
