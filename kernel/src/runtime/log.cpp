#include "runtime/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
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
std::string g_folder; // under g_mutex, like the two below
std::FILE *g_file = nullptr;
std::string g_day; // of g_file

// A new day's file, and the files older than kLogDays removed. Under g_mutex.
void open_day(const std::string &day, std::time_t now) {
    if (g_file) std::fclose(g_file);
    g_day = day;
    g_file = std::fopen((g_folder + "/gridscope-" + day + ".log").c_str(), "ae");
    std::time_t oldest = now - std::time_t(kLogDays) * 86400;
    std::tm tm{};
    gmtime_r(&oldest, &tm);
    char cut[32];
    std::strftime(cut, sizeof cut, "gridscope-%Y-%m-%d.log", &tm);
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(g_folder, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("gridscope-", 0) == 0 && name.size() == std::strlen(cut) && name < cut)
            std::filesystem::remove(it->path(), ec);
    }
}

} // namespace

void set_log_folder(const std::string &dir) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_file) std::fclose(g_file);
    g_file = nullptr;
    g_day.clear();
    g_folder = dir;
    std::error_code ec;
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
}

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
    if (g_folder.empty()) return;
    const std::string day(stamp, 10);
    if (day != g_day) open_day(day, secs);
    if (!g_file) return;
    std::fprintf(g_file, "%s.%03dZ %s [%s] %s\n", stamp, static_cast<int>(ms.count()),
                 level_name(level), who.c_str(), message.c_str());
    std::fflush(g_file);
}

} // namespace gs::kernel
