// Real servers on 127.0.0.1 for the transport and delivery tests: pyftpdlib (FTP, FTPS explicit
// and implicit) and a python http.server receiver (HTTP, HTTPS; Basic, NTLM). Each test gets a
// private folder; servers are child processes killed and reaped when their object goes away.
#pragma once

#include "process.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace gs::publish::testing {

// A private folder under the build tree, removed at the end.
struct TempDir {
    std::filesystem::path path;
    TempDir();
    ~TempDir();
    std::string operator/(const std::string &name) const { return (path / name).string(); }
};

// A self-signed certificate for 127.0.0.1 (key and certificate in one PEM), made by openssl.
std::string make_certificate(const TempDir &dir);

struct Server {
    std::unique_ptr<gs::test::Process> process;
    int port = 0;
    // Lines the server printed so far ("CMD STOR x.tmp", "STORED /path 123", ...).
    std::vector<std::string> lines();
    bool wait_for(const std::string &needle);
};

// args: extra options of ftp_server.py / http_server.py ("--tls", "explicit", "--cert", ...).
Server start_ftp(const std::string &root, std::vector<std::string> args = {}, int port = 0);
Server start_http(const std::string &root, std::vector<std::string> args = {}, int port = 0);

// The files below `folder`, relative paths, sorted.
std::vector<std::string> list_files(const std::string &folder);
std::string read_file(const std::string &path);

} // namespace gs::publish::testing
