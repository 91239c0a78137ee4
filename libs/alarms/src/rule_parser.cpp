// The `alarms:` section: a list of rules, each a map read strictly (unknown keys refused, every
// error with file:line:column and the key's path).
#include "alarms/rule_parser.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>

namespace gs::alarms {

std::string RuleError::str() const {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
    s += ": ";
    if (!field.empty()) s += "field '" + field + "': ";
    return s + message;
}

namespace {

constexpr double kMaxDelayS = 7 * 24 * 3600.0; // a week: longer is a typo, not a delay

struct Context {
    const std::string &file;
    std::vector<RuleError> &errors;
    void error(const YAML::Node &at, const std::string &field, const std::string &message) {
        const YAML::Mark m = at.Mark();
        errors.push_back(
            {file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0, field, message});
    }
};

std::optional<double> number_of(const YAML::Node &n) {
    if (!n.IsScalar()) return std::nullopt;
    const std::string &text = n.Scalar();
    char *end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<Criticality> criticality_of(const std::string &s) {
    if (s == "low") return Criticality::low;
    if (s == "medium") return Criticality::medium;
    if (s == "high") return Criticality::high;
    if (s == "critical") return Criticality::critical;
    return std::nullopt;
}

const std::map<std::string, RuleKind> &kinds() {
    static const std::map<std::string, RuleKind> k{
        {"limit", RuleKind::limit},
        {"stale", RuleKind::stale},
        {"state", RuleKind::state},
        {"device_alarm", RuleKind::device_alarm},
        {"comm_lost", RuleKind::comm_lost},
        {"atys_transfer", RuleKind::atys_transfer},
        {"hierarchy_balance", RuleKind::hierarchy_balance},
        {"voltage_events", RuleKind::voltage_events}};
    return k;
}

// The keys each kind accepts besides the common ones.
const std::set<std::string> &keys_of(RuleKind kind) {
    static const std::map<RuleKind, std::set<std::string>> k{
        {RuleKind::limit,
         {"data", "high", "low", "high_high", "low_low", "deadband", "on_delay_s", "off_delay_s",
          "sources", "usage", "models", "circuits"}},
        {RuleKind::stale, {"data", "stale_after_s", "sources", "usage", "models", "circuits"}},
        {RuleKind::state,
         {"data", "equals", "bit", "on_delay_s", "off_delay_s", "sources", "usage", "models",
          "circuits"}},
        {RuleKind::device_alarm,
         {"data", "bit", "on_delay_s", "off_delay_s", "sources", "usage", "models", "circuits"}},
        {RuleKind::comm_lost,
         {"on_delay_s", "off_delay_s", "sources", "usage", "models", "circuits"}},
        {RuleKind::atys_transfer, {"sources", "usage", "models", "circuits"}},
        {RuleKind::hierarchy_balance, {"hierarchies"}},
        {RuleKind::voltage_events,
         {"nominal_v", "phases", "sources", "usage", "models", "circuits"}}};
    return k.at(kind);
}

const std::set<std::string> kCommonKeys{"name",    "kind",          "criticality",
                                        "message", "suppressed_by", "max_shelve_s"};

class RuleReader {
public:
    RuleReader(const YAML::Node &node, std::string path, Context &ctx)
        : node_(node), path_(std::move(path)), ctx_(ctx) {}

    std::string field(const std::string &key) const { return path_ + "." + key; }
    YAML::Node at(const std::string &key) const { return node_[key]; }
    bool has(const std::string &key) const { return node_[key].IsDefined(); }
    void error(const std::string &key, const std::string &message) {
        YAML::Node v = node_[key];
        ctx_.error(v.IsDefined() ? v : node_, field(key), message);
    }

    std::optional<std::string> text(const std::string &key) {
        YAML::Node v = node_[key];
        if (!v.IsDefined()) return std::nullopt;
        if (!v.IsScalar() || v.Scalar().empty()) {
            error(key, "expected a non-empty string");
            return std::nullopt;
        }
        return v.Scalar();
    }

    std::optional<double> number(const std::string &key) {
        YAML::Node v = node_[key];
        if (!v.IsDefined()) return std::nullopt;
        auto n = number_of(v);
        if (!n) error(key, "expected a number");
        return n;
    }

    // Seconds, 0..max, as nanoseconds.
    std::optional<TimeNs> seconds(const std::string &key, bool positive, double max_s) {
        auto v = number(key);
        if (!v) return std::nullopt;
        if (*v < 0 || (positive && *v == 0) || *v > max_s) {
            error(key, std::string("expected a number of seconds ") +
                           (positive ? "above 0" : "from 0") + " to " +
                           std::to_string(static_cast<long long>(max_s)));
            return std::nullopt;
        }
        return static_cast<TimeNs>(std::llround(*v * 1e9));
    }

    std::vector<std::string> names(const std::string &key) {
        std::vector<std::string> out;
        YAML::Node v = node_[key];
        if (!v.IsDefined()) return out;
        if (v.IsScalar() && !v.Scalar().empty()) return {v.Scalar()};
        if (!v.IsSequence()) {
            error(key, "expected a list of names");
            return out;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (!v[i].IsScalar() || v[i].Scalar().empty())
                ctx_.error(v[i], field(key) + "[" + std::to_string(i) + "]",
                           "expected a non-empty string");
            else
                out.push_back(v[i].Scalar());
        }
        return out;
    }

    void refuse_unknown(RuleKind kind) {
        const auto &own = keys_of(kind);
        for (auto it = node_.begin(); it != node_.end(); ++it) {
            const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
            if (kCommonKeys.count(key) || own.count(key)) continue;
            bool other_kind = false;
            for (const auto &[name, k] : kinds())
                other_kind = other_kind || keys_of(k).count(key) != 0;
            ctx_.error(it->first, field(key),
                       other_kind ? std::string("not a key of a ") + name_of(kind) + " rule"
                                  : "unknown key");
        }
    }

    Context &ctx() { return ctx_; }

private:
    YAML::Node node_;
    std::string path_;
    Context &ctx_;
};

void read_selector(RuleReader &r, Rule &rule) {
    rule.select.sources = r.names("sources");
    rule.select.usage = r.names("usage");
    rule.select.models = r.names("models");
    rule.select.hierarchies = r.names("hierarchies");
    for (const auto &c : r.names("circuits")) {
        auto slash = c.rfind('/');
        char *end = nullptr;
        long k = slash == std::string::npos ? 0 : std::strtol(c.c_str() + slash + 1, &end, 10);
        if (slash == std::string::npos || slash == 0 || k < 1 || k > 65535 || *end != '\0') {
            r.error("circuits", "'" + c + "' is not SOURCE/K (K a circuit number from 1)");
            continue;
        }
        rule.select.circuits.emplace_back(c.substr(0, slash), static_cast<uint32_t>(k));
    }
}

void read_message(RuleReader &r, Rule &rule) {
    YAML::Node m = r.at("message");
    if (!m.IsDefined()) return;
    if (m.IsScalar() && !m.Scalar().empty()) {
        rule.message["en"] = m.Scalar();
        return;
    }
    if (!m.IsMap() || m.size() == 0) {
        r.error("message",
                "expected a text or a map of languages, e.g. {en: \"...\", fr: \"...\"}");
        return;
    }
    for (auto it = m.begin(); it != m.end(); ++it) {
        const std::string lang = it->first.IsScalar() ? it->first.Scalar() : "";
        const bool lang_ok = lang.size() == 2 &&
                             std::islower(static_cast<unsigned char>(lang[0])) &&
                             std::islower(static_cast<unsigned char>(lang[1]));
        if (!lang_ok)
            r.ctx().error(it->first, r.field("message") + "." + lang,
                          "expected a two-letter language code (en, fr, ...)");
        else if (!it->second.IsScalar() || it->second.Scalar().empty())
            r.ctx().error(it->second, r.field("message") + "." + lang,
                          "expected a non-empty string");
        else
            rule.message[lang] = it->second.Scalar();
    }
}

void read_deadband(RuleReader &r, Rule &rule) {
    YAML::Node d = r.at("deadband");
    if (!d.IsDefined()) return;
    std::string text = d.IsScalar() ? d.Scalar() : "";
    bool percent = !text.empty() && text.back() == '%';
    if (percent) text.pop_back();
    YAML::Node n(text);
    auto v = d.IsScalar() ? number_of(n) : std::nullopt;
    if (!v || *v < 0 || (percent && *v >= 100)) {
        r.error("deadband",
                "expected an absolute deadband (0.1) or a percentage of the limit (\"2%\"), >= 0");
        return;
    }
    rule.deadband = {*v, percent};
}

void read_limits(RuleReader &r, Rule &rule) {
    static const std::pair<const char *, Level> kLimitKeys[] = {{"high_high", Level::high_high},
                                                                {"low_low", Level::low_low},
                                                                {"high", Level::high},
                                                                {"low", Level::low}};
    for (const auto &[key, level] : kLimitKeys) {
        YAML::Node v = r.at(key);
        if (!v.IsDefined()) continue;
        Limit limit{level, 0, Criticality::invalid};
        if (v.IsMap()) {
            RuleReader sub(v, r.field(key), r.ctx());
            auto value = sub.number("value");
            if (!sub.has("value")) sub.error("value", "required: the limit's value");
            if (auto c = sub.text("criticality")) {
                auto crit = criticality_of(*c);
                if (!crit)
                    sub.error("criticality", "expected low, medium, high or critical");
                else
                    limit.criticality = *crit;
            }
            for (auto it = v.begin(); it != v.end(); ++it) {
                const std::string k = it->first.IsScalar() ? it->first.Scalar() : "?";
                if (k != "value" && k != "criticality")
                    r.ctx().error(it->first, sub.field(k), "unknown key");
            }
            if (!value) continue;
            limit.value = *value;
        } else {
            auto value = r.number(key);
            if (!value) continue;
            limit.value = *value;
        }
        rule.limits.push_back(limit);
    }
    const bool any_key = r.has("high") || r.has("low") || r.has("high_high") || r.has("low_low");
    if (!any_key)
        r.error("high", "a limit rule needs at least one of high, low, high_high, low_low");
    // Nested limits must be ordered, or one would never be reached.
    auto value_of = [&](Level l) -> std::optional<double> {
        for (const auto &x : rule.limits)
            if (x.level == l) return x.value;
        return std::nullopt;
    };
    auto hh = value_of(Level::high_high), h = value_of(Level::high), l = value_of(Level::low),
         ll = value_of(Level::low_low);
    if (hh && h && *hh <= *h) r.error("high_high", "must be above high");
    if (ll && l && *ll >= *l) r.error("low_low", "must be below low");
    if (h && l && *l >= *h) r.error("low", "must be below high");
}

bool is_device_alarm_data(const std::string &d) {
    return d.size() == 13 && d.compare(0, 12, "IDeviceAlarm") == 0 && d[12] >= '1' && d[12] <= '8';
}

void read_kind_keys(RuleReader &r, Rule &rule) {
    auto data = r.text("data");
    if (data) rule.data = *data;
    const bool needs_data = rule.kind == RuleKind::limit || rule.kind == RuleKind::stale ||
                            rule.kind == RuleKind::state;
    if (needs_data && !r.has("data")) r.error("data", "required: the catalog data watched");
    if (auto d = r.seconds("on_delay_s", false, kMaxDelayS)) rule.on_delay = *d;
    if (auto d = r.seconds("off_delay_s", false, kMaxDelayS)) rule.off_delay = *d;
    switch (rule.kind) {
    case RuleKind::limit:
        read_deadband(r, rule);
        read_limits(r, rule);
        break;
    case RuleKind::stale:
        if (!r.has("stale_after_s"))
            r.error("stale_after_s", "required: seconds without an update");
        else if (auto d = r.seconds("stale_after_s", true, kMaxDelayS))
            rule.stale_after = *d;
        break;
    case RuleKind::state:
    case RuleKind::device_alarm:
        if (rule.kind == RuleKind::state && !r.has("equals"))
            r.error("equals", "required: the value that raises the alarm");
        if (auto e = r.number("equals")) rule.equals = *e;
        if (auto b = r.number("bit")) {
            if (*b < 0 || *b > 63 || *b != std::floor(*b))
                r.error("bit", "expected a bit number from 0 to 63");
            else
                rule.bit = static_cast<int>(*b);
        }
        if (rule.bit >= 0 && rule.equals != 0 && rule.equals != 1)
            r.error("equals", "a bit equals 0 or 1");
        if (rule.kind == RuleKind::device_alarm && data && !is_device_alarm_data(*data))
            r.error("data", "a device alarm rule watches IDeviceAlarm1 .. IDeviceAlarm8");
        break;
    case RuleKind::voltage_events:
        if (!r.has("nominal_v")) r.error("nominal_v", "required: the declared nominal voltage");
        if (auto v = r.number("nominal_v")) {
            if (*v <= 0 || *v > 1e6)
                r.error("nominal_v", "expected a voltage above 0");
            else
                rule.nominal_v = *v;
        }
        rule.phases = r.names("phases");
        if (!r.has("phases")) rule.phases = {"IV1Inst", "IV2Inst", "IV3Inst"};
        if (rule.phases.empty() || rule.phases.size() > 3)
            r.error("phases", "expected 1 to 3 phase-to-neutral voltage data");
        break;
    default:
        break;
    }
}

void read_rule(const YAML::Node &node, const std::string &path, Context &ctx, Rule &rule) {
    RuleReader r(node, path, ctx);
    rule.line = node.Mark().line + 1;
    if (auto name = r.text("name"))
        rule.name = *name;
    else if (!r.has("name"))
        r.error("name", "required: a unique name");
    rule.kind = RuleKind::limit;
    if (auto k = r.text("kind")) {
        auto it = kinds().find(*k);
        if (it == kinds().end()) {
            r.error("kind", "expected limit, stale, state, device_alarm, comm_lost, "
                            "atys_transfer, hierarchy_balance or voltage_events");
            return; // the other keys depend on the kind
        }
        rule.kind = it->second;
    }
    if (auto c = r.text("criticality")) {
        auto crit = criticality_of(*c);
        if (!crit)
            r.error("criticality", "expected low, medium, high or critical");
        else
            rule.criticality = *crit;
    }
    read_message(r, rule);
    read_selector(r, rule);
    rule.suppressed_by = r.names("suppressed_by");
    if (auto s = r.seconds("max_shelve_s", true, kMaxDelayS)) rule.max_shelve = *s;
    read_kind_keys(r, rule);
    for (auto &limit : rule.limits)
        if (limit.criticality == Criticality::invalid) limit.criticality = rule.criticality;
    r.refuse_unknown(rule.kind);
}

} // namespace

ParsedRules parse_rules(const YAML::Node &alarms, const std::string &file) {
    ParsedRules out;
    Context ctx{file, out.errors};
    if (!alarms.IsDefined() || alarms.IsNull()) return out;
    if (!alarms.IsSequence()) {
        ctx.error(alarms, "alarms", "expected a list of rules");
        return out;
    }
    std::map<std::string, int> lines_by_name;
    std::vector<std::size_t> node_of; // the list index of each rule kept
    for (std::size_t i = 0; i < alarms.size(); ++i) {
        const YAML::Node node = alarms[i];
        const std::string path = "alarms[" + std::to_string(i) + "]";
        if (!node.IsMap()) {
            ctx.error(node, path, "expected a map (a rule)");
            continue;
        }
        Rule rule;
        read_rule(node, path, ctx, rule);
        if (rule.name.empty()) continue;
        auto [it, fresh] = lines_by_name.emplace(rule.name, rule.line);
        if (!fresh)
            ctx.error(node["name"], path + ".name",
                      "'" + rule.name + "' is already the name of the rule at line " +
                          std::to_string(it->second));
        out.rules.push_back(std::move(rule));
        node_of.push_back(i);
    }
    // suppressed_by names rules of this section.
    for (std::size_t i = 0; i < out.rules.size(); ++i)
        for (const auto &name : out.rules[i].suppressed_by)
            if (!lines_by_name.count(name) || name == out.rules[i].name)
                ctx.error(alarms[node_of[i]]["suppressed_by"],
                          "alarms[" + std::to_string(node_of[i]) + "].suppressed_by",
                          "'" + name + "' is not another rule of this section");
    if (!out.errors.empty()) out.rules.clear();
    return out;
}

} // namespace gs::alarms
