// Where a config value was written, and the errors found in config files.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace gs::kernel {

struct Location {
    std::string file;
    int line = 0;   // 1-based; 0 = unknown
    int column = 0; // 1-based
    std::string str() const;
};

// One problem in a config file: "file:line:column: field 'x': message".
struct ConfigError {
    Location where;
    std::string field;
    std::string message;
    std::string str() const;
};

// The errors of a text in ConfigError::str()'s form, one per line
// ("[file:line:column: ]field 'F': message"), when every line has that form and every F starts
// with `field_prefix` (a plugin's "plugins.<id>."): how a plugin's create() hands back the
// problems of its section so they are reported at their keys. Empty when the text has another
// form. A line without a location gets `fallback`.
std::vector<ConfigError> field_errors_of(const std::string &text, const std::string &field_prefix,
                                         const Location &fallback);
// The same, each F starting with one of `field_prefixes` (a plugin's own section and the
// top-level sections it reads itself, ABI 1.4 site_sections: "alarms").
std::vector<ConfigError> field_errors_of(const std::string &text,
                                         const std::vector<std::string> &field_prefixes,
                                         const Location &fallback);

// Collects every problem of a load, so an admin sees them all at once.
class Diagnostics {
public:
    void error(Location where, std::string field, std::string message);
    bool empty() const { return errors_.empty(); }
    const std::vector<ConfigError> &errors() const { return errors_; }
    std::string str() const; // one line per error
    void append(const Diagnostics &other);

private:
    std::vector<ConfigError> errors_;
};

// Thrown when a config cannot be used; carries every error found.
class ConfigFailure : public std::runtime_error {
public:
    explicit ConfigFailure(Diagnostics diagnostics);
    const Diagnostics &diagnostics() const { return diagnostics_; }

private:
    Diagnostics diagnostics_;
};

} // namespace gs::kernel
