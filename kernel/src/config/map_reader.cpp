#include "config/map_reader.hpp"

#include <cmath>
#include <limits>

namespace gs::kernel {

Location location_of(const YAML::Node &node, const std::string &file) {
    Location loc{file, 0, 0};
    if (node.IsDefined() && node.Mark().line >= 0) {
        loc.line = node.Mark().line + 1;
        loc.column = node.Mark().column + 1;
    }
    return loc;
}

template <> const char *type_name<std::string>() {
    return "a string";
}
template <> const char *type_name<int64_t>() {
    return "an integer";
}
template <> const char *type_name<uint32_t>() {
    return "a non-negative integer";
}
template <> const char *type_name<double>() {
    return "a number";
}
template <> const char *type_name<bool>() {
    return "true or false";
}
template <> const char *type_name<std::vector<std::string>>() {
    return "a list of strings";
}

namespace {

template <class T> std::optional<T> convert(const YAML::Node &node);

template <> std::optional<std::string> convert(const YAML::Node &node) {
    if (!node.IsScalar()) return std::nullopt;
    return node.Scalar();
}
template <> std::optional<int64_t> convert(const YAML::Node &node) {
    if (!node.IsScalar()) return std::nullopt;
    int64_t out = 0;
    if (!YAML::convert<int64_t>::decode(node, out)) return std::nullopt;
    return out;
}
template <> std::optional<uint32_t> convert(const YAML::Node &node) {
    auto wide = convert<int64_t>(node);
    if (!wide || *wide < 0 || *wide > std::numeric_limits<uint32_t>::max()) return std::nullopt;
    return static_cast<uint32_t>(*wide);
}
template <> std::optional<double> convert(const YAML::Node &node) {
    if (!node.IsScalar()) return std::nullopt;
    double out = 0;
    if (YAML::convert<double>::decode(node, out)) {
        if (!std::isfinite(out)) return std::nullopt;
        return out;
    }
    // Integers in the notations YAML allows (0x001F, 0o17) are numbers too.
    auto integer = convert<int64_t>(node);
    if (integer) return static_cast<double>(*integer);
    return std::nullopt;
}
template <> std::optional<bool> convert(const YAML::Node &node) {
    if (!node.IsScalar()) return std::nullopt;
    bool out = false;
    if (!YAML::convert<bool>::decode(node, out)) return std::nullopt;
    return out;
}
template <> std::optional<std::vector<std::string>> convert(const YAML::Node &node) {
    if (!node.IsSequence()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto &item : node) {
        if (!item.IsScalar()) return std::nullopt;
        out.push_back(item.Scalar());
    }
    return out;
}

} // namespace

MapReader::MapReader(const YAML::Node &node, std::string file, std::string path, Diagnostics &diag)
    : node_(node), file_(std::move(file)), path_(std::move(path)), diag_(diag) {
    is_map_ = node_.IsMap();
    if (!is_map_) {
        diag_.error(where(), path_,
                    node_.IsDefined() && !node_.IsNull() ? "expected a map of keys and values"
                                                         : "expected a map, found nothing");
    }
}

Location MapReader::where(const std::string &key) const {
    if (is_map_ && node_[key].IsDefined()) return location_of(node_[key], file_);
    return where();
}

std::string MapReader::field(const std::string &key) const {
    return path_.empty() ? key : path_ + "." + key;
}

bool MapReader::has(const std::string &key) const {
    return is_map_ && node_[key].IsDefined() && !node_[key].IsNull();
}

YAML::Node MapReader::child(const std::string &key) {
    known_.insert(key);
    if (!is_map_) return YAML::Node();
    return node_[key];
}

template <class T> std::optional<T> MapReader::optional(const std::string &key) {
    known_.insert(key);
    if (!has(key)) return std::nullopt;
    YAML::Node value = node_[key];
    auto out = convert<T>(value);
    if (!out) {
        std::string found = value.IsScalar()     ? "'" + value.Scalar() + "'"
                            : value.IsSequence() ? "a list"
                                                 : "a map";
        diag_.error(location_of(value, file_), field(key),
                    std::string("expected ") + type_name<T>() + ", found " + found);
    }
    return out;
}

template <class T> std::optional<T> MapReader::required(const std::string &key) {
    if (is_map_ && !has(key)) {
        known_.insert(key);
        diag_.error(where(), field(key), "is required");
        return std::nullopt;
    }
    return optional<T>(key);
}

template std::optional<std::string> MapReader::optional(const std::string &);
template std::optional<int64_t> MapReader::optional(const std::string &);
template std::optional<uint32_t> MapReader::optional(const std::string &);
template std::optional<double> MapReader::optional(const std::string &);
template std::optional<bool> MapReader::optional(const std::string &);
template std::optional<std::vector<std::string>> MapReader::optional(const std::string &);
template std::optional<std::string> MapReader::required(const std::string &);
template std::optional<int64_t> MapReader::required(const std::string &);
template std::optional<uint32_t> MapReader::required(const std::string &);
template std::optional<double> MapReader::required(const std::string &);
template std::optional<bool> MapReader::required(const std::string &);
template std::optional<std::vector<std::string>> MapReader::required(const std::string &);

std::vector<std::string> MapReader::unread_keys() const {
    std::vector<std::string> out;
    if (!is_map_) return out;
    for (const auto &kv : node_)
        if (kv.first.IsScalar() && !known_.count(kv.first.Scalar()))
            out.push_back(kv.first.Scalar());
    return out;
}

void MapReader::refuse_unknown_keys() {
    if (!is_map_) return;
    for (const auto &kv : node_) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
        if (known_.count(key)) continue;
        diag_.error(location_of(kv.first, file_), field(key), "unknown key");
    }
}

std::vector<YAML::Node> list_of(MapReader &map, const std::string &key) {
    YAML::Node node = map.child(key);
    std::vector<YAML::Node> out;
    if (!node.IsDefined() || node.IsNull()) return out;
    if (!node.IsSequence()) {
        map.diagnostics().error(location_of(node, map.file()), map.field(key), "expected a list");
        return out;
    }
    for (const auto &item : node)
        out.push_back(item);
    return out;
}

} // namespace gs::kernel
