#include "publish/transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace gs::publish {
namespace {

struct Reader {
    const std::string *content;
    size_t offset = 0;
};

size_t read_body(char *buffer, size_t size, size_t count, void *payload) {
    auto *reader = static_cast<Reader *>(payload);
    const size_t n = std::min(size * count, reader->content->size() - reader->offset);
    std::memcpy(buffer, reader->content->data() + reader->offset, n);
    reader->offset += n;
    return n;
}

size_t discard(char *, size_t size, size_t count, void *) {
    return size * count;
}

// curl_easy_perform() with a bounded wait: libcurl 7.88 sometimes starts a passive FTP data
// connection only at its next wake-up, and curl_easy_perform() sleeps up to 1 s for it (on
// loopback 3 to 7 % of uploads took 1 s more). Polling at most every 10 ms removes that stall;
// an idle wait costs 100 wake-ups a second, nothing while bytes move.
CURLcode perform(CURLM *multi, CURL *curl) {
    constexpr long max_wait_ms = 10;
    if (curl_multi_add_handle(multi, curl) != CURLM_OK) return CURLE_FAILED_INIT;
    int running = 1;
    while (curl_multi_perform(multi, &running) == CURLM_OK && running) {
        long wait_ms = -1;
        curl_multi_timeout(multi, &wait_ms);
        if (wait_ms < 0 || wait_ms > max_wait_ms) wait_ms = max_wait_ms;
        if (curl_multi_poll(multi, nullptr, 0, static_cast<int>(wait_ms), nullptr) != CURLM_OK)
            break;
    }
    CURLcode code = CURLE_FAILED_INIT;
    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(multi, &left))
        if (message->msg == CURLMSG_DONE && message->easy_handle == curl)
            code = message->data.result;
    curl_multi_remove_handle(multi, curl);
    return code;
}

std::string escape(CURL *curl, const std::string &text) {
    char *escaped = curl_easy_escape(curl, text.c_str(), static_cast<int>(text.size()));
    std::string out = escaped ? escaped : "";
    curl_free(escaped);
    return out;
}

// The folder as URL path segments, each escaped, with a trailing '/', or "" for the top.
// FTP: relative to the login folder (what a chrooted account sees as "/").
std::string folder_path(CURL *curl, const std::string &directory) {
    std::string out, segment;
    for (size_t i = 0; i <= directory.size(); ++i) {
        if (i == directory.size() || directory[i] == '/') {
            if (!segment.empty()) out += escape(curl, segment) + "/";
            segment.clear();
        } else {
            segment += directory[i];
        }
    }
    return out;
}

Failure classify(CURLcode code) {
    switch (code) {
    case CURLE_OK:
        return Failure::none;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_FTP_ACCEPT_FAILED:
    case CURLE_FTP_CANT_GET_HOST:
        return Failure::unreachable;
    case CURLE_LOGIN_DENIED:
        return Failure::login;
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
        return Failure::tls;
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_FTP_ACCEPT_TIMEOUT:
        return Failure::timeout;
    case CURLE_REMOTE_ACCESS_DENIED:
    case CURLE_UPLOAD_FAILED:
    case CURLE_QUOTE_ERROR:
    case CURLE_REMOTE_DISK_FULL:
    case CURLE_FTP_COULDNT_RETR_FILE:
    case CURLE_REMOTE_FILE_NOT_FOUND:
        return Failure::refused;
    default:
        return Failure::other;
    }
}

const char *hint(Failure failure) {
    switch (failure) {
    case Failure::unreachable:
        return "check the server address, the port and that the server runs";
    case Failure::login:
        return "check the user and the password";
    case Failure::tls:
        return "the server must offer TLS with a certificate the box trusts (server.ca_file); "
               "nothing was sent in clear";
    case Failure::refused:
        return "check the account's rights on the destination folder and the free space";
    case Failure::timeout:
        return "the server or the network is too slow (server.timeouts)";
    default:
        return "";
    }
}

} // namespace

const char *to_string(Failure failure) {
    switch (failure) {
    case Failure::none:
        return "none";
    case Failure::unreachable:
        return "unreachable";
    case Failure::login:
        return "login";
    case Failure::tls:
        return "tls";
    case Failure::refused:
        return "refused";
    case Failure::timeout:
        return "timeout";
    case Failure::other:
        return "other";
    }
    return "other";
}

struct Transport::Impl {
    ServerSettings server;
    CURL *curl = nullptr;
    CURLM *multi = nullptr; // holds the kept connection between uploads
    char error_buffer[CURL_ERROR_SIZE] = {};

    std::string base() const {
        const char *scheme = server.protocol == Protocol::ftps_implicit ? "ftps"
                             : server.protocol == Protocol::http        ? "http"
                             : server.protocol == Protocol::https       ? "https"
                                                                        : "ftp";
        const bool ipv6 = server.host.find(':') != std::string::npos;
        const uint16_t port = server.port ? server.port : default_port(server.protocol);
        return std::string(scheme) + "://" + (ipv6 ? "[" + server.host + "]" : server.host) + ":" +
               std::to_string(port) + "/" + folder_path(curl, server.directory);
    }

    void common_options() {
        curl_easy_reset(curl); // keeps the open connection
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
        if (!server.user.empty()) {
            curl_easy_setopt(curl, CURLOPT_USERNAME, server.user.c_str());
            curl_easy_setopt(curl, CURLOPT_PASSWORD, server.password.c_str());
        }
        const long stall_s =
            std::max<long>(1, static_cast<long>(server.timeouts.stall.count() / 1000));
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(server.timeouts.connect.count()));
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                         static_cast<long>(server.timeouts.transfer.count()));
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L); // below 1 byte/s for stall_s: stalled
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, stall_s);
        curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, stall_s);
        if (!server.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, server.ca_file.c_str());
        const char *protocols = is_http(server.protocol) ? "http,https" : "ftp,ftps";
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, protocols);
        if (server.protocol == Protocol::ftp || server.protocol == Protocol::ftps ||
            server.protocol == Protocol::ftps_implicit) {
            if (server.protocol != Protocol::ftp) {
                curl_easy_setopt(curl, CURLOPT_USE_SSL,
                                 static_cast<long>(CURLUSESSL_ALL)); // never _TRY
                curl_easy_setopt(curl, CURLOPT_FTPSSLAUTH, static_cast<long>(CURLFTPAUTH_TLS));
            }
            curl_easy_setopt(curl, CURLOPT_FTP_CREATE_MISSING_DIRS,
                             static_cast<long>(CURLFTP_CREATE_DIR_RETRY));
        } else {
            curl_easy_setopt(curl, CURLOPT_HTTPAUTH,
                             server.auth == HttpAuth::ntlm ? CURLAUTH_NTLM : CURLAUTH_BASIC);
        }
    }

    // A new transfer on the kept handle; false (and the result says why) without libcurl.
    bool begin(UploadResult &result) {
        if (!curl || !multi) {
            result.error = "libcurl could not start";
            return false;
        }
        common_options();
        error_buffer[0] = '\0';
        return true;
    }

    // What the server's answer to a finished transfer means; the error text for people.
    void conclude(CURLcode code, const std::string &what, UploadResult &result) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.response_code);
        result.failure = classify(code);
        if (code == CURLE_OK && is_http(server.protocol) &&
            (result.response_code < 200 || result.response_code > 299))
            result.failure = result.response_code == 401 || result.response_code == 403
                                 ? Failure::login
                                 : Failure::refused;
        if (result.ok()) return;
        std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
        if (code == CURLE_OK)
            detail = "the server answered HTTP " + std::to_string(result.response_code);
        result.error = std::string(to_string(server.protocol)) + " " + what + " " + base() +
                       " failed: " + detail;
        if (*hint(result.failure)) result.error += " (" + std::string(hint(result.failure)) + ")";
    }
};

Transport::Transport(ServerSettings server) : impl_(std::make_unique<Impl>()) {
    static std::once_flag global;
    std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    impl_->server = std::move(server);
    impl_->curl = curl_easy_init();
    impl_->multi = curl_multi_init();
}

Transport::~Transport() {
    if (impl_->curl) curl_easy_cleanup(impl_->curl);
    if (impl_->multi) curl_multi_cleanup(impl_->multi);
}

std::string Transport::destination() const {
    return impl_->base();
}

UploadResult Transport::upload(const std::string &name, const std::string &content) {
    Impl &m = *impl_;
    UploadResult result;
    if (!m.begin(result)) return result;
    CURL *curl = m.curl;
    const ServerSettings &s = m.server;
    Reader reader{&content};
    curl_slist *rename = nullptr;
    curl_slist *headers = nullptr;
    curl_mime *form = nullptr;
    std::string url;

    if (!is_http(s.protocol)) {
        const std::string temp = name + ".tmp";
        url = m.base() + escape(curl, temp);
        if (s.passive)
            curl_easy_setopt(curl, CURLOPT_FTP_USE_EPSV, 1L);
        else
            curl_easy_setopt(curl, CURLOPT_FTPPORT,
                             "-"); // active: the control connection's address
        rename = curl_slist_append(rename, ("RNFR " + temp).c_str());
        rename = curl_slist_append(rename, ("RNTO " + name).c_str());
        curl_easy_setopt(curl, CURLOPT_POSTQUOTE, rename);
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
        curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(content.size()));
    } else {
        headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        if (s.method == HttpMethod::put) {
            url = m.base() + escape(curl, name);
            curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
            curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
            curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
            curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                             static_cast<curl_off_t>(content.size()));
        } else {
            url = m.base();
            form = curl_mime_init(curl);
            curl_mimepart *part = curl_mime_addpart(form);
            curl_mime_name(part, "file");
            curl_mime_filename(part, name.c_str());
            curl_mime_type(part, "text/csv");
            curl_mime_data(part, content.data(), content.size());
            curl_easy_setopt(curl, CURLOPT_MIMEPOST, form);
        }
    }
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());

    m.conclude(perform(m.multi, curl), "upload of " + name + " to", result);
    curl_easy_setopt(curl, CURLOPT_POSTQUOTE, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, nullptr);
    curl_slist_free_all(rename);
    curl_slist_free_all(headers);
    curl_mime_free(form);
    return result;
}

UploadResult Transport::check() {
    Impl &m = *impl_;
    UploadResult result;
    if (!m.begin(result)) return result;
    // FTP: login and CWD into the folder (created when missing), no transfer. HTTP: a HEAD of
    // the folder's URL; only 401/403 count against it (a receiver may answer HEAD 404/405).
    curl_easy_setopt(m.curl, CURLOPT_NOBODY, 1L);
    const std::string url = m.base();
    curl_easy_setopt(m.curl, CURLOPT_URL, url.c_str());
    const CURLcode code = perform(m.multi, m.curl);
    m.conclude(code, "connection to", result);
    if (is_http(m.server.protocol) && result.failure == Failure::refused) {
        result.failure = Failure::none;
        result.error.clear();
    }
    return result;
}

} // namespace gs::publish
