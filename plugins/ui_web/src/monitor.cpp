#include "monitor.hpp"

#include "text.hpp"

#include <algorithm>
#include <set>

namespace gs::ui {

namespace {

using Names = std::vector<std::string>;

const Names kVoltages = {"IV1Inst",        "IV2Inst",         "IV3Inst",         "IU12Inst",
                         "IU23Inst",       "IU31Inst",        "INetworkV1Inst",  "INetworkV2Inst",
                         "INetworkV3Inst", "INetworkU12Inst", "INetworkU23Inst", "INetworkU31Inst"};
const Names kNetworkExtra = {"IVnInst",   "INetworkVnInst", "IFreqInst",        "INetworkFreqInst",
                             "IUnbaInst", "IVnbaInst",      "INetworkUnbaInst", "INetworkVnbaInst"};
const Names kThdU = {
    "IHarmonicsTHDU12Inst", "IHarmonicsTHDU23Inst", "IHarmonicsTHDU31Inst", "IHarmonicsTHDUSysInst",
    "IHarmonicsTHDV1Inst",  "IHarmonicsTHDV2Inst",  "IHarmonicsTHDV3Inst",  "IHarmonicsTHDVSysInst",
    "INetworkTHDU12Inst",   "INetworkTHDU23Inst",   "INetworkTHDU31Inst",   "INetworkTHDUSysInst",
    "INetworkTHDV1Inst",    "INetworkTHDV2Inst",    "INetworkTHDV3Inst",    "INetworkTHDVSysInst"};
const Names kCurrents = {"II1Inst",   "II2Inst",  "II3Inst",  "IInInst",
                         "IISysInst", "IIPEInst", "IInbaInst"};
const Names kPhasePf = {"IpF1Inst", "IpF2Inst", "IpF3Inst", "IpFSumInst"};
const Names kPower = {"IPSumInst", "IQSumInst", "ISSumInst", "IpFSumInst", "IP1Inst", "IP2Inst",
                      "IP3Inst",   "IQ1Inst",   "IQ2Inst",   "IQ3Inst",    "IS1Inst", "IS2Inst",
                      "IS3Inst",   "IpF1Inst",  "IpF2Inst",  "IpF3Inst"};
const Names kPowerExtra = {"IPredActivePower", "IPredActivePowerNeg", "IPredReactivePower",
                           "IPredReactivePowerNeg", "IPredApparentPower"};
const Names kEnergy = {"IEaPInst",        "IEaNInst",        "IErPInst",        "IErNInst",
                       "IEsInst",         "IEaPPartialInst", "IEaNPartialInst", "IErPPartialInst",
                       "IErNPartialInst", "IEsPartialInst"};
// Ea+ per tariff period and the period in progress (catalog extensions, profiles/catalog.yaml).
const Names kTariffs = {"IEaPTariff1Inst", "IEaPTariff2Inst", "IEaPTariff3Inst",
                        "IEaPTariff4Inst", "IEaPTariff5Inst", "IEaPTariff6Inst",
                        "IEaPTariff7Inst", "IEaPTariff8Inst", "ITariffInProgress"};
const Names kThdI = {"IHarmonicsTHDI1Inst", "IHarmonicsTHDI2Inst", "IHarmonicsTHDI3Inst",
                     "IHarmonicsTHDINInst", "IHarmonicsTHDISysInst"};

Names concat(std::initializer_list<const Names *> parts) {
    Names out;
    for (const Names *p : parts)
        out.insert(out.end(), p->begin(), p->end());
    return out;
}

bool is_input(const std::string &name) {
    auto starts = [&](const char *prefix) { return name.rfind(prefix, 0) == 0; };
    return starts("IInputState") || starts("IAnalogicInputMeters") ||
           starts("IInstExternalTemperature") || name == "IInstInternalTemperature";
}

bool equals_nocase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && contains_nocase(a, b);
}

} // namespace

std::vector<const ProfilePoint *> circuit_points(const SiteModel &site, const SourceInfo &source,
                                                 uint32_t circuit) {
    std::vector<const ProfilePoint *> points;
    std::set<std::string> have;
    if (const DeviceProfile *profile = site.profile_of(source)) {
        for (const auto &p : profile->data)
            if (p.circuit == circuit && have.insert(p.data).second) points.push_back(&p);
        for (const auto &p : profile->data)
            if (p.circuit == 0 && have.insert(p.data).second) points.push_back(&p);
    }
    return points;
}

json monitor_description(const SiteModel &site, const SourceInfo &source, uint32_t circuit) {
    const DeviceProfile *profile = site.profile_of(source);
    const std::vector<const ProfilePoint *> points = circuit_points(site, source, circuit);
    std::set<std::string> have;
    for (const auto *p : points)
        have.insert(p->data);
    auto present = [&](const Names &names) {
        Names out;
        for (const auto &n : names)
            if (have.count(n)) out.push_back(n);
        return out;
    };

    json views = json::array();
    auto add = [&](const char *id, const char *section, const Names &needs, const Names &uses) {
        if (present(needs).empty()) return;
        views.push_back({{"id", id}, {"section", section}, {"data", present(uses)}});
    };
    add("network-summary", "network", kVoltages, concat({&kVoltages, &kNetworkExtra}));
    add("network-quality", "network", kThdU, kThdU);
    // The load summary draws phase currents (phasor) or P and Q together (four quadrants).
    const Names kPhaseCurrents = {"II1Inst", "II2Inst", "II3Inst"};
    if (!present(kPhaseCurrents).empty() || (have.count("IPSumInst") && have.count("IQSumInst")))
        add("load-summary", "load", concat({&kCurrents, &kPower}),
            concat({&kVoltages, &kCurrents, &kPower}));
    add("load-currents-voltages", "load", concat({&kCurrents, &kVoltages}),
        concat({&kCurrents, &kVoltages, &kNetworkExtra}));
    add("load-power", "load", kPower, concat({&kPower, &kPowerExtra}));
    add("load-energy", "load", kEnergy, concat({&kEnergy, &kTariffs}));
    add("load-quality", "load", kThdI, kThdI);
    Names inputs;
    for (const auto &n : have)
        if (is_input(n)) inputs.push_back(n);
    add("load-inputs", "load", inputs, inputs);
    Names atys;
    for (const auto *p : points)
        if (p->data.rfind("Atys", 0) == 0) atys.push_back(p->data);
    if (!atys.empty() || (profile && equals_nocase(profile->family, "ATYS")))
        views.push_back({{"id", "atys-status"}, {"section", "device"}, {"data", atys}});
    // Generic Modbus devices (not SOCOMEC), and any device no other view fits, get the table.
    bool generic = !profile || !equals_nocase(profile->maker, "SOCOMEC");
    if ((generic || views.empty()) && !points.empty()) {
        Names all;
        for (const auto *p : points)
            all.push_back(p->data);
        views.push_back({{"id", "data-table"}, {"section", "device"}, {"data", all}});
    }

    std::string network_type;
    bool v1 = have.count("IV1Inst") || have.count("INetworkV1Inst");
    bool v3 = (have.count("IV2Inst") && have.count("IV3Inst")) ||
              (have.count("INetworkV2Inst") && have.count("INetworkV3Inst"));
    bool u = have.count("IU12Inst") || have.count("INetworkU12Inst");
    if (v1 && v3)
        network_type = "3P+N";
    else if (u)
        network_type = "3P";
    else if (v1)
        network_type = "1P+N";

    json data = json::array();
    for (const auto *p : points) {
        const CatalogEntry *e = site.data(p->data);
        json d = {{"circuit", p->circuit},    {"name", p->data},
                  {"unit", e ? e->unit : ""}, {"group", e ? e->group : ""},
                  {"type", e ? e->type : ""}, {"description", e ? e->description : ""}};
        if (!p->states.is_null()) d["states"] = p->states;
        data.push_back(std::move(d));
    }
    const Circuit *c = source.circuit(circuit);
    json prof = profile ? json{{"id", profile->id},
                               {"name", profile->name},
                               {"maker", profile->maker},
                               {"model", profile->model},
                               {"family", profile->family}}
                        : json{{"id", source.profile}};
    json commands = profile ? json(profile->commands_for(circuit)) : json::array();
    return json{{"source", source.name},
                {"circuit", circuit},
                {"circuit_name", c ? c->name : ""},
                {"period_ms", source.period_ms},
                {"profile", prof},
                {"network_type", network_type},
                {"views", views},
                {"commands", commands},
                {"data", data}};
}

} // namespace gs::ui
