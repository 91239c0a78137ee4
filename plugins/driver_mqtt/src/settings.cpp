#include "settings.hpp"

#include <set>

namespace gs::hub {
namespace {

// The nested sections' keys, checked (types, bounds, unknown keys) by the SDK's gs::Config as
// the kernel checks the plugin's own section.
constexpr gs_config_field kBrokerFields[] = {
    gs::field(GS_CONFIG_STRING, "host", "127.0.0.1", "the broker's address"),
    gs::bounded(gs::field(GS_CONFIG_INT, "port", "1883", "the broker's port"), "1", "65535"),
    gs::field(GS_CONFIG_STRING, "username", nullptr, "null: none"),
    gs::field(GS_CONFIG_STRING, "password", nullptr, "null: none"),
    gs::field(GS_CONFIG_BOOL, "tls", "false", "TLS to the broker"),
    gs::field(GS_CONFIG_STRING, "ca_file", nullptr, "TLS: the CA bundle"),
    gs::field(GS_CONFIG_STRING, "client_id", nullptr, "set: a persistent session")};
constexpr gs_config_field kBoxFields[] = {
    gs::field(GS_CONFIG_SECTION, "broker", nullptr, "how to reach the box's broker"),
    gs::field(GS_CONFIG_STRING, "topic_prefix", nullptr, "the box's exporter_mqtt topic_prefix",
              true),
    gs::bounded(gs::field(GS_CONFIG_INT, "qos", "1", "of the subscription"), "0", "2")};
constexpr gs_config_field kRetryFields[] = {
    gs::bounded(gs::field(GS_CONFIG_INT, "initial_ms", "1000", "first delay"), "10", "3600000"),
    gs::bounded(gs::field(GS_CONFIG_INT, "max_ms", "60000", "longest delay"), "10", "3600000")};

// Runs `read` with errors naming the key below `path` ("field 'port'" -> "field 'boxes.b.port'").
template <class F> auto below(const std::string &path, F read) {
    try {
        return read();
    } catch (const gs::InvalidArgument &e) {
        static const std::string kField = "field '";
        std::string what = e.what();
        if (what.rfind(kField, 0) == 0) what.insert(kField.size(), path);
        throw gs::InvalidArgument(what);
    }
}

// A YAML null (`username: null`, `~`) reads as not set.
std::string text_or_empty(const gs::Config &c, const char *key) {
    std::string v = c.find<std::string>(key).value_or("");
    return v == "null" || v == "~" || v == "Null" || v == "NULL" ? std::string() : v;
}

Broker broker_of(const gs::ptree &tree) {
    gs::Config c(tree, kBrokerFields);
    c.refuse_unknown_keys();
    Broker b;
    b.host = c.get<std::string>("host");
    b.port = c.get<int>("port");
    b.username = text_or_empty(c, "username");
    b.password = text_or_empty(c, "password");
    if (!b.password.empty() && b.username.empty())
        throw gs::InvalidArgument("field 'password': set without a username");
    b.tls = c.get<bool>("tls");
    b.ca_file = text_or_empty(c, "ca_file");
    b.client_id = text_or_empty(c, "client_id");
    return b;
}

Box box_of(const std::string &name, const gs::ptree &tree) {
    gs::Config c(tree, kBoxFields);
    c.refuse_unknown_keys();
    Box box;
    box.name = name;
    box.broker = below("broker.", [&] { return broker_of(tree.get_child("broker", {})); });
    box.topic_prefix = c.get<std::string>("topic_prefix");
    const std::string &p = box.topic_prefix;
    if (p.empty() || p.find_first_of("+#") != std::string::npos || p.back() == '/' ||
        p.front() == '/')
        throw gs::InvalidArgument("field 'topic_prefix': expected topic levels without '+', '#' "
                                  "or a leading or trailing '/', found '" +
                                  p + "'");
    box.qos = c.get<int>("qos");
    return box;
}

} // namespace

Settings settings_from(const gs::ptree &section) {
    Settings s;
    const gs::ptree boxes = section.get_child("boxes", gs::ptree());
    if (boxes.empty())
        throw gs::InvalidArgument("field 'boxes': expected a map of box name to {broker, "
                                  "topic_prefix, qos}");
    std::set<std::string> prefixes;
    for (const auto &[name, entry] : boxes) {
        const std::string path = "boxes." + name + ".";
        if (name.empty() || name.find('/') != std::string::npos)
            throw gs::InvalidArgument("field 'boxes." + name +
                                      "': a box name is one location level (no '/')");
        Box box = below(path, [&] { return box_of(name, entry); });
        if (!prefixes
                 .insert(box.broker.host + ":" + std::to_string(box.broker.port) + " " +
                         box.topic_prefix)
                 .second)
            throw gs::InvalidArgument("field '" + path + "topic_prefix': another box has '" +
                                      box.topic_prefix + "' on the same broker");
        s.boxes.emplace(name, std::move(box));
    }
    gs::Config retry(section.get_child("retry", gs::ptree()), kRetryFields);
    below("retry.", [&] {
        retry.refuse_unknown_keys();
        s.retry.initial = std::chrono::milliseconds{retry.get<int64_t>("initial_ms")};
        s.retry.max = std::chrono::milliseconds{retry.get<int64_t>("max_ms")};
        if (s.retry.max < s.retry.initial)
            throw gs::InvalidArgument("field 'max_ms': less than retry.initial_ms");
    });
    return s;
}

} // namespace gs::hub
