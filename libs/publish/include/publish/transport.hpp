// Sends one file to the configured server with libcurl, and says whether the server confirmed it.
//
// FTP, FTPS explicit (`ftps`: AUTH TLS on port 21, required: a server that does not offer TLS
// is refused, nothing is sent in clear) and implicit (`ftps-implicit`: TLS from the first byte,
// port 990). The file goes to `<directory>/<name>.tmp` (missing folders created), then RNFR/RNTO
// renames it to `<name>` in the same session: a consumer never sees a partial file under the
// final name, and a re-sent file (same name) replaces the earlier copy. Confirmed = the server
// answered 226 to the transfer and 250 to the rename.
//
// HTTP(S): POST (multipart/form-data, one part "file" with filename=<name>, text/csv) to
// <directory>, or PUT of the file's bytes to <directory>/<name>; Basic or NTLM authentication.
// A server sees the file in one request with its Content-Length, so a receiver that stores the
// body only when the request is complete never holds a partial file. Confirmed = status 2xx.
//
// Timeouts: connect (TCP, TLS, login), transfer (the whole upload), stall (no byte moved and no
// server reply for that long). One Transport keeps its connection between uploads; it is not
// thread-safe (one per sending thread).
#pragma once

#include "publish/settings.hpp"

#include <memory>
#include <string>

namespace gs::publish {

enum class Failure : uint8_t {
    none = 0,    // sent and confirmed
    unreachable, // no TCP connection (refused, no route, name not found)
    login,       // user or password refused (FTP 530, HTTP 401/403)
    tls,         // TLS refused or failed (no AUTH TLS, handshake, certificate)
    refused,     // connected and logged in, but the server refused the file or the rename
    timeout,     // connect, transfer or stall timeout
    other        // anything else (protocol error, out of memory)
};

struct UploadResult {
    Failure failure = Failure::other;
    long response_code = 0; // the server's last reply (FTP 250 after the rename, HTTP status)
    std::string error;      // for people: what failed, where, and what to check
    bool ok() const { return failure == Failure::none; }
};

const char *to_string(Failure failure); // "unreachable", "login", ...

class Transport {
public:
    explicit Transport(ServerSettings server);
    ~Transport();
    Transport(const Transport &) = delete;
    Transport &operator=(const Transport &) = delete;

    UploadResult upload(const std::string &name, const std::string &content);
    // Connects and logs in without sending a file (FTP: enters the destination folder, creating
    // it; HTTP: HEAD of the destination, only 401/403 refuse): the page's "test connection".
    UploadResult check();

    // Where files go, for messages: "ftp://127.0.0.1:2121/in/" (never the password).
    std::string destination() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace gs::publish
