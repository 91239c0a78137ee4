#include "config/diagnostics.hpp"

#include <optional>

namespace gs::kernel {

std::string Location::str() const {
    if (line <= 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string ConfigError::str() const {
    std::string out = where.str() + ": ";
    if (!field.empty()) out += "field '" + field + "': ";
    return out + message;
}

void Diagnostics::error(Location where, std::string field, std::string message) {
    errors_.push_back({std::move(where), std::move(field), std::move(message)});
}

std::string Diagnostics::str() const {
    std::string out;
    for (const auto &e : errors_)
        out += e.str() + "\n";
    return out;
}

void Diagnostics::append(const Diagnostics &other) {
    errors_.insert(errors_.end(), other.errors_.begin(), other.errors_.end());
}

namespace {

// "file:line:column" (the file may hold ':'), or nothing.
std::optional<Location> location_of(const std::string &text) {
    const size_t col_at = text.rfind(':');
    if (col_at == std::string::npos || col_at == 0) return std::nullopt;
    const size_t line_at = text.rfind(':', col_at - 1);
    if (line_at == std::string::npos || line_at == 0) return std::nullopt;
    auto number = [](const std::string &digits) {
        if (digits.empty() || digits.size() > 9 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
            return -1;
        return std::stoi(digits);
    };
    const int line = number(text.substr(line_at + 1, col_at - line_at - 1));
    const int column = number(text.substr(col_at + 1));
    if (line <= 0 || column <= 0) return std::nullopt;
    return Location{text.substr(0, line_at), line, column};
}

} // namespace

std::vector<ConfigError> field_errors_of(const std::string &text, const std::string &field_prefix,
                                         const Location &fallback) {
    return field_errors_of(text, std::vector<std::string>{field_prefix}, fallback);
}

std::vector<ConfigError> field_errors_of(const std::string &text,
                                         const std::vector<std::string> &field_prefixes,
                                         const Location &fallback) {
    std::vector<ConfigError> out;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(at, end - at);
        at = end + 1;
        if (line.empty()) continue;
        size_t field_at = std::string::npos;
        for (const auto &prefix : field_prefixes) {
            const std::string mark = "field '" + prefix;
            field_at = line.rfind(mark, 0) == 0 ? 0 : line.find(": " + mark);
            if (field_at != std::string::npos) break;
        }
        if (field_at == std::string::npos) return {};
        const size_t name_at = line.find('\'', field_at) + 1;
        const size_t name_end = line.find("': ", name_at);
        if (name_end == std::string::npos) return {};
        ConfigError e;
        e.field = line.substr(name_at, name_end - name_at);
        e.message = line.substr(name_end + 3);
        if (field_at == 0) {
            e.where = fallback;
        } else if (auto where = location_of(line.substr(0, field_at))) {
            e.where = *where;
        } else {
            return {};
        }
        out.push_back(std::move(e));
    }
    return out;
}

ConfigFailure::ConfigFailure(Diagnostics diagnostics)
    : std::runtime_error(diagnostics.str()), diagnostics_(std::move(diagnostics)) {}

} // namespace gs::kernel
