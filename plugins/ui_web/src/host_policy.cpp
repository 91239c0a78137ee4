#include "host_policy.hpp"

#include <algorithm>
#include <cctype>

namespace gs::ui {

namespace {

std::string normalized(std::string_view name) {
    std::string out;
    for (char c : name)
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (out.find(':') != std::string::npos && out.front() != '[') out = "[" + out + "]";
    return out;
}

} // namespace

HostPolicy::HostPolicy(std::vector<std::string> names, int port, bool tls)
    : port_(port), tls_(tls) {
    for (const auto &n : names)
        if (!n.empty()) names_.push_back(normalized(n));
}

std::vector<std::string> HostPolicy::default_names(const std::string &bind_address) {
    std::vector<std::string> names = {"127.0.0.1", "localhost", "[::1]"};
    if (!bind_address.empty() && bind_address != "0.0.0.0" && bind_address != "::" &&
        bind_address != "[::]")
        names.push_back(bind_address);
    return names;
}

bool HostPolicy::allows_host(std::string_view host) const {
    if (host.empty()) return false;
    std::string_view name = host, port;
    if (host.front() == '[') {
        size_t end = host.find(']');
        if (end == std::string_view::npos) return false;
        name = host.substr(0, end + 1);
        std::string_view rest = host.substr(end + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return false;
            port = rest.substr(1);
            if (port.empty()) return false;
        }
    } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
        name = host.substr(0, colon);
        port = host.substr(colon + 1);
        if (port.empty() || name.find(':') != std::string_view::npos) return false;
    }
    if (port.empty()) {
        if (port_ != (tls_ ? 443 : 80)) return false;
    } else {
        if (port.size() > 5 ||
            !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return false;
        if (std::stoi(std::string(port)) != port_) return false;
    }
    std::string n = normalized(name);
    return std::find(names_.begin(), names_.end(), n) != names_.end();
}

bool HostPolicy::allows_origin(std::string_view origin) const {
    std::string_view scheme = tls_ ? "https://" : "http://";
    if (origin.substr(0, scheme.size()) != scheme) return false;
    return allows_host(origin.substr(scheme.size()));
}

} // namespace gs::ui
