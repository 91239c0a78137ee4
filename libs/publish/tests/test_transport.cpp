// The transport against real servers on 127.0.0.1.
#include "publish/transport.hpp"
#include "test_servers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace gs::publish;
using namespace gs::publish::testing;
using namespace std::chrono_literals;

namespace {

ServerSettings server_at(Protocol protocol, int port, const std::string &directory = "/in/sub") {
    ServerSettings s;
    s.protocol = protocol;
    s.host = "127.0.0.1";
    s.port = static_cast<uint16_t>(port);
    s.user = "u";
    s.password = "p";
    s.directory = directory;
    s.timeouts = {5s, 30s, 5s};
    return s;
}

const std::string content =
    "site;Demo building\r\nserver;box-01\r\n" + std::string(50000, 'x') + "\r\n";

bool has_line(const std::vector<std::string> &lines, const std::string &prefix) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string &l) { return l.rfind(prefix, 0) == 0; });
}

// The order of FTP commands that matter: the file goes to .tmp, then is renamed.
void check_stored_then_renamed(Server &server, const std::string &name) {
    const auto lines = server.lines();
    auto at = [&](const std::string &line) {
        return std::find(lines.begin(), lines.end(), line) - lines.begin();
    };
    CHECK(at("CMD STOR " + name + ".tmp") < at("CMD RNFR " + name + ".tmp"));
    CHECK(at("CMD RNFR " + name + ".tmp") < at("CMD RNTO " + name));
    CHECK(at("CMD RNTO " + name) < static_cast<long>(lines.size()));
    CHECK_FALSE(has_line(lines, "CMD STOR " + name + "\r"));
    CHECK(std::find(lines.begin(), lines.end(), "CMD STOR " + name) == lines.end());
}

} // namespace

TEST_CASE("FTP passive: into a folder created on the way, under a temporary name, then renamed") {
    TempDir dir;
    Server server = start_ftp(dir / "root");
    Transport transport(server_at(Protocol::ftp, server.port));
    const UploadResult result = transport.upload("box-01_index_all_20261203100000.csv", content);
    INFO(result.error);
    REQUIRE(result.ok());
    CHECK(result.response_code == 250); // the rename's confirmation
    CHECK(list_files(dir / "root") ==
          std::vector<std::string>{"in/sub/box-01_index_all_20261203100000.csv"});
    CHECK(read_file(dir / "root/in/sub/box-01_index_all_20261203100000.csv") == content);
    check_stored_then_renamed(server, "box-01_index_all_20261203100000.csv");
    const auto lines = server.lines();
    CHECK(has_line(lines, "CMD EPSV"));
    CHECK_FALSE(has_line(lines, "CMD EPRT"));
    CHECK_FALSE(has_line(lines, "CMD PORT"));

    // A re-send (same data, same name) replaces the file: still one copy.
    REQUIRE(transport.upload("box-01_index_all_20261203100000.csv", content).ok());
    CHECK(list_files(dir / "root").size() == 1);
}

TEST_CASE("FTP active: the server opens the data connection") {
    TempDir dir;
    Server server = start_ftp(dir / "root");
    ServerSettings settings = server_at(Protocol::ftp, server.port, "in");
    settings.passive = false;
    Transport transport(settings);
    const UploadResult result = transport.upload("a.csv", content);
    INFO(result.error);
    REQUIRE(result.ok());
    CHECK(read_file(dir / "root/in/a.csv") == content);
    const auto lines = server.lines();
    CHECK((has_line(lines, "CMD EPRT") || has_line(lines, "CMD PORT")));
    CHECK_FALSE(has_line(lines, "CMD EPSV"));
    CHECK_FALSE(has_line(lines, "CMD PASV"));
}

TEST_CASE("FTPS explicit and implicit with a certificate the box is told to trust") {
    TempDir dir;
    const std::string cert = make_certificate(dir);
    SUBCASE("explicit: AUTH TLS before the login, protected data") {
        Server server = start_ftp(dir / "root", {"--tls", "explicit", "--cert", cert});
        ServerSettings settings = server_at(Protocol::ftps, server.port);
        settings.ca_file = cert;
        const UploadResult result = Transport(settings).upload("e.csv", content);
        INFO(result.error);
        REQUIRE(result.ok());
        CHECK(read_file(dir / "root/in/sub/e.csv") == content);
        const auto lines = server.lines();
        CHECK(has_line(lines, "CMD AUTH TLS"));
        CHECK(has_line(lines, "CMD PROT P"));
        check_stored_then_renamed(server, "e.csv");
    }
    SUBCASE("implicit: TLS from the first byte") {
        Server server = start_ftp(dir / "root", {"--tls", "implicit", "--cert", cert});
        ServerSettings settings = server_at(Protocol::ftps_implicit, server.port);
        settings.ca_file = cert;
        const UploadResult result = Transport(settings).upload("i.csv", content);
        INFO(result.error);
        REQUIRE(result.ok());
        CHECK(read_file(dir / "root/in/sub/i.csv") == content);
        const auto lines = server.lines();
        CHECK_FALSE(has_line(lines, "CMD AUTH"));
        CHECK(has_line(lines, "CMD PROT P"));
    }
    SUBCASE("a certificate the box does not trust is refused") {
        Server server = start_ftp(dir / "root", {"--tls", "explicit", "--cert", cert});
        const UploadResult result =
            Transport(server_at(Protocol::ftps, server.port)).upload("u.csv", content);
        CHECK(result.failure == Failure::tls);
        CHECK_FALSE(has_line(server.lines(), "CMD USER"));
        CHECK(list_files(dir / "root").empty());
    }
}

TEST_CASE("FTPS required against a server without TLS: refused, nothing sent in clear") {
    TempDir dir;
    Server server = start_ftp(dir / "root");
    const UploadResult result =
        Transport(server_at(Protocol::ftps, server.port)).upload("x.csv", content);
    CHECK(result.failure == Failure::tls);
    CHECK(result.error.find("nothing was sent in clear") != std::string::npos);
    const auto lines = server.lines();
    CHECK(has_line(lines, "CMD AUTH"));
    CHECK_FALSE(has_line(lines, "CMD USER"));
    CHECK_FALSE(has_line(lines, "CMD PASS"));
    CHECK_FALSE(has_line(lines, "CMD STOR"));
    CHECK(list_files(dir / "root").empty());
}

TEST_CASE("FTP wrong password: a login failure that says what to check") {
    TempDir dir;
    Server server = start_ftp(dir / "root");
    ServerSettings settings = server_at(Protocol::ftp, server.port);
    settings.password = "wrong";
    const UploadResult result = Transport(settings).upload("x.csv", content);
    CHECK(result.failure == Failure::login);
    CHECK(result.error.find("check the user and the password") != std::string::npos);
    CHECK(result.error.find("wrong") == std::string::npos); // the password is never shown
    CHECK(list_files(dir / "root").empty());
}

TEST_CASE(
    "HTTP: POST multipart and PUT with Basic authentication; a wrong password is a login failure") {
    TempDir dir;
    Server server = start_http(dir / "root");
    ServerSettings settings = server_at(Protocol::http, server.port, "/upload");
    const UploadResult posted = Transport(settings).upload("p.csv", content);
    INFO(posted.error);
    REQUIRE(posted.ok());
    CHECK(posted.response_code == 201);
    CHECK(read_file(dir / "root/upload/p.csv") == content);
    settings.method = HttpMethod::put;
    REQUIRE(Transport(settings).upload("q.csv", content).ok());
    CHECK(read_file(dir / "root/upload/q.csv") == content);
    settings.password = "wrong";
    const UploadResult refused = Transport(settings).upload("r.csv", content);
    CHECK(refused.failure == Failure::login);
    CHECK(refused.response_code == 401);
    CHECK(refused.error.find("HTTP 401") != std::string::npos);
    CHECK(list_files(dir / "root") == std::vector<std::string>{"upload/p.csv", "upload/q.csv"});
}

TEST_CASE("HTTPS with a trusted self-signed certificate, and NTLM over HTTP") {
    TempDir dir;
    const std::string cert = make_certificate(dir);
    Server https = start_http(dir / "root", {"--cert", cert});
    ServerSettings settings = server_at(Protocol::https, https.port, "/up");
    CHECK(Transport(settings).upload("untrusted.csv", content).failure == Failure::tls);
    settings.ca_file = cert;
    const UploadResult result = Transport(settings).upload("s.csv", content);
    INFO(result.error);
    REQUIRE(result.ok());
    CHECK(read_file(dir / "root/up/s.csv") == content);

    Server ntlm = start_http(dir / "ntlm", {"--auth", "ntlm"});
    ServerSettings n = server_at(Protocol::http, ntlm.port, "/up");
    n.auth = HttpAuth::ntlm;
    for (HttpMethod method : {HttpMethod::post, HttpMethod::put}) {
        n.method = method;
        const UploadResult sent = Transport(n).upload("n.csv", content);
        INFO(sent.error);
        CHECK(sent.ok());
    }
    CHECK(read_file(dir / "ntlm/up/n.csv") == content);
    CHECK(has_line(ntlm.lines(), "AUTH ntlm ok"));
    n.password = "wrong";
    CHECK(Transport(n).upload("m.csv", content).failure == Failure::login);
}

TEST_CASE("no server, or a server that never answers: unreachable, timeout") {
    // A listening socket that is never accepted: the TCP connection succeeds, no greeting comes.
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
    REQUIRE(listen(fd, 4) == 0);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    ServerSettings silent = server_at(Protocol::ftp, ntohs(a.sin_port));
    silent.timeouts = {1s, 3s, 1s};
    const auto started = std::chrono::steady_clock::now();
    const UploadResult stalled = Transport(silent).upload("t.csv", content);
    CHECK(stalled.failure == Failure::timeout);
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    close(fd);

    const int port = gs::test::free_port();
    const UploadResult nobody = Transport(server_at(Protocol::ftp, port)).upload("t.csv", content);
    CHECK(nobody.failure == Failure::unreachable);
    CHECK(nobody.error.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

TEST_CASE("a transfer that stalls ends at the stall timeout, and leaves no file under its name") {
    TempDir dir;
    Server server = start_ftp(dir / "root", {"--throttle", "1"}); // reads one chunk, then waits
    ServerSettings settings = server_at(Protocol::ftp, server.port);
    settings.timeouts = {5s, 60s, 2s};
    const auto started = std::chrono::steady_clock::now();
    const UploadResult result = Transport(settings).upload("slow.csv", content + content);
    CHECK(result.failure == Failure::timeout);
    CHECK(result.error.find("server.timeouts") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < 20s);
    CHECK_FALSE(std::filesystem::exists(dir / "root/in/sub/slow.csv"));
}
