// The host services one plugin instance gets (its gs_host), and the config nodes it reads.
#pragma once

#include <gridscope/plugin.h>

#include <yaml-cpp/yaml.h>

#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace gs::kernel {

// A config node as the kernel holds it: a YAML node and the file it came from.
struct ConfigNode {
    YAML::Node node;
    std::string file;
};

// What the host does with what an instance hands it.
struct HostHooks {
    std::function<gs_status(const gs_sample_batch &)> publish_samples;
    std::function<gs_status(const gs_event &)> publish_event;
    std::function<const void *(const std::string &)> get_service;
};

class HostContext {
public:
    // `who` names the instance in logs; `section` is its config section (may be null).
    HostContext(std::string who, ConfigNode section, HostHooks hooks = {});
    HostContext(const HostContext &) = delete;
    HostContext &operator=(const HostContext &) = delete;

    const gs_host *raw() const { return &host_; }
    const std::string &who() const { return who_; }

    // A handle for a node; it lives as long as this context.
    const gs_config *handle(const YAML::Node &node, const std::string &file);

    // The message of the last set_error (then cleared); `fallback` if the plugin set none.
    std::string take_error(const std::string &fallback);

    static HostContext &of(const gs_host *host);

private:
    const ConfigNode &node_of(const gs_config *handle) const;

    static void log(const gs_host *, int32_t level, const char *message);
    static void set_error(const gs_host *, gs_status code, const char *message);
    static int64_t now_utc_ns(const gs_host *);
    static int64_t now_mono_ns(const gs_host *);
    static gs_status publish_samples(const gs_host *, const gs_sample_batch *batch);
    static gs_status publish_event(const gs_host *, const gs_event *event);
    static gs_status get_int(const gs_host *, const gs_config *, const char *, int64_t *);
    static gs_status get_double(const gs_host *, const gs_config *, const char *, double *);
    static gs_status get_bool(const gs_host *, const gs_config *, const char *, int32_t *);
    static gs_status get_string(const gs_host *, const gs_config *, const char *, char *, size_t,
                                size_t *);
    static const gs_config *child(const gs_host *, const gs_config *, const char *);
    static gs_status visit(const gs_host *, const gs_config *, gs_config_visit_fn, void *);
    static gs_status location(const gs_host *, const gs_config *, char *, size_t);
    static const void *get_service(const gs_host *, const char *);

    template <class T>
    static gs_status get_scalar(const gs_host *h, const gs_config *node, const char *key, T *out,
                                const char *type);

    gs_host host_{};
    std::string who_;
    HostHooks hooks_;
    ConfigNode section_;
    std::mutex mutex_;
    std::deque<ConfigNode> arena_;
    std::string error_;
};

// The node at a dotted path below `root` ("tls.cert", "points.0.address"); undefined if absent.
YAML::Node find_path(const YAML::Node &root, const std::string &dotted);

} // namespace gs::kernel
