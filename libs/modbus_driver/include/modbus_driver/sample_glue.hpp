// From the Modbus core's poll results to SDK samples: shared by every Modbus-based driver
// (driver_modbus, driver_socomec_diris, driver_socomec_atys).
#pragma once

#include "modbus/quality.hpp"

#include <gridscope/plugin.hpp>

namespace gs::modbus {

inline gs_quality to_gs_quality(const Quality &q) {
    switch (q.kind) {
    case QualityKind::good:
        return GS_QUALITY_GOOD;
    case QualityKind::timeout:
        return GS_QUALITY_TIMEOUT;
    case QualityKind::exception:
        return GS_QUALITY_EXCEPTION;
    case QualityKind::disconnected:
        return GS_QUALITY_DISCONNECTED;
    default:
        return GS_QUALITY_BAD_RESPONSE;
    }
}

// Adds one point's result: its value when good (text values are not samples), else the quality
// with no value, so that nothing stale is ever published as fresh.
inline void add_result(SampleBatch &batch, const PointSpec &p, const PointResult &r) {
    if (r.quality.is_good()) {
        if (const double *v = r.value ? std::get_if<double>(&*r.value) : nullptr)
            batch.add(p.circuit, p.data, *v);
        return;
    }
    batch.add(p.circuit, p.data, 0.0, to_gs_quality(r.quality), r.quality.exception_code);
}

} // namespace gs::modbus
