#include "test_servers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <stdlib.h>

namespace gs::publish::testing {

using namespace std::chrono_literals;

TempDir::TempDir() {
    std::filesystem::create_directories(GS_PUBLISH_TMP);
    std::string pattern = std::string(GS_PUBLISH_TMP) + "/test-XXXXXX";
    path = mkdtemp(pattern.data());
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
}

std::string make_certificate(const TempDir &dir) {
    const std::string key = dir / "key.pem", cert = dir / "cert.pem", both = dir / "server.pem";
    const auto made = gs::test::run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048",
                                     "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj",
                                     "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"},
                                    std::nullopt, 60s);
    REQUIRE_MESSAGE(made.code == 0, made.err);
    std::ofstream(both) << read_file(key) << read_file(cert);
    return both;
}

namespace {

Server start(const char *script, const std::string &root, std::vector<std::string> args, int port) {
    std::filesystem::create_directories(root);
    std::vector<std::string> argv = {
        "/usr/bin/python3", std::string(GS_PUBLISH_TESTS_DIR) + "/" + script,
        "--root",           root,
        "--port",           std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    Server server;
    server.process = std::make_unique<gs::test::Process>(argv);
    REQUIRE_MESSAGE(server.process->wait_for_stdout("READY ", 20s), server.process->err());
    const std::string &out = server.process->out();
    server.port = std::stoi(out.substr(out.find("READY ") + 6));
    return server;
}

} // namespace

Server start_ftp(const std::string &root, std::vector<std::string> args, int port) {
    return start("ftp_server.py", root, std::move(args), port);
}

Server start_http(const std::string &root, std::vector<std::string> args, int port) {
    return start("http_server.py", root, std::move(args), port);
}

std::vector<std::string> Server::lines() {
    process->wait_for_stdout("\x01", 50ms); // reads what has arrived
    std::vector<std::string> out;
    std::istringstream in(process->out());
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

bool Server::wait_for(const std::string &needle) {
    return process->wait_for_stdout(needle, 20s);
}

std::vector<std::string> list_files(const std::string &folder) {
    std::vector<std::string> out;
    if (!std::filesystem::exists(folder)) return out;
    for (const auto &entry : std::filesystem::recursive_directory_iterator(folder))
        if (entry.is_regular_file())
            out.push_back(std::filesystem::relative(entry.path(), folder).string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

} // namespace gs::publish::testing
