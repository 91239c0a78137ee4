// history_fill: writes a long history straight into a store folder, for the Trends browser
// tests and bench/ui/trends.mjs (a year of one-minute values in seconds, where `gridscope
// import` takes minutes per series on a loaded 2-core machine). Run it before `gridscope run`
// opens the same folder (<data_dir>/store by default).
//   history_fill --store DIR --end-ms MS [--days N] [--step-s S] [--spike INDEX:MS:VALUE]
//                SOURCE/CIRCUIT/DATA=BASE ...
// Each series is a gauge: BASE plus a daily sine of amplitude BASE/3; --spike sets the value of
// series INDEX (0-based, in the order given) at the step holding MS. Prints the values written.
#include <core/store.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace gs::store;

namespace {

constexpr int64_t kMsNs = 1'000'000;

struct Series {
    std::string source, data;
    uint32_t circuit = 0;
    double base = 0;
};

Series parse_series(const std::string &arg) {
    size_t a = arg.find('/'), b = arg.find('/', a + 1), eq = arg.find('=');
    if (a == std::string::npos || b == std::string::npos || eq == std::string::npos || eq < b)
        throw std::invalid_argument("series: expected SOURCE/CIRCUIT/DATA=BASE, got " + arg);
    return {arg.substr(0, a), arg.substr(b + 1, eq - b - 1),
            static_cast<uint32_t>(std::stoul(arg.substr(a + 1, b - a - 1))),
            std::stod(arg.substr(eq + 1))};
}

} // namespace

int main(int argc, char **argv) try {
    std::string dir;
    int64_t end_ms = -1, days = 365, step_s = 60, spike_ms = -1;
    size_t spike_index = 0;
    double spike_value = 0;
    std::vector<Series> series;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + ": value missing");
            return argv[++i];
        };
        if (a == "--store")
            dir = next();
        else if (a == "--end-ms")
            end_ms = std::stoll(next());
        else if (a == "--days")
            days = std::stoll(next());
        else if (a == "--step-s")
            step_s = std::stoll(next());
        else if (a == "--spike") {
            std::string s = next();
            size_t c1 = s.find(':'), c2 = s.find(':', c1 + 1);
            if (c1 == std::string::npos || c2 == std::string::npos)
                throw std::invalid_argument("--spike: expected INDEX:MS:VALUE");
            spike_index = std::stoul(s.substr(0, c1));
            spike_ms = std::stoll(s.substr(c1 + 1, c2 - c1 - 1));
            spike_value = std::stod(s.substr(c2 + 1));
        } else
            series.push_back(parse_series(a));
    }
    if (dir.empty() || end_ms < 0 || series.empty() || days < 1 || step_s < 1)
        throw std::invalid_argument("usage: history_fill --store DIR --end-ms MS [--days N] "
                                    "[--step-s S] [--spike INDEX:MS:VALUE] "
                                    "SOURCE/CIRCUIT/DATA=BASE ...");
    Options options; // the plugin's defaults
    auto store = Store::open(dir, options);
    std::map<std::string, std::vector<size_t>> by_source; // one batch per source and step
    for (size_t i = 0; i < series.size(); ++i) {
        SeriesSpec spec;
        spec.source = series[i].source;
        spec.circuit = series[i].circuit;
        spec.data = series[i].data;
        store->declare_series(spec);
        by_source[series[i].source].push_back(i);
    }
    const int64_t step_ms = step_s * 1000;
    const int64_t start_ms = (end_ms - days * 86'400'000) / step_ms * step_ms;
    const int64_t spike_step = spike_ms < 0 ? -1 : spike_ms / step_ms * step_ms;
    uint64_t written = 0;
    for (int64_t t = start_ms; t < end_ms; t += step_ms) {
        double phase = std::sin(2 * M_PI * static_cast<double>(t % 86'400'000) / 86'400'000.0);
        for (const auto &[source, members] : by_source) {
            Batch batch{source, t * kMsNs, {}};
            for (size_t i : members) {
                double v = series[i].base * (1 + phase / 3) + static_cast<double>(i % 3) * 0.1;
                if (t == spike_step && i == spike_index) v = spike_value;
                batch.values.push_back({series[i].circuit, series[i].data, v, quality::good});
            }
            store->append(batch);
            written += members.size();
        }
    }
    store->checkpoint();
    std::printf("history_fill: %llu values, %zu series, %lld days every %lld s\n",
                static_cast<unsigned long long>(written), series.size(),
                static_cast<long long>(days), static_cast<long long>(step_s));
    return 0;
} catch (const std::exception &e) {
    std::fprintf(stderr, "history_fill: %s\n", e.what());
    return 1;
}
