// The hierarchy consumption benchmark (issue 12 item 10): a 200-load hierarchy (a metered root,
// 10 nodes of 20 loads, each node metered too), one year of hourly readings per load imported
// with `gridscope import`'s own code, then the server-side work of GET
// /api/v1/consumption and `gridscope query --consumption --hierarchy` timed: each load's
// buckets from the storage plugin's query service (the real plugin, loaded by the kernel),
// the hierarchy maths and the JSON (libs/consumption). Two queries: one year by month, one
// month by day; min and median of --runs runs.
//
//   hierarchy_bench --dir D [--plugin-dir DIR] [--keep] [--query-only] [--runs N]
// --keep leaves the site and its store in D; --query-only reuses them.
#include "cli/commands.hpp"
#include "cli/store_access.hpp"
#include "site/site_json.hpp"

#include <consumption/from_storage.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

namespace {

namespace fs = std::filesystem;
namespace gc = gs::consumption;
using Clock = std::chrono::steady_clock;

constexpr int kNodes = 10, kLoadsPerNode = 20;
constexpr int64_t kYearStart = 1767222000; // 2026-01-01T00:00+01:00
constexpr int64_t kYearEnd = 1798758000;   // 2027-01-01T00:00+01:00

std::string load_name(int node, int k) {
    return "n" + std::to_string(node) + "l" + std::to_string(k) + "/1";
}

void write_site(const fs::path &dir) {
    std::ofstream site(dir / "site.yaml");
    site << "site: {name: Hierarchy bench, timezone: Europe/Paris}\nsources:\n";
    auto source = [&](const std::string &load) {
        site << "  - {name: " << load.substr(0, load.find('/'))
             << ", profile: examples/virtual-meter, period_ms: 60000}\n";
    };
    source("main/1");
    for (int n = 0; n < kNodes; ++n) {
        source("meter" + std::to_string(n) + "/1");
        for (int k = 0; k < kLoadsPerNode; ++k)
            source(load_name(n, k));
    }
    site << "hierarchies:\n  - name: Bench\n    root:\n      name: Site\n      meter: main/1\n"
            "      children:\n";
    for (int n = 0; n < kNodes; ++n) {
        site << "        - {name: Node " << n << ", meter: meter" << n << "/1, loads: [";
        for (int k = 0; k < kLoadsPerNode; ++k)
            site << (k ? ", " : "") << load_name(n, k);
        site << "]}\n";
    }
    site << "plugins:\n  storage_rocksdb: {}\n";
}

// Hourly index readings of every load for the year; meters read the sum of their loads.
void write_csv(const fs::path &file) {
    std::ofstream out(file);
    out << "time,source,circuit,data,value\n";
    std::mt19937_64 rng(5);
    std::uniform_int_distribution<int64_t> use(0, 2000);
    std::vector<int64_t> index(kNodes * kLoadsPerNode, 0), meters(kNodes, 0);
    int64_t main = 0;
    char stamp[32];
    for (int64_t t = kYearStart; t <= kYearEnd + 3600; t += 3600) {
        time_t tt = t;
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
        for (int n = 0; n < kNodes; ++n) {
            for (int k = 0; k < kLoadsPerNode; ++k) {
                int64_t d = use(rng);
                index[n * kLoadsPerNode + k] += d;
                meters[n] += d + d / 50;
                main += d + d / 40;
                out << stamp << ",n" << n << "l" << k << ",1,IEaPInst,"
                    << index[n * kLoadsPerNode + k] << "\n";
            }
            out << stamp << ",meter" << n << ",1,IEaPInst," << meters[n] << "\n";
        }
        out << stamp << ",main,1,IEaPInst," << main << "\n";
    }
}

int run_command(int (*cmd)(int, char **), std::vector<std::string> args) {
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    return cmd(static_cast<int>(argv.size()), argv.data());
}

} // namespace

int main(int argc, char **argv) {
    fs::path dir;
    std::string plugin_dir;
    bool keep = false, query_only = false;
    int runs = 21;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--dir" && i + 1 < argc)
            dir = argv[++i];
        else if (a == "--plugin-dir" && i + 1 < argc)
            plugin_dir = argv[++i];
        else if (a == "--keep")
            keep = true;
        else if (a == "--query-only")
            query_only = keep = true;
        else if (a == "--runs" && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: hierarchy_bench --dir D [--plugin-dir DIR] [--keep] "
                                 "[--query-only] [--runs N]\n");
            return 2;
        }
    }
    if (dir.empty()) {
        std::fprintf(stderr, "hierarchy_bench: --dir is required\n");
        return 2;
    }
    std::string site = (dir / "site.yaml").string(), data = (dir / "data").string();
    std::vector<std::string> common{"--config", site, "--data-dir", data};
    if (!plugin_dir.empty()) common.insert(common.end(), {"--plugin-dir", plugin_dir});
    if (!query_only) {
        fs::remove_all(dir);
        fs::create_directories(dir);
        write_site(dir);
        write_csv(dir / "history.csv");
        auto t0 = Clock::now();
        std::vector<std::string> imp{"gridscope", "import", "--csv",
                                     (dir / "history.csv").string()};
        imp.insert(imp.end(), common.begin(), common.end());
        if (run_command(gs::kernel::cmd_import, imp) != 0) return 1;
        std::printf("imported %d loads x 1 year of hourly readings in %.1f s\n",
                    kNodes * kLoadsPerNode + kNodes + 1,
                    std::chrono::duration<double>(Clock::now() - t0).count());
    }

    std::vector<std::string> args{"gridscope", "query"};
    args.insert(args.end(), common.begin(), common.end());
    std::vector<char *> argv2;
    for (auto &a : args)
        argv2.push_back(a.data());
    auto options = gs::kernel::CommonOptions::value_options();
    options.insert({"--config", "--data-dir"});
    gs::kernel::Args parsed(static_cast<int>(argv2.size()), argv2.data(), 2, options, {});
    gs::kernel::StoreAccess store;
    // Read-write, as the running site holds it (a read-only secondary catches up with the
    // primary once a second, which a server never does).
    gs::kernel::open_store(store, parsed, site, false);
    const gs_storage_query_v1 &q = *store.query;
    const std::string tz = store.runtime->site().timezone;
    gc::Hierarchies all = gc::Hierarchies::from_site_json(
        nlohmann::json::parse(gs::kernel::site_to_json(store.runtime->site())));
    const gc::Hierarchy &h = all.list.at(0);
    std::vector<std::string> loads = gc::Breakdown::loads_of(all, h);

    struct Case {
        const char *name;
        int32_t step;
        int64_t from_s, to_s;
    } cases[] = {{"one year by month", GS_BUCKET_MONTH, kYearStart, kYearEnd},
                 {"one month by day (March 2026)", GS_BUCKET_DAY, 1772319600, 1774994400}};
    for (const Case &c : cases) {
        std::vector<double> ms;
        size_t buckets = 0;
        double total = 0;
        for (int r = 0; r < runs; ++r) {
            auto t0 = Clock::now();
            gc::LoadReading read =
                gc::read_loads(q, loads, c.step, c.from_s * 1'000'000'000, c.to_s * 1'000'000'000);
            if (read.status != GS_OK) {
                std::fprintf(stderr, "query failed: status %d\n", read.status);
                return 1;
            }
            gc::Breakdown breakdown(all, read.values, read.bounds.size());
            auto out = breakdown.node(h, h.root);
            std::string text = gc::report_json(read.bounds, out, tz).dump();
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            buckets = out.size();
            total = 0;
            for (const auto &b : out)
                total += b.value;
        }
        std::sort(ms.begin(), ms.end());
        std::printf(
            "%s: %zu loads, %zu buckets (sum %.0f): %.2f ms min, %.2f ms median (%d runs)\n",
            c.name, loads.size(), buckets, total, ms.front(), ms[ms.size() / 2], runs);
    }
    if (!keep) fs::remove_all(dir);
    return 0;
}
