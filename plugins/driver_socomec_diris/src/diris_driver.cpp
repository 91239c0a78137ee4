#include "diris_driver.hpp"

#include "circuits.hpp"
#include "scanner.hpp"

#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>

#include <algorithm>
#include <optional>

#include <stdexcept>
#include <tuple>

namespace gs::socomec {

namespace {

using namespace gs::modbus;

std::string version_text(uint16_t v) {
    return std::to_string(v / 100) + "." + (v % 100 < 10 ? "0" : "") + std::to_string(v % 100);
}

// The scan's tcp parameter, parsed as a source's tcp field.
TcpEndpoint parse_tcp(const std::string &text) {
    TcpEndpoint e;
    try {
        std::tie(e.host, e.port) = parse_host_port("tcp", text);
    } catch (const std::invalid_argument &error) {
        throw gs::InvalidArgument(error.what());
    }
    return e;
}

const char *const kScanKeys[] = {"tcp",   "ip_range",   "port",
                                 "units", "timeout_ms", "max_duration_ms"};

} // namespace

DirisDriver::DirisDriver(gs::Host host) : DriverBase(host) {
    gs::Config cfg = config(config_fields);
    identify_retry_ms_ = cfg.get<int64_t>("identify_retry_ms");
    profiles_dir_ = cfg.find<std::string>("profiles_dir").value_or("");
    if (auto *rt = this->host().service<gs_runtime_service_v1>(GS_RUNTIME_SERVICE_V1))
        if (rt->share_dir && *rt->share_dir)
            share_profiles_dir_ = std::string(rt->share_dir) + "/profiles";
}

DirisDriver::~DirisDriver() {
    stop();
}

void DirisDriver::add_source(const gs::Source &source) {
    const bool automatic = source.profile == kAutoProfile;
    DirisEntry &a = add_entry(source, !automatic);
    a.source = source;
    a.automatic = automatic;
    a.resolved = !automatic;
    if (automatic) a.profile = "";
}

const std::vector<ProfileDef> &DirisDriver::definitions() {
    // [kernel-thread] loaded by start() or scan() before any worker thread reads it.
    if (definitions_loaded_) return definitions_;
    definitions_loaded_ = true;
    std::vector<ProfileDef> from_site, from_files;
    auto *site = host().service<gs_site_service_v1>(GS_SITE_SERVICE_V1);
    if (site && site->site_json) {
        try {
            from_site = profile_defs_from_site_json(site->site_json);
        } catch (const std::exception &e) {
            host().warning(e.what());
        }
    }
    // The profile files complete the site document (or stand in for it): set profiles_dir.
    std::string dir = profiles_dir_;
    if (dir.empty() && from_site.empty()) dir = share_profiles_dir_;
    if (!dir.empty()) {
        std::vector<std::string> errors;
        from_files = load_profile_dir(dir, errors);
        for (const auto &e : errors)
            host().warning("profile skipped: " + e);
    }
    definitions_ = merge_profiles(std::move(from_site), from_files);
    definitions_.erase(
        std::remove_if(definitions_.begin(), definitions_.end(),
                       [](const ProfileDef &d) { return d.info.id == kAutoProfile; }),
        definitions_.end()); // the placeholder is never a device's profile
    return definitions_;
}

std::vector<ProfileInfo> DirisDriver::known_profiles() {
    std::vector<ProfileInfo> out;
    for (const auto &d : definitions())
        out.push_back(d.info);
    return out;
}

bool DirisDriver::identify(const UnitReader &read, DirisEntry &a) {
    const std::string &name = a.source.name;
    const DeviceConfig &dev = a.config.device;
    std::string where =
        "unit " + std::to_string(dev.unit) + " at " + modbus::describe(a.config.endpoint);
    Probe probe = probe_unit(read, dev.unit, dev.timeout_ms);
    if (!probe.identity && (probe.timed_out || probe.disconnected || !probe.answered)) {
        host().warning(name + ": " + where + " did not answer the identification request");
        return false;
    }
    if (!probe.identity) {
        host().warning(name + ": " + where + " is not a SOCOMEC device (no 'SOCO' at 50000)" +
                       (a.automatic ? ": no profile can be chosen, the source is not polled" : ""));
        a.automatic = false; // nothing to retry: a non-SOCOMEC device stays so
        return true;
    }
    const Identity &id = *probe.identity;
    std::vector<ProfileInfo> profiles = known_profiles();
    Match m = match_profile(id, profiles);
    std::string model = id.model().empty() ? "(no model name)" : "'" + id.model() + "'";
    host().info(name + ": " + where + " is a SOCOMEC " +
                (id.family().empty() ? std::string("device") : id.family()) + " " + model +
                ", order id " + std::to_string(id.product_order_id) + ", software " +
                version_text(id.software_version) +
                (m.profile ? " -> profile " + m.profile->id : " -> no profile"));
    if (!a.automatic) {
        if (m.profile && m.profile->id != a.profile)
            host().warning(name + ": the device reports " + model + " (profile " + m.profile->id +
                           ") but the source is configured with profile " + a.profile +
                           "; polling with " + a.profile);
        else if (!m.profile)
            host().warning(name + ": unknown SOCOMEC model " + model + "; polling with " +
                           a.profile);
        return true;
    }
    if (!m.profile) {
        host().error(name + ": unknown SOCOMEC model " + model +
                     ": no profile matches, the source is not polled");
        a.automatic = false; // not retried
        return true;
    }
    const auto &defs = definitions_;
    auto file = std::find_if(defs.begin(), defs.end(),
                             [&](const ProfileDef &f) { return f.info.id == m.profile->id; });
    if (file == defs.end() || file->points.empty()) {
        host().error(name + ": the points of profile " + m.profile->id +
                     " are not known (neither in the site document nor in profiles_dir): the "
                     "source is not polled");
        a.automatic = false;
        return true;
    }
    // The circuits the device really has (a B-30's enabled loads), then the kernel is told.
    std::optional<std::vector<uint32_t>> circuits;
    try {
        circuits = present_circuits(read, dev.unit, dev.timeout_ms, *file);
    } catch (const std::invalid_argument &e) {
        host().error(name + ": " + e.what() + ": the source is not polled");
        a.automatic = false;
        return true;
    }
    if (!circuits) {
        host().warning(name + ": " + where + " did not answer the load status requests");
        return false; // tried again, as a device that did not answer
    }
    SourceConfig chosen;
    bool declared = false;
    try {
        if (auto config = declare_identified(name, m.profile->id, *circuits)) {
            chosen = std::move(*config);
            declared = true;
        } else {
            host().warning(name + ": the kernel takes no identified device (ABI before 1.5): "
                                  "polling every point of the device's circuits; the site keeps "
                                  "the placeholder's circuits");
        }
    } catch (const std::exception &e) {
        host().error(name + ": " + e.what() + "; polling every point of the device's circuits");
    }
    if (!declared) {
        std::vector<PointInput> points;
        for (const auto &p : file->points)
            if (p.circuit == 0 || std::count(circuits->begin(), circuits->end(), p.circuit))
                points.push_back({p.circuit, p.data, p.attrs});
        try {
            chosen = parse_source(name, a.source.period_ms, a.source.attrs, file->defaults, points);
        } catch (const std::invalid_argument &e) {
            host().error(name + ": profile " + m.profile->id + ": " + e.what());
            a.automatic = false;
            return true;
        }
    }
    std::lock_guard<std::mutex> lock(resolve_mutex_); // read() and describe() look at it
    a.config = std::move(chosen);
    a.profile = m.profile->id;
    a.resolved = true;
    return true;
}

void DirisDriver::start() {
    if (!workers_.empty()) return;
    definitions(); // loaded here, on the kernel thread
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = false;
    }
    std::map<std::string, std::vector<std::string>> by_link;
    for (const auto &[name, added] : sources_)
        by_link[added.config.link_key].push_back(name);
    for (auto &[key, names] : by_link)
        workers_.emplace_back([this, names = names] { run_gateway(names); });
    host().info("identifying " + std::to_string(sources_.size()) + " device(s) on " +
                std::to_string(by_link.size()) + " link(s)");
}

void DirisDriver::run_gateway(std::vector<std::string> names) {
    const SourceConfig &first = sources_.at(names.front()).config;
    const Endpoint endpoint = first.endpoint;
    const std::string key = first.link_key;
    std::vector<std::string> pending;
    // Until the gateway's link is open, identification has the gateway to itself (its own
    // connection); afterwards it goes through the link, between its requests.
    auto identify_all = [&](const std::vector<std::string> &which) {
        std::vector<std::string> ready, waiting;
        std::optional<Connection> own;
        UnitReader read;
        bool reachable = true;
        if (links_.has(key)) {
            read = [&](uint8_t unit, const ReadRequest &r, uint32_t t) {
                return links_.read(key, unit, r, t);
            };
        } else {
            own.emplace(endpoint);
            Status st = own->connect(link_settings().connect_timeout_ms);
            if (!st) host().warning("identification: " + st.error());
            reachable = static_cast<bool>(st);
            read = [&](uint8_t unit, const ReadRequest &r, uint32_t t) {
                if (!own->connected()) own->connect(link_settings().connect_timeout_ms);
                return own->read(unit, r, t);
            };
        }
        for (const auto &name : which) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (stopping_) break; // stop() waits for one identification at most
            }
            DirisEntry &a = sources_.at(name);
            if (reachable) identify(read, a);
            if (a.resolved)
                ready.push_back(name);
            else if (a.automatic)
                waiting.push_back(name);
        }
        pending = waiting;
        return ready;
    };
    poll(identify_all(names));
    while (!pending.empty()) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            if (wake_.wait_for(lock, std::chrono::milliseconds(identify_retry_ms_),
                               [this] { return stopping_; }))
                return;
        }
        poll(identify_all(pending));
    }
}

// [worker thread] Polls `names` (identified, so their configs no longer change): on the
// gateway's link when it is open, else on a new one.
void DirisDriver::poll(const std::vector<std::string> &names) {
    if (names.empty()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
    }
    try {
        const std::string &key = sources_.at(names.front()).config.link_key;
        if (links_.has(key)) {
            for (const auto &n : names) {
                links_.add(sources_.at(n).config);
                host().info(n + ": identified late, polled on the link of " + key);
            }
            return;
        }
        std::vector<const SourceConfig *> configs;
        for (const auto &n : names)
            configs.push_back(&sources_.at(n).config);
        links_.open(configs);
    } catch (const gs::Error &e) {
        host().error(e.what());
    }
}

void DirisDriver::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto &w : workers_)
        if (w.joinable()) w.join();
    workers_.clear();
    DriverBase::stop();
}

std::vector<gs::SampleBatch> DirisDriver::read(const std::string &name) {
    DirisEntry &a = find(name);
    bool resolved = false;
    {
        std::lock_guard<std::mutex> lock(resolve_mutex_);
        resolved = a.resolved;
    }
    if (!resolved) {
        if (!workers_.empty())
            throw gs::RetryLater("source '" + name + "': the device is not identified yet");
        definitions();
        Connection connection(a.config.endpoint);
        if (Status st = connection.connect(a.config.device.timeout_ms); !st)
            throw gs::Error(st.error(), GS_ERR_IO);
        identify([&](uint8_t unit, const ReadRequest &r,
                     uint32_t t) { return connection.read(unit, r, t); },
                 a);
        if (!a.resolved)
            throw gs::Error("source '" + name + "': no profile could be chosen for unit " +
                                std::to_string(a.config.device.unit),
                            GS_ERR_NOT_FOUND);
    }
    return DriverBase::read(name);
}

void DirisDriver::write(const std::string &name, uint32_t circuit, const std::string &data,
                        double value) {
    DirisEntry &a = find(name);
    {
        std::lock_guard<std::mutex> lock(resolve_mutex_);
        if (!a.resolved)
            throw gs::Error("source '" + name + "': the device is not identified yet",
                            GS_ERR_STATE);
    }
    DriverBase::write(name, circuit, data, value);
}

std::string DirisDriver::describe(const std::string &name, bool json) {
    DirisEntry &a = find(name);
    std::lock_guard<std::mutex> lock(resolve_mutex_);
    if (!a.resolved) {
        std::string text = "the profile is chosen from the device's identification block";
        return json ? "{\"profile\": \"" + std::string(kAutoProfile) + "\", \"note\": \"" + text +
                          "\", \"requests\": []}"
                    : std::string(kAutoProfile) + ": " + text + "\n";
    }
    return DriverBase::describe(name, json);
}

void DirisDriver::scan(const gs::ptree &params, const Report &report) {
    for (const auto &kv : params)
        if (std::find(std::begin(kScanKeys), std::end(kScanKeys), kv.first) == std::end(kScanKeys))
            throw gs::InvalidArgument("scan: unknown parameter '" + kv.first +
                                      "' (expected tcp, ip_range, port, units, timeout_ms, "
                                      "max_duration_ms)");
    ScanOptions options;
    auto timeout = params.get_optional<long>("timeout_ms");
    if (params.get_optional<std::string>("timeout_ms") &&
        (!timeout || *timeout < 10 || *timeout > 60000))
        throw gs::InvalidArgument("scan: field 'timeout_ms': expected 10..60000 ms");
    options.timeout_ms = static_cast<uint32_t>(timeout.value_or(std::stol(kScanTimeoutMs)));
    auto units = parse_units(params.get<std::string>("units", kScanUnits));
    if (!units) throw gs::InvalidArgument("scan: field " + units.error());
    options.units = units.value();
    if (auto tcp = params.get_optional<std::string>("tcp"))
        options.gateways.push_back(parse_tcp(*tcp));
    if (auto range = params.get_optional<std::string>("ip_range")) {
        auto hosts = parse_ip_range(*range);
        if (!hosts) throw gs::InvalidArgument("scan: field " + hosts.error());
        auto port = params.get_optional<long>("port");
        if (params.get_optional<std::string>("port") && (!port || *port < 1 || *port > 65535))
            throw gs::InvalidArgument("scan: field 'port': expected 1..65535");
        for (const auto &h : hosts.value())
            options.gateways.push_back(TcpEndpoint{h, static_cast<uint16_t>(port.value_or(502))});
    }
    if (options.gateways.empty())
        throw gs::InvalidArgument("scan: give 'tcp: HOST:PORT' or 'ip_range: A.B.C.D-E'");
    auto start = std::chrono::steady_clock::now();
    if (auto max = params.get_optional<long>("max_duration_ms")) {
        if (*max < 1) throw gs::InvalidArgument("scan: field 'max_duration_ms': must be positive");
        options.deadline = start + std::chrono::milliseconds(*max);
    }

    std::vector<ProfileInfo> profiles = known_profiles();
    if (profiles.empty())
        host().warning("scan: no profile is known (no site service, no profiles_dir): every "
                       "device is reported without a profile");
    bool many = options.gateways.size() > 1;
    size_t per_gateway = options.units.size();
    auto progress = [&](const ScanProgress &p) {
        std::string message;
        if (many)
            message = p.gateway + " (" +
                      std::to_string(p.done / std::max<size_t>(1, per_gateway) +
                                     (p.done < p.total ? 1 : 0)) +
                      "/" + std::to_string(options.gateways.size()) + "), ";
        message += "unit " + std::to_string(p.done) + "/" + std::to_string(p.total) + ", " +
                   std::to_string(p.found) + " found";
        publish_event(host(), "discovery.progress", GS_SEVERITY_INFO, GS_EVENT_STATE_INSTANT, "",
                      message);
    };
    auto found = [&](const FoundDevice &d) {
        Match m = match_profile(d.identity, profiles);
        auto kv = discovery_report(d.unit, d.identity, m);
        kv.emplace_back("tcp", d.gateway);
        report(kv);
    };
    ScanSummary s = scan_gateways(options, progress, found);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", seconds);
    std::string summary =
        "scan done in " + std::string(took) + " s: " + std::to_string(s.found) +
        " SOCOMEC device(s), " + std::to_string(s.other) + " other answering unit(s) left alone, " +
        std::to_string(s.silent) + " silent unit id(s)" +
        (s.unreachable ? ", " + std::to_string(s.unreachable) + " unreachable gateway(s)" : "") +
        (s.deadline_hit ? ", stopped at max_duration_ms" : "");
    publish_event(host(), "discovery.progress", GS_SEVERITY_INFO, GS_EVENT_STATE_INSTANT, "",
                  summary);
    host().info(summary);
}

} // namespace gs::socomec
