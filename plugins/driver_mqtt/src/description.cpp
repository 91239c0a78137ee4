#include "description.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <stdexcept>

namespace gs::hub {
namespace {

using json = nlohmann::json;

std::string text(const json &o, const char *key, const std::string &where) {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return {};
    if (!it->is_string()) throw std::invalid_argument(where + "'" + key + "' must be a string");
    return it->get<std::string>();
}

std::vector<std::string> texts(const json &o, const char *key, const std::string &where) {
    std::vector<std::string> out;
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return out;
    if (!it->is_array()) throw std::invalid_argument(where + "'" + key + "' must be a list");
    for (const auto &v : *it) {
        if (!v.is_string()) throw std::invalid_argument(where + "'" + key + "' must list strings");
        out.push_back(v.get<std::string>());
    }
    return out;
}

RemoteCircuit circuit_of(const json &c, const std::string &where) {
    if (!c.is_object()) throw std::invalid_argument(where + "a circuit must be an object");
    RemoteCircuit out;
    auto index = c.find("index");
    if (index == c.end() || !index->is_number_unsigned() || index->get<uint64_t>() == 0 ||
        index->get<uint64_t>() > 0xffffffffu)
        throw std::invalid_argument(where + "'index' must be a circuit number from 1");
    out.index = index->get<uint32_t>();
    const std::string at = where + "circuit " + std::to_string(out.index) + ": ";
    out.name = text(c, "name", at);
    out.fluid = text(c, "fluid", at);
    out.usage = text(c, "usage", at);
    out.zone = text(c, "zone", at);
    out.models = texts(c, "models", at);
    out.data = texts(c, "data", at);
    return out;
}

RemoteSource source_of(const json &s) {
    if (!s.is_object()) throw std::invalid_argument("a source must be an object");
    RemoteSource out;
    out.name = text(s, "name", "source: ");
    // A source name is one topic level of the box's data and a part of the hub's name.
    if (out.name.empty()) throw std::invalid_argument("a source without a name");
    const std::string where = "source '" + out.name + "': ";
    out.profile = text(s, "profile", where);
    if (out.profile.empty()) throw std::invalid_argument(where + "no profile");
    out.location = text(s, "location", where);
    if (auto p = s.find("period_ms"); p != s.end() && !p->is_null()) {
        if (!p->is_number_integer() || p->get<int64_t>() <= 0)
            throw std::invalid_argument(where + "'period_ms' must be a positive integer");
        out.period_ms = p->get<int64_t>();
    }
    auto circuits = s.find("circuits");
    if (circuits != s.end() && !circuits->is_null()) {
        if (!circuits->is_array()) throw std::invalid_argument(where + "'circuits' must be a list");
        std::set<uint32_t> seen;
        for (const auto &c : *circuits) {
            out.circuits.push_back(circuit_of(c, where));
            if (!seen.insert(out.circuits.back().index).second)
                throw std::invalid_argument(where + "circuit " +
                                            std::to_string(out.circuits.back().index) + " twice");
        }
    }
    return out;
}

} // namespace

BoxDescription parse_description(std::string_view payload) {
    json doc = json::parse(payload.begin(), payload.end(), nullptr, false);
    if (doc.is_discarded()) throw std::invalid_argument("description: not JSON");
    if (!doc.is_object()) throw std::invalid_argument("description: not a JSON object");
    auto format = doc.find("format");
    if (format == doc.end() || !format->is_number_integer() || format->get<int64_t>() != 1)
        throw std::invalid_argument("description: 'format' must be 1 (this hub reads format 1)");
    BoxDescription d;
    d.site = text(doc, "site", "description: ");
    auto sources = doc.find("sources");
    if (sources == doc.end() || !sources->is_array())
        throw std::invalid_argument("description: 'sources' must be a list");
    std::set<std::string> names;
    for (const auto &s : *sources) {
        try {
            d.sources.push_back(source_of(s));
        } catch (const std::invalid_argument &e) {
            throw std::invalid_argument(std::string("description: ") + e.what());
        }
        if (!names.insert(d.sources.back().name).second)
            throw std::invalid_argument("description: source '" + d.sources.back().name +
                                        "' twice");
    }
    return d;
}

} // namespace gs::hub
