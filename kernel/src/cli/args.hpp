// A small command-line parser: "--name value" options, "--flag" switches, repeated options.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace gs::kernel {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // `with_value`: options that take a value; `switches`: options that do not.
    Args(int argc, char **argv, int first, const std::set<std::string> &with_value,
         const std::set<std::string> &switches);

    std::optional<std::string> get(const std::string &name) const;
    std::string get(const std::string &name, const std::string &fallback) const;
    std::string required(const std::string &name) const;
    std::vector<std::string> all(const std::string &name) const;
    bool has(const std::string &name) const;
    int integer(const std::string &name, int fallback) const;

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::set<std::string> switches_;
};

} // namespace gs::kernel
