// Which Host (and Origin) names this site answers to: the defence against DNS rebinding. A page
// on attacker.example that makes its name resolve to 127.0.0.1 reaches the server with
// `Host: attacker.example`; that name is not in the list, so the request is refused (421)
// before it reaches a file or the API. Browsers cannot forge Host.
#ifndef GS_UI_WEB_HOST_POLICY_HPP
#define GS_UI_WEB_HOST_POLICY_HPP

#include <string>
#include <string_view>
#include <vector>

namespace gs::ui {

class HostPolicy {
public:
    // `names`: host names and IP literals, case-insensitive; IPv6 with or without brackets.
    HostPolicy(std::vector<std::string> names, int port, bool tls);

    // The names served when the config lists none: 127.0.0.1, localhost, [::1] and the bind
    // address itself when it is not a wildcard (0.0.0.0, ::).
    static std::vector<std::string> default_names(const std::string &bind_address);

    // A Host header value: a listed name, followed by this server's port, or by no port when the
    // server uses its scheme's default (80, 443).
    bool allows_host(std::string_view host) const;
    // An Origin header value: "http(s)://" + an allowed host; the scheme must be this server's.
    bool allows_origin(std::string_view origin) const;

    const std::vector<std::string> &names() const { return names_; }
    int port() const { return port_; }

private:
    std::vector<std::string> names_; // lower case, IPv6 literals in brackets
    int port_;
    bool tls_;
};

} // namespace gs::ui

#endif
