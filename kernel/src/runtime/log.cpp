#include "runtime/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace gs::kernel {

namespace {
std::atomic<int> g_level{GS_LOG_INFO};
std::mutex g_mutex;

const char *level_name(gs_log_level level) {
    switch (level) {
    case GS_LOG_DEBUG:
        return "debug";
    case GS_LOG_INFO:
        return "info";
    case GS_LOG_WARNING:
        return "warning";
    case GS_LOG_ERROR:
        return "error";
    default:
        return "?";
    }
}
} // namespace

void set_log_level(gs_log_level level) {
    g_level = level;
}

void log_line(gs_log_level level, const std::string &who, const std::string &message) {
    if (level < g_level.load()) return;
    auto now = std::chrono::system_clock::now();
    std::time_t secs = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    std::lock_guard<std::mutex> lock(g_mutex);
    std::fprintf(stderr, "%s.%03dZ %s [%s] %s\n", stamp, static_cast<int>(ms.count()),
                 level_name(level), who.c_str(), message.c_str());
}

} // namespace gs::kernel
