#include "modbus_test_server.hpp"

#include <modbus.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace gs::modbus::testing {
namespace {

[[noreturn]] void fail(const std::string &what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

int bound_socket(uint16_t port, uint16_t *bound_port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket");
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        fail("bind 127.0.0.1:" + std::to_string(port));
    }
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        ::close(fd);
        fail("getsockname");
    }
    *bound_port = ntohs(address.sin_port);
    return fd;
}

uint16_t get16(const uint8_t *bytes) {
    return static_cast<uint16_t>((bytes[0] << 8) | bytes[1]);
}

} // namespace

uint16_t closed_port() {
    uint16_t port = 0;
    ::close(bound_socket(0, &port));
    return port;
}

TestServer::TestServer(ServerOptions options) : options_(std::move(options)) {
    listener_ = bound_socket(options_.port, &port_);
    if (::listen(listener_, 8) != 0) fail("listen");
    if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) fail("pipe");
    context_ = modbus_new_tcp("127.0.0.1", port_); // framing only; the sockets are ours
    mapping_ = modbus_mapping_new(kTableSize, kTableSize, kTableSize, kTableSize);
    if (context_ == nullptr || mapping_ == nullptr) fail("libmodbus");
    thread_ = std::thread([this] { serve(); });
}

TestServer::~TestServer() {
    stop();
    modbus_mapping_free(mapping_);
    modbus_free(context_);
}

void TestServer::stop() {
    if (!thread_.joinable()) return;
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(wake_pipe_[1], &byte, 1);
    thread_.join();
    ::close(listener_);
    ::close(wake_pipe_[0]);
    ::close(wake_pipe_[1]);
}

void TestServer::serve() {
    std::vector<int> clients;
    for (;;) {
        std::vector<pollfd> fds{{wake_pipe_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
        for (int client : clients)
            fds.push_back({client, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[0].revents != 0) break;
        std::vector<int> alive;
        for (size_t i = 2; i < fds.size(); ++i) {
            const int client = fds[i].fd;
            if (fds[i].revents == 0 || answer(client))
                alive.push_back(client);
            else
                ::close(client);
        }
        if (fds[1].revents & POLLIN) {
            const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) alive.push_back(client);
        }
        clients.swap(alive);
    }
    for (int client : clients)
        ::close(client);
}

bool TestServer::answer(int client) {
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    modbus_set_socket(context_, client);
    const int length = modbus_receive(context_, query);
    if (length <= 0)
        return length == 0; // 0: request ignored by libmodbus; -1: client gone or garbage
    ++requests_seen_;
    const int header = modbus_get_header_length(context_); // 7 for TCP
    const uint8_t unit = query[header - 1];
    if (options_.silent_units.count(unit) != 0) return true;
    const uint8_t function = query[header];
    if (function == MODBUS_FC_READ_HOLDING_REGISTERS && length >= header + 5) {
        const uint16_t first = get16(query + header + 1);
        const uint16_t count = get16(query + header + 3);
        for (uint16_t refused : options_.refused_holding) {
            if (refused >= first && refused < first + count)
                return modbus_reply_exception(context_, query,
                                              MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS) >= 0;
        }
    }
    std::lock_guard lock(mapping_mutex_);
    return modbus_reply(context_, query, length, mapping_) >= 0;
}

void TestServer::set_holding(uint16_t address, const std::vector<uint16_t> &values) {
    std::lock_guard lock(mapping_mutex_);
    for (size_t i = 0; i < values.size(); ++i)
        mapping_->tab_registers[address + i] = values[i];
}

void TestServer::set_input(uint16_t address, const std::vector<uint16_t> &values) {
    std::lock_guard lock(mapping_mutex_);
    for (size_t i = 0; i < values.size(); ++i)
        mapping_->tab_input_registers[address + i] = values[i];
}

void TestServer::set_coil(uint16_t address, bool on) {
    std::lock_guard lock(mapping_mutex_);
    mapping_->tab_bits[address] = on ? 1 : 0;
}

void TestServer::set_discrete_input(uint16_t address, bool on) {
    std::lock_guard lock(mapping_mutex_);
    mapping_->tab_input_bits[address] = on ? 1 : 0;
}

uint16_t TestServer::holding(uint16_t address) const {
    std::lock_guard lock(mapping_mutex_);
    return mapping_->tab_registers[address];
}

bool TestServer::coil(uint16_t address) const {
    std::lock_guard lock(mapping_mutex_);
    return mapping_->tab_bits[address] != 0;
}

} // namespace gs::modbus::testing
