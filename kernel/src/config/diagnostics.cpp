#include "config/diagnostics.hpp"

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

ConfigFailure::ConfigFailure(Diagnostics diagnostics)
    : std::runtime_error(diagnostics.str()), diagnostics_(std::move(diagnostics)) {}

} // namespace gs::kernel
