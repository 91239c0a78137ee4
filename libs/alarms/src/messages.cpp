// The texts of alarm records (see message_for in engine_impl.hpp).
#include "engine_impl.hpp"

#include <cstdio>

namespace gs::alarms {

namespace {

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

void replace_all(std::string &s, const std::string &from, const std::string &to) {
    for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
        s.replace(at, from.size(), to);
}

} // namespace

// The rule's message with {value}, {limit}, {source}, {circuit}, {data} filled in, or a
// default one in English and French.
std::map<std::string, std::string> message_for(const Slot &slot, double value,
                                               const std::string &event_text) {
    const Rule &r = *slot.rule;
    std::map<std::string, std::string> out = r.message;
    if (out.empty()) {
        const std::string v = std::isnan(value) ? std::string() : " = " + number(value);
        switch (r.kind) {
        case RuleKind::limit: {
            const bool high = slot.level == Level::high || slot.level == Level::high_high;
            const bool outer = slot.level == Level::high_high || slot.level == Level::low_low;
            out["en"] = slot.data + v + (high ? ", above the " : ", below the ") +
                        (outer ? (high ? "high-high" : "low-low") : (high ? "high" : "low")) +
                        " limit " + number(slot.limit);
            out["fr"] = slot.data + v + (high ? ", au-dessus du seuil " : ", sous le seuil ") +
                        (outer ? (high ? "très haut" : "très bas") : (high ? "haut" : "bas")) +
                        " " + number(slot.limit);
            break;
        }
        case RuleKind::stale: {
            const std::string s = number(static_cast<double>(r.stale_after) / kNsPerS);
            out["en"] = slot.data + ": no update for " + s + " s";
            out["fr"] = slot.data + " : aucune mise à jour depuis " + s + " s";
            break;
        }
        case RuleKind::state:
            out["en"] = out["fr"] = slot.data + v;
            break;
        case RuleKind::device_alarm:
            out["en"] = "device alarm " + slot.data + v;
            out["fr"] = "alarme de l'appareil " + slot.data + v;
            break;
        case RuleKind::comm_lost:
            out["en"] = "communication lost";
            out["fr"] = "communication perdue";
            break;
        case RuleKind::atys_transfer:
            out["en"] = "ATyS transfer";
            out["fr"] = "transfert ATyS";
            break;
        case RuleKind::hierarchy_balance:
            out["en"] = "hierarchy balance out of tolerance";
            out["fr"] = "bilan de hiérarchie hors tolérance";
            break;
        default:
            break;
        }
        // The event's own words say more (e.g. "transfer I → II; mode automatic, ...").
        if (!event_text.empty()) out["en"] = event_text;
    }
    for (auto &[lang, text] : out) {
        replace_all(text, "{value}", std::isnan(value) ? "" : number(value));
        replace_all(text, "{limit}", number(slot.limit));
        replace_all(text, "{source}", slot.source);
        replace_all(text, "{circuit}", std::to_string(slot.circuit));
        replace_all(text, "{data}", slot.data);
    }
    return out;
}

} // namespace gs::alarms
