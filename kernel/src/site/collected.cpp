#include "site/collected.hpp"

#include <algorithm>

namespace gs::kernel {

namespace {

const Circuit *circuit_of(const Source &source, uint32_t index) {
    for (const auto &c : source.circuits)
        if (c.index == index) return &c;
    return nullptr;
}

// The models of `circuit` that hold `data` (each with `keep` true) exist or not.
template <class Keep>
bool in_models(const SiteModel &site, const Circuit &circuit, const std::string &data, Keep keep) {
    for (const auto &id : circuit.models) {
        auto it = site.models.find(id);
        if (it == site.models.end() || !keep(it->second)) continue;
        const auto &names = it->second.data;
        if (std::find(names.begin(), names.end(), data) != names.end()) return true;
    }
    return false;
}

// `without_models`: what a circuit without a `models:` key answers once enabled.
template <class Keep>
bool circuit_has(const SiteModel &site, const Circuit &circuit, const std::string &data, Keep keep,
                 bool without_models = true) {
    if (!circuit.enabled) return false;
    auto off = circuit.data_enabled.find(data);
    if (off != circuit.data_enabled.end() && !off->second) return false;
    if (const DataDef *def = site.catalog.find(data); def && !def->enabled) return false;
    if (!circuit.models_given) return without_models;
    return in_models(site, circuit, data, keep);
}

template <class Keep>
bool source_has(const SiteModel &site, const Source &source, uint32_t circuit,
                const std::string &data, Keep keep, bool without_models = true) {
    if (!source.enabled) return false;
    if (circuit != 0) {
        const Circuit *c = circuit_of(source, circuit);
        return c && circuit_has(site, *c, data, keep, without_models);
    }
    return std::any_of(source.circuits.begin(), source.circuits.end(), [&](const Circuit &c) {
        return circuit_has(site, c, data, keep, without_models);
    });
}

} // namespace

bool collects(const SiteModel &site, const Source &source, uint32_t circuit,
              const std::string &data) {
    return source_has(site, source, circuit, data, [](const Model &) { return true; });
}

bool keeps_history(const SiteModel &site, const Source &source, uint32_t circuit,
                   const std::string &data) {
    return source_has(site, source, circuit, data, [](const Model &m) { return m.history; });
}

bool in_datalogger(const SiteModel &site, const Source &source, uint32_t circuit,
                   const std::string &data) {
    return source_has(
        site, source, circuit, data, [](const Model &m) { return m.datalogger; }, false);
}

std::vector<const ProfilePoint *> collected_points(const SiteModel &site, const Source &source,
                                                   const Profile &profile) {
    std::vector<const ProfilePoint *> out;
    for (const auto *points : {&profile.points, &source.points})
        for (const auto &p : *points)
            if (collects(site, source, p.circuit, p.data)) out.push_back(&p);
    return out;
}

} // namespace gs::kernel
