#include "settings.hpp"

namespace gs::influx {
namespace {

// A YAML null (`token: null`, `~`) reads as not set.
std::string text_or_empty(const gs::Config &config, const char *key) {
    std::string v = config.find<std::string>(key).value_or("");
    return v == "null" || v == "~" || v == "Null" || v == "NULL" ? std::string() : v;
}

std::string required(const gs::Config &config, const char *key, const char *api) {
    std::string v = text_or_empty(config, key);
    if (v.empty())
        throw gs::InvalidArgument(std::string("field '") + key + "': is required with api " + api);
    return v;
}

long millis(const std::string &field, const std::string &text) {
    try {
        size_t used = 0;
        long v = std::stol(text, &used);
        if (used == text.size() && v >= 10 && v <= 3600000) return v;
    } catch (const std::exception &) {
    }
    throw gs::InvalidArgument("field '" + field +
                              "': expected an integer from 10 to 3600000, found '" + text + "'");
}

} // namespace

Settings settings_from(const gs::Config &config) {
    Settings s;
    s.url = config.get<std::string>("url");
    if (s.url.rfind("http://", 0) != 0 && s.url.rfind("https://", 0) != 0)
        throw gs::InvalidArgument("field 'url': expected http://HOST:PORT or https://..., found '" +
                                  s.url + "'");
    while (!s.url.empty() && s.url.back() == '/')
        s.url.pop_back();
    s.v2 = config.get<std::string>("api") == "v2";
    if (s.v2) {
        s.org = required(config, "org", "v2");
        s.bucket = required(config, "bucket", "v2");
        s.token = required(config, "token", "v2");
        for (const char *key : {"database", "username", "password"})
            if (!text_or_empty(config, key).empty())
                throw gs::InvalidArgument(std::string("field '") + key +
                                          "': belongs to api v1 (v2 takes org, bucket, token)");
    } else {
        s.database = required(config, "database", "v1");
        s.username = text_or_empty(config, "username");
        s.password = text_or_empty(config, "password");
        for (const char *key : {"org", "bucket", "token"})
            if (!text_or_empty(config, key).empty())
                throw gs::InvalidArgument(std::string("field '") + key +
                                          "': belongs to api v2 (v1 takes database)");
    }
    s.timeout_ms = config.get<long>("timeout_ms");
    const gs::ptree retry = config.tree().get_child("retry", gs::ptree());
    for (const auto &kv : retry) {
        if (kv.first == "initial_ms")
            s.retry.initial =
                std::chrono::milliseconds{millis("retry.initial_ms", kv.second.data())};
        else if (kv.first == "max_ms")
            s.retry.max = std::chrono::milliseconds{millis("retry.max_ms", kv.second.data())};
        else
            throw gs::InvalidArgument("field 'retry." + kv.first + "': unknown key");
    }
    return s;
}

} // namespace gs::influx
