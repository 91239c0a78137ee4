#include "tcp_server.hpp"

#include "modbus/frame.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gs::sim {

namespace {

bool read_exact(int fd, uint8_t *buf, size_t n, const std::atomic<bool> &stopping) {
    size_t got = 0;
    while (got < n) {
        pollfd p{fd, POLLIN, 0};
        int r = poll(&p, 1, 200);
        if (stopping) return false;
        if (r <= 0) continue;
        ssize_t k = ::recv(fd, buf + got, n - got, 0);
        if (k <= 0) return false;
        got += static_cast<size_t>(k);
    }
    return true;
}

void put16(std::vector<uint8_t> &out, uint16_t v) {
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v & 0xff));
}
uint16_t get16(const std::vector<uint8_t> &in, size_t at) {
    return static_cast<uint16_t>(in[at] << 8 | in[at + 1]);
}
std::vector<uint8_t> exception(uint8_t function, uint8_t code) {
    return {static_cast<uint8_t>(function | 0x80), code};
}

} // namespace

TcpServer::TcpServer(const std::string &host, uint16_t port, bool absent_units_silent,
                     Framing framing)
    : host_(host), port_(port), absent_units_silent_(absent_units_silent), framing_(framing) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
        throw std::runtime_error("not an IPv4 address: " + host);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
        std::string why = std::strerror(errno);
        ::close(listen_fd_);
        throw std::runtime_error("cannot listen on " + address() + ": " + why);
    }
}

TcpServer::~TcpServer() {
    stop();
}

void TcpServer::add(std::shared_ptr<SimDevice> device) {
    devices_[device->unit()] = device;
}

void TcpServer::start() {
    acceptor_ = std::thread([this] { accept_loop(); });
}

void TcpServer::stop() {
    if (stopping_.exchange(true)) return;
    if (acceptor_.joinable()) acceptor_.join();
    {
        std::lock_guard<std::mutex> lock(clients_mutex_);
        for (int fd : client_fds_)
            ::shutdown(fd, SHUT_RDWR);
    }
    for (auto &t : clients_)
        if (t.joinable()) t.join();
    ::close(listen_fd_);
}

void TcpServer::accept_loop() {
    while (!stopping_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (poll(&p, 1, 200) <= 0) continue;
        int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) continue;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::lock_guard<std::mutex> lock(clients_mutex_);
        client_fds_.push_back(fd);
        clients_.emplace_back([this, fd] { framing_ == Framing::rtu ? serve_rtu(fd) : serve(fd); });
    }
}

void TcpServer::serve(int fd) {
    uint8_t header[7];
    while (!stopping_ && read_exact(fd, header, 7, stopping_)) {
        uint16_t length = static_cast<uint16_t>(header[4] << 8 | header[5]);
        if (header[2] != 0 || header[3] != 0 || length < 2 || length > 254) break; // not Modbus
        std::vector<uint8_t> pdu(length - 1u);
        if (!read_exact(fd, pdu.data(), pdu.size(), stopping_)) break;
        bool drop = false;
        std::vector<uint8_t> response = answer(header[6], pdu, drop);
        if (drop) break;
        if (response.empty()) continue; // silent
        const auto transaction = static_cast<uint16_t>(header[0] << 8 | header[1]);
        std::vector<uint8_t> adu = modbus::wrap_tcp(transaction, header[6], response);
        if (::send(fd, adu.data(), adu.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(adu.size()))
            break;
    }
    close_client(fd);
}

void TcpServer::serve_rtu(int fd) {
    // Absent units stay silent on a serial line whatever --absent-units says: the gateway
    // cannot tell an absent slave from a slow one.
    uint8_t frame[256];
    while (!stopping_) {
        size_t got = 0, need = 2;
        bool ok = true;
        while (ok && got < need) {
            ok = read_exact(fd, frame + got, need - got, stopping_);
            if (!ok) break;
            got = need;
            const size_t size = modbus::rtu_request_size(frame, got);
            if (size == modbus::kRtuSizeUnknown) break; // garbage: resynchronise below
            need = size != 0 ? size : 7;                // FC 15/16: the byte count is the 7th byte
        }
        if (!ok) break;
        const size_t size = modbus::rtu_request_size(frame, got);
        const bool crc_ok =
            size != modbus::kRtuSizeUnknown && got >= 4 && modbus::rtu_crc_ok(frame, got);
        if (!crc_ok) {
            // Lost framing: drop whatever follows in the next 20 ms (the line goes quiet).
            pollfd p{fd, POLLIN, 0};
            uint8_t scratch[256];
            while (poll(&p, 1, 20) > 0 && ::recv(fd, scratch, sizeof scratch, 0) > 0) {
            }
            continue;
        }
        const uint8_t unit = frame[0];
        if (devices_.find(unit) == devices_.end()) continue; // absent: silent
        std::vector<uint8_t> pdu(frame + 1, frame + got - 2);
        bool drop = false;
        std::vector<uint8_t> response = answer(unit, pdu, drop);
        if (drop) break;
        if (response.empty()) continue; // silent
        std::vector<uint8_t> adu = modbus::wrap_rtu(unit, response);
        if (::send(fd, adu.data(), adu.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(adu.size()))
            break;
    }
    close_client(fd);
}

// Closes a client's connection and forgets it (stop() no longer shuts it down).
void TcpServer::close_client(int fd) {
    std::lock_guard<std::mutex> lock(clients_mutex_);
    ::close(fd);
    for (auto &c : client_fds_)
        if (c == fd) c = -1;
}

std::vector<uint8_t> TcpServer::answer(uint8_t unit, const std::vector<uint8_t> &pdu, bool &drop) {
    if (pdu.empty()) return {};
    uint8_t fc = pdu[0];
    auto it = devices_.find(unit);
    if (it == devices_.end())
        return absent_units_silent_ ? std::vector<uint8_t>{} : exception(fc, 0x0B);
    SimDevice &dev = *it->second;
    int64_t elapsed = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now() - started_)
                          .count();
    Reply reply;
    std::vector<uint8_t> out;
    if (fc >= 1 && fc <= 4) {
        if (pdu.size() != 5) return exception(fc, 3);
        uint16_t address = get16(pdu, 1), count = get16(pdu, 3);
        uint16_t max = fc <= 2 ? 2000 : 125;
        if (count == 0 || count > max) return exception(fc, 3);
        reply = dev.read(fc, address, count, elapsed);
        if (reply.kind == Reply::Kind::data) {
            out.push_back(fc);
            if (fc <= 2) {
                out.push_back(static_cast<uint8_t>((count + 7) / 8));
                std::vector<uint8_t> packed((count + 7) / 8);
                for (size_t i = 0; i < count; ++i)
                    if (reply.words[i]) packed[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
                out.insert(out.end(), packed.begin(), packed.end());
            } else {
                out.push_back(static_cast<uint8_t>(count * 2));
                for (uint16_t w : reply.words)
                    put16(out, w);
            }
        }
    } else if (fc == 5 || fc == 6) {
        if (pdu.size() != 5) return exception(fc, 3);
        uint16_t value = get16(pdu, 3);
        if (fc == 5 && value != 0xFF00 && value != 0) return exception(fc, 3);
        reply = dev.write(fc, get16(pdu, 1), {value}, elapsed);
        if (reply.kind == Reply::Kind::data) out = pdu; // echo
    } else if (fc == 15 || fc == 16) {
        if (pdu.size() < 6) return exception(fc, 3);
        uint16_t address = get16(pdu, 1), count = get16(pdu, 3);
        size_t bytes = pdu[5];
        size_t expected = fc == 15 ? (count + 7u) / 8u : count * 2u;
        if (count == 0 || (fc == 16 && count > 123) || (fc == 15 && count > 1968) ||
            bytes != expected || pdu.size() != 6 + bytes)
            return exception(fc, 3);
        std::vector<uint16_t> words;
        for (size_t i = 0; i < count; ++i)
            words.push_back(fc == 15 ? (pdu[6 + i / 8] >> (i % 8)) & 1 : get16(pdu, 6 + 2 * i));
        reply = dev.write(fc, address, words, elapsed);
        if (reply.kind == Reply::Kind::data) out = {fc, pdu[1], pdu[2], pdu[3], pdu[4]};
    } else {
        return exception(fc, 1);
    }
    if (reply.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(reply.delay_ms));
    switch (reply.kind) {
    case Reply::Kind::silent:
        return {};
    case Reply::Kind::drop:
        drop = true;
        return {};
    case Reply::Kind::exception:
        return exception(fc, reply.exception);
    default:
        return out;
    }
}

} // namespace gs::sim
