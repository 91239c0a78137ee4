#include "description.hpp"

namespace gs::mqtt {

Message description_message(const std::string &topic_prefix, const gs::site::Site &site) {
    using gs::site::json;
    json sources = json::array();
    json units = json::object();
    for (const auto &source : site.sources) {
        if (!source.enabled) continue;
        json circuits = json::array();
        for (const auto &c : source.circuits) {
            if (!c.enabled) continue;
            circuits.push_back({{"index", c.index},
                                {"name", c.name},
                                {"fluid", c.fluid},
                                {"usage", c.usage},
                                {"zone", c.zone},
                                {"models", c.models},
                                {"data", c.collected},
                                {"history", c.history}});
            for (const auto &data : c.collected) {
                auto entry = site.catalog.find(data);
                if (entry != site.catalog.end()) units[data] = entry->second.unit;
            }
        }
        sources.push_back({{"name", source.name},
                           {"profile", source.profile},
                           {"period_ms", source.period_ms},
                           {"location", source.location},
                           {"circuits", std::move(circuits)}});
    }
    json doc = {{"format", kDescriptionFormat},
                {"site", site.name},
                {"sources", std::move(sources)},
                {"units", std::move(units)}};
    return Message{topic_prefix + "/description", doc.dump()};
}

} // namespace gs::mqtt
