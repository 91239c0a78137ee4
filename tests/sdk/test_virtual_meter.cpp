// The example plugin's meter model: plausible values, counters consistent with power.
#include "meter_model.hpp"

#include <doctest/doctest.h>

TEST_CASE("the virtual meter's energy integrates its power") {
    example::MeterModel meter(100.0, 7);
    const int64_t start = 1'780'000'000'000'000'000; // some day, 1 s steps
    auto first = meter.sample(start);
    double energy0 = first["IEaPInst"];
    double power_sum = 0;
    for (int i = 1; i <= 3600; ++i) {
        auto v = meter.sample(start + i * 1'000'000'000LL);
        power_sum += v["IPSumInst"];
        CHECK(v["IV1Inst"] > 220);
        CHECK(v["IV1Inst"] < 240);
        CHECK(v["IFreqInst"] > 49.8);
        CHECK(v["IFreqInst"] < 50.2);
        CHECK(v["IpFSumInst"] <= 1.0);
        if (i == 3600) {
            double expected_wh = power_sum / 3600.0; // mean power over one hour
            CHECK(v["IEaPInst"] - energy0 == doctest::Approx(expected_wh).epsilon(0.001));
        }
    }
}
