// gridscope C++ plugin layer: header-only, compiled inside each plugin, on top of plugin.h.
//
// A plugin author writes a class; this header turns it into the C ABI:
//
//   class Meter : public gs::Plugin {
//   public:
//       static constexpr gs_plugin_kind kind = GS_KIND_DRIVER;
//       static constexpr const char *id = "driver_meter";
//       static constexpr const char *version = "1.0.0";
//       static constexpr const char *description = "A virtual meter";
//       static constexpr gs_config_field config_fields[] = {
//           gs::field(GS_CONFIG_INT, "seed", "1", "random seed")};
//       explicit Meter(gs::Host host) : Plugin(host) {
//           seed_ = config(config_fields).get<int>("seed"); // the declared default, not repeated
//       }
//       static void validate_point(gs::Host &, const gs::ptree &defaults, const gs::ptree &point);
//       void add_source(const gs::Source &source);
//       void start();
//       void stop();
//   };
//   GS_DECLARE_MODULE("meter", gs::descriptor<Meter>())
//
// Every call from the kernel goes through a noexcept thunk: an exception thrown by plugin code
// becomes an error status whose message reaches the kernel through set_error. Throw gs::Error
// to choose the status (gs::RetryLater for a transient failure).
#ifndef GRIDSCOPE_PLUGIN_HPP
#define GRIDSCOPE_PLUGIN_HPP

#include <gridscope/plugin.h>
#include <gridscope/services/device.h>

#include <boost/property_tree/ptree.hpp>

#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace gs {

using boost::property_tree::ptree;

// ---------------------------------------------------------------------------------------------
// Errors

class Error : public std::runtime_error {
public:
    explicit Error(const std::string &message, gs_status code = GS_ERR_FAILED)
        : std::runtime_error(message), code_(code) {}
    gs_status code() const noexcept { return code_; }

private:
    gs_status code_;
};

// A transient failure: the kernel will try the same call again later.
class RetryLater : public Error {
public:
    explicit RetryLater(const std::string &message) : Error(message, GS_ERR_RETRY_LATER) {}
};

// A wrong argument or config value; the message names the field.
class InvalidArgument : public Error {
public:
    explicit InvalidArgument(const std::string &message) : Error(message, GS_ERR_INVALID_ARG) {}
};

// A config field descriptor for a plugin's config map (config_fields, a driver's source_fields).
constexpr gs_config_field field(gs_config_type type, const char *key, const char *default_value,
                                const char *description, bool required = false) {
    return gs_config_field{sizeof(gs_config_field),
                           static_cast<uint32_t>(type),
                           key,
                           required ? 1u : 0u,
                           0u,
                           default_value,
                           description,
                           nullptr,
                           nullptr,
                           nullptr};
}
// The same field with inclusive bounds (text of the field's type; nullptr = unbounded):
//   gs::bounded(gs::field(GS_CONFIG_INT, "port", "8080", "TCP port"), "0", "65535")
constexpr gs_config_field bounded(gs_config_field f, const char *min_value, const char *max_value) {
    f.min_value = min_value;
    f.max_value = max_value;
    return f;
}
// The same field accepting only the texts of a NULL-terminated list:
//   static constexpr const char *kParities[] = {"N", "E", "O", nullptr};
//   gs::one_of(gs::field(GS_CONFIG_STRING, "parity", "N", "serial parity"), kParities)
constexpr gs_config_field one_of(gs_config_field f, const char *const *allowed_values) {
    f.allowed_values = allowed_values;
    return f;
}

// ---------------------------------------------------------------------------------------------
// Host

// A thin, copyable view of the host's services for one instance.
class Host {
public:
    explicit Host(const gs_host *host) : host_(host) {}
    const gs_host *raw() const { return host_; }

    void log(gs_log_level level, const std::string &message) const {
        host_->log(host_, level, message.c_str());
    }
    void debug(const std::string &m) const { log(GS_LOG_DEBUG, m); }
    void info(const std::string &m) const { log(GS_LOG_INFO, m); }
    void warning(const std::string &m) const { log(GS_LOG_WARNING, m); }
    void error(const std::string &m) const { log(GS_LOG_ERROR, m); }

    void set_error(gs_status code, const char *message) const {
        host_->set_error(host_, code, message);
    }

    int64_t now_utc_ns() const { return host_->now_utc_ns(host_); }
    int64_t now_mono_ns() const { return host_->now_mono_ns(host_); }

    // Publishes a batch; throws RetryLater when the bus is full.
    void publish(const gs_sample_batch &batch) const {
        check(host_->publish_samples(host_, &batch), "publish_samples");
    }
    void publish(const gs_event &event) const {
        check(host_->publish_event(host_, &event), "publish_event");
    }

    // The config below `node` (NULL = this instance's section) as a property tree. Lists
    // become children keyed "0", "1", ...
    ptree config(const gs_config *node = nullptr) const {
        ptree tree;
        gs_status st = host_->config_visit(host_, node, &Host::visit_leaf, &tree);
        check(st, "config_visit");
        return tree;
    }

    // "file:line:column" of a config node, for messages; "" if unknown.
    std::string location(const gs_config *node) const {
        char buf[512];
        if (host_->config_location(host_, node, buf, sizeof buf) != GS_OK) return {};
        return buf;
    }

    template <class Service> const Service *service(const char *service_id) const {
        return static_cast<const Service *>(host_->get_service(host_, service_id));
    }

private:
    static gs_status visit_leaf(void *payload, const char *const *path, size_t depth,
                                const char *value) {
        ptree *node = static_cast<ptree *>(payload);
        for (size_t i = 0; i < depth; ++i) {
            auto found = node->find(path[i]);
            node = found == node->not_found() ? &node->push_back({path[i], ptree()})->second
                                              : &found->second;
        }
        node->put_value(value);
        return GS_OK;
    }
    static void check(gs_status st, const char *what) {
        if (st == GS_OK) return;
        if (st == GS_ERR_RETRY_LATER) throw RetryLater(std::string(what) + ": retry later");
        throw Error(std::string(what) + " failed", st);
    }

    const gs_host *host_;
};

// ---------------------------------------------------------------------------------------------
// Config map

// A config section read through its config map: every key is declared once, with its type,
// default and bounds, in the plugin's table; the code reads it with get<T>("key") and never
// repeats the default. The kernel has checked the section and filled the defaults already; this
// checks again (a test's FakeHost does not) and names the field in every error.
class Config {
public:
    Config(ptree tree, const gs_config_field *fields, size_t count)
        : tree_(std::move(tree)), fields_(fields), count_(count) {}
    template <size_t N>
    Config(ptree tree, const gs_config_field (&fields)[N]) : Config(std::move(tree), fields, N) {}

    // The key's value, or its declared default. Throws InvalidArgument naming the key when it
    // has neither, or its text is not a T within the declared bounds and allowed values.
    template <class T> T get(const std::string &key) const {
        std::optional<T> v = find<T>(key);
        if (!v) throw InvalidArgument("field '" + key + "': is required");
        return *v;
    }
    // The same, but nullopt when the key is neither set nor has a default.
    template <class T> std::optional<T> find(const std::string &key) const {
        const gs_config_field &f = declared(key);
        std::optional<std::string> text = raw(key);
        if (!text && f.default_value) text = f.default_value;
        if (!text) return std::nullopt;
        std::optional<T> v = parse<T>(*text);
        if (!v)
            throw InvalidArgument("field '" + key + "': expected " + kind_of<T>() + range_of(f) +
                                  ", found '" + *text + "'");
        check_limits(f, *text);
        return v;
    }
    // True when the section sets the key (defaults do not count).
    bool has(const std::string &key) const {
        declared(key);
        return raw(key).has_value();
    }
    // Throws InvalidArgument naming the first key that is neither declared nor someone else's
    // (`other(key)` true, e.g. gs::is_kernel_source_key). The kernel refuses them before the
    // plugin sees the section; this is for hosts that do not (a test's FakeHost).
    void refuse_unknown_keys(bool (*other)(const std::string &) = nullptr) const {
        for (const auto &kv : tree_) {
            bool known = other && other(kv.first);
            for (size_t i = 0; !known && i < count_; ++i)
                known = kv.first == fields_[i].key;
            if (!known) throw InvalidArgument("field '" + kv.first + "': unknown key");
        }
    }
    // The whole section, for nested sections (GS_CONFIG_SECTION keys).
    const ptree &tree() const { return tree_; }

private:
    const gs_config_field &declared(const std::string &key) const {
        for (size_t i = 0; i < count_; ++i)
            if (key == fields_[i].key) return fields_[i];
        throw std::logic_error("config key '" + key + "' is not in the plugin's config map");
    }
    std::optional<std::string> raw(const std::string &key) const {
        auto child = tree_.get_child_optional(ptree::path_type(key, '\0'));
        if (!child || (child->empty() && child->data().empty())) return std::nullopt;
        return child->data();
    }
    static void check_limits(const gs_config_field &f, const std::string &text) {
        if (!GS_HAS_FIELD(&f, gs_config_field, allowed_values)) return;
        auto bound = [](const char *b) { return b ? parse<double>(b) : std::nullopt; };
        std::optional<double> v = parse<double>(text), lo = bound(f.min_value),
                              hi = bound(f.max_value);
        std::string field = "field '" + std::string(f.key) + "': ";
        if (v && lo && hi && (*v < *lo || *v > *hi))
            throw InvalidArgument(field + "expected " +
                                  (f.type == GS_CONFIG_DOUBLE ? "a number" : "an integer") +
                                  range_of(f) + ", found '" + text + "'");
        if (v && lo && *v < *lo) throw InvalidArgument(field + "must be at least " + f.min_value);
        if (v && hi && *v > *hi) throw InvalidArgument(field + "must be at most " + f.max_value);
        if (!f.allowed_values) return;
        std::string list;
        for (const char *const *a = f.allowed_values; *a; ++a) {
            if (text == *a) return;
            list += std::string(list.empty() ? "" : ", ") + *a;
        }
        throw InvalidArgument("field '" + std::string(f.key) + "': expected one of " + list +
                              ", found '" + text + "'");
    }
    // " from MIN to MAX" when the field has both bounds, else "".
    static std::string range_of(const gs_config_field &f) {
        if (!GS_HAS_FIELD(&f, gs_config_field, allowed_values) || !f.min_value || !f.max_value)
            return "";
        return std::string(" from ") + f.min_value + " to " + f.max_value;
    }
    template <class T> static const char *kind_of() {
        if constexpr (std::is_same_v<T, bool>)
            return "true or false";
        else if constexpr (std::is_integral_v<T>)
            return "an integer";
        else if constexpr (std::is_floating_point_v<T>)
            return "a number";
        else
            return "a string";
    }
    template <class T> static std::optional<T> parse(const std::string &text) {
        if constexpr (std::is_same_v<T, std::string>) {
            return text;
        } else if constexpr (std::is_same_v<T, bool>) {
            for (const char *yes : {"true", "True", "TRUE", "yes", "Yes", "on", "On", "y", "1"})
                if (text == yes) return true;
            for (const char *no : {"false", "False", "FALSE", "no", "No", "off", "Off", "n", "0"})
                if (text == no) return false;
            return std::nullopt;
        } else if constexpr (std::is_integral_v<T>) {
            try {
                size_t used = 0;
                long long v = std::stoll(text, &used, 10);
                if (used != text.size()) return std::nullopt;
                if constexpr (std::is_unsigned_v<T>) {
                    if (v < 0 || static_cast<unsigned long long>(v) > std::numeric_limits<T>::max())
                        return std::nullopt;
                } else if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) {
                    return std::nullopt;
                }
                return static_cast<T>(v);
            } catch (const std::exception &) {
                return std::nullopt;
            }
        } else {
            static_assert(std::is_floating_point_v<T>, "get<T>: string, bool, integer or double");
            try {
                size_t used = 0;
                double v = std::stod(text, &used);
                if (used != text.size() || !std::isfinite(v)) return std::nullopt;
                return static_cast<T>(v);
            } catch (const std::exception &) {
                return std::nullopt;
            }
        }
    }

    ptree tree_;
    const gs_config_field *fields_;
    size_t count_;
};

// ---------------------------------------------------------------------------------------------
// Samples

// Builds a gs_sample_batch; owns the strings its values point to.
class SampleBatch {
public:
    SampleBatch(std::string source, int64_t ts_utc_ns)
        : source_(std::move(source)), ts_utc_ns_(ts_utc_ns) {}

    void add(uint32_t circuit, std::string data, double value, gs_quality quality = GS_QUALITY_GOOD,
             int32_t detail = 0) {
        names_.push_back(std::move(data));
        values_.push_back(gs_value{sizeof(gs_value), circuit, nullptr, value,
                                   static_cast<uint32_t>(quality), detail});
    }
    size_t size() const { return values_.size(); }

    // The C view; valid until the batch is modified or destroyed.
    const gs_sample_batch &view() {
        for (size_t i = 0; i < values_.size(); ++i)
            values_[i].data = names_[i].c_str();
        batch_ = gs_sample_batch{
            sizeof(gs_sample_batch), 0, source_.c_str(), ts_utc_ns_, values_.data(), values_.size(),
            sizeof(gs_value)};
        return batch_;
    }

private:
    std::string source_;
    int64_t ts_utc_ns_;
    std::vector<std::string> names_;
    std::vector<gs_value> values_;
    gs_sample_batch batch_{};
};

// Reads value i of a batch whatever the producer's sizeof(gs_value).
inline const gs_value &value_at(const gs_sample_batch &batch, size_t i) {
    return *reinterpret_cast<const gs_value *>(reinterpret_cast<const char *>(batch.values) +
                                               i * batch.value_stride);
}

// ---------------------------------------------------------------------------------------------
// Sources, as a driver receives them

// Keys of a site file's source entry that the kernel reads itself; a driver checks the others.
inline bool is_kernel_source_key(const std::string &key) {
    return key == "name" || key == "profile" || key == "driver" || key == "period_ms" ||
           key == "enabled" || key == "location" || key == "circuits";
}
// Keys of a profile point, or of a profile command (name, value; since ABI 1.1), that the
// kernel reads itself; a driver checks the others.
inline bool is_kernel_point_key(const std::string &key) {
    return key == "data" || key == "circuit" || key == "source" || key == "states" ||
           key == "description" || key == "name" || key == "value";
}

struct Point {
    uint32_t circuit = 0;
    std::string data;
    std::string unit;
    ptree attrs;
};

struct Source {
    std::string name;
    std::string profile;
    uint32_t circuit_count = 0;
    int64_t period_ms = 0;
    ptree attrs;
    ptree defaults;
    std::vector<Point> points;
    // The profile's commands (ABI 1.1): write-only points named after the command; never
    // polled. Empty when the kernel is older.
    std::vector<Point> commands;

    static Source from(const Host &host, const gs_source &src) {
        Source s;
        s.name = src.name ? src.name : "";
        s.profile = src.profile ? src.profile : "";
        s.circuit_count = src.circuit_count;
        s.period_ms = src.period_ms;
        if (src.attrs) s.attrs = host.config(src.attrs);
        if (src.defaults) s.defaults = host.config(src.defaults);
        s.points = point_array(host, src.points, src.point_count, src.point_stride);
        if (GS_HAS_FIELD(&src, gs_source, command_stride))
            s.commands = point_array(host, src.commands, src.command_count, src.command_stride);
        return s;
    }

private:
    // An array of gs_point as the host laid it out (`stride` bytes apart).
    static std::vector<Point> point_array(const Host &host, const gs_point *first, size_t count,
                                          size_t stride) {
        std::vector<Point> out;
        for (size_t i = 0; first && i < count; ++i) {
            const auto &p = *reinterpret_cast<const gs_point *>(
                reinterpret_cast<const char *>(first) + i * stride);
            out.push_back(Point{p.circuit, p.data ? p.data : "", p.unit ? p.unit : "",
                                p.attrs ? host.config(p.attrs) : ptree()});
        }
        return out;
    }
};

// One link's polling counters since start (a driver's poll_counters(), ABI 1.5).
struct PollCounters {
    std::string link; // "tcp 127.0.0.1:1502", "rtu /dev/ttyUSB0"...
    uint64_t requests = 0;
    uint64_t errors = 0; // requests not answered with data
};

// Since ABI 1.5: tells the kernel what the device of `source` identified as (the profile id and
// the circuits it really has; gridscope.device/1, services/device.h) and returns the source as
// the kernel now describes it: the identified profile's defaults and commands and only the
// points the circuits' models collect, to poll from then on. std::nullopt when the host offers
// no device service (an older kernel): the driver goes on with what it knows. Throws gs::Error
// with the kernel's reason when the declaration is refused. [plugin-thread or kernel-thread]
inline std::optional<Source> declare_identified(const Host &host, const std::string &source,
                                                const std::string &profile,
                                                const std::vector<uint32_t> &circuits) {
    const auto *device = host.service<gs_device_service_v1>(GS_DEVICE_SERVICE_V1);
    if (!device || !GS_HAS_FIELD(device, gs_device_service_v1, declare_identified) ||
        !device->declare_identified)
        return std::nullopt;
    gs_identified_source identified{sizeof(gs_identified_source),
                                    0,
                                    source.c_str(),
                                    profile.c_str(),
                                    circuits.data(),
                                    circuits.size()};
    struct Answer {
        const Host *host;
        std::optional<Source> source;
    } answer{&host, std::nullopt};
    auto on_source = [](void *payload, const gs_source *src) -> gs_status {
        auto *a = static_cast<Answer *>(payload);
        try {
            a->source = Source::from(*a->host, *src);
        } catch (...) {
            return GS_ERR_FAILED;
        }
        return GS_OK;
    };
    char why[512] = "";
    gs_status st = device->declare_identified(device->context, &identified, on_source, &answer, why,
                                              sizeof why);
    if (st != GS_OK)
        throw Error("declaring source '" + source + "' as " + profile + ": " +
                        (*why ? why : "refused (status " + std::to_string(st) + ")"),
                    st);
    if (!answer.source)
        throw Error("the kernel accepted source '" + source + "' but described no source");
    return answer.source;
}

// ---------------------------------------------------------------------------------------------
// Base class and thunks

class Plugin {
public:
    explicit Plugin(Host host) : host_(host) {}
    virtual ~Plugin() = default;
    Plugin(const Plugin &) = delete;
    Plugin &operator=(const Plugin &) = delete;

    const Host &host() const { return host_; }
    ptree config() const { return host_.config(nullptr); }
    // This instance's section read through the plugin's config map: config(config_fields).
    template <size_t N> Config config(const gs_config_field (&fields)[N]) const {
        return Config(host_.config(nullptr), fields);
    }

private:
    Host host_;
};

// ---------------------------------------------------------------------------------------------
// The exception-to-status ladder, in one place

// A domain hook that knows no exception: every other std::exception is GS_ERR_FAILED.
struct NoDomainErrors {
    gs_status operator()(const std::exception &) const noexcept { return GS_OK; }
};

// Runs f (returning void or a gs_status) and turns an exception into a status, reported with
// its message through set_error (when host is not NULL):
//   gs::Error (RetryLater, InvalidArgument, ...)  its code()
//   std::bad_alloc                                GS_ERR_NO_MEMORY
//   another std::exception                        domain(e) when not GS_OK (a core's own error
//                                                 type, e.g. a store error with its code), else
//                                                 GS_ERR_FAILED
//   anything else                                 GS_ERR_FAILED
// A plugin class declaring `static gs_status status_of(const std::exception &) noexcept`
// (GS_OK: not one of its exceptions) has it used as the hook by every thunk below.
template <class F, class Domain = NoDomainErrors>
gs_status guarded(const gs_host *host, F &&f, Domain &&domain = {}) noexcept {
    auto report = [host](gs_status code, const char *message) {
        if (host) host->set_error(host, code, message);
        return code;
    };
    try {
        if constexpr (std::is_void_v<decltype(f())>) {
            f();
            return GS_OK;
        } else {
            return f();
        }
    } catch (const Error &e) {
        return report(e.code(), e.what());
    } catch (const std::bad_alloc &) {
        return report(GS_ERR_NO_MEMORY, "out of memory");
    } catch (const std::exception &e) {
        gs_status code = GS_OK;
        try {
            code = domain(e);
        } catch (...) {
        }
        return report(code != GS_OK ? code : GS_ERR_FAILED, e.what());
    } catch (...) {
        return report(GS_ERR_FAILED, "unknown exception");
    }
}

namespace detail {

template <class T, class = void> struct has_status_of : std::false_type {};
template <class T>
struct has_status_of<T, std::void_t<decltype(T::status_of(std::declval<const std::exception &>()))>>
    : std::true_type {};

// T's domain hook (T::status_of) when it declares one.
template <class T> gs_status domain_status(const std::exception &e) noexcept {
    if constexpr (has_status_of<T>::value)
        return T::status_of(e);
    else
        return GS_OK;
}

// The ladder with T's hook: what every thunk of T runs its call through.
template <class T, class F> gs_status guarded(const gs_host *host, F &&f) noexcept {
    return gs::guarded(host, std::forward<F>(f), &domain_status<T>);
}

template <class T> T &self(gs_instance *instance) {
    return *reinterpret_cast<T *>(instance);
}
template <class T> const gs_host *host_of(gs_instance *instance) {
    return self<T>(instance).host().raw();
}

#define GS_DETAIL_HAS_MEMBER(name)                                                                 \
    template <class T, class = void> struct has_##name : std::false_type {};                       \
    template <class T> struct has_##name<T, std::void_t<decltype(&T::name)>> : std::true_type {};
GS_DETAIL_HAS_MEMBER(read)
GS_DETAIL_HAS_MEMBER(write)
GS_DETAIL_HAS_MEMBER(scan)
GS_DETAIL_HAS_MEMBER(describe)
GS_DETAIL_HAS_MEMBER(poll_counters)
GS_DETAIL_HAS_MEMBER(diagnostics)
GS_DETAIL_HAS_MEMBER(bus_trace)
GS_DETAIL_HAS_MEMBER(consume_samples)
GS_DETAIL_HAS_MEMBER(consume_event)
GS_DETAIL_HAS_MEMBER(flush)
GS_DETAIL_HAS_MEMBER(on_samples)
GS_DETAIL_HAS_MEMBER(on_event)
GS_DETAIL_HAS_MEMBER(get_service)
GS_DETAIL_HAS_MEMBER(site_changed)
GS_DETAIL_HAS_MEMBER(config_fields)
GS_DETAIL_HAS_MEMBER(connection_options)
GS_DETAIL_HAS_MEMBER(scan_options)
GS_DETAIL_HAS_MEMBER(tools)
GS_DETAIL_HAS_MEMBER(source_fields)
GS_DETAIL_HAS_MEMBER(site_sections)
#undef GS_DETAIL_HAS_MEMBER

template <class T> gs_status create(const gs_host *host, gs_instance **out) noexcept {
    T *made = nullptr;
    gs_status st = guarded<T>(host, [&] { made = new T(Host(host)); });
    if (st == GS_OK) *out = reinterpret_cast<gs_instance *>(made);
    return st;
}
template <class T> void destroy(gs_instance *instance) noexcept {
    try {
        delete &self<T>(instance);
    } catch (...) {
    }
}
template <class T> gs_status start(gs_instance *i) noexcept {
    return guarded<T>(host_of<T>(i), [&] { self<T>(i).start(); });
}
template <class T> gs_status stop(gs_instance *i) noexcept {
    return guarded<T>(host_of<T>(i), [&] { self<T>(i).stop(); });
}

// A batch as a C++ object: calls T::method(const gs_sample_batch &).
#define GS_DETAIL_BATCH_THUNK(method)                                                              \
    template <class T> gs_status method(gs_instance *i, const gs_sample_batch *batch) noexcept {   \
        return guarded<T>(host_of<T>(i), [&] { self<T>(i).method(*batch); });                      \
    }
#define GS_DETAIL_EVENT_THUNK(method)                                                              \
    template <class T> gs_status method(gs_instance *i, const gs_event *event) noexcept {          \
        return guarded<T>(host_of<T>(i), [&] { self<T>(i).method(*event); });                      \
    }
GS_DETAIL_BATCH_THUNK(append_samples)
GS_DETAIL_BATCH_THUNK(consume_samples)
GS_DETAIL_BATCH_THUNK(on_samples)
GS_DETAIL_EVENT_THUNK(append_event)
GS_DETAIL_EVENT_THUNK(consume_event)
GS_DETAIL_EVENT_THUNK(on_event)
#undef GS_DETAIL_BATCH_THUNK
#undef GS_DETAIL_EVENT_THUNK

template <class T> gs_status flush(gs_instance *i) noexcept {
    return guarded<T>(host_of<T>(i), [&] { self<T>(i).flush(); });
}
template <class T> gs_status site_changed(gs_instance *i) noexcept {
    return guarded<T>(host_of<T>(i), [&] { self<T>(i).site_changed(); });
}
template <class T> const void *get_service(gs_instance *i, const char *service_id) noexcept {
    try {
        return self<T>(i).get_service(service_id);
    } catch (...) {
        return nullptr;
    }
}

// Driver thunks
template <class T>
gs_status validate_point(const gs_host *host, const gs_config *defaults,
                         const gs_config *point) noexcept {
    return guarded<T>(host, [&] {
        Host h(host);
        T::validate_point(h, defaults ? h.config(defaults) : ptree(), h.config(point));
    });
}
template <class T> gs_status add_source(gs_instance *i, const gs_source *source) noexcept {
    return guarded<T>(host_of<T>(i), [&] {
        T &plugin = self<T>(i);
        plugin.add_source(Source::from(plugin.host(), *source));
    });
}
// T::read(source) returns the batches to hand over.
template <class T>
gs_status read(gs_instance *i, const char *source, gs_values_fn on_values, void *payload) noexcept {
    return guarded<T>(host_of<T>(i), [&] {
        std::vector<SampleBatch> batches = self<T>(i).read(std::string(source));
        for (auto &b : batches) {
            gs_status st = on_values(payload, &b.view());
            if (st != GS_OK) throw Error("read: the host refused the values", st);
        }
    });
}
template <class T>
gs_status write(gs_instance *i, const char *source, uint32_t circuit, const char *data,
                double value) noexcept {
    return guarded<T>(host_of<T>(i), [&] { self<T>(i).write(source, circuit, data, value); });
}
// T::scan(params, report) where report(std::vector<std::pair<std::string,std::string>>).
template <class T>
gs_status scan(gs_instance *i, const gs_config *params, gs_found_fn on_found,
               void *payload) noexcept {
    return guarded<T>(host_of<T>(i), [&] {
        T &plugin = self<T>(i);
        auto report = [&](const std::vector<std::pair<std::string, std::string>> &found) {
            std::vector<const char *> keys, values;
            for (const auto &kv : found) {
                keys.push_back(kv.first.c_str());
                values.push_back(kv.second.c_str());
            }
            gs_status st = on_found(payload, keys.data(), values.data(), keys.size());
            if (st != GS_OK) throw Error("scan: the host stopped the scan", st);
        };
        plugin.scan(params ? plugin.host().config(params) : ptree(), report);
    });
}

// T::describe(source, json) returns the text.
template <class T>
gs_status describe(gs_instance *i, const char *source, int32_t json, gs_text_fn on_text,
                   void *payload) noexcept {
    return guarded<T>(host_of<T>(i), [&] {
        std::string text = self<T>(i).describe(std::string(source), json != 0);
        gs_status st = on_text(payload, text.c_str());
        if (st != GS_OK) throw Error("describe: the host refused the text", st);
    });
}

// T::poll_counters() returns {link, requests, errors} per link (ABI 1.5).
template <class T>
gs_status poll_counters(gs_instance *i, gs_poll_counters_fn on_link, void *payload) noexcept {
    return guarded<T>(host_of<T>(i), [&] {
        for (const PollCounters &c : self<T>(i).poll_counters()) {
            gs_poll_counters raw{sizeof(gs_poll_counters), 0, c.link.c_str(), c.requests, c.errors};
            gs_status st = on_link(payload, &raw);
            if (st != GS_OK) throw Error("poll_counters: the host stopped the walk", st);
        }
    });
}

// T::diagnostics() returns the JSON document (ABI 1.6).
template <class T>
gs_status diagnostics(gs_instance *i, gs_text_fn on_json, void *payload) noexcept {
    return guarded<T>(host_of<T>(i), [&] {
        std::string text = self<T>(i).diagnostics();
        gs_status st = on_json(payload, text.c_str());
        if (st != GS_OK) throw Error("diagnostics: the host refused the text", st);
    });
}
// T::bus_trace(link) returns the JSON document; throws Error(GS_ERR_NOT_FOUND) for no such
// link (ABI 1.6).
template <class T>
gs_status bus_trace(gs_instance *i, const char *link, gs_text_fn on_json, void *payload) noexcept {
    return guarded<T>(host_of<T>(i), [&] {
        std::string text = self<T>(i).bus_trace(std::string(link ? link : ""));
        gs_status st = on_json(payload, text.c_str());
        if (st != GS_OK) throw Error("bus_trace: the host refused the text", st);
    });
}

// The thunk for an optional entry when T has the method, else NULL ("not supported"). The
// thunk's body is instantiated only in the first case.
#define GS_DETAIL_OPT(T, name)                                                                     \
    ([] {                                                                                          \
        if constexpr (has_##name<T>::value)                                                        \
            return &detail::name<T>;                                                               \
        else                                                                                       \
            return static_cast<decltype(&detail::name<T>)>(nullptr);                               \
    }())

template <class T> const void *vtable() {
    if constexpr (T::kind == GS_KIND_DRIVER) {
        static const gs_driver_vtable vt = [] {
            gs_driver_vtable v = {sizeof(gs_driver_vtable),
                                  &create<T>,
                                  &destroy<T>,
                                  &start<T>,
                                  &stop<T>,
                                  &validate_point<T>,
                                  &add_source<T>,
                                  GS_DETAIL_OPT(T, read),
                                  GS_DETAIL_OPT(T, write),
                                  GS_DETAIL_OPT(T, scan),
                                  GS_DETAIL_OPT(T, describe),
                                  nullptr,
                                  0,
                                  nullptr,
                                  0,
                                  nullptr,
                                  0,
                                  GS_DETAIL_OPT(T, poll_counters),
                                  GS_DETAIL_OPT(T, diagnostics),
                                  GS_DETAIL_OPT(T, bus_trace)};
            if constexpr (has_source_fields<T>::value) {
                v.source_fields = T::source_fields;
                v.source_field_count = sizeof(T::source_fields) / sizeof(T::source_fields[0]);
            }
            if constexpr (has_connection_options<T>::value) {
                // The command-line options of `gridscope read`/`plan` (gs_cli_option).
                v.connection_options = T::connection_options;
                v.connection_option_count =
                    sizeof(T::connection_options) / sizeof(T::connection_options[0]);
            }
            if constexpr (has_scan_options<T>::value) {
                // The command-line settings of `gridscope discover` (ABI 1.4).
                v.scan_options = T::scan_options;
                v.scan_option_count = sizeof(T::scan_options) / sizeof(T::scan_options[0]);
            }
            return v;
        }();
        return &vt;
    } else if constexpr (T::kind == GS_KIND_STORAGE) {
        static const gs_storage_vtable vt = {sizeof(gs_storage_vtable),
                                             &create<T>,
                                             &destroy<T>,
                                             &start<T>,
                                             &stop<T>,
                                             &append_samples<T>,
                                             &append_event<T>,
                                             GS_DETAIL_OPT(T, get_service),
                                             GS_DETAIL_OPT(T, site_changed)};
        return &vt;
    } else if constexpr (T::kind == GS_KIND_EXPORTER) {
        static const gs_exporter_vtable vt = {sizeof(gs_exporter_vtable),
                                              &create<T>,
                                              &destroy<T>,
                                              &start<T>,
                                              &stop<T>,
                                              GS_DETAIL_OPT(T, consume_samples),
                                              GS_DETAIL_OPT(T, consume_event),
                                              GS_DETAIL_OPT(T, flush),
                                              GS_DETAIL_OPT(T, site_changed),
                                              GS_DETAIL_OPT(T, get_service)};
        return &vt;
    } else {
        static_assert(T::kind == GS_KIND_UI, "T::kind must be a gs_plugin_kind");
        static const gs_ui_vtable vt = {sizeof(gs_ui_vtable),
                                        &create<T>,
                                        &destroy<T>,
                                        &start<T>,
                                        &stop<T>,
                                        GS_DETAIL_OPT(T, on_samples),
                                        GS_DETAIL_OPT(T, on_event),
                                        GS_DETAIL_OPT(T, site_changed)};
        return &vt;
    }
}
#undef GS_DETAIL_OPT

} // namespace detail

// The static descriptor of plugin class T.
template <class T> const gs_plugin_descriptor *descriptor() {
    static const gs_plugin_descriptor d = [] {
        gs_plugin_descriptor out{};
        out.struct_size = sizeof(gs_plugin_descriptor);
        out.kind = static_cast<uint32_t>(T::kind);
        out.id = T::id;
        out.version = T::version;
        out.description = T::description;
        if constexpr (detail::has_config_fields<T>::value) {
            out.config_fields = T::config_fields;
            out.config_field_count = sizeof(T::config_fields) / sizeof(T::config_fields[0]);
        }
        out.vtable = detail::vtable<T>();
        if constexpr (detail::has_tools<T>::value) { // since 1.3: T::tools, gs_tool pointers
            out.tools = T::tools;
            out.tool_count = sizeof(T::tools) / sizeof(T::tools[0]);
        }
        if constexpr (detail::has_site_sections<T>::value) { // since 1.4: "alarms", ...
            out.site_sections = T::site_sections;
            out.site_section_count = sizeof(T::site_sections) / sizeof(T::site_sections[0]);
        }
        return out;
    }();
    return &d;
}

} // namespace gs

// Declares the module's entry point; list the plugins' descriptors after the name:
//   GS_DECLARE_MODULE("my_module", gs::descriptor<A>(), gs::descriptor<B>())
#define GS_DECLARE_MODULE(module_name, ...)                                                        \
    extern "C" GS_EXPORT const gs_module *gs_module_entry(uint32_t host_abi_version) {             \
        if (GS_ABI_MAJOR_OF(host_abi_version) != GS_ABI_VERSION_MAJOR) return nullptr;             \
        static const gs_plugin_descriptor *const plugins[] = {__VA_ARGS__};                        \
        static const gs_module module = {sizeof(gs_module), GS_ABI_VERSION, module_name, plugins,  \
                                         sizeof(plugins) / sizeof(plugins[0])};                    \
        return &module;                                                                            \
    }

#endif // GRIDSCOPE_PLUGIN_HPP
