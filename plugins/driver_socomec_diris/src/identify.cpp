#include "identify.hpp"

#include <gridscope/site.hpp>

#include <boost/property_tree/ptree.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace gs::socomec {

namespace {

std::string lower(std::string s) {
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool starts_with(const std::string &text, const std::string &prefix) {
    return !prefix.empty() && text.compare(0, prefix.size(), prefix) == 0;
}

bool is_socomec(const ProfileInfo &p) {
    return lower(p.maker) == "socomec";
}

// A JSON object of the site document (a profile's defaults, a point's attrs) as the property
// tree the Modbus source parser reads: maps by key, arrays by index, scalars as text.
boost::property_tree::ptree to_ptree(const gs::site::json &j) {
    boost::property_tree::ptree out;
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it)
            out.push_back({it.key(), to_ptree(*it)});
    } else if (j.is_array()) {
        for (size_t i = 0; i < j.size(); ++i)
            out.push_back({std::to_string(i), to_ptree(j[i])});
    } else if (j.is_string()) {
        out.put_value(j.get<std::string>());
    } else if (!j.is_null()) {
        out.put_value(j.dump());
    }
    return out;
}

// identification.product_order_id, a number or its text ("100").
std::optional<uint16_t> order_id_of(const gs::site::json &identification) {
    if (!identification.is_object()) return std::nullopt;
    auto it = identification.find("product_order_id");
    if (it == identification.end()) return std::nullopt;
    if (it->is_number_unsigned() && it->get<uint64_t>() <= UINT16_MAX) return it->get<uint16_t>();
    if (it->is_string()) {
        const std::string text = it->get<std::string>();
        if (!text.empty() && text.size() <= 5 &&
            std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
            std::stoul(text) <= UINT16_MAX)
            return static_cast<uint16_t>(std::stoul(text));
    }
    return std::nullopt;
}

} // namespace

bool is_socomec_signature(const uint16_t *registers, size_t count) {
    static constexpr uint16_t kSoco[kSignatureWords] = {0x0053, 0x004F, 0x0043, 0x004F};
    return registers != nullptr && count >= kSignatureWords &&
           std::equal(kSoco, kSoco + kSignatureWords, registers);
}

std::string decode_string_norm(const uint16_t *registers, size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) {
        char hi = static_cast<char>(registers[i] >> 8), lo = static_cast<char>(registers[i] & 0xff);
        if (hi == 0) break;
        out += hi;
        if (lo == 0) break;
        out += lo;
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\t'))
        out.pop_back();
    return out;
}

std::string family_of(uint16_t product_order_id) {
    switch (product_order_id) {
    case 100:
        return "COUNTIS";
    case 200:
        return "PROTECTION";
    case 300:
        return "ATYS";
    case 400:
        return "DIRIS";
    default:
        return "";
    }
}

std::string Identity::model() const {
    return !extended_name.empty() ? extended_name : product_name;
}

Identity decode_identity(const std::vector<uint16_t> &order_block,
                         const std::vector<uint16_t> &names_block) {
    Identity id;
    auto word = [&](size_t i) { return i < order_block.size() ? order_block[i] : uint16_t{0}; };
    id.product_order_id = word(0);
    id.product_id = word(1);
    id.table_version = word(2);
    id.software_version = word(3);
    if (names_block.size() >= kNamesWords) {
        id.vendor = decode_string_norm(names_block.data(), 8);
        id.product_name = decode_string_norm(names_block.data() + 8, 8);
        id.extended_name = decode_string_norm(names_block.data() + 16, 8);
    }
    return id;
}

std::vector<ProfileDef> profile_defs_from_site_json(const std::string &site_json) {
    gs::site::Site site;
    try {
        site = gs::site::parse(site_json);
    } catch (const gs::site::ParseError &e) {
        throw std::runtime_error(std::string("gridscope.site/1: ") + e.what());
    }
    std::vector<ProfileDef> out;
    for (const auto &[id, profile] : site.profiles) {
        ProfileDef def;
        ProfileInfo &p = def.info;
        p.id = id;
        p.maker = profile.maker;
        p.model = profile.model;
        p.family = profile.family;
        p.circuits = profile.circuits;
        p.models = profile.models; // {model} when the document does not list them
        p.product_order_id = order_id_of(profile.identification);
        if (profile.defaults.is_object() && !profile.defaults.empty())
            def.defaults = to_ptree(profile.defaults);
        for (const auto &point : profile.data) {
            // An older document has no Modbus keys: no points then.
            if (!point.attrs.is_object() || point.attrs.empty()) continue;
            def.points.push_back(ProfilePoint{point.circuit, point.data, to_ptree(point.attrs)});
        }
        out.push_back(std::move(def));
    }
    return out;
}

std::vector<ProfileInfo> profiles_from_site_json(const std::string &site_json) {
    std::vector<ProfileInfo> out;
    for (auto &def : profile_defs_from_site_json(site_json))
        out.push_back(std::move(def.info));
    return out;
}

std::vector<ProfileDef> merge_profiles(std::vector<ProfileDef> base,
                                       const std::vector<ProfileDef> &extra) {
    std::vector<ProfileInfo> infos, extra_infos;
    for (const auto &b : base)
        infos.push_back(b.info);
    for (const auto &e : extra)
        extra_infos.push_back(e.info);
    infos = merge_profiles(std::move(infos), extra_infos);
    for (size_t i = 0; i < base.size(); ++i)
        base[i].info = infos[i];
    for (const auto &e : extra) {
        auto it = std::find_if(base.begin(), base.end(),
                               [&](const ProfileDef &b) { return b.info.id == e.info.id; });
        if (it == base.end()) {
            base.push_back(e);
        } else if (it->points.empty() && !e.points.empty()) {
            it->points = e.points;
            it->defaults = e.defaults;
            it->file = e.file;
        }
    }
    return base;
}

std::vector<ProfileInfo> merge_profiles(std::vector<ProfileInfo> base,
                                        const std::vector<ProfileInfo> &extra) {
    for (const auto &e : extra) {
        auto it = std::find_if(base.begin(), base.end(),
                               [&](const ProfileInfo &b) { return b.id == e.id; });
        if (it == base.end()) {
            base.push_back(e);
            continue;
        }
        for (const auto &m : e.models)
            if (std::find(it->models.begin(), it->models.end(), m) == it->models.end())
                it->models.push_back(m);
        if (!it->product_order_id) it->product_order_id = e.product_order_id;
    }
    return base;
}

Match match_profile(const Identity &identity, const std::vector<ProfileInfo> &profiles) {
    const std::pair<std::string, const char *> names[] = {
        {lower(identity.extended_name), "extended_name"},
        {lower(identity.product_name), "product_name"}};
    for (const auto &[name, method] : names) {
        if (name.empty()) continue;
        Match best;
        size_t best_length = 0;
        for (const auto &p : profiles) {
            if (!is_socomec(p)) continue;
            if (p.product_order_id && identity.product_order_id &&
                *p.product_order_id != identity.product_order_id)
                continue;
            for (const auto &model : p.models) {
                std::string m = lower(model);
                if (starts_with(name, m) && m.size() > best_length) {
                    best = Match{&p, model, method};
                    best_length = m.size();
                }
            }
        }
        if (best.profile) return best;
    }
    if (identity.extended_name.empty() && identity.product_name.empty() &&
        identity.product_order_id != 0) {
        const ProfileInfo *only = nullptr;
        int count = 0;
        for (const auto &p : profiles)
            if (is_socomec(p) && p.product_order_id == identity.product_order_id) {
                only = &p;
                ++count;
            }
        if (count == 1) return Match{only, only->model, "product_order_id"};
    }
    return Match{};
}

std::vector<std::pair<std::string, std::string>>
discovery_report(uint32_t unit, const Identity &identity, const Match &match) {
    std::string family = identity.family();
    if (match.profile && !match.profile->family.empty()) family = match.profile->family;
    std::string model = identity.model();
    if (model.empty() && match.profile) model = match.profile->model;
    auto version = [](uint16_t v) {
        return std::to_string(v / 100) + "." + (v % 100 < 10 ? "0" : "") + std::to_string(v % 100);
    };
    return {{"unit", std::to_string(unit)},
            {"vendor", "SOCOMEC"},
            {"family", family},
            {"model", model},
            {"profile", match.profile ? match.profile->id : ""},
            {"circuits", match.profile ? std::to_string(match.profile->circuits) : ""},
            {"product_order_id", std::to_string(identity.product_order_id)},
            {"product_id", std::to_string(identity.product_id)},
            {"product_name", identity.product_name},
            {"extended_name", identity.extended_name},
            {"table_version", version(identity.table_version)},
            {"software_version", version(identity.software_version)},
            {"match", match.profile ? match.method : "none"}};
}

} // namespace gs::socomec
