#include "runtime/discovery.hpp"

#include "runtime/plugin_calls.hpp"
#include "runtime/runtime.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <regex>

namespace gs::kernel {

namespace {

int64_t utc_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool is_integer(const std::string &s) {
    size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
    return s.size() > start && s.size() < 19 &&
           s.find_first_not_of("0123456789", start) == std::string::npos;
}

void copy_message(const std::string &why, char *message, size_t size) {
    if (!message || !size) return;
    size_t n = std::min(why.size(), size - 1);
    std::memcpy(message, why.data(), n);
    message[n] = '\0';
}

// How long start() waits for the driver to take or refuse its settings: a driver reports its
// first progress once it parsed them, before any probe.
constexpr auto kSettleWait = std::chrono::seconds(5);

} // namespace

YAML::Node scan_settings(const std::vector<const gs_cli_option *> &declared,
                         const std::vector<std::pair<std::string, std::string>> &given,
                         std::string &why) {
    YAML::Node out(YAML::NodeType::Map);
    std::string keys;
    for (const gs_cli_option *o : declared)
        keys += (keys.empty() ? "" : ", ") + std::string(o->key);
    auto find = [&](const std::string &key) -> const gs_cli_option * {
        for (const gs_cli_option *o : declared)
            if (key == o->key) return o;
        return nullptr;
    };
    int addresses = 0, address_options = 0;
    for (const auto &[key, value] : given) {
        const gs_cli_option *o = find(key);
        if (!o) {
            why = "unknown setting '" + key + "' (expected " + keys + ")";
            return {};
        }
        if (out[key]) {
            why = "setting '" + key + "' is given twice";
            return {};
        }
        if (o->integer && !is_integer(value)) {
            why = "setting '" + key + "': expected an integer";
            return {};
        }
        if (o->integer)
            out[key] = std::stoll(value);
        else
            out[key] = value;
        addresses += o->address ? 1 : 0;
    }
    std::string address_keys;
    for (const gs_cli_option *o : declared)
        if (o->address) {
            ++address_options;
            address_keys += (address_keys.empty() ? "" : " or ") + std::string(o->key);
        }
    if (address_options && addresses != 1) {
        why =
            addresses ? "give one address: " + address_keys : "give where to scan: " + address_keys;
        return {};
    }
    for (const gs_cli_option *o : declared)
        if (!o->address && !out[o->key] && o->default_value &&
            (!o->only_with || out[o->only_with])) {
            if (o->integer)
                out[o->key] = std::stoll(o->default_value);
            else
                out[o->key] = o->default_value;
        }
    return out;
}

std::pair<uint64_t, uint64_t> scan_progress_of(const std::string &message) {
    static const std::regex pattern(R"(\bunit (\d{1,15})/(\d{1,15}))");
    std::smatch m;
    if (!std::regex_search(message, m, pattern)) return {0, 0};
    uint64_t done = std::stoull(m[1]), total = std::stoull(m[2]);
    return done <= total ? std::make_pair(done, total) : std::make_pair<uint64_t, uint64_t>(0, 0);
}

gs_status Runtime::scan(const std::string &driver, const YAML::Node &params,
                        const ScanCallbacks &callbacks, std::string &why) {
    auto plugin = registry_.find(driver);
    if (!plugin || !plugin->driver() || !plugin->driver()->scan) {
        why = plugin ? "driver '" + driver + "' cannot scan"
                     : "driver '" + driver + "' is not installed";
        return GS_ERR_NOT_FOUND;
    }
    std::shared_ptr<const SiteSnapshot> snapshot;
    {
        std::lock_guard<std::mutex> lock(state_mutex_);
        snapshot = site_;
    }
    // The driver's progress goes to the caller (a progress bar), not to the bus and storage.
    auto events = [this, &callbacks](const gs_event &e) -> gs_status {
        if (e.type && std::string(e.type) == "discovery.progress") {
            if (callbacks.progress) callbacks.progress(e.message ? e.message : "");
            return GS_OK;
        }
        return bus_.publish(e);
    };
    Diagnostics diag;
    auto inst = create_instance(plugin, snapshot, diag, events);
    if (!inst) {
        why = diag.str();
        return GS_ERR_INVALID_ARG;
    }
    auto on_found = [](void *payload, const char *const *keys, const char *const *values,
                       size_t count) -> gs_status {
        FoundDevice device;
        for (size_t i = 0; i < count; ++i)
            device.emplace_back(keys[i] ? keys[i] : "", values[i] ? values[i] : "");
        const auto &cb = *static_cast<const ScanCallbacks *>(payload);
        return !cb.found || cb.found(device) ? GS_OK : GS_ERR_STATE;
    };
    const gs_driver_vtable *vt = plugin->driver();
    gs_status st = call_plugin(inst->host->who(), "scan", [&] {
        return vt->scan(inst->handle, inst->host->handle(params, "(scan settings)"), on_found,
                        const_cast<ScanCallbacks *>(&callbacks));
    });
    if (st != GS_OK) why = inst->host->take_error("scan failed (" + status_text(st) + ")");
    return st;
}

DiscoveryJobs::DiscoveryJobs(Runtime &runtime, PluginRegistry &registry)
    : runtime_(runtime), registry_(registry) {
    service_ = gs_discovery_service_v1{sizeof(gs_discovery_service_v1),
                                       0,
                                       this,
                                       &drivers_thunk,
                                       &start_thunk,
                                       &status_thunk,
                                       &cancel_thunk};
}

DiscoveryJobs::~DiscoveryJobs() {
    stop();
}

void DiscoveryJobs::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        cancel_ = true;
    }
    if (worker_.joinable()) worker_.join();
}

void DiscoveryJobs::open() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = false;
}

gs_status DiscoveryJobs::start(const std::string &driver,
                               const std::vector<std::pair<std::string, std::string>> &given,
                               std::string &why) {
    auto plugin = registry_.find(driver);
    if (!plugin || !plugin->driver() || !plugin->driver()->scan) {
        why = plugin ? "driver '" + driver + "' cannot scan"
                     : "no driver '" + driver + "' is installed";
        return GS_ERR_NOT_FOUND;
    }
    YAML::Node params = scan_settings(plugin->scan_options, given, why);
    if (!why.empty()) return GS_ERR_INVALID_ARG;
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_) {
        why = "the site is stopping";
        return GS_ERR_STATE;
    }
    if (state_ == GS_DISCOVERY_RUNNING) {
        why = "a scan runs already (" + driver_ + ")";
        return GS_ERR_RETRY_LATER;
    }
    if (worker_.joinable()) worker_.join(); // the last scan's thread, ended
    state_ = GS_DISCOVERY_RUNNING;
    cancel_ = settled_ = false;
    result_ = GS_OK;
    driver_ = driver;
    message_.clear();
    done_ = total_ = 0;
    started_ns_ = utc_now_ns();
    ended_ns_ = 0;
    found_.clear();
    worker_ = std::thread(&DiscoveryJobs::run, this, plugin, params);
    changed_.wait_for(lock, kSettleWait, [&] { return settled_; });
    if (state_ == GS_DISCOVERY_FAILED && result_ == GS_ERR_INVALID_ARG) {
        why = message_;
        return GS_ERR_INVALID_ARG;
    }
    return GS_OK;
}

void DiscoveryJobs::run(std::shared_ptr<const LoadedPlugin> plugin, YAML::Node params) {
    ScanCallbacks callbacks;
    callbacks.progress = [this](const std::string &message) {
        std::lock_guard<std::mutex> lock(mutex_);
        message_ = message;
        auto [done, total] = scan_progress_of(message);
        if (total) {
            done_ = done;
            total_ = total;
        }
        settled_ = true;
        changed_.notify_all();
    };
    callbacks.found = [this](const FoundDevice &device) {
        std::lock_guard<std::mutex> lock(mutex_);
        found_.push_back(device);
        return !cancel_;
    };
    std::string why;
    gs_status st = runtime_.scan(plugin->id, params, callbacks, why);
    std::lock_guard<std::mutex> lock(mutex_);
    result_ = st;
    if (st == GS_OK && !cancel_)
        state_ = GS_DISCOVERY_DONE;
    else if (cancel_)
        state_ = GS_DISCOVERY_CANCELLED;
    else {
        state_ = GS_DISCOVERY_FAILED;
        message_ = why;
    }
    ended_ns_ = utc_now_ns();
    settled_ = true;
    changed_.notify_all();
}

gs_status DiscoveryJobs::drivers_thunk(void *context, gs_discovery_driver_fn on_driver,
                                       void *payload) {
    if (!on_driver) return GS_ERR_INVALID_ARG;
    auto &self = *static_cast<DiscoveryJobs *>(context);
    for (const auto &plugin : self.registry_.all()) {
        if (!plugin->driver() || !plugin->driver()->scan) continue;
        gs_status st = on_driver(payload, plugin->id.c_str(), plugin->scan_options.data(),
                                 plugin->scan_options.size());
        if (st != GS_OK) return st;
    }
    return GS_OK;
}

gs_status DiscoveryJobs::start_thunk(void *context, const char *driver, const char *const *keys,
                                     const char *const *values, size_t count, char *message,
                                     size_t message_size) {
    std::string why;
    gs_status st = GS_ERR_INVALID_ARG;
    std::vector<std::pair<std::string, std::string>> given;
    for (size_t i = 0; i < count && keys && values; ++i)
        given.emplace_back(keys[i] ? keys[i] : "", values[i] ? values[i] : "");
    if (!driver || (count && (!keys || !values)))
        why = "driver and settings are required";
    else
        st = static_cast<DiscoveryJobs *>(context)->start(driver, given, why);
    copy_message(why, message, message_size);
    return st;
}

gs_status DiscoveryJobs::status_thunk(void *context, gs_discovery_status_fn on_status,
                                      gs_found_fn on_device, void *payload) {
    auto &self = *static_cast<DiscoveryJobs *>(context);
    // A copy, so that the callbacks run without the lock (the scan goes on meanwhile).
    std::string driver, message;
    std::vector<FoundDevice> found;
    gs_discovery_status s{sizeof(gs_discovery_status), 0, nullptr, nullptr, 0, 0, 0, 0, 0};
    {
        std::lock_guard<std::mutex> lock(self.mutex_);
        driver = self.driver_;
        message = self.message_;
        found = self.found_;
        s.state = self.state_;
        s.done = self.done_;
        s.total = self.total_;
        s.started_utc_ns = self.started_ns_;
        s.ended_utc_ns = self.ended_ns_;
    }
    s.driver = driver.c_str();
    s.message = message.c_str();
    s.found = found.size();
    if (on_status)
        if (gs_status st = on_status(payload, &s); st != GS_OK) return st;
    if (!on_device) return GS_OK;
    for (const auto &device : found) {
        std::vector<const char *> keys, values;
        for (const auto &[k, v] : device) {
            keys.push_back(k.c_str());
            values.push_back(v.c_str());
        }
        if (gs_status st = on_device(payload, keys.data(), values.data(), keys.size()); st != GS_OK)
            return st;
    }
    return GS_OK;
}

gs_status DiscoveryJobs::cancel_thunk(void *context) {
    auto &self = *static_cast<DiscoveryJobs *>(context);
    std::lock_guard<std::mutex> lock(self.mutex_);
    if (self.state_ != GS_DISCOVERY_RUNNING) return GS_ERR_STATE;
    self.cancel_ = true;
    return GS_OK;
}

} // namespace gs::kernel
