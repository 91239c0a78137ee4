// The log folder of `gridscope run` (runtime/log.hpp): <dir>/gridscope-YYYY-MM-DD.log per UTC
// day, keeping kLogDays days. The day comes from the real clock, so the files are named from
// today's date: the first line written on a day removes the files of days more than kLogDays
// before it and leaves the rest of the folder alone.
#include "runtime/log.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace gs::kernel;
namespace fs = std::filesystem;

namespace {

// "gridscope-YYYY-MM-DD.log" of the UTC day `days_ago` days before now.
std::string log_name(int days_ago) {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) -
                    std::time_t(days_ago) * 86400;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char name[40];
    std::strftime(name, sizeof name, "gridscope-%Y-%m-%d.log", &tm);
    return name;
}

std::string read(const fs::path &file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("the log folder keeps the last kLogDays days of files and removes the older ones") {
    static_assert(kLogDays == 31, "the Datalogger's log plan and docs say 31 days");
    const fs::path dir = fs::path(GS_TEST_TMP) / "log_days";
    const int old_days[] = {kLogDays + 1, kLogDays + 14, 400};
    const int recent_days[] = {1, 2, kLogDays - 1, kLogDays};
    const char *others[] = {"notes.txt", "gridscope-notes.log", "gridscope-2001-01-01.log.gz",
                            "other-2001-01-01.log"};
    // A UTC midnight between naming the files and writing the line would shift every day by
    // one: the folder is then made again.
    std::string today;
    for (int attempt = 0; attempt < 3; ++attempt) {
        today = log_name(0);
        fs::remove_all(dir);
        fs::create_directories(dir);
        for (int d : old_days)
            std::ofstream(dir / log_name(d)) << "old line\n";
        for (int d : recent_days)
            std::ofstream(dir / log_name(d)) << "recent line " << d << "\n";
        for (const char *name : others)
            std::ofstream(dir / name) << "not a day's log\n";
        set_log_folder(dir.string());
        log_line(GS_LOG_ERROR, "test_log", "the first line of today");
        set_log_folder(""); // closes today's file; later lines go to stderr only
        if (log_name(0) == today) break;
    }
    REQUIRE(log_name(0) == today);

    for (int d : old_days)
        CHECK_MESSAGE(!fs::exists(dir / log_name(d)), log_name(d) << " should be removed");
    for (int d : recent_days) {
        CHECK_MESSAGE(fs::exists(dir / log_name(d)), log_name(d) << " should be kept");
        CHECK(read(dir / log_name(d)) == "recent line " + std::to_string(d) + "\n");
    }
    for (const char *name : others)
        CHECK_MESSAGE(fs::exists(dir / name), name << " is not a log of a day: left alone");
    const std::string written = read(dir / today);
    CHECK(written.find("error [test_log] the first line of today\n") != std::string::npos);
    CHECK(written.rfind(today.substr(10, 10) + "T", 0) == 0); // stamped with today's UTC date

    // The pruning runs when a day's file is opened, also for a folder set again the same day
    // (a restart): a file of an old day put there meanwhile goes too, today's file grows.
    std::ofstream(dir / log_name(kLogDays + 2)) << "old line\n";
    set_log_folder(dir.string());
    log_line(GS_LOG_ERROR, "test_log", "a line after a restart");
    set_log_folder("");
    if (log_name(0) == today) {
        CHECK(!fs::exists(dir / log_name(kLogDays + 2)));
        const std::string grown = read(dir / today);
        CHECK(grown.find("the first line of today") != std::string::npos);
        CHECK(grown.find("a line after a restart") != std::string::npos);
    }
    fs::remove_all(dir);
}
