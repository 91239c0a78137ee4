// Models decide what is collected (issue 12 item 3), end to end: `gridscope plan --config
// --source` plans only the models' data (fewer points, registers and requests when a circuit's
// models shrink); `gridscope run` against gridscope-sim neither polls nor stores a data in no
// model, stores no data of a model without `history`, and polls no disabled source.
#include "../support/eventually.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

using gs::test::free_port;
using gs::test::Process;
using gs::test::run;
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;
const std::string kSim = GS_SIM_BINARY;

struct Plan {
    int points = 0, requests = 0, registers = 0;
    std::string text;
};

// `gridscope plan` text: "N points in M request(s)" and one "FCxx @ADDR xCOUNT" line a request.
Plan plan_of(const std::vector<std::string> &args) {
    auto r = run(args);
    INFO(r.out, r.err);
    REQUIRE(r.code == 0);
    Plan p;
    p.text = r.out;
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m, std::regex("([0-9]+) points in ([0-9]+) request")));
    p.points = std::stoi(m[1]);
    p.requests = std::stoi(m[2]);
    std::regex count("FC0[1-4] @[0-9]+ x([0-9]+)");
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), count), end; it != end; ++it)
        p.registers += std::stoi((*it)[1]);
    return p;
}

std::string site_text(int port, const std::string &models) {
    std::string addr = "\"127.0.0.1:" + std::to_string(port) + "\"";
    return "models:\n"
           "  - {id: live, name: Live voltage, history: false, data: [IV1Inst]}\n"
           "sources:\n"
           "  - name: countis\n"
           "    profile: socomec/countis-e2x\n"
           "    tcp: " +
           addr +
           "\n"
           "    unit: 5\n"
           "    period_ms: 200\n"
           "    circuits:\n"
           "      - {index: 1, models: " +
           models +
           "}\n"
           "  - {name: a40, profile: socomec/diris-a40, tcp: " +
           addr +
           ", unit: 6, enabled: false}\n"
           "plugins:\n"
           "  storage_rocksdb: {}\n";
}

std::string write(const std::filesystem::path &file, const std::string &text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
}
} // namespace

TEST_CASE("plan --config --source plans only what the circuits' models collect") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "models_plan";
    int port = free_port(); // never contacted: plan only describes
    Plan all = plan_of({kBin, "plan", "--profile", "socomec/countis-e2x"});
    Plan wide = plan_of({kBin, "plan", "--config",
                         write(dir / "wide.yaml", site_text(port, "[metered_energy, metrology]")),
                         "--source", "countis"});
    Plan narrow = plan_of({kBin, "plan", "--config",
                           write(dir / "narrow.yaml", site_text(port, "[metered_energy]")),
                           "--source", "countis"});
    CAPTURE(all.text);
    CAPTURE(wide.text);
    CAPTURE(narrow.text);
    // The profile's 43 points in 4 requests; the models' data only; fewer as the models shrink.
    CHECK(all.points == 43);
    CHECK(wide.points < all.points);
    CHECK(narrow.points < wide.points);
    CHECK(narrow.registers < wide.registers);
    CHECK(wide.registers < all.registers);
    CHECK(narrow.requests < all.requests);
    CHECK(narrow.text.find("IEaPInst") != std::string::npos);
    CHECK(narrow.text.find("IV1Inst") == std::string::npos);
    CHECK(wide.text.find("IV1Inst") != std::string::npos);

    auto json = run({kBin, "plan", "--config", (dir / "narrow.yaml").string(), "--source",
                     "countis", "--format", "json"});
    CHECK(json.code == 0);
    CHECK(json.out.find("\"requests\": [") != std::string::npos);

    auto disabled =
        run({kBin, "plan", "--config", (dir / "narrow.yaml").string(), "--source", "a40"});
    CHECK(disabled.code != 0);
    CHECK(disabled.err.find("source 'a40' is disabled (enabled: false)") != std::string::npos);
    auto unknown =
        run({kBin, "plan", "--config", (dir / "narrow.yaml").string(), "--source", "nope"});
    CHECK(unknown.code != 0);
    CHECK(unknown.err.find("no source 'nope'") != std::string::npos);
    auto both = run({kBin, "plan", "--config", (dir / "narrow.yaml").string(), "--source",
                     "countis", "--profile", "socomec/countis-e2x"});
    CHECK(both.code != 0);
}

TEST_CASE("a data in no model is neither polled nor stored; history: false is polled only") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "models_stored";
    std::filesystem::remove_all(dir);
    int port = free_port();
    std::string site = write(dir / "site.yaml", site_text(port, "[metered_energy, live]"));
    std::string data = (dir / "data").string();
    // The simulator serves both devices: the disabled a40 answers too, but nobody asks.
    Process sim({kSim, "--site", site});
    REQUIRE(sim.wait_for_stdout("gridscope-sim: ready", 20s));
    Plan plan = plan_of({kBin, "plan", "--config", site, "--source", "countis"});
    CHECK(plan.text.find("IV1Inst") != std::string::npos); // polled, for live values

    std::map<std::string, long long> stored; // "source/circuit/data" -> samples stored
    {
        Process gs({kBin, "run", "--config", site, "--data-dir", data});
        REQUIRE(gs.wait_for_stdout("gridscope: ready", 20s));
        auto list = [&] {
            auto r = run({kBin, "query", "--config", site, "--data-dir", data, "--format", "json"});
            stored.clear();
            std::regex series("\"source\": \"([^\"]+)\", \"circuit\": ([0-9]+), \"data\": "
                              "\"([^\"]+)\", \"count\": ([1-9][0-9]*)");
            for (std::sregex_iterator it(r.out.begin(), r.out.end(), series), end; it != end; ++it)
                stored[(*it)[1].str() + "/" + (*it)[2].str() + "/" + (*it)[3].str()] =
                    std::stoll((*it)[4]);
            // Several polls of every point stored, so a data that would be stored is.
            return stored["countis/1/IEaPInst"] >= 5;
        };
        REQUIRE(gs::test::eventually(list, 15s));
    }
    CAPTURE(stored.size());
    for (const auto &[s, count] : stored) {
        CAPTURE(s);
        CHECK(s.rfind("countis/", 0) == 0); // the disabled a40 is never polled
    }
    CHECK(stored.count("countis/1/IEaNInst") == 1);
    CHECK(stored.count("countis/1/IV1Inst") == 0);   // polled, but its model keeps no history
    CHECK(stored.count("countis/1/IFreqInst") == 0); // in no model: not polled, not stored
    CHECK(stored.count("countis/1/IPSumInst") == 0);
}
