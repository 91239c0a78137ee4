// Shared by the alarm tests: rules from YAML text, explicit times, a private state folder.
#pragma once

#include "alarms/engine.hpp"
#include "alarms/rule_parser.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace gs::alarms::test {

constexpr TimeNs S = kNsPerS;
constexpr TimeNs T0 = 1'780'000'000 * S; // 2026-05-28, any fixed instant

inline TimeNs at(double seconds) {
    return T0 + static_cast<TimeNs>(seconds * 1e9);
}

// The rules of an `alarms:` section written as YAML text (must parse).
inline std::vector<Rule> rules(const std::string &yaml) {
    ParsedRules parsed = parse_rules(YAML::Load(yaml)["alarms"], "site.yaml");
    for (const auto &e : parsed.errors)
        FAIL_CHECK(e.str());
    REQUIRE(parsed.errors.empty());
    return parsed.rules;
}

// A fresh folder under /tmp, removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static std::atomic<int> n{0};
        path = std::filesystem::temp_directory_path() /
               ("gs-alarms-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        std::filesystem::remove_all(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string str() const { return path.string(); }
};

inline EngineOptions in_memory() {
    return EngineOptions{};
}
inline EngineOptions in_dir(const TempDir &d) {
    EngineOptions o;
    o.state_dir = d.str();
    return o;
}

inline void feed(Engine &e, const std::string &source, uint32_t circuit, const char *data,
                 double value, TimeNs t) {
    SampleValue v{circuit, data, value, true};
    e.on_sample(source, t, v);
}

inline std::vector<AlarmRecord> active(const Engine &e) {
    return e.records({RecordFilter::State::active});
}

} // namespace gs::alarms::test
