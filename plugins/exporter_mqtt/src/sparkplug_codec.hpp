// Sparkplug B payloads (Sparkplug 3.0.0, section 6.4) as plain C++ values, encoded and decoded
// with protobuf-c over the schema subset in ../proto/sparkplug_b_subset.proto.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gs::mqtt::spb {

// Sparkplug datatypes used here (the specification's DataType enumeration).
enum DataType : uint32_t { kInt32 = 3, kInt64 = 4, kDouble = 10, kBoolean = 11, kString = 12 };

// The 'Quality' property's codes (section 6.4.11): sent only when a value is not good.
constexpr int32_t kQualityBad = 0;
constexpr int32_t kQualityGood = 192;
constexpr int32_t kQualityStale = 500;

struct Metric {
    std::string name;              // "" = absent (data messages carry the alias only)
    std::optional<uint64_t> alias; // absent for bdSeq and Node Control/Rebirth
    std::optional<uint64_t> timestamp;
    std::optional<uint32_t> datatype; // births only
    bool historical = false;
    bool is_null = false;
    std::optional<int32_t> quality; // the 'Quality' property
    // int_value and long_value both read as uint64_t.
    std::variant<std::monostate, double, uint64_t, bool, std::string> value;
};

struct Payload {
    std::optional<uint64_t> timestamp;
    std::vector<Metric> metrics;
    std::optional<uint64_t> seq; // absent in NDEATH
};

// The protobuf bytes of `p`.
std::string encode(const Payload &p);
// nullopt when `data` is not a Sparkplug B payload.
std::optional<Payload> decode(const void *data, size_t size);

} // namespace gs::mqtt::spb
