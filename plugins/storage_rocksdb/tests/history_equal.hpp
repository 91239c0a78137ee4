// Bit-for-bit comparison of two history answers (raw reads from column blocks against raw
// reads from the records: same sums in the same order, -0.0 against 0.0 as the records give).
#pragma once

#include <core/types.hpp>
#include <doctest/doctest.h>

#include <cstring>
#include <vector>

namespace gs::store::testing {

inline bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

inline void check_same_history(const std::vector<HistorySeries> &a,
                               const std::vector<HistorySeries> &b) {
    REQUIRE(a.size() == b.size());
    for (size_t s = 0; s < a.size(); ++s) {
        CHECK(a[s].width_ns == b[s].width_ns);
        REQUIRE(a[s].buckets.size() == b[s].buckets.size());
        for (size_t i = 0; i < a[s].buckets.size(); ++i) {
            const HistoryBucket &x = a[s].buckets[i], &y = b[s].buckets[i];
            CHECK(x.start_utc_ns == y.start_utc_ns);
            CHECK(x.count == y.count);
            CHECK(same_bits(x.min, y.min));
            CHECK(same_bits(x.max, y.max));
            CHECK(same_bits(x.avg, y.avg));
        }
    }
}

} // namespace gs::store::testing
