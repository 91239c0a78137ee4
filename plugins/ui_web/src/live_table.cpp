#include "live_table.hpp"

#include "http.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gs::ui {

using json = nlohmann::json;

const char *quality_name(uint32_t quality) {
    switch (quality) {
    case kQualityGood:
        return "good";
    case kQualityTimeout:
        return "timeout";
    case kQualityException:
        return "exception";
    case kQualityDisconnected:
        return "disconnected";
    case kQualityBadResponse:
        return "bad_response";
    case 0:
        return "none";
    default:
        return "invalid";
    }
}

LiveTable::LiveTable(const std::vector<SourceSpec> &sources, int stale_periods) {
    for (const auto &spec : sources) {
        if (index_.count(spec.name)) continue;
        auto slot = std::make_unique<Slot>();
        slot->name = spec.name;
        slot->stale_after_ns =
            std::max<int64_t>(1, stale_periods) * std::max<int64_t>(1, spec.period_ms) * 1'000'000;
        for (const auto &[circuit, data] : spec.expected)
            value_index(*slot, circuit, data);
        index_[spec.name] = slot.get();
        slots_.push_back(std::move(slot));
    }
}

std::string LiveTable::key(uint32_t circuit, std::string_view data) {
    std::string k = std::to_string(circuit);
    k.push_back('/');
    k.append(data);
    return k;
}

LiveTable::Slot *LiveTable::find(std::string_view source) {
    auto it = index_.find(std::string(source));
    return it == index_.end() ? nullptr : it->second;
}

size_t LiveTable::value_index(Slot &slot, uint32_t circuit, std::string_view data) {
    std::string k = key(circuit, data);
    auto it = slot.by_key.find(k);
    if (it != slot.by_key.end()) return it->second;
    if (slot.values.size() >= kMaxValuesPerSource) return SIZE_MAX;
    Value v;
    v.circuit = circuit;
    v.data = std::string(data);
    slot.values.push_back(std::move(v));
    slot.by_key.emplace(std::move(k), slot.values.size() - 1);
    return slot.values.size() - 1;
}

bool LiveTable::update(std::string_view source, int64_t ts_utc_ns, int64_t now_utc_ns,
                       int64_t now_mono_ns, const LiveSample *samples, size_t count) {
    Slot *slot = find(source);
    if (!slot) return false;
    // When the batch was measured, on the monotonic clock: receipt time minus the bus delay
    // (bounded, so that a wall-clock jump cannot make a value look fresher or far older).
    int64_t delay = std::clamp<int64_t>(now_utc_ns - ts_utc_ns, 0, slot->stale_after_ns);
    int64_t measured_mono = now_mono_ns - delay;
    std::lock_guard<std::mutex> lock(slot->mutex);
    for (size_t i = 0; i < count; ++i) {
        const LiveSample &s = samples[i];
        size_t at = value_index(*slot, s.circuit, s.data);
        if (at == SIZE_MAX) continue; // a runaway producer: the table stays bounded
        Value &v = slot->values[at];
        v.quality = s.quality;
        v.detail = s.detail;
        if (s.quality == kQualityGood && std::isfinite(s.value)) {
            v.value = s.value;
            v.good_ts_utc_ns = ts_utc_ns;
            v.good_mono_ns = std::max<int64_t>(1, measured_mono);
            ++slot->good_values;
        } else {
            if (s.quality == kQualityGood) v.quality = kQualityBadResponse; // NaN or infinity
            ++slot->bad_values;
        }
    }
    slot->last_batch_ts_utc_ns = ts_utc_ns;
    slot->last_batch_mono_ns = std::max<int64_t>(1, measured_mono);
    ++slot->batches;
    ++slot->version;
    return true;
}

std::shared_ptr<const std::string> LiveTable::build(Slot &slot, int64_t now_mono_ns) {
    int64_t valid_until = std::numeric_limits<int64_t>::max();
    bool any_fresh = false;
    json values = json::array();
    for (const auto &v : slot.values) {
        bool fresh = v.quality == kQualityGood && v.good_mono_ns != 0 &&
                     now_mono_ns - v.good_mono_ns <= slot.stale_after_ns;
        if (fresh) {
            any_fresh = true;
            valid_until = std::min(valid_until, v.good_mono_ns + slot.stale_after_ns + 1);
        }
        json j = {{"c", v.circuit}, {"d", v.data}, {"q", quality_name(v.quality)}, {"s", !fresh}};
        if (v.good_mono_ns) {
            j["v"] = v.value;
            j["t"] = v.good_ts_utc_ns / 1'000'000;
        } else {
            j["v"] = nullptr;
            j["t"] = nullptr;
        }
        values.push_back(std::move(j));
    }
    json doc = {{"source", slot.name},
                {"ts", slot.last_batch_ts_utc_ns ? json(slot.last_batch_ts_utc_ns / 1'000'000)
                                                 : json(nullptr)},
                {"stale", !any_fresh},
                {"values", std::move(values)}};
    slot.cache = std::make_shared<const std::string>(json_text(doc));
    slot.cache_version = slot.version;
    slot.cache_valid_until_mono_ns = valid_until;
    return slot.cache;
}

std::shared_ptr<const std::string> LiveTable::snapshot(std::string_view source,
                                                       int64_t now_mono_ns) {
    Slot *slot = find(source);
    if (!slot) return nullptr;
    std::lock_guard<std::mutex> lock(slot->mutex);
    if (slot->cache && slot->cache_version == slot->version &&
        now_mono_ns < slot->cache_valid_until_mono_ns)
        return slot->cache;
    return build(*slot, now_mono_ns);
}

json LiveTable::status(int64_t now_mono_ns) {
    json out = json::array();
    for (const auto &slot : slots_) {
        std::lock_guard<std::mutex> lock(slot->mutex);
        int64_t last_good = 0;
        for (const auto &v : slot->values)
            last_good = std::max(last_good, v.good_ts_utc_ns);
        bool stale = slot->last_batch_mono_ns == 0 ||
                     now_mono_ns - slot->last_batch_mono_ns > slot->stale_after_ns;
        out.push_back({{"source", slot->name},
                       {"batches", slot->batches},
                       {"good_values", slot->good_values},
                       {"bad_values", slot->bad_values},
                       {"last_batch_ts", slot->last_batch_ts_utc_ns
                                             ? json(slot->last_batch_ts_utc_ns / 1'000'000)
                                             : json(nullptr)},
                       {"last_good_ts", last_good ? json(last_good / 1'000'000) : json(nullptr)},
                       {"stale", stale}});
    }
    return out;
}

} // namespace gs::ui
