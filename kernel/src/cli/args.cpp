#include "cli/args.hpp"

namespace gs::kernel {

Args::Args(int argc, char **argv, int first, const std::set<std::string> &with_value,
           const std::set<std::string> &switches) {
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        bool inline_value = false;
        if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            inline_value = true;
        }
        if (switches.count(arg) && !inline_value) {
            switches_.insert(arg);
        } else if (with_value.count(arg)) {
            if (!inline_value) {
                if (i + 1 >= argc) throw UsageError("option " + arg + " needs a value");
                value = argv[++i];
            }
            values_[arg].push_back(value);
        } else {
            throw UsageError("unknown option '" + arg + "'");
        }
    }
}

std::optional<std::string> Args::get(const std::string &name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second.back();
}

std::string Args::get(const std::string &name, const std::string &fallback) const {
    return get(name).value_or(fallback);
}

std::string Args::required(const std::string &name) const {
    auto v = get(name);
    if (!v) throw UsageError("option " + name + " is required");
    return *v;
}

std::vector<std::string> Args::all(const std::string &name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool Args::has(const std::string &name) const {
    return switches_.count(name) || values_.count(name);
}

int Args::integer(const std::string &name, int fallback) const {
    auto v = get(name);
    if (!v) return fallback;
    try {
        size_t used = 0;
        int out = std::stoi(*v, &used);
        if (used != v->size()) throw std::invalid_argument(*v);
        return out;
    } catch (const std::exception &) {
        throw UsageError("option " + name + " expects an integer, got '" + *v + "'");
    }
}

} // namespace gs::kernel
