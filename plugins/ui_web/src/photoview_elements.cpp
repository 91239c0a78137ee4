#include "photoview_elements.hpp"

#include "monitor.hpp"
#include "text.hpp"

#include <cmath>
#include <set>

namespace gs::ui {

namespace {

constexpr size_t kMaxData = 32;
constexpr size_t kMaxTitleBytes = 200;
constexpr size_t kMaxTextBytes = 1000;

using Refusal = std::string;

bool valid_id(const std::string &id) {
    if (id.empty() || id.size() > 64) return false;
    for (unsigned char c : id)
        if (!std::isalnum(c) && c != '_' && c != '-') return false;
    return true;
}

// Colours go into the page's style: only hexadecimal notations, nothing a style could abuse.
bool valid_colour(const std::string &c) {
    if (c.empty()) return true;
    if (c[0] != '#' || !(c.size() == 4 || c.size() == 7 || c.size() == 9)) return false;
    for (size_t i = 1; i < c.size(); ++i)
        if (!std::isxdigit(static_cast<unsigned char>(c[i]))) return false;
    return true;
}

std::optional<Refusal> text_key(const json &e, const char *key, size_t max, bool required,
                                std::string &out) {
    auto it = e.find(key);
    if (it == e.end() || it->is_null()) {
        if (required) return std::string(key) + ": required";
        return std::nullopt;
    }
    if (!it->is_string()) return std::string(key) + ": expected a string";
    out = it->get<std::string>();
    if (out.size() > max) return std::string(key) + ": too long";
    if (!valid_utf8(out)) return std::string(key) + ": not UTF-8";
    if (required && out.empty()) return std::string(key) + ": required";
    return std::nullopt;
}

std::optional<Refusal> place(const json &e, json &out) {
    double v[4];
    const char *keys[4] = {"x", "y", "w", "h"};
    for (int i = 0; i < 4; ++i) {
        auto it = e.find(keys[i]);
        if (it == e.end() || !it->is_number() || !std::isfinite(it->get<double>()))
            return std::string(keys[i]) + ": expected a fraction of the image (0 to 1)";
        v[i] = it->get<double>();
        if (v[i] < 0 || v[i] > 1)
            return std::string(keys[i]) + ": expected a fraction of the image (0 to 1)";
        out[keys[i]] = v[i];
    }
    constexpr double kSlack = 1e-9; // sums of fractions rounded by the browser
    if (v[2] <= 0 || v[3] <= 0) return std::string("w, h: expected more than 0");
    if (v[0] + v[2] > 1 + kSlack || v[1] + v[3] > 1 + kSlack)
        return std::string("x + w and y + h: the element must stay inside the image");
    return std::nullopt;
}

std::optional<Refusal> device_keys(const json &e, const SiteModel &site, json &out,
                                   const SourceInfo *&source) {
    std::string name;
    if (auto r = text_key(e, "source", 256, true, name)) return r;
    source = site.source(name);
    if (!source) return "source: no device '" + name + "' on this site";
    out["source"] = name;
    return std::nullopt;
}

std::optional<Refusal> measure(const json &e, const SiteModel &site, json &out) {
    const SourceInfo *source = nullptr;
    if (auto r = device_keys(e, site, out, source)) return r;
    uint32_t circuit = 0;
    if (auto c = e.find("circuit"); c != e.end() && !c->is_null()) {
        if (!c->is_number_unsigned() || c->get<uint64_t>() > UINT32_MAX)
            return std::string("circuit: expected a circuit number");
        circuit = c->get<uint32_t>();
        if (circuit != 0 && !source->circuit(circuit))
            return "circuit: no circuit " + std::to_string(circuit) + " on '" + source->name + "'";
    }
    out["circuit"] = circuit;
    auto data = e.find("data");
    if (data == e.end() || !data->is_array() || data->empty() || data->size() > kMaxData)
        return "data: expected a list of 1 to " + std::to_string(kMaxData) + " data names";
    // What the device has for this circuit, as its Monitor shows it; unknown when the site
    // does not carry the source's profile (then only the catalog is checked).
    const bool known = site.profile_of(*source) != nullptr;
    std::set<std::string> has;
    if (known)
        for (const ProfilePoint *p : circuit_points(site, *source, circuit))
            has.insert(p->data);
    json names = json::array();
    for (const auto &d : *data) {
        if (!d.is_string() || !site.data(d.get<std::string>()))
            return "data: " + (d.is_string() ? "'" + d.get<std::string>() + "'" : d.dump()) +
                   " is not a data of the site's catalog";
        if (known && !has.count(d.get<std::string>()))
            return "data: '" + source->name + "'" +
                   (circuit ? " circuit " + std::to_string(circuit) : std::string()) +
                   " has no data '" + d.get<std::string>() + "'";
        names.push_back(d);
    }
    out["data"] = names;
    std::string title;
    if (auto r = text_key(e, "title", kMaxTitleBytes, false, title)) return r;
    out["title"] = title;
    return std::nullopt;
}

std::optional<Refusal> text(const json &e, json &out) {
    std::string value, color = "#000000", background;
    if (auto r = text_key(e, "text", kMaxTextBytes, true, value)) return r;
    if (auto r = text_key(e, "color", 9, false, color)) return r;
    if (auto r = text_key(e, "background", 9, false, background)) return r;
    if (!valid_colour(color) || !valid_colour(background))
        return std::string("color, background: expected #rgb, #rrggbb, #rrggbbaa or \"\"");
    out["text"] = value;
    out["color"] = color;
    out["background"] = background;
    return std::nullopt;
}

std::optional<Refusal> device(const json &e, const SiteModel &site, json &out) {
    const SourceInfo *source = nullptr;
    if (auto r = device_keys(e, site, out, source)) return r;
    std::string style;
    if (auto r = text_key(e, "style", 16, true, style)) return r;
    if (style != "symbol" && style != "zone") return std::string("style: expected symbol or zone");
    out["style"] = style;
    return std::nullopt;
}

std::optional<Refusal> link(const json &e, json &out) {
    auto p = e.find("page");
    if (p == e.end() || !p->is_number_unsigned() || p->get<uint64_t>() == 0)
        return std::string("page: expected a page id");
    out["page"] = p->get<uint64_t>();
    return std::nullopt;
}

} // namespace

std::variant<json, std::string> checked_elements(const json &given, const SiteModel &site) {
    if (!given.is_array() || given.size() > kMaxPhotoviewElements)
        return "elements: expected a list of at most " + std::to_string(kMaxPhotoviewElements) +
               " elements";
    json out = json::array();
    std::set<std::string> ids;
    for (size_t i = 0; i < given.size(); ++i) {
        const json &e = given[i];
        std::string where = "elements[" + std::to_string(i) + "]: ";
        if (!e.is_object()) return where + "expected an object";
        json el = json::object();
        std::string id, kind;
        if (auto r = text_key(e, "id", 64, false, id)) return where + *r;
        if (!id.empty() && !valid_id(id))
            return where + "id: expected 1 to 64 of A-Z, a-z, 0-9, _ and -";
        if (auto r = text_key(e, "kind", 16, true, kind)) return where + *r;
        el["kind"] = kind;
        if (auto r = place(e, el)) return where + *r;
        std::optional<Refusal> r;
        if (kind == "measure")
            r = measure(e, site, el);
        else if (kind == "text")
            r = text(e, el);
        else if (kind == "device")
            r = device(e, site, el);
        else if (kind == "link")
            r = link(e, el);
        else
            r = std::string("kind: expected measure, text, device or link");
        if (r) return where + *r;
        if (!id.empty() && !ids.insert(id).second) return where + "id: '" + id + "' twice";
        el["id"] = id;
        out.push_back(std::move(el));
    }
    // Elements sent without an id get the first free "e<n>".
    size_t next = 1;
    for (auto &el : out) {
        if (!el["id"].get<std::string>().empty()) continue;
        while (ids.count("e" + std::to_string(next)))
            ++next;
        el["id"] = "e" + std::to_string(next);
        ids.insert(el["id"].get<std::string>());
    }
    return out;
}

} // namespace gs::ui
