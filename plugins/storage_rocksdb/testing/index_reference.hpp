// Brute-force reference for counter consumption, written out directly from the rule and
// independent of the store's rollups: the cumulative index at every reading (in time order,
// across resets, rollovers and replacements), and index(t) interpolated in proportion to time
// between two readings, floored to a whole unit (readings are whole units). Consumption of a
// bucket [s, e) = index(e) - index(s).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace gs::store::testing {

struct IndexReading {
    int64_t ts_ns = 0;
    int64_t value = 0; // whole units (Wh)
};

class IndexReference {
public:
    // `max`: the counter's largest value (0: every drop is a reset); a drop from within the top
    // `rollover_fraction` of it is a rollover (max - before + 1 + after).
    IndexReference(std::vector<IndexReading> readings, int64_t max, double rollover_fraction = 0.1)
        : readings_(std::move(readings)) {
        std::stable_sort(
            readings_.begin(), readings_.end(),
            [](const IndexReading &a, const IndexReading &b) { return a.ts_ns < b.ts_ns; });
        index_.reserve(readings_.size());
        int64_t total = 0;
        for (size_t k = 0; k < readings_.size(); ++k) {
            if (k > 0) {
                int64_t before = readings_[k - 1].value, after = readings_[k].value;
                if (after >= before)
                    total += after - before;
                else if (max > 0 && static_cast<double>(before) >=
                                        static_cast<double>(max) * (1.0 - rollover_fraction))
                    total += max - before + 1 + after;
                else
                    total += after; // reset or replacement: the new meter started from zero
            }
            index_.push_back(total);
        }
    }

    // The index at t: 0 before the first reading, the last reading's index after the last one.
    int64_t at(int64_t t_ns) const {
        auto after = std::upper_bound(readings_.begin(), readings_.end(), t_ns,
                                      [](int64_t t, const IndexReading &r) { return t < r.ts_ns; });
        if (after == readings_.begin()) return 0;
        size_t k = static_cast<size_t>(after - readings_.begin()) - 1;
        if (k + 1 == readings_.size()) return index_[k];
        __extension__ using i128 = __int128;
        i128 step = index_[k + 1] - index_[k];
        i128 part = static_cast<i128>(t_ns - readings_[k].ts_ns) * step /
                    (readings_[k + 1].ts_ns - readings_[k].ts_ns); // deltas are >= 0: floor
        return index_[k] + static_cast<int64_t>(part);
    }
    int64_t consumption(int64_t start_ns, int64_t end_ns) const {
        return at(end_ns) - at(start_ns);
    }

private:
    std::vector<IndexReading> readings_;
    std::vector<int64_t> index_;
};

} // namespace gs::store::testing
