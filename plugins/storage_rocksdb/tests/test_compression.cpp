#include <doctest/doctest.h>

#include <core/store.hpp>
#include <synthetic_meter.hpp>
#include <temp_dir.hpp>

using namespace gs::store;
using gs::store::testing::SyntheticMeter;
using gs::store::testing::TempDir;

TEST_CASE("bytes per value on disk after compaction, realistic meter data") {
    TempDir dir;
    Options o;
    o.time_zone = "Europe/Paris";
    auto store = Store::open(dir.path(), o);
    SyntheticMeter meters[] = {{"meterA", 50, 1}, {"meterB", 50, 2}};
    for (auto &m : meters)
        for (const SeriesSpec &s : m.specs())
            store->declare_series(s);
    const int64_t start = 1767225600LL * 1'000'000'000;
    const int64_t step = 10LL * 1'000'000'000;
    uint64_t values = 0;
    for (int i = 0; i < 8640; ++i) // one day every 10 s, 200 values per poll and meter
        for (auto &m : meters) {
            Batch b = m.poll(start + i * step + (i % 3) * 1'000'000, 10.0);
            values += b.values.size();
            store->append(b);
        }
    store->compact();
    StoreStats st = store->stats();
    double raw = static_cast<double>(st.raw_sst_bytes) / values;
    double total = static_cast<double>(st.live_sst_bytes) / values;
    MESSAGE("values " << values << ": raw " << raw << " B/value, everything incl. rollups " << total
                      << " B/value");
    CHECK(raw < 3.0);
    CHECK(total < 3.0);
}
