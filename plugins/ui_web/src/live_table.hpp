// The latest value of every (source, circuit, data), with its quality and age, and a JSON
// snapshot per source that is rebuilt only when the source changed or a value went stale.
//
// Threads: update() is called by the bus thread; snapshot() and status() by any HTTP thread.
// Each source has its own mutex, held only to copy values in or to build its snapshot (a few
// microseconds), so the bus thread never waits on a client.
#ifndef GS_UI_WEB_LIVE_TABLE_HPP
#define GS_UI_WEB_LIVE_TABLE_HPP

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gs::ui {

// gs_quality values (plugin.h), repeated here so this file stays free of SDK types.
enum : uint32_t {
    kQualityGood = 1,
    kQualityTimeout = 2,
    kQualityException = 3,
    kQualityDisconnected = 4,
    kQualityBadResponse = 5
};
const char *quality_name(uint32_t quality); // "good", "timeout", ...; "none" if never received

struct LiveSample {
    uint32_t circuit;
    std::string_view data;
    double value;
    uint32_t quality;
    int32_t detail;
};

class LiveTable {
public:
    struct SourceSpec {
        std::string name;
        int64_t period_ms = 1000;
        std::vector<std::pair<uint32_t, std::string>> expected; // (circuit, data) of the profile
    };
    // A value is stale when its quality is not GOOD or when its last GOOD measurement is older
    // than stale_periods x the source's period.
    LiveTable(const std::vector<SourceSpec> &sources, int stale_periods);
    LiveTable(const LiveTable &) = delete;
    LiveTable &operator=(const LiveTable &) = delete;

    // [bus-thread] One batch: measured at ts_utc_ns, received at now_utc_ns / now_mono_ns.
    // False for a source that is not in the site (ignored).
    bool update(std::string_view source, int64_t ts_utc_ns, int64_t now_utc_ns, int64_t now_mono_ns,
                const LiveSample *samples, size_t count);

    // [any-thread] The source's JSON snapshot as of now_mono_ns, or nullptr for an unknown
    // source. The same pointer is returned until something visible changes, so comparing
    // pointers tells whether to push again:
    //   {"source": "x", "ts": <ms of the last batch or null>, "stale": bool,
    //    "values": [{"c": 1, "d": "IV1Inst", "v": 230.1 | null, "q": "good", "t": <ms>|null,
    //                "s": false}, ...]}
    // v and t are the last GOOD value and its measurement time; q the latest quality; s stale.
    std::shared_ptr<const std::string> snapshot(std::string_view source, int64_t now_mono_ns);

    bool has(std::string_view source) const { return index_.count(std::string(source)) != 0; }

    // [any-thread] Communication status of every source, for diagnostics:
    //   [{"source", "batches", "good_values", "bad_values", "last_batch_ts", "last_good_ts",
    //     "stale"}]
    nlohmann::json status(int64_t now_mono_ns);

private:
    struct Value {
        uint32_t circuit = 0;
        std::string data;
        double value = 0;     // last GOOD value
        uint32_t quality = 0; // latest quality; 0 = never received
        int32_t detail = 0;
        int64_t good_ts_utc_ns = 0; // measurement time of the last GOOD value
        int64_t good_mono_ns = 0;   // the same on the monotonic clock; 0 = never
    };
    struct Slot {
        std::string name;
        int64_t stale_after_ns = 0;
        std::mutex mutex;
        std::vector<Value> values;
        std::unordered_map<std::string, size_t> by_key; // "<circuit>/<data>"
        uint64_t version = 0;
        int64_t last_batch_ts_utc_ns = 0;
        int64_t last_batch_mono_ns = 0;
        uint64_t batches = 0, good_values = 0, bad_values = 0;
        std::shared_ptr<const std::string> cache;
        uint64_t cache_version = UINT64_MAX;
        int64_t cache_valid_until_mono_ns = 0;
    };
    static constexpr size_t kMaxValuesPerSource = 4096;
    static std::string key(uint32_t circuit, std::string_view data);
    Slot *find(std::string_view source);
    size_t value_index(Slot &slot, uint32_t circuit, std::string_view data);
    static std::shared_ptr<const std::string> build(Slot &slot, int64_t now_mono_ns);

    std::vector<std::unique_ptr<Slot>> slots_;
    std::unordered_map<std::string, Slot *> index_; // fixed after construction
};

} // namespace gs::ui

#endif
