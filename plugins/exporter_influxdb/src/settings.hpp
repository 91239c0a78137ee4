// plugins.exporter_influxdb as the plugin reads it:
//   url: http://127.0.0.1:8086
//   api: v1                 # v1: database (username, password optional); v2: org, bucket, token
//   database: gridscope
//   timeout_ms: 10000
//   retry: {initial_ms: 1000, max_ms: 60000}
#pragma once

#include <gridscope/plugin.hpp>

#include <retry/retry.hpp>

#include <string>

namespace gs::influx {

struct Settings {
    std::string url; // without a trailing '/'
    bool v2 = false;
    std::string database, username, password; // v1
    std::string org, bucket, token;           // v2
    long timeout_ms = 10000;
    retry::RetryPolicy retry{std::chrono::milliseconds{1000}, std::chrono::milliseconds{60000}, 2};
};

// Reads and checks the plugin's section; throws gs::InvalidArgument naming the field.
Settings settings_from(const gs::Config &config);

} // namespace gs::influx
