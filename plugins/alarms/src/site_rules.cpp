#include "site_rules.hpp"

#include <gridscope/plugin.hpp>

#include <algorithm>

namespace gs::alarm_glue {

namespace {

// Errors of references a rule makes to the site model, at the key that makes them.
class ModelCheck {
public:
    ModelCheck(const std::string &file, const gs::site::Site &site,
               std::vector<alarms::RuleError> &errors)
        : file_(file), site_(site), errors_(errors) {}

    void rule(const YAML::Node &node, const std::string &path) {
        if (!node.IsMap()) return;
        if (auto d = node["data"]; d && d.IsScalar() && !site_.data(d.Scalar()))
            error(d, path + ".data", "no data '" + d.Scalar() + "' in the catalog");
        each(
            node, path, "phases", [&](const std::string &v) { return site_.data(v) != nullptr; },
            "no data '%' in the catalog");
        each(
            node, path, "sources", [&](const std::string &v) { return site_.source(v) != nullptr; },
            "no source '%' in the site");
        each(
            node, path, "models", [&](const std::string &v) { return site_.model(v) != nullptr; },
            "no model '%' in the site");
        each(
            node, path, "hierarchies",
            [&](const std::string &v) {
                return std::any_of(site_.hierarchies.begin(), site_.hierarchies.end(),
                                   [&](const auto &h) { return h.name == v; });
            },
            "no hierarchy '%' in the site");
        each(
            node, path, "circuits", [&](const std::string &v) { return circuit_exists(v); },
            "no circuit '%' in the site (SOURCE/K, K from 1 to the source's circuits)");
    }

private:
    template <class Exists>
    void each(const YAML::Node &rule, const std::string &path, const char *key, Exists exists,
              const std::string &message) {
        YAML::Node list = rule[key];
        if (!list || !list.IsSequence()) return; // the parser reports the wrong types
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!list[i].IsScalar() || exists(list[i].Scalar())) continue;
            std::string text = message;
            text.replace(text.find('%'), 1, list[i].Scalar());
            error(list[i], path + "." + key + "[" + std::to_string(i) + "]", text);
        }
    }
    bool circuit_exists(const std::string &text) const {
        auto slash = text.rfind('/');
        if (slash == std::string::npos) return true; // the parser reports the form
        const auto *s = site_.source(text.substr(0, slash));
        if (!s) return false;
        uint32_t k = static_cast<uint32_t>(std::strtoul(text.c_str() + slash + 1, nullptr, 10));
        const auto *p = site_.profile_of(*s);
        return k >= 1 && (s->circuit(k) || (p && k <= p->circuits));
    }
    void error(const YAML::Node &at, const std::string &field, const std::string &message) {
        errors_.push_back({file_, at.Mark().line + 1, at.Mark().column + 1, field, message});
    }

    const std::string &file_;
    const gs::site::Site &site_;
    std::vector<alarms::RuleError> &errors_;
};

std::vector<alarms::SiteCircuit> circuits_of(const gs::site::Site &site) {
    std::vector<alarms::SiteCircuit> out;
    for (const auto &s : site.sources) {
        const auto *profile = site.profile_of(s);
        uint32_t count = profile ? profile->circuits : 1;
        for (uint32_t k = 1; k <= count; ++k) {
            alarms::SiteCircuit c{s.name, k, "", {}};
            if (const auto *declared = s.circuit(k)) {
                c.usage = declared->usage;
                c.models = declared->models;
            }
            out.push_back(std::move(c));
        }
    }
    return out;
}

} // namespace

std::vector<alarms::RuleError> check_site_rules(const std::string &site_file,
                                                const gs::site::Site &site, SiteRules &out) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(site_file);
    } catch (const YAML::Exception &e) { // the kernel read it first: this is rare
        return {{site_file, e.mark.line + 1, e.mark.column + 1, "alarms", e.msg}};
    }
    YAML::Node section = root.IsMap() ? root["alarms"] : YAML::Node();
    alarms::ParsedRules parsed = alarms::parse_rules(section, site_file);
    std::vector<alarms::RuleError> errors = std::move(parsed.errors);
    if (section && section.IsSequence()) {
        ModelCheck check(site_file, site, errors);
        for (std::size_t i = 0; i < section.size(); ++i)
            check.rule(section[i], "alarms[" + std::to_string(i) + "]");
    }
    std::stable_sort(errors.begin(), errors.end(), [](const auto &a, const auto &b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    if (errors.empty()) {
        out.rules = std::move(parsed.rules);
        out.circuits = circuits_of(site);
    }
    return errors;
}

SiteRules load_site_rules(const std::string &site_file, const gs::site::Site &site) {
    SiteRules out;
    auto errors = check_site_rules(site_file, site, out);
    if (errors.empty()) return out;
    std::string text;
    for (const auto &e : errors)
        text += (text.empty() ? "" : "\n") + e.str();
    throw gs::InvalidArgument(text);
}

} // namespace gs::alarm_glue
