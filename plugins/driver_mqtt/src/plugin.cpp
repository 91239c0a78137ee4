// driver_mqtt: a gridscope hub's sources fed by other boxes through an MQTT broker (issue 17).
// The plugin subscribes to <topic_prefix>/# of every box of its section and publishes the box's
// polls (with their original timestamps), its events, and its loss (`offline`) as the hub's own.
// The hub's sources are learned from each box's retained description (learner.hpp) or listed by
// hand; each names its box and the source's name on that box. docs in README.md.
#include "box_client.hpp"
#include "hub.hpp"
#include "learner.hpp"
#include "settings.hpp"

#include <gridscope/plugin.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

namespace {

// The messages a stopping driver held for sources being learned, for the driver that the learn's
// reload starts next in this process (Hub::take_held). Picked up within kHandoverLife, else
// dropped (no driver came: the process is stopping, or the learn was refused).
struct Handover {
    std::mutex mutex;
    gs::hub::Hub::Held held;
    std::chrono::steady_clock::time_point at;
};
constexpr std::chrono::seconds kHandoverLife{60};
Handover &handover() {
    static Handover h;
    return h;
}

class DriverMqtt : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_DRIVER;
    static constexpr const char *id = "driver_mqtt";
    static constexpr const char *version = "0.1.0";
    static constexpr const char *description =
        "A hub's sources received from other gridscope boxes through an MQTT broker";
    static constexpr gs_config_field config_fields[] = {
        gs::field(GS_CONFIG_SECTION, "boxes", nullptr,
                  "<box name>: {broker: {host, port, username, password, tls, ca_file, "
                  "client_id}, topic_prefix, qos}",
                  true),
        gs::field(GS_CONFIG_SECTION, "retry", nullptr,
                  "{initial_ms: 1000, max_ms: 60000}: reconnection backoff (with jitter)")};
    // The keys of a source entry besides the kernel's (checked by the kernel, `gridscope
    // plugins` lists them).
    static constexpr gs_config_field source_fields[] = {
        gs::field(GS_CONFIG_STRING, "box", nullptr,
                  "the box (plugins.driver_mqtt.boxes) that sends this source", true),
        gs::field(GS_CONFIG_STRING, "remote_source", nullptr,
                  "the source's name on the box (default: this source's name)"),
        gs::field(GS_CONFIG_BOOL, "learned", nullptr,
                  "true: written by the hub from the box's description, which updates or "
                  "removes it (absent: listed by hand, never touched)")};

    explicit DriverMqtt(gs::Host host)
        : Plugin(host), settings_(gs::hub::settings_from(config(config_fields).tree())),
          hub_(
              host, [this] { return stopping_.load(); },
              [this](const std::string &box, gs::hub::BoxDescription d, std::string payload) {
                  if (learner_) learner_->offer(box, std::move(d), std::move(payload));
              }) {
        for (const auto &kv : settings_.boxes)
            hub_.add_box(kv.first);
    }
    ~DriverMqtt() override { stop(); }

    // The profile's points keep their own driver's keys (a box's device read by Modbus): the
    // hub reads only the kernel's (circuit, data) and leaves the rest to that driver's check.
    static void validate_point(gs::Host &, const gs::ptree &, const gs::ptree &) {}

    void add_source(const gs::Source &source) {
        gs::Config attrs(source.attrs, source_fields);
        attrs.refuse_unknown_keys(gs::is_kernel_source_key);
        const std::string box = attrs.get<std::string>("box");
        const std::string remote = attrs.find<std::string>("remote_source").value_or(source.name);
        hub_.add_source(source, box, remote);
        fed_[source.name] = {box, remote, attrs.find<bool>("learned").value_or(false)};
    }

    void start() {
        stopping_ = false;
        {
            Handover &h = handover();
            std::lock_guard<std::mutex> lock(h.mutex);
            if (std::chrono::steady_clock::now() - h.at < kHandoverLife) hub_.replay(h.held);
            h.held.clear();
        }
        learner_ = std::make_unique<gs::hub::Learner>(host(), fed_);
        learner_->start();
        std::lock_guard<std::mutex> lock(clients_mutex_);
        for (const auto &kv : settings_.boxes)
            clients_.push_back(
                std::make_unique<gs::hub::BoxClient>(host(), kv.second, settings_.retry, hub_));
        for (auto &c : clients_)
            c->start();
    }
    void stop() {
        stopping_ = true;
        std::vector<std::unique_ptr<gs::hub::BoxClient>> clients;
        {
            std::lock_guard<std::mutex> lock(clients_mutex_);
            clients.swap(clients_);
        }
        for (auto &c : clients)
            c->stop(); // no more descriptions offered
        if (learner_) learner_->stop();
        gs::hub::Hub::Held held = hub_.take_held();
        if (!held.empty()) {
            Handover &h = handover();
            std::lock_guard<std::mutex> lock(h.mutex);
            h.held = std::move(held);
            h.at = std::chrono::steady_clock::now();
        }
    }

    // [any-thread] ABI 1.5: one "link" per box: messages received, and those refused
    // (malformed, for no source of the hub) plus failed connections.
    std::vector<gs::PollCounters> poll_counters() {
        std::vector<gs::PollCounters> out;
        for (const auto &[name, box] : settings_.boxes) {
            auto c = hub_.counters(name);
            uint64_t failures = 0;
            {
                std::lock_guard<std::mutex> lock(clients_mutex_);
                for (const auto &client : clients_)
                    if (client->name() == name) failures = client->connection_failures();
            }
            out.push_back({"mqtt " + box.broker.host + ":" + std::to_string(box.broker.port) + " " +
                               box.topic_prefix,
                           c.messages, c.rejected + failures});
        }
        return out;
    }

private:
    gs::hub::Settings settings_;
    std::atomic<bool> stopping_{false};
    gs::hub::Hub hub_;
    std::map<std::string, gs::hub::FedKeys> fed_; // the sources added, by name
    std::unique_ptr<gs::hub::Learner> learner_;   // created by start(), offered descriptions
    std::mutex clients_mutex_;                    // poll_counters() reads clients_ from any thread
    std::vector<std::unique_ptr<gs::hub::BoxClient>> clients_;
};

} // namespace

GS_DECLARE_MODULE("driver_mqtt", gs::descriptor<DriverMqtt>())
