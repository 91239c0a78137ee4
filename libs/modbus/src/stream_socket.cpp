#include "modbus/stream_socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gs::modbus {
namespace {

// Connects one resolved address; returns the fd or -1 with `error` set.
int connect_one(const addrinfo &address, uint32_t timeout_ms, int &error) {
    const int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                            address.ai_protocol);
    if (fd < 0) {
        error = errno;
        return -1;
    }
    if (::connect(fd, address.ai_addr, address.ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
            error = errno;
            ::close(fd);
            return -1;
        }
        pollfd p{fd, POLLOUT, 0};
        int ready;
        do {
            ready = ::poll(&p, 1, static_cast<int>(timeout_ms));
        } while (ready < 0 && errno == EINTR);
        if (ready <= 0) {
            error = ready == 0 ? ETIMEDOUT : errno;
            ::close(fd);
            return -1;
        }
        int so_error = 0;
        socklen_t length = sizeof so_error;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length) != 0 || so_error != 0) {
            error = so_error != 0 ? so_error : errno;
            ::close(fd);
            return -1;
        }
    }
    // Blocking from now on: the timeouts are the kernel's (SO_RCVTIMEO / SO_SNDTIMEO).
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

timeval to_timeval(std::chrono::microseconds us) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(us.count() / 1000000);
    tv.tv_usec = static_cast<suseconds_t>(us.count() % 1000000);
    return tv;
}

} // namespace

Status StreamSocket::connect(const std::string &host, uint16_t port, uint32_t timeout_ms) {
    close();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
        return Status::failure("cannot resolve " + host + ": " + ::gai_strerror(rc));
    int error = ECONNREFUSED;
    for (const addrinfo *a = found; a != nullptr && fd_ < 0; a = a->ai_next)
        fd_ = connect_one(*a, timeout_ms, error);
    ::freeaddrinfo(found);
    if (fd_ < 0) return Status::failure(std::strerror(error));
    // A send blocks only when the peer stops reading: bound it like an answer.
    const timeval send_timeout = to_timeval(std::chrono::milliseconds(timeout_ms));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    receive_timeout_ = std::chrono::microseconds(-1);
    return Status::success();
}

void StreamSocket::close() {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
}

int StreamSocket::send_all(const uint8_t *data, size_t size) {
    if (fd_ < 0) return EBADF;
    size_t sent = 0;
    while (sent < size) {
        const ssize_t n = ::send(fd_, data + sent, size - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
        }
        sent += static_cast<size_t>(n);
    }
    return 0;
}

bool StreamSocket::set_receive_timeout(std::chrono::microseconds timeout) {
    if (timeout == receive_timeout_) return true;
    const timeval tv = to_timeval(timeout);
    if (::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) return false;
    receive_timeout_ = timeout;
    return true;
}

ssize_t StreamSocket::receive(uint8_t *buffer, size_t max, Clock::time_point deadline) {
    if (fd_ < 0) {
        errno = EBADF;
        return -1;
    }
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            // Past the deadline: take what is already there, never wait.
            const ssize_t n = ::recv(fd_, buffer, max, MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) errno = ETIMEDOUT;
            return n;
        }
        // The timeout in force is kept while it ends within 1 ms of the deadline (it
        // usually is the device's timeout, set before the first receive of each answer), so
        // most transactions need no setsockopt at all.
        const auto off =
            receive_timeout_ > left ? receive_timeout_ - left : left - receive_timeout_;
        if (receive_timeout_.count() <= 0 || off > std::chrono::milliseconds(1)) {
            if (!set_receive_timeout(left)) return -1;
        }
        const ssize_t n = ::recv(fd_, buffer, max, 0);
        if (n >= 0) return n;
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) return -1;
        // Interrupted or the kernel timeout ended: look at the deadline again.
    }
}

size_t StreamSocket::discard_pending() {
    if (fd_ < 0) return 0;
    size_t discarded = 0;
    uint8_t scratch[512];
    for (;;) {
        const ssize_t n = ::recv(fd_, scratch, sizeof scratch, MSG_DONTWAIT);
        if (n <= 0) return discarded;
        discarded += static_cast<size_t>(n);
    }
}

} // namespace gs::modbus
