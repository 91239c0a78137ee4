#include "sparkplug_codec.hpp"

#include "sparkplug_b_subset.pb-c.h"

#include <memory>

namespace gs::mqtt::spb {
namespace {

using PbPayload = Gridscope__Sparkplug__Payload;
using PbMetric = Gridscope__Sparkplug__Metric;
using PbPropertySet = Gridscope__Sparkplug__PropertySet;
using PbPropertyValue = Gridscope__Sparkplug__PropertyValue;

const char kQualityKey[] = "Quality";

// protobuf-c wants char* for strings it only reads while packing.
char *text(const std::string &s) {
    return const_cast<char *>(s.c_str());
}

} // namespace

std::string encode(const Payload &p) {
    const size_t n = p.metrics.size();
    std::vector<PbMetric> metrics(n);
    std::vector<PbMetric *> metric_ptrs(n);
    // One property set and value per metric with a quality (at most n; never reallocated).
    std::vector<PbPropertySet> sets(n);
    std::vector<PbPropertyValue> values(n);
    std::vector<PbPropertyValue *> value_ptrs(n);
    char *quality_key = const_cast<char *>(kQualityKey);
    for (size_t i = 0; i < n; ++i) {
        const Metric &m = p.metrics[i];
        PbMetric &pb = metrics[i];
        gridscope__sparkplug__metric__init(&pb);
        if (!m.name.empty()) pb.name = text(m.name);
        if (m.alias) pb.has_alias = 1, pb.alias = *m.alias;
        if (m.timestamp) pb.has_timestamp = 1, pb.timestamp = *m.timestamp;
        if (m.datatype) pb.has_datatype = 1, pb.datatype = *m.datatype;
        if (m.historical) pb.has_is_historical = 1, pb.is_historical = 1;
        if (m.is_null) pb.has_is_null = 1, pb.is_null = 1;
        if (m.quality) {
            PbPropertyValue &v = values[i];
            gridscope__sparkplug__property_value__init(&v);
            v.has_type = 1, v.type = kInt32;
            v.has_int_value = 1, v.int_value = static_cast<uint32_t>(*m.quality);
            value_ptrs[i] = &v;
            PbPropertySet &set = sets[i];
            gridscope__sparkplug__property_set__init(&set);
            set.n_keys = 1, set.keys = &quality_key;
            set.n_values = 1, set.values = &value_ptrs[i];
            pb.properties = &set;
        }
        if (const double *d = std::get_if<double>(&m.value)) {
            pb.value_case = GRIDSCOPE__SPARKPLUG__METRIC__VALUE_DOUBLE_VALUE;
            pb.double_value = *d;
        } else if (const uint64_t *l = std::get_if<uint64_t>(&m.value)) {
            pb.value_case = GRIDSCOPE__SPARKPLUG__METRIC__VALUE_LONG_VALUE;
            pb.long_value = *l;
        } else if (const bool *b = std::get_if<bool>(&m.value)) {
            pb.value_case = GRIDSCOPE__SPARKPLUG__METRIC__VALUE_BOOLEAN_VALUE;
            pb.boolean_value = *b;
        } else if (const std::string *s = std::get_if<std::string>(&m.value)) {
            pb.value_case = GRIDSCOPE__SPARKPLUG__METRIC__VALUE_STRING_VALUE;
            pb.string_value = text(*s);
        }
        metric_ptrs[i] = &pb;
    }
    PbPayload payload;
    gridscope__sparkplug__payload__init(&payload);
    if (p.timestamp) payload.has_timestamp = 1, payload.timestamp = *p.timestamp;
    if (p.seq) payload.has_seq = 1, payload.seq = *p.seq;
    payload.n_metrics = n;
    payload.metrics = metric_ptrs.data();
    std::string out(gridscope__sparkplug__payload__get_packed_size(&payload), '\0');
    gridscope__sparkplug__payload__pack(&payload, reinterpret_cast<uint8_t *>(out.data()));
    return out;
}

std::optional<Payload> decode(const void *data, size_t size) {
    std::unique_ptr<PbPayload, void (*)(PbPayload *)> pb(
        gridscope__sparkplug__payload__unpack(nullptr, size, static_cast<const uint8_t *>(data)),
        [](PbPayload *q) { gridscope__sparkplug__payload__free_unpacked(q, nullptr); });
    if (!pb) return std::nullopt;
    Payload p;
    if (pb->has_timestamp) p.timestamp = pb->timestamp;
    if (pb->has_seq) p.seq = pb->seq;
    for (size_t i = 0; i < pb->n_metrics; ++i) {
        const PbMetric &pm = *pb->metrics[i];
        Metric m;
        if (pm.name) m.name = pm.name;
        if (pm.has_alias) m.alias = pm.alias;
        if (pm.has_timestamp) m.timestamp = pm.timestamp;
        if (pm.has_datatype) m.datatype = pm.datatype;
        m.historical = pm.has_is_historical && pm.is_historical;
        m.is_null = pm.has_is_null && pm.is_null;
        if (pm.properties)
            for (size_t k = 0; k < pm.properties->n_keys && k < pm.properties->n_values; ++k)
                if (std::string(pm.properties->keys[k]) == kQualityKey &&
                    pm.properties->values[k]->has_int_value)
                    m.quality = static_cast<int32_t>(pm.properties->values[k]->int_value);
        switch (pm.value_case) {
        case GRIDSCOPE__SPARKPLUG__METRIC__VALUE_INT_VALUE:
            m.value = uint64_t{pm.int_value};
            break;
        case GRIDSCOPE__SPARKPLUG__METRIC__VALUE_LONG_VALUE:
            m.value = uint64_t{pm.long_value};
            break;
        case GRIDSCOPE__SPARKPLUG__METRIC__VALUE_DOUBLE_VALUE:
            m.value = pm.double_value;
            break;
        case GRIDSCOPE__SPARKPLUG__METRIC__VALUE_BOOLEAN_VALUE:
            m.value = static_cast<bool>(pm.boolean_value);
            break;
        case GRIDSCOPE__SPARKPLUG__METRIC__VALUE_STRING_VALUE:
            m.value = std::string(pm.string_value ? pm.string_value : "");
            break;
        default:
            break;
        }
        p.metrics.push_back(std::move(m));
    }
    return p;
}

} // namespace gs::mqtt::spb
