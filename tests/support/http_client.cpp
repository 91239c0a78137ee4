#include "http_client.hpp"

#include "process.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <vector>

namespace gs::test {

using namespace std::chrono_literals;

std::string Client::call(const std::string &method, const std::string &path,
                         const std::string &body) {
    std::vector<std::string> argv{
        "/usr/bin/curl", "-s", "-m", "20", "-b", jar, "-c", jar, "-X", method, "-w",
        "\n%{http_code}"};
    if (!body.empty())
        for (const char *a : {"-H", "Content-Type: application/json", "--data-binary"})
            argv.emplace_back(a);
    if (!body.empty()) argv.push_back(body);
    if (!csrf.empty()) argv.push_back("-H"), argv.push_back("X-CSRF-Token: " + csrf);
    argv.push_back("-H");
    argv.push_back("Origin: " + base);
    argv.push_back(base + "/api/v1" + path);
    auto r = run(argv, std::nullopt, 30s);
    REQUIRE(r.code == 0);
    auto cut = r.out.rfind('\n');
    REQUIRE(cut != std::string::npos);
    last_status = std::stoi(r.out.substr(cut + 1));
    return r.out.substr(0, cut);
}

void Client::login(const std::string &profile, const std::string &password) {
    csrf.clear();
    std::string body = "{\"profile\": \"" + profile + "\"" +
                       (password.empty() ? "" : ", \"password\": \"" + password + "\"") + "}";
    std::string out = call("POST", "/login", body);
    INFO(out);
    REQUIRE(last_status == 200);
    std::smatch m;
    REQUIRE(std::regex_search(out, m, std::regex("\"csrf_token\": ?\"([0-9a-f]+)\"")));
    csrf = m[1];
}

} // namespace gs::test
