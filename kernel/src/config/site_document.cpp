#include "config/site_document.hpp"

#include <site_files/secret_keys.hpp>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <set>

namespace gs::kernel {

namespace {

using json = SiteJson;

// A plain (unquoted) scalar as YAML reads it: null, a boolean, a number when JSON writes it back
// with the same text (so "0123", "1.50" or "+1" stay the strings they were written as).
json plain_scalar(const std::string &s) {
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    static const std::regex integer("-?(0|[1-9][0-9]{0,17})");
    static const std::regex decimal("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    if (std::regex_match(s, integer)) {
        json number = std::strtoll(s.c_str(), nullptr, 10);
        if (number.dump() == s) return number; // not "-0"
    }
    if (s.size() < 32 && std::regex_match(s, decimal)) {
        json number = std::strtod(s.c_str(), nullptr);
        if (number.dump() == s) return number;
    }
    return s;
}

bool reads_as_string(const std::string &s) {
    return plain_scalar(s).is_string();
}

void emit(YAML::Emitter &out, const json &j) {
    switch (j.type()) {
    case json::value_t::null:
        out << YAML::Null;
        break;
    case json::value_t::boolean:
        out << j.get<bool>(); // true / false
        break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
        out << j.dump();
        break;
    case json::value_t::string: {
        const auto &s = j.get_ref<const std::string &>();
        // A string that would read back as something else is quoted.
        if (reads_as_string(s))
            out << s;
        else
            out << YAML::DoubleQuoted << s;
        break;
    }
    case json::value_t::array:
        out << YAML::BeginSeq;
        for (const auto &item : j)
            emit(out, item);
        out << YAML::EndSeq;
        break;
    case json::value_t::object:
        out << YAML::BeginMap;
        for (const auto &[key, value] : j.items()) {
            out << YAML::Key;
            if (reads_as_string(key))
                out << key;
            else
                out << YAML::DoubleQuoted << key;
            out << YAML::Value;
            emit(out, value);
        }
        out << YAML::EndMap;
        break;
    default:
        out << YAML::Null;
    }
}

std::string emitted(const json &j) {
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, j);
    std::string text = out.c_str();
    if (text.empty() || text.back() != '\n') text += '\n';
    return text;
}

// The stored entry a new list item stands for: the one with the same `name`, else the one at
// the same position (when it has no other name).
YAML::Node stored_item(const YAML::Node &list, const json &item, size_t index) {
    if (!list.IsSequence()) return YAML::Node(YAML::NodeType::Undefined);
    if (item.is_object() && item.contains("name") && item["name"].is_string()) {
        for (const auto &old : list)
            if (old.IsMap() && old["name"] && old["name"].IsScalar() &&
                old["name"].Scalar() == item["name"].get<std::string>())
                return old;
        return YAML::Node(YAML::NodeType::Undefined);
    }
    if (index < list.size()) return list[index];
    return YAML::Node(YAML::NodeType::Undefined);
}

// Secret keys sent as null take their stored value; see json_to_site_text.
void restore_secrets(json &next, const YAML::Node &old, const std::string &path,
                     std::vector<DocumentNote> &warnings) {
    if (next.is_object()) {
        std::vector<std::string> drop;
        for (auto &[key, value] : next.items()) {
            const std::string here = path.empty() ? key : path + "." + key;
            YAML::Node stored = old.IsMap() ? old[key] : YAML::Node(YAML::NodeType::Undefined);
            if (value.is_null() && site_files::is_secret_key(key)) {
                if (stored.IsDefined() && !stored.IsNull())
                    value = yaml_to_json(stored, false);
                else
                    drop.push_back(key);
                continue;
            }
            restore_secrets(value, stored, here, warnings);
        }
        for (const auto &key : drop) {
            next.erase(key);
            warnings.push_back({path.empty() ? key : path + "." + key,
                                "no value is stored for this secret: left out"});
        }
    } else if (next.is_array()) {
        for (size_t i = 0; i < next.size(); ++i)
            restore_secrets(next[i], stored_item(old, next[i], i),
                            path + "[" + std::to_string(i) + "]", warnings);
    }
}

// The lines of a text, each with its newline.
std::vector<std::string> lines_of(const std::string &text) {
    std::vector<std::string> lines;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos) {
            lines.push_back(text.substr(at) + "\n");
            break;
        }
        lines.push_back(text.substr(at, end - at + 1));
        at = end + 1;
    }
    return lines;
}

bool is_comment(const std::string &line) {
    size_t i = line.find_first_not_of(" \t");
    return i != std::string::npos && line[i] == '#';
}

// The first line of what belongs to the node written at `line`: the comment lines right above
// it, down to (not including) line `floor`.
size_t attached_start(const std::vector<std::string> &lines, size_t line, size_t floor) {
    while (line > floor && is_comment(lines[line - 1]))
        --line;
    return line;
}

std::string join(const std::vector<std::string> &lines, size_t from, size_t to) {
    std::string out;
    for (size_t i = from; i < to && i < lines.size(); ++i)
        out += lines[i];
    return out;
}

// One top-level entry of the stored file: its text from its attached comments on, and for a
// block list its items' texts.
struct Entry {
    std::string key;
    YAML::Node value;
    size_t start = 0, key_line = 0, end = 0;
    bool items_spliceable = false;
    size_t items_start = 0;                       // the first item's first line
    std::vector<std::pair<size_t, size_t>> items; // each item's [start, end)
    std::vector<size_t> item_lines;               // each item's first own line
    size_t dash_column = 0;
};

// The stored file's top-level entries, or false when its layout is not one this splices (not
// a block map with its keys at column 0, in order).
bool entries_of(const YAML::Node &root, const std::vector<std::string> &lines,
                std::vector<Entry> &out) {
    if (!root.IsMap() || root.Style() == YAML::EmitterStyle::Flow) return false;
    for (const auto &kv : root) {
        if (!kv.first.IsScalar()) return false;
        Entry e;
        e.key = kv.first.Scalar();
        e.value = kv.second;
        YAML::Mark m = kv.first.Mark();
        if (m.line < 0 || m.column != 0 || static_cast<size_t>(m.line) >= lines.size())
            return false;
        e.key_line = static_cast<size_t>(m.line);
        if (!out.empty() && e.key_line <= out.back().key_line) return false;
        out.push_back(std::move(e));
    }
    for (size_t i = 0; i < out.size(); ++i) {
        Entry &e = out[i];
        e.start = attached_start(lines, e.key_line, i ? out[i - 1].key_line + 1 : 0);
    }
    for (size_t i = 0; i < out.size(); ++i)
        out[i].end = i + 1 < out.size() ? out[i + 1].start : lines.size();
    // Block lists: each item from its attached comments to the next item's.
    for (auto &e : out) {
        const YAML::Node &v = e.value;
        if (!v.IsSequence() || v.Style() == YAML::EmitterStyle::Flow || v.size() == 0) continue;
        bool ok = true;
        size_t previous = e.key_line;
        std::vector<size_t> item_lines;
        for (const auto &item : v) {
            YAML::Mark m = item.Mark();
            if (m.line < 0 || static_cast<size_t>(m.line) <= previous ||
                static_cast<size_t>(m.line) >= e.end) {
                ok = false;
                break;
            }
            const std::string &text = lines[static_cast<size_t>(m.line)];
            size_t dash = text.find_first_not_of(' ');
            if (dash == std::string::npos || text[dash] != '-' ||
                dash >= static_cast<size_t>(m.column) ||
                (!item_lines.empty() && dash != e.dash_column)) {
                ok = false;
                break;
            }
            e.dash_column = dash;
            previous = static_cast<size_t>(m.line);
            item_lines.push_back(previous);
        }
        if (!ok) continue;
        std::vector<size_t> starts;
        for (size_t k = 0; k < item_lines.size(); ++k)
            starts.push_back(
                attached_start(lines, item_lines[k], k ? item_lines[k - 1] + 1 : e.key_line + 1));
        for (size_t k = 0; k < starts.size(); ++k)
            e.items.emplace_back(starts[k], k + 1 < starts.size() ? starts[k + 1] : e.end);
        e.item_lines = item_lines;
        e.items_start = starts.front();
        e.items_spliceable = true;
    }
    return true;
}

std::string indented(const std::string &text, size_t columns) {
    std::string pad(columns, ' '), out;
    for (const auto &line : lines_of(text))
        out += (line == "\n" ? line : pad + line);
    return out;
}

// `next` written anew, keeping the text of the stored file's preamble (comments before the
// first key).
std::string fresh_text(const json &next, const std::vector<std::string> &lines,
                       const std::vector<Entry> &entries) {
    std::string out = join(lines, 0, entries.empty() ? 0 : entries.front().start);
    for (const auto &[key, value] : next.items())
        out += emitted(json::object({{key, value}}));
    return out;
}

std::string spliced_text(const json &next, const std::vector<std::string> &lines,
                         const std::vector<Entry> &entries) {
    std::string out = join(lines, 0, entries.empty() ? 0 : entries.front().start);
    for (const auto &[key, value] : next.items()) {
        const Entry *e = nullptr;
        for (const auto &candidate : entries)
            if (candidate.key == key) e = &candidate;
        if (!e) {
            out += emitted(json::object({{key, value}}));
            continue;
        }
        if (yaml_to_json(e->value, false) == value) {
            out += join(lines, e->start, e->end);
            continue;
        }
        if (!e->items_spliceable || !value.is_array() || value.empty()) {
            out += join(lines, e->start, e->key_line); // the key's own comments stay
            out += emitted(json::object({{key, value}}));
            continue;
        }
        out += join(lines, e->start, e->items_start);
        std::vector<json> stored;
        for (const auto &item : e->value)
            stored.push_back(yaml_to_json(item, false));
        std::vector<bool> used(stored.size(), false);
        for (size_t k = 0; k < value.size(); ++k) {
            size_t found = stored.size();
            if (k < stored.size() && !used[k] && stored[k] == value[k]) found = k;
            for (size_t s = 0; found == stored.size() && s < stored.size(); ++s)
                if (!used[s] && stored[s] == value[k]) found = s;
            if (found < stored.size()) {
                used[found] = true;
                out += join(lines, e->items[found].first, e->items[found].second);
                continue;
            }
            // A changed item keeps the comment lines above it: the stored item of its name.
            const json &item = value[k];
            if (item.is_object() && item.contains("name"))
                for (size_t s = 0; s < stored.size(); ++s)
                    if (!used[s] && stored[s].is_object() && stored[s].contains("name") &&
                        stored[s]["name"] == item["name"]) {
                        out += join(lines, e->items[s].first, e->item_lines[s]);
                        break;
                    }
            out += indented(emitted(json::array({item})), e->dash_column);
        }
    }
    return out;
}

bool reads_back_as(const std::string &text, const json &next) {
    try {
        YAML::Node root = YAML::Load(text);
        return yaml_to_json(root, false) == next;
    } catch (const YAML::Exception &) {
        return false;
    }
}

} // namespace

std::string site_text_version(const std::string &bytes) {
    // FNV-1a, 64 bits, and the size: opaque, and it changes with any edit.
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char out[48];
    std::snprintf(out, sizeof out, "%016llx-%zx", static_cast<unsigned long long>(h), bytes.size());
    return out;
}

SiteJson yaml_to_json(const YAML::Node &node, bool hide_secrets) {
    if (!node.IsDefined() || node.IsNull()) return nullptr;
    if (node.IsScalar())
        return node.Tag() == "!" ? json(node.Scalar()) : plain_scalar(node.Scalar());
    if (node.IsSequence()) {
        json out = json::array();
        for (const auto &item : node)
            out.push_back(yaml_to_json(item, hide_secrets));
        return out;
    }
    json out = json::object();
    for (const auto &kv : node) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
        out[key] = hide_secrets && site_files::is_secret_key(key)
                       ? json(nullptr)
                       : yaml_to_json(kv.second, hide_secrets);
    }
    return out;
}

std::string json_to_site_text(const SiteJson &next_in, const std::string &old_text,
                              std::vector<DocumentNote> &warnings) {
    json next = next_in;
    YAML::Node old;
    try {
        old = YAML::Load(old_text);
    } catch (const YAML::Exception &) {
        old = YAML::Node(YAML::NodeType::Undefined);
    }
    restore_secrets(next, old, "", warnings);
    const std::vector<std::string> lines = lines_of(old_text);
    std::vector<Entry> entries;
    if (!entries_of(old, lines, entries)) entries.clear();
    if (!entries.empty()) {
        std::string text = spliced_text(next, lines, entries);
        if (reads_back_as(text, next)) return text;
    }
    return fresh_text(next, lines, entries);
}

} // namespace gs::kernel
