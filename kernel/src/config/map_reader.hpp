// Strict reading of a YAML map: typed getters that report wrong types, and unknown keys refused,
// each error naming the file, line, column and the field's full path.
#pragma once

#include "config/diagnostics.hpp"
#include "config/yaml_file.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gs::kernel {

Location location_of(const YAML::Node &node, const std::string &file);

// The type names used in messages ("an integer", "a string", ...).
template <class T> const char *type_name();

class MapReader {
public:
    // `path` is the map's own field path ("sources[2]"), "" for a document root.
    MapReader(const YAML::Node &node, std::string file, std::string path, Diagnostics &diag);
    MapReader(const MapReader &) = delete;
    MapReader &operator=(const MapReader &) = delete;

    bool is_map() const { return is_map_; }
    const std::string &file() const { return file_; }
    const std::string &path() const { return path_; }
    Location where() const { return location_of(node_, file_); }
    Location where(const std::string &key) const;
    std::string field(const std::string &key) const;

    bool has(const std::string &key) const;
    // The raw child, marked as known (null node if absent).
    YAML::Node child(const std::string &key);
    // Accepts a key without reading it here (read by someone else, e.g. a driver).
    void allow(const std::string &key) { known_.insert(key); }

    template <class T> std::optional<T> optional(const std::string &key);
    template <class T> T get(const std::string &key, T fallback) {
        return optional<T>(key).value_or(std::move(fallback));
    }
    template <class T> std::optional<T> required(const std::string &key);

    // The keys nobody read or allowed yet, in file order.
    std::vector<std::string> unread_keys() const;
    // Reports every key that nobody read or allowed. Call once, after reading.
    void refuse_unknown_keys();

    Diagnostics &diagnostics() { return diag_; }

private:
    YAML::Node node_;
    std::string file_;
    std::string path_;
    Diagnostics &diag_;
    bool is_map_ = false;
    std::set<std::string> known_;
};

// A list at `key` of a map (absent = empty); reports a non-list.
std::vector<YAML::Node> list_of(MapReader &map, const std::string &key);

} // namespace gs::kernel
