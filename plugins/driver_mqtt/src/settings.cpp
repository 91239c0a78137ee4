#include "settings.hpp"

#include <set>

namespace gs::hub {
namespace {

// A YAML null (`username: null`, `~`) reads as not set.
bool is_null(const std::string &text) {
    return text.empty() || text == "null" || text == "~" || text == "Null" || text == "NULL";
}

void refuse_unknown(const gs::ptree &tree, const std::string &path,
                    std::initializer_list<const char *> known) {
    for (const auto &kv : tree) {
        bool ok = false;
        for (const char *k : known)
            ok = ok || kv.first == k;
        if (!ok) throw gs::InvalidArgument("field '" + path + kv.first + "': unknown key");
    }
}

std::string text_of(const gs::ptree &tree, const std::string &key, const std::string &path) {
    auto child = tree.get_child_optional(gs::ptree::path_type(key, '\0'));
    if (!child) return {};
    if (!child->empty())
        throw gs::InvalidArgument("field '" + path + key + "': expected a value, found a section");
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

void check_prefix(const std::string &field, const std::string &prefix) {
    if (prefix.empty() || prefix.find_first_of("+#") != std::string::npos || prefix.back() == '/' ||
        prefix.front() == '/')
        throw gs::InvalidArgument("field '" + field +
                                  "': expected topic levels without '+', '#' or a leading or "
                                  "trailing '/', found '" +
                                  prefix + "'");
}

Broker broker_of(const gs::ptree &tree, const std::string &path) {
    refuse_unknown(tree, path,
                   {"host", "port", "username", "password", "tls", "ca_file", "client_id"});
    Broker b;
    if (std::string host = text_of(tree, "host", path); !host.empty()) b.host = host;
    if (std::string port = text_of(tree, "port", path); !port.empty())
        b.port = static_cast<int>(integer_of(path + "port", port, 1, 65535));
    b.username = text_of(tree, "username", path);
    b.password = text_of(tree, "password", path);
    if (!b.password.empty() && b.username.empty())
        throw gs::InvalidArgument("field '" + path + "password': set without " + path + "username");
    b.tls = bool_of(path + "tls", text_of(tree, "tls", path));
    b.ca_file = text_of(tree, "ca_file", path);
    b.client_id = text_of(tree, "client_id", path);
    return b;
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
        refuse_unknown(entry, path, {"broker", "topic_prefix", "qos"});
        Box box;
        box.name = name;
        box.broker = broker_of(entry.get_child("broker", gs::ptree()), path + "broker.");
        box.topic_prefix = text_of(entry, "topic_prefix", path);
        check_prefix(path + "topic_prefix", box.topic_prefix);
        if (!prefixes
                 .insert(box.broker.host + ":" + std::to_string(box.broker.port) + " " +
                         box.topic_prefix)
                 .second)
            throw gs::InvalidArgument("field '" + path + "topic_prefix': another box has '" +
                                      box.topic_prefix + "' on the same broker");
        if (std::string qos = text_of(entry, "qos", path); !qos.empty())
            box.qos = static_cast<int>(integer_of(path + "qos", qos, 0, 2));
        s.boxes.emplace(name, std::move(box));
    }
    const gs::ptree retry = section.get_child("retry", gs::ptree());
    refuse_unknown(retry, "retry.", {"initial_ms", "max_ms"});
    if (std::string v = text_of(retry, "initial_ms", "retry."); !v.empty())
        s.retry.initial = std::chrono::milliseconds{integer_of("retry.initial_ms", v, 10, 3600000)};
    if (std::string v = text_of(retry, "max_ms", "retry."); !v.empty())
        s.retry.max = std::chrono::milliseconds{integer_of("retry.max_ms", v, 10, 3600000)};
    if (s.retry.max < s.retry.initial)
        throw gs::InvalidArgument("field 'retry.max_ms': less than retry.initial_ms");
    return s;
}

} // namespace gs::hub
