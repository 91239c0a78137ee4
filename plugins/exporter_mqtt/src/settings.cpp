#include "settings.hpp"

namespace gs::mqtt {
namespace {

// A YAML null (`username: null`, `~`) reads as not set.
bool is_null(const std::string &text) {
    return text.empty() || text == "null" || text == "~" || text == "Null" || text == "NULL";
}

std::string text_of(const gs::ptree &section, const std::string &key,
                    const std::string &section_name = "broker") {
    auto child = section.get_child_optional(gs::ptree::path_type(key, '\0'));
    if (!child) return {};
    if (!child->empty())
        throw gs::InvalidArgument("field '" + section_name + "." + key +
                                  "': expected a value, found a section");
    return is_null(child->data()) ? std::string() : child->data();
}

long integer_of(const std::string &field, const std::string &text, long lo, long hi) {
    try {
        size_t used = 0;
        long v = std::stol(text, &used);
        if (used == text.size() && v >= lo && v <= hi) return v;
    } catch (const std::exception &) {
    }
    throw gs::InvalidArgument("field '" + field + "': expected an integer from " +
                              std::to_string(lo) + " to " + std::to_string(hi) + ", found '" +
                              text + "'");
}

bool bool_of(const std::string &field, const std::string &text) {
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off" || text.empty()) return false;
    throw gs::InvalidArgument("field '" + field + "': expected true or false, found '" + text +
                              "'");
}

} // namespace

Settings settings_from(const gs::Config &config) {
    Settings s;
    const gs::ptree &tree = config.tree();
    const gs::ptree broker = tree.get_child("broker", gs::ptree());
    for (const auto &kv : broker) {
        static const char *const known[] = {"host", "port",    "username", "password",
                                            "tls",  "ca_file", "client_id"};
        bool ok = false;
        for (const char *k : known)
            ok = ok || kv.first == k;
        if (!ok) throw gs::InvalidArgument("field 'broker." + kv.first + "': unknown key");
    }
    if (std::string host = text_of(broker, "host"); !host.empty()) s.broker.host = host;
    if (std::string port = text_of(broker, "port"); !port.empty())
        s.broker.port = static_cast<int>(integer_of("broker.port", port, 1, 65535));
    s.broker.username = text_of(broker, "username");
    s.broker.password = text_of(broker, "password");
    if (!s.broker.password.empty() && s.broker.username.empty())
        throw gs::InvalidArgument("field 'broker.password': set without broker.username");
    s.broker.tls = bool_of("broker.tls", text_of(broker, "tls"));
    s.broker.ca_file = text_of(broker, "ca_file");
    s.broker.client_id = text_of(broker, "client_id");

    const bool has_sparkplug = tree.get_child_optional("sparkplug").has_value();
    if (has_sparkplug) {
        const gs::ptree sp = tree.get_child("sparkplug");
        for (const auto &kv : sp)
            if (kv.first != "group_id" && kv.first != "edge_node_id")
                throw gs::InvalidArgument("field 'sparkplug." + kv.first + "': unknown key");
        s.sparkplug.group_id = text_of(sp, "group_id", "sparkplug");
        s.sparkplug.edge_node_id = text_of(sp, "edge_node_id", "sparkplug");
        // Sparkplug 3.0 (section 4.1.1): each is one topic level, no '/', '+' or '#'.
        auto check_id = [](const std::string &key, const std::string &id) {
            if (id.empty()) throw gs::InvalidArgument("field 'sparkplug." + key + "': is required");
            if (id.find_first_of("/+#") != std::string::npos)
                throw gs::InvalidArgument("field 'sparkplug." + key +
                                          "': expected one topic level without '/', '+' or "
                                          "'#', found '" +
                                          id + "'");
        };
        check_id("group_id", s.sparkplug.group_id);
        check_id("edge_node_id", s.sparkplug.edge_node_id);
    }
    s.topic_prefix = tree.get<std::string>("topic_prefix", "");
    if (s.topic_prefix.empty()) {
        if (!has_sparkplug) // the Sparkplug topics do not use it
            throw gs::InvalidArgument(
                "field 'topic_prefix': is required (unless sparkplug is set)");
    } else if (s.topic_prefix.find_first_of("+#") != std::string::npos ||
               s.topic_prefix.back() == '/' || s.topic_prefix.front() == '/')
        throw gs::InvalidArgument("field 'topic_prefix': expected topic levels without '+', '#' "
                                  "or a leading or trailing '/', found '" +
                                  s.topic_prefix + "'");
    s.qos = config.get<int>("qos");

    const gs::ptree retry = tree.get_child("retry", gs::ptree());
    for (const auto &kv : retry) {
        if (kv.first == "initial_ms")
            s.retry.initial = std::chrono::milliseconds{
                integer_of("retry.initial_ms", kv.second.data(), 10, 3600000)};
        else if (kv.first == "max_ms")
            s.retry.max = std::chrono::milliseconds{
                integer_of("retry.max_ms", kv.second.data(), 10, 3600000)};
        else
            throw gs::InvalidArgument("field 'retry." + kv.first + "': unknown key");
    }

    const gs::ptree ha = tree.get_child("homeassistant", gs::ptree());
    for (const auto &kv : ha)
        if (kv.first != "enabled" && kv.first != "prefix")
            throw gs::InvalidArgument("field 'homeassistant." + kv.first + "': unknown key");
    s.homeassistant.enabled =
        bool_of("homeassistant.enabled", text_of(ha, "enabled", "homeassistant"));
    if (std::string prefix = text_of(ha, "prefix", "homeassistant"); !prefix.empty())
        s.homeassistant.prefix = prefix;
    const std::string &hp = s.homeassistant.prefix;
    if (hp.find_first_of("+#") != std::string::npos || hp.back() == '/' || hp.front() == '/')
        throw gs::InvalidArgument("field 'homeassistant.prefix': expected topic levels without "
                                  "'+', '#' or a leading or trailing '/', found '" +
                                  hp + "'");
    if (has_sparkplug && s.homeassistant.enabled)
        throw gs::InvalidArgument("field 'homeassistant.enabled': Home Assistant discovery reads "
                                  "the JSON payloads, not Sparkplug B (sparkplug is set)");
    return s;
}

} // namespace gs::mqtt
