// Fills an alarm engine's state folder with a long history for page_latency.py: finished alarm
// records (raised, returned to normal, acknowledged) spread over the rules and sources of the
// site file's `alarms:` section, and ended voltage dips, all before now. Written through the
// engine itself (libs/alarms), so the folder is exactly what a site that lived that history
// keeps; put it on tmpfs (/dev/shm): every change is fsynced.
//
//   bench_alarms_seed --site SITE.yaml --dir DATA/alarms [--records 90000] [--events 10000]
//                     [--sources 10]
// The site's rules: limit rules on IFreqInst whose `high` is below 2000 (each raised by 2000,
// cleared by 50) over sources m0..m<N-1>, and one voltage_events rule (dips from 100 V polls).
#include "alarms/engine.hpp"
#include "alarms/rule_parser.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

using namespace gs::alarms;

int main(int argc, char **argv) {
    std::string site, dir;
    long records = 90000, events = 10000, sources = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--site") site = argv[i + 1];
        if (k == "--dir") dir = argv[i + 1];
        if (k == "--records") records = std::stol(argv[i + 1]);
        if (k == "--events") events = std::stol(argv[i + 1]);
        if (k == "--sources") sources = std::stol(argv[i + 1]);
    }
    if (site.empty() || dir.empty() || sources < 1) {
        std::fprintf(stderr,
                     "usage: %s --site SITE.yaml --dir DIR [--records N] [--events N] "
                     "[--sources N]\n",
                     argv[0]);
        return 2;
    }
    ParsedRules parsed = parse_rules(YAML::LoadFile(site)["alarms"], site);
    if (!parsed.errors.empty()) {
        std::fprintf(stderr, "%s\n", parsed.errors[0].str().c_str());
        return 1;
    }
    std::vector<std::string> limit_rules, voltage_rules;
    for (const Rule &r : parsed.rules)
        (r.kind == RuleKind::voltage_events ? voltage_rules : limit_rules).push_back(r.name);
    if (limit_rules.empty() || (events > 0 && voltage_rules.empty())) {
        std::fprintf(stderr, "the site needs limit rules (and a voltage_events rule)\n");
        return 1;
    }
    EngineOptions o;
    o.state_dir = dir;
    o.history_max = static_cast<std::size_t>(records + events);
    o.journal_max_bytes = 64 << 20; // fewer compactions while seeding
    Engine e(parsed.rules, {}, o);

    const TimeNs now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    // 3 s per record, 2 s per event, ending an hour ago.
    TimeNs t = now - 3600 * kNsPerS - (3 * records + 2 * events) * kNsPerS;
    auto source = [&](long i) { return "m" + std::to_string(i % sources); };
    for (long i = 0; i < records; ++i, t += 3 * kNsPerS) {
        // Every rule of a source watches IFreqInst: 2000 raises them all, so one source per
        // record and the rules take turns through the sources.
        std::string s = source(i / static_cast<long>(limit_rules.size()));
        SampleValue high{1, "IFreqInst", 2000, true}, normal{1, "IFreqInst", 50, true};
        e.on_sample(s, t, high);
        e.on_sample(s, t + kNsPerS, normal);
        std::vector<uint64_t> ids;
        for (const Change &c : e.take_changes())
            if (c.kind == ChangeKind::raised) ids.push_back(c.record.id);
        e.acknowledge(ids, "advanced", "bench", t + 2 * kNsPerS);
        e.take_changes();
        i += static_cast<long>(ids.size()) - 1; // each raised record counts
    }
    for (long i = 0; i < events; ++i, t += 2 * kNsPerS) {
        std::string s = source(i);
        SampleValue dip[] = {
            {1, "IV1Inst", 100, true}, {1, "IV2Inst", 230, true}, {1, "IV3Inst", 230, true}};
        SampleValue ok[] = {
            {1, "IV1Inst", 230, true}, {1, "IV2Inst", 230, true}, {1, "IV3Inst", 230, true}};
        e.on_samples(s, t, dip, 3);
        e.on_samples(s, t + kNsPerS, ok, 3);
        e.take_changes();
    }
    e.save(now);
    QueryPage all = e.query({});
    std::printf("seeded %zu rows (alarm records and voltage events) in %s\n", all.total,
                dir.c_str());
    return 0;
}
