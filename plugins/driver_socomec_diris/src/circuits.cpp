#include "circuits.hpp"

#include "modbus/codec.hpp"
#include "modbus_driver/source_config.hpp"

#include <stdexcept>

namespace gs::socomec {

std::optional<std::vector<uint32_t>> present_circuits(const UnitReader &read, uint8_t unit,
                                                      uint32_t timeout_ms,
                                                      const ProfileDef &profile) {
    using namespace gs::modbus;
    auto defaults = parse_defaults(ptree_lookup(profile.defaults));
    if (!defaults) throw std::invalid_argument(profile.info.id + ": defaults: " + defaults.error());
    std::vector<uint32_t> out;
    for (uint32_t k = 1; k <= profile.info.circuits; ++k) {
        const ProfilePoint *status = nullptr;
        for (const auto &p : profile.points)
            if (p.circuit == k && p.data == kLoadStatusData) status = &p;
        if (!status) { // nothing tells: the profile's circuit is there
            out.push_back(k);
            continue;
        }
        auto spec = parse_point(ptree_lookup(status->attrs), defaults.value());
        if (!spec)
            throw std::invalid_argument(profile.info.id + ": " + kLoadStatusData + " of circuit " +
                                        std::to_string(k) + ": " + spec.error());
        ReadRequest request;
        request.function = spec.value().function;
        request.address = spec.value().address;
        request.count = spec.value().count();
        Outcome got = read(unit, request, timeout_ms);
        if (got.quality.kind == QualityKind::timeout ||
            got.quality.kind == QualityKind::disconnected)
            return std::nullopt;
        if (!got.quality.is_good()) continue; // the device refuses the load's block: no load
        auto value = decode(spec.value().format(), got.values.data(), got.values.size());
        if (value && std::holds_alternative<double>(value.value()) &&
            std::get<double>(value.value()) != 0)
            out.push_back(k);
    }
    return out;
}

} // namespace gs::socomec
