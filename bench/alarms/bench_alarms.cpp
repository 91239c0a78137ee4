// The alarm engine's CPU per second of samples (issue 14: 1,000 rules over 1000 devices x 60
// values at 1 s, target <= 2 % of one core). Feeds the engine simulated polls with explicit
// times (no sleeping: a simulated second costs only the engine's work) and measures the thread's
// CPU time spent in the engine, journal fsyncs included. Prints a Markdown table.
//
//   bench_alarms [--devices N] [--values N] [--rules N] [--seconds N] [--dir DIR]
#include "alarms/engine.hpp"
#include "alarms/rule_parser.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

using namespace gs::alarms;

namespace {

double cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

struct Lcg {
    uint64_t s = 0x9E3779B97F4A7C15ull;
    double unit() { // [0, 1)
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(s >> 11) / 9007199254740992.0;
    }
};

struct Options {
    int devices = 1000, values = 60, rules = 1000, seconds = 120;
    std::string dir;
};

std::string dev(int i) {
    return "dev" + std::to_string(i);
}
std::string data(int j) {
    return "IData" + std::to_string(j) + "Inst";
}

// `scoped`: each rule watches one data on 10 devices (what a site writes: a few rules per
// feeder). Otherwise every rule watches its data on every device (the worst case).
std::vector<Rule> make_rules(const Options &o, bool scoped) {
    std::string yaml = "alarms:\n";
    for (int r = 0; r < o.rules; ++r) {
        yaml += "  - name: r" + std::to_string(r) + "\n    data: " + data(r % o.values) + "\n";
        if (scoped) {
            yaml += "    sources: [";
            for (int k = 0; k < 10; ++k)
                yaml += (k ? ", " : "") + dev((r / o.values * 10 + k * 97 + r) % o.devices);
            yaml += "]\n";
        }
        // Limits staggered so that rules on one data differ.
        yaml += "    high: " + std::to_string(104 + r % 7) +
                "\n    low: " + std::to_string(96 - r % 7) +
                "\n    deadband: \"2%\"\n    on_delay_s: " + std::to_string(r % 4) +
                "\n    criticality: medium\n";
    }
    ParsedRules p = parse_rules(YAML::Load(yaml)["alarms"], "bench.yaml");
    if (!p.errors.empty()) {
        std::fprintf(stderr, "%s\n", p.errors[0].str().c_str());
        std::exit(1);
    }
    return p.rules;
}

struct Result {
    double first_s = 0;      // CPU of the first simulated second (binds every (source, data))
    double per_second_s = 0; // mean CPU per simulated second afterwards
    double max_second_s = 0;
    std::size_t raised = 0, records = 0;
    std::size_t slots_per_sample_x1000 = 0;
};

// `jumps`: the share of values that leave the limits in a given second.
Result run(const Options &o, bool scoped, double jumps, const std::string &dir) {
    std::filesystem::remove_all(dir);
    EngineOptions eo;
    eo.state_dir = dir;
    Engine engine(make_rules(o, scoped), {}, eo);
    std::vector<std::string> names;
    for (int j = 0; j < o.values; ++j)
        names.push_back(data(j));
    std::vector<std::string> devices;
    for (int i = 0; i < o.devices; ++i)
        devices.push_back(dev(i));
    std::vector<double> level(static_cast<std::size_t>(o.devices) * o.values, 100.0);
    std::vector<SampleValue> batch(static_cast<std::size_t>(o.values));
    Lcg rng;
    Result res;
    const TimeNs t0 = 1'780'000'000 * kNsPerS;
    double total = 0;
    for (int s = 0; s < o.seconds; ++s) {
        const TimeNs t = t0 + s * kNsPerS;
        // Values move first (not measured): noise of +/- 0.5, and a share of them jumps by
        // +/- 12 for a few seconds, so alarms activate, wait on their delays and clear.
        std::vector<std::vector<SampleValue>> polls(static_cast<std::size_t>(o.devices));
        for (int i = 0; i < o.devices; ++i) {
            for (int j = 0; j < o.values; ++j) {
                double &v = level[static_cast<std::size_t>(i) * o.values + j];
                double u = rng.unit();
                if (u < jumps)
                    v = u < jumps / 2 ? 112 : 88;
                else if (v != 100 && u < 0.2)
                    v = 100;
                batch[static_cast<std::size_t>(j)] = {0, names[static_cast<std::size_t>(j)],
                                                      v + (rng.unit() - 0.5), true};
            }
            polls[static_cast<std::size_t>(i)] = batch;
        }
        const double c0 = cpu_s();
        for (int i = 0; i < o.devices; ++i)
            engine.on_samples(devices[static_cast<std::size_t>(i)], t,
                              polls[static_cast<std::size_t>(i)].data(),
                              static_cast<std::size_t>(o.values));
        engine.tick(t + kNsPerS / 2);
        for (const Change &c : engine.take_changes())
            res.raised += c.kind == ChangeKind::raised;
        const double spent = cpu_s() - c0;
        if (s == 0) {
            res.first_s = spent;
        } else {
            total += spent;
            res.max_second_s = std::max(res.max_second_s, spent);
        }
    }
    res.per_second_s = total / (o.seconds - 1);
    res.records = engine.records().size();
    std::filesystem::remove_all(dir);
    return res;
}

} // namespace

int main(int argc, char **argv) {
    Options o;
    o.dir =
        (std::filesystem::temp_directory_path() / ("gs-bench-alarms-" + std::to_string(getpid())))
            .string();
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--devices")
            o.devices = std::atoi(argv[i + 1]);
        else if (k == "--values")
            o.values = std::atoi(argv[i + 1]);
        else if (k == "--rules")
            o.rules = std::atoi(argv[i + 1]);
        else if (k == "--seconds")
            o.seconds = std::atoi(argv[i + 1]);
        else if (k == "--dir")
            o.dir = argv[i + 1];
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (o.devices < 1 || o.values < 1 || o.rules < 1 || o.seconds < 2) {
        std::fprintf(stderr, "bad sizes\n");
        return 2;
    }
    std::printf("%d devices x %d values at 1 s, %d rules (high + low, 2 %% deadband, on-delay "
                "0-3 s), %d simulated seconds, state in %s (journal fsync'ed)\n\n",
                o.devices, o.values, o.rules, o.seconds, o.dir.c_str());
    std::printf("| rules select | CPU per second of samples (%% of one core) | worst second | "
                "first second (binding) | activations | records |\n|---|---|---|---|---|---|\n");
    struct Case {
        bool scoped;
        double jumps;
        const char *what;
    };
    for (const Case &c : {Case{true, 0.002, "10 devices each, 1 value in 500 jumps per second"},
                          Case{false, 0.0, "every device, values within limits"},
                          Case{false, 0.002, "every device, 1 value in 500 jumps per second"}}) {
        Result r = run(o, c.scoped, c.jumps, o.dir);
        std::printf("| %s | %.3f %% | %.3f %% | %.1f ms | %zu | %zu |\n", c.what,
                    100.0 * r.per_second_s, 100.0 * r.max_second_s, 1000.0 * r.first_s, r.raised,
                    r.records);
    }
    return 0;
}
