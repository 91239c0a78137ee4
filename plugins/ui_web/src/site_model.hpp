// The site model as the UI needs it, read from the JSON document of service "gridscope.site/1"
// (sdk/include/gridscope/services/site.h). Free of SDK and CivetWeb types.
#ifndef GS_UI_WEB_SITE_MODEL_HPP
#define GS_UI_WEB_SITE_MODEL_HPP

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gs::ui {

using json = nlohmann::json;

struct CatalogEntry {
    std::string name, type, group, unit, description;
    bool counter = false;
    bool custom = false;
};

struct ProfilePoint {
    uint32_t circuit = 1; // 0 = the device as a whole
    std::string data;
    json states; // {"0": "Unknown", ...} when the kernel provides it, else null
};

struct ProfileCommand {
    std::string name;     // "partial_energy_reset", ...
    uint32_t circuit = 0; // 0 = the device (answers every circuit)
};

struct DeviceProfile {
    std::string id, name, maker, model, family, driver;
    uint32_t circuits = 1;
    std::vector<ProfilePoint> data;
    std::vector<ProfileCommand> commands;

    // The commands that can run for `circuit` (declared for it or for the device, circuit 0).
    std::vector<std::string> commands_for(uint32_t circuit) const;
    bool has_command(std::string_view name, uint32_t circuit) const;
};

struct Circuit {
    uint32_t index = 1;
    std::string name, fluid, usage, zone;
};

struct SourceInfo {
    std::string name, profile, driver, location;
    int64_t period_ms = 1000;
    bool enabled = true;
    std::vector<Circuit> circuits;

    const Circuit *circuit(uint32_t index) const;
};

struct HierarchyNode {
    std::string name;
    std::vector<std::string> loads; // "source/circuit"
    std::vector<HierarchyNode> children;
};

struct Hierarchy {
    std::string name, fluid;
    HierarchyNode root;
};

struct SiteModel {
    std::string name, timezone;
    std::map<std::string, CatalogEntry, std::less<>> catalog;
    std::map<std::string, DeviceProfile, std::less<>> profiles;
    std::vector<SourceInfo> sources;
    std::vector<Hierarchy> hierarchies;
    uint32_t idle_timeout_s = 900;
    std::vector<std::string> languages{"en", "fr"};
    std::string default_language = "en";
    json document; // the whole document, for the configuration API

    // Throws std::invalid_argument when the document is not the expected JSON.
    static SiteModel parse(std::string_view text);

    const SourceInfo *source(std::string_view name) const;
    const DeviceProfile *profile_of(const SourceInfo &source) const;
    const CatalogEntry *data(std::string_view name) const;

private:
    static SiteModel parse_document(std::string_view text);
};

} // namespace gs::ui

#endif
