#include "config/config_map.hpp"

#include "config/map_reader.hpp"

#include <cmath>
#include <cstddef>
#include <optional>

namespace gs::kernel {

namespace {

bool is_number_type(gs_config_type type) {
    return type == GS_CONFIG_INT || type == GS_CONFIG_DURATION_MS || type == GS_CONFIG_DOUBLE;
}

// The value of a scalar as a number of the key's type; nullopt if it is not one.
std::optional<double> number_of(const YAML::Node &node, gs_config_type type) {
    if (!node.IsScalar()) return std::nullopt;
    if (type == GS_CONFIG_DOUBLE) {
        double d = 0;
        if (!YAML::convert<double>::decode(node, d) || !std::isfinite(d)) return std::nullopt;
        return d;
    }
    int64_t i = 0;
    if (!YAML::convert<int64_t>::decode(node, i)) return std::nullopt;
    return static_cast<double>(i);
}

bool has_type(const YAML::Node &node, gs_config_type type) {
    if (type == GS_CONFIG_SECTION) return node.IsMap() || node.IsSequence();
    if (!node.IsScalar()) return false;
    if (is_number_type(type)) return number_of(node, type).has_value();
    if (type == GS_CONFIG_BOOL) {
        bool b = false;
        return YAML::convert<bool>::decode(node, b);
    }
    return true;
}

bool text_has_type(const std::string &text, gs_config_type type) {
    return has_type(YAML::Node(text), type);
}

std::string range_text(const ConfigField &f) {
    if (!f.min_value.empty() && !f.max_value.empty())
        return std::string(config_type_phrase(f.type)) + " from " + f.min_value + " to " +
               f.max_value;
    if (!f.min_value.empty())
        return std::string(config_type_phrase(f.type)) + " of at least " + f.min_value;
    return std::string(config_type_phrase(f.type)) + " of at most " + f.max_value;
}

std::string allowed_text(const ConfigField &f) {
    std::string out;
    for (size_t i = 0; i < f.allowed_values.size(); ++i)
        out += (i == 0                             ? ""
                : i + 1 == f.allowed_values.size() ? " or "
                                                   : ", ") +
               f.allowed_values[i];
    return out;
}

// "" if the value is acceptable, else the message.
std::string check_value(const ConfigField &f, const YAML::Node &value) {
    std::string found = value.IsScalar() ? ", found '" + value.Scalar() + "'" : "";
    bool bounded = is_number_type(f.type) && (!f.min_value.empty() || !f.max_value.empty());
    if (!has_type(value, f.type))
        return "expected " + (bounded ? range_text(f) : config_type_phrase(f.type)) + found;
    if (bounded) {
        double v = *number_of(value, f.type);
        bool low = !f.min_value.empty() && v < *number_of(YAML::Node(f.min_value), f.type);
        bool high = !f.max_value.empty() && v > *number_of(YAML::Node(f.max_value), f.type);
        if (low || high) return "expected " + range_text(f) + found;
    }
    if (!f.allowed_values.empty() && value.IsScalar()) {
        for (const auto &a : f.allowed_values)
            if (a == value.Scalar()) return "";
        return "expected " + allowed_text(f) + found;
    }
    return "";
}

const char *text(const char *s) {
    return s ? s : "";
}

} // namespace

const char *config_type_phrase(gs_config_type type) {
    switch (type) {
    case GS_CONFIG_STRING:
        return "a string";
    case GS_CONFIG_INT:
        return "an integer";
    case GS_CONFIG_DURATION_MS:
        return "a duration in milliseconds";
    case GS_CONFIG_DOUBLE:
        return "a number";
    case GS_CONFIG_BOOL:
        return "true or false";
    case GS_CONFIG_SECTION:
        return "a map or a list";
    default:
        return "a value";
    }
}

std::string read_config_map(const gs_config_field *fields, size_t count, ConfigMap &out) {
    if (count == 0) return "";
    // ABI 1.0 ended at min_value; every entry is compiled with the same sizeof.
    constexpr size_t kMinSize = offsetof(gs_config_field, min_value);
    if (!fields || fields->struct_size < kMinSize) return "malformed config field table";
    size_t stride = fields->struct_size;
    for (size_t i = 0; i < count; ++i) {
        const auto *cf = reinterpret_cast<const gs_config_field *>(
            reinterpret_cast<const char *>(fields) + i * stride);
        if (cf->struct_size != stride || !cf->key) return "malformed config field table";
        ConfigField f;
        f.key = cf->key;
        f.type = static_cast<gs_config_type>(cf->type);
        f.required = cf->required != 0;
        f.has_default = cf->default_value != nullptr;
        f.default_value = text(cf->default_value);
        f.description = text(cf->description);
        if (GS_HAS_FIELD(cf, gs_config_field, allowed_values)) {
            f.min_value = text(cf->min_value);
            f.max_value = text(cf->max_value);
            for (const char *const *a = cf->allowed_values; a && *a; ++a)
                f.allowed_values.push_back(*a);
        }
        std::string where = "config field '" + f.key + "': ";
        if (f.type < GS_CONFIG_STRING || f.type > GS_CONFIG_DURATION_MS)
            return where + "unknown type " + std::to_string(cf->type);
        if ((!f.min_value.empty() || !f.max_value.empty()) && !is_number_type(f.type))
            return where + "bounds on a key that is not a number";
        for (const std::string *bound : {&f.min_value, &f.max_value})
            if (!bound->empty() && !text_has_type(*bound, f.type))
                return where + "bound '" + *bound + "' is not " + config_type_phrase(f.type);
        if (f.has_default && f.type != GS_CONFIG_SECTION) {
            std::string why = check_value(f, YAML::Node(f.default_value));
            if (!why.empty()) return where + "default '" + f.default_value + "': " + why;
        }
        out.push_back(std::move(f));
    }
    return "";
}

namespace {
// `at` is the key or value written wrong; NULL for a key that is missing.
void report(const SectionCheck &check, const YAML::Node *at, const std::string &key,
            const std::string &why, Diagnostics &diag) {
    if (!check.entry.empty())
        diag.error(check.where, check.path, check.entry + "field '" + key + "': " + why);
    else
        diag.error(at ? location_of(*at, check.file) : check.where, check.path + "." + key, why);
}

// A new map node for a checked copy of a section. yaml-cpp keeps a document's nodes in one pool,
// and assigning a node of another pool into a map merges that whole pool into the map's (a set
// insertion of every node of the site document), then points the document at the merged pool.
// One fresh map per section therefore cost the whole document per source entry: a site of
// 4,000 sources took 8 minutes to check. The copies are made instead as children of one private
// anchor per thread: once a document was merged into the anchor's pool, its later sections cost
// nothing to merge. The anchor is replaced every kCopiesPerAnchor copies, so that it keeps the
// pools of past documents (checked sites, reloads) alive for a bounded number of copies only.
YAML::Node fresh_map() {
    constexpr unsigned kCopiesPerAnchor = 1024;
    thread_local YAML::Node anchor;
    thread_local unsigned copies = 0;
    if (copies++ % kCopiesPerAnchor == 0) anchor = YAML::Node(YAML::NodeType::Sequence);
    anchor.push_back(YAML::Node(YAML::NodeType::Map));
    YAML::Node out = anchor[anchor.size() - 1];
    return out;
}

} // namespace

YAML::Node apply_config_map(const ConfigMap &map, const YAML::Node &section,
                            const SectionCheck &check, Diagnostics &diag) {
    std::set<std::string> keys;
    // Keys to fill with their default, and keys written empty (the same as absent).
    std::vector<const ConfigField *> defaults, emptied;
    for (const auto &f : map) {
        keys.insert(f.key);
        YAML::Node value = section.IsMap() ? section[f.key] : YAML::Node();
        if (!value.IsDefined() || value.IsNull()) {
            if (f.required)
                report(check, nullptr, f.key, "is required by " + check.owner, diag);
            else if (f.has_default)
                defaults.push_back(&f);
            else if (value.IsDefined())
                emptied.push_back(&f);
            continue;
        }
        std::string why = check_value(f, value);
        if (!why.empty()) report(check, &value, f.key, why, diag);
    }
    if (section.IsMap())
        for (const auto &kv : section) {
            const std::string &key = kv.first.Scalar();
            if (!keys.count(key) && !(check.other_keys && check.other_keys->count(key)))
                report(check, &kv.first, key, "unknown key for " + check.owner, diag);
        }
    // Nothing to fill in: the section itself (no copy at all).
    if (section.IsMap() && defaults.empty() && emptied.empty()) return section;
    // A new top-level map over the written nodes (not a Clone, which loses the marks): the
    // plugin's nested sections keep their file:line for its own error messages.
    YAML::Node out = fresh_map();
    if (section.IsMap())
        for (const auto &kv : section)
            out[kv.first.Scalar()] = kv.second;
    for (const ConfigField *f : defaults)
        out[f->key] = f->default_value;
    for (const ConfigField *f : emptied)
        out.remove(f->key);
    return out;
}

} // namespace gs::kernel
