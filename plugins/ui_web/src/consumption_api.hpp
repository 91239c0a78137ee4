// GET /api/v1/consumption (docs/api.md, issue 12): the checks of its query, the source of the
// per-load bucket values (filled by storage_consumption.cpp from the storage's query service)
// and its answer, computed by libs/consumption (the same maths as `gridscope query
// --consumption --hierarchy`). Free of CivetWeb and of the SDK.
#ifndef GS_UI_WEB_CONSUMPTION_API_HPP
#define GS_UI_WEB_CONSUMPTION_API_HPP

#include "text.hpp"

#include <consumption/breakdown.hpp>
#include <consumption/report.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gs::ui {

constexpr size_t kMaxConsumptionBuckets = 10000; // per request
constexpr size_t kMaxConsumptionCircuits = 500;  // circuit=... per request

// The storage's side. Empty functions, or available() false: no storage service (503).
struct ConsumptionSource {
    std::function<bool()> available;
    // Each load's consumption per bucket (step a gs_bucket_step) in [bucket of from, to).
    std::function<consumption::LoadReading(const std::vector<std::string> &loads, int32_t step,
                                           int64_t from_utc_ns, int64_t to_utc_ns)>
        read;
};

struct ConsumptionRequest {
    std::string hierarchy;             // "" with circuits
    std::optional<std::string> node;   // the hierarchy's root when neither node nor by
    bool by_usage = false;             // by=usage
    std::vector<std::string> circuits; // circuit=SOURCE/K,... (no hierarchy)
    std::string bucket;                // hour, day, week, month
    int32_t step = 0;                  // its gs_bucket_step
    int64_t from_utc_ns = 0, to_utc_ns = 0;
};

// The checked query, or the reason it is refused (the 400's message). `hierarchies` is the
// site's, to name unknown hierarchies, nodes and circuits precisely.
std::variant<ConsumptionRequest, std::string>
parse_consumption_request(const Query &query, const consumption::Hierarchies &hierarchies,
                          const std::vector<std::string> &known_loads);

// The answer for a checked request: {"hierarchy", "node", "by", "bucket", "from", "to",
// "timezone", "unit" (the consumption data's, from the catalog), "buckets": [...as the CLI...],
// "total": {"value", "parts"}, "imbalances": [...]}. `reading` holds the loads' values (status
// GS_OK).
nlohmann::json consumption_json(const ConsumptionRequest &request,
                                const consumption::Hierarchies &hierarchies,
                                const consumption::LoadReading &reading,
                                const std::string &timezone, const std::string &unit);

// The loads a checked request reads.
std::vector<std::string> consumption_loads(const ConsumptionRequest &request,
                                           const consumption::Hierarchies &hierarchies);

} // namespace gs::ui

#endif
