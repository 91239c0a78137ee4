// RTU over TCP: Modbus RTU frames (unit, PDU, CRC) on a raw TCP socket (and, at the end, the
// same socket transport speaking Modbus TCP). A scripted peer on
// 127.0.0.1 answers each request with chosen bytes, cut in chosen pieces, at chosen times, so
// the framing of the connection is tested byte by byte: split frames, garbage, wrong unit,
// wrong function, bad CRC, short answers, silence, late answers, closed connections.
#include "modbus/connection.hpp"
#include "modbus/frame.hpp"
#include "modbus/link.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace gs::modbus;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Piece {
    std::vector<uint8_t> bytes;
    std::chrono::milliseconds delay{0}; // before sending this piece
};
using Script = std::function<std::vector<Piece>(const std::vector<uint8_t> &request)>;

// Accepts connections one after the other; reads RTU request frames and answers each with
// what the script returns (nothing: silence; an empty piece list after a close request is
// not needed: `close_after` closes the connection after that many requests).
class ScriptedPeer {
public:
    explicit ScriptedPeer(Script script, bool mbap = false)
        : script_(std::move(script)), mbap_(mbap) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (listener_ < 0 ||
            ::bind(listener_, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
            ::listen(listener_, 4) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr *>(&address), &length) != 0)
            throw std::runtime_error("cannot listen");
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~ScriptedPeer() {
        stopping_ = true;
        thread_.join();
        ::close(listener_);
    }
    uint16_t port() const { return port_; }
    unsigned accepted() const { return accepted_; }
    unsigned requests() const { return requests_; }
    unsigned max_in_flight() const { return max_in_flight_; }
    void close_after(unsigned requests) { close_after_ = requests; }

private:
    bool wait_readable(int fd) {
        while (!stopping_) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 20) > 0) return true;
        }
        return false;
    }

    size_t frame_size(const std::vector<uint8_t> &buffer) const {
        if (!mbap_) return rtu_request_size(buffer.data(), buffer.size());
        return buffer.size() < 6 ? 0 : size_t{6} + (buffer[4] << 8 | buffer[5]);
    }

    void serve() {
        while (wait_readable(listener_)) {
            const int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) continue;
            const int one = 1; // every piece leaves at once (no Nagle delay)
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            ++accepted_;
            serve_client(fd);
            ::close(fd);
        }
    }

    void serve_client(int fd) {
        std::vector<uint8_t> buffer;
        while (wait_readable(fd)) {
            uint8_t chunk[256];
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return;
            buffer.insert(buffer.end(), chunk, chunk + n);
            for (;;) {
                const size_t size = frame_size(buffer);
                if (size == 0 || size == kRtuSizeUnknown || buffer.size() < size) break;
                std::vector<uint8_t> request(buffer.begin(), buffer.begin() + size);
                buffer.erase(buffer.begin(), buffer.begin() + size);
                // Two requests received before the first was answered would mean overlap.
                const size_t size_next = frame_size(buffer);
                if (size_next != 0 && size_next != kRtuSizeUnknown && buffer.size() >= size_next)
                    max_in_flight_ = 2;
                ++requests_;
                for (const auto &piece : script_(request)) {
                    std::this_thread::sleep_for(piece.delay);
                    if (!piece.bytes.empty())
                        ::send(fd, piece.bytes.data(), piece.bytes.size(), MSG_NOSIGNAL);
                }
                if (close_after_ != 0 && requests_ >= close_after_) return;
            }
        }
    }

    Script script_;
    bool mbap_ = false;
    int listener_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<unsigned> accepted_{0}, requests_{0}, max_in_flight_{1}, close_after_{0};
    std::thread thread_;
};

// The register values the peer serves: register a holds a + 1000.
std::vector<uint16_t> registers_for(const PduRequest &request) {
    std::vector<uint16_t> values;
    for (uint16_t i = 0; i < request.quantity; ++i)
        values.push_back(static_cast<uint16_t>(request.address + i + 1000));
    return values;
}

// A correct answer to an RTU request frame, as `unit`.
std::vector<uint8_t> good_answer(const std::vector<uint8_t> &frame, int unit = -1) {
    const auto request = decode_request_pdu(frame.data() + 1, frame.size() - 3);
    REQUIRE(request.has_value());
    auto pdu = encode_response_pdu(*request, registers_for(*request));
    REQUIRE(pdu.ok());
    return wrap_rtu(unit < 0 ? frame[0] : static_cast<uint8_t>(unit), pdu.value());
}

ReadRequest holding(uint16_t address, uint16_t count) {
    ReadRequest request;
    request.function = Function::holding;
    request.address = address;
    request.count = count;
    return request;
}

} // namespace

TEST_CASE("RTU over TCP: endpoint description and checks") {
    CHECK(describe(RtuTcpEndpoint{"10.0.0.5", 4001}) == "rtu-tcp 10.0.0.5:4001");
    CHECK(endpoint_problem(RtuTcpEndpoint{"", 4001}).has_value());
    CHECK(endpoint_problem(RtuTcpEndpoint{"h", 0}).has_value());
    CHECK_FALSE(endpoint_problem(RtuTcpEndpoint{"h", 4001}).has_value());
}

TEST_CASE("RTU over TCP: a whole answer, and an answer split over many pieces") {
    bool split = false;
    ScriptedPeer peer([&](const std::vector<uint8_t> &request) {
        auto answer = good_answer(request);
        if (!split) return std::vector<Piece>{{answer, 0ms}};
        // 1 byte, 2 bytes, then the rest one byte at a time, with pauses.
        std::vector<Piece> pieces{{{answer[0]}, 0ms}, {{answer[1], answer[2]}, 15ms}};
        for (size_t i = 3; i < answer.size(); ++i)
            pieces.push_back({{answer[i]}, i % 3 == 0 ? 5ms : 0ms});
        return pieces;
    });
    Connection connection(RtuTcpEndpoint{"127.0.0.1", peer.port()});
    REQUIRE(connection.connect(1000).ok());
    auto outcome = connection.read(7, holding(100, 3), 500);
    REQUIRE(outcome.quality.is_good());
    CHECK(outcome.values == std::vector<uint16_t>{1100, 1101, 1102});
    split = true;
    outcome = connection.read(7, holding(10, 20), 500);
    REQUIRE_MESSAGE(outcome.quality.is_good(), outcome.detail);
    REQUIRE(outcome.values.size() == 20);
    CHECK(outcome.values[19] == 1029);
    CHECK(peer.accepted() == 1);
}

TEST_CASE("RTU over TCP: exceptions, and writes with their echo") {
    ScriptedPeer peer([&](const std::vector<uint8_t> &request) {
        if (request[1] == kFcReadHoldingRegisters && request[3] == 99) // address 99
            return std::vector<Piece>{{wrap_rtu(request[0], encode_exception_pdu(3, 2)), 0ms}};
        if (request[1] == kFcWriteSingleRegister || request[1] == kFcWriteSingleCoil)
            return std::vector<Piece>{{request, 0ms}}; // FC 5/6 answer with the request itself
        if (request[1] == kFcWriteMultipleRegisters)
            return std::vector<Piece>{
                {wrap_rtu(request[0], {request[1], request[2], request[3], request[4], request[5]}),
                 0ms}};
        return std::vector<Piece>{{good_answer(request), 0ms}};
    });
    Connection connection(RtuTcpEndpoint{"127.0.0.1", peer.port()});
    REQUIRE(connection.connect(1000).ok());
    auto outcome = connection.read(3, holding(99, 1), 500);
    CHECK(outcome.quality == Quality::exception(2));
    CHECK(connection.write(3, Function::holding, 40, {1234}, 500).quality.is_good());
    CHECK(connection.write(3, Function::holding, 40, {1, 2, 3}, 500).quality.is_good());
    CHECK(connection.write(3, Function::coils, 7, {1}, 500).quality.is_good());
    // The connection is still in step.
    CHECK(connection.read(3, holding(0, 2), 500).quality.is_good());
}

TEST_CASE("RTU over TCP: malformed answers are invalid, and the next request is in step") {
    std::string mode;
    ScriptedPeer peer([&](const std::vector<uint8_t> &request) {
        auto answer = good_answer(request);
        if (mode == "wrong unit") return std::vector<Piece>{{good_answer(request, 9), 0ms}};
        if (mode == "bad crc") {
            answer[4] ^= 0x40;
            return std::vector<Piece>{{answer, 0ms}};
        }
        if (mode == "wrong function") {
            auto pdu = std::vector<uint8_t>(answer.begin() + 1, answer.end() - 2);
            pdu[0] = kFcReadInputRegisters;
            return std::vector<Piece>{{wrap_rtu(request[0], pdu), 0ms}};
        }
        if (mode == "garbage") // not a Modbus frame, followed by more noise
            return std::vector<Piece>{{{0x55, 0x77, 0x00, 0x13, 0x99, 0x42, 0x42, 0x42}, 0ms},
                                      {{0x42, 0x42}, 0ms}};
        if (mode == "byte count")
            return std::vector<Piece>{{wrap_rtu(request[0], {3, 2, 0, 1}), 0ms}};
        return std::vector<Piece>{{answer, 0ms}};
    });
    Connection connection(RtuTcpEndpoint{"127.0.0.1", peer.port()});
    REQUIRE(connection.connect(1000).ok());
    for (const char *m : {"wrong unit", "bad crc", "wrong function", "garbage", "byte count"}) {
        CAPTURE(std::string(m));
        mode = m;
        auto outcome = connection.read(5, holding(200, 4), 300);
        CHECK(outcome.quality == Quality::invalid());
        CHECK_FALSE(outcome.detail.empty());
        if (mode == "wrong unit") CHECK(outcome.detail.find("wrong unit") != std::string::npos);
        if (mode == "bad crc") CHECK(outcome.detail.find("CRC") != std::string::npos);
        if (mode == "wrong function")
            CHECK(outcome.detail.find("wrong function") != std::string::npos);
        if (mode == "garbage") CHECK(outcome.detail.find("garbage") != std::string::npos);
        // After any bad answer, a good one is read correctly (stale bytes were dropped).
        mode = "good";
        std::this_thread::sleep_for(20ms); // the rest of the garbage has arrived
        outcome = connection.read(5, holding(200, 4), 300);
        REQUIRE_MESSAGE(outcome.quality.is_good(), outcome.detail);
        CHECK(outcome.values == std::vector<uint16_t>{1200, 1201, 1202, 1203});
    }
    CHECK(connection.connected());
}

TEST_CASE("RTU over TCP: silence is a timeout, a short answer is invalid, both within the "
          "device's timeout; a late answer is not taken for the next one") {
    std::string mode;
    ScriptedPeer peer([&](const std::vector<uint8_t> &request) {
        auto answer = good_answer(request);
        if (mode == "silent") return std::vector<Piece>{};
        if (mode == "short")
            return std::vector<Piece>{
                {std::vector<uint8_t>(answer.begin(), answer.begin() + 6), 0ms}};
        if (mode == "late") return std::vector<Piece>{{answer, 150ms}};
        return std::vector<Piece>{{answer, 0ms}};
    });
    Connection connection(RtuTcpEndpoint{"127.0.0.1", peer.port()});
    REQUIRE(connection.connect(1000).ok());
    for (const char *m : {"silent", "short"}) {
        CAPTURE(std::string(m));
        mode = m;
        const auto start = Clock::now();
        auto outcome = connection.read(2, holding(0, 10), 100);
        const auto took = Clock::now() - start;
        CHECK(outcome.quality == (mode == "silent" ? Quality::timeout() : Quality::invalid()));
        CHECK(took >= 95ms);
        CHECK(took < 400ms);
    }
    mode = "late"; // answers after 150 ms, the timeout is 100 ms
    CHECK(connection.read(2, holding(0, 10), 100).quality == Quality::timeout());
    mode = "good";
    std::this_thread::sleep_for(100ms); // the late answer has arrived by now
    auto outcome = connection.read(2, holding(50, 2), 300);
    REQUIRE_MESSAGE(outcome.quality.is_good(), outcome.detail);
    CHECK(outcome.values == std::vector<uint16_t>{1050, 1051});
}

TEST_CASE("RTU over TCP: a closed connection is disconnected, and reconnects") {
    ScriptedPeer peer([&](const std::vector<uint8_t> &request) {
        return std::vector<Piece>{{good_answer(request), 0ms}};
    });
    peer.close_after(1);
    Connection connection(RtuTcpEndpoint{"127.0.0.1", peer.port()});
    REQUIRE(connection.connect(1000).ok());
    CHECK(connection.read(1, holding(0, 1), 300).quality.is_good());
    std::this_thread::sleep_for(50ms);
    auto outcome = connection.read(1, holding(0, 1), 300);
    CHECK(outcome.quality == Quality::disconnected());
    CHECK_FALSE(connection.connected());
    CHECK(connection.read(1, holding(0, 1), 300).quality == Quality::disconnected());
    Connection closed(RtuTcpEndpoint{"127.0.0.1", 1});
    CHECK_FALSE(closed.connect(300).ok());
}

TEST_CASE("RTU over TCP: one gateway is one link; a silent unit does not stop the others") {
    ScriptedPeer peer([&](const std::vector<uint8_t> &request) {
        if (request[0] == 3) return std::vector<Piece>{}; // unit 3 is dead
        return std::vector<Piece>{{good_answer(request), 1ms}};
    });
    LinkConfig config;
    config.endpoint = RtuTcpEndpoint{"127.0.0.1", peer.port()};
    config.connect_timeout_ms = 500;
    std::vector<DeviceConfig> devices;
    for (uint8_t unit : {1, 2, 3}) {
        DeviceConfig d;
        d.id = "u" + std::to_string(unit);
        d.unit = unit;
        d.period = 100ms;
        d.timeout_ms = 50;
        PointSpec p;
        p.data = "P";
        p.address = 20;
        p.type = Type::u16;
        d.points = {p};
        devices.push_back(d);
    }
    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::string, std::vector<Quality>> seen;
    LinkCallbacks callbacks;
    callbacks.on_result = [&](const std::string &id, int64_t, std::vector<PointResult> results) {
        std::lock_guard lock(mutex);
        seen[id].push_back(results.at(0).quality);
        if (id != "u3") CHECK(std::get<double>(*results.at(0).value) == 1020);
        changed.notify_all();
    };
    auto link = Link::create(config, devices, callbacks);
    REQUIRE(link.ok());
    link.value()->start();
    {
        std::unique_lock lock(mutex);
        CHECK(changed.wait_for(lock, 5s, [&] { return seen["u1"].size() >= 8; }));
    }
    link.value()->stop();
    std::lock_guard lock(mutex);
    CHECK(seen["u2"].size() >= 7);
    REQUIRE_FALSE(seen["u3"].empty());
    CHECK(seen["u3"].front() == Quality::timeout());
    CHECK(peer.accepted() == 1);
    CHECK(peer.max_in_flight() == 1);
}

TEST_CASE("Modbus TCP on the socket transport: split answers, late answers skipped by "
          "transaction id, malformed answers") {
    std::string mode;
    std::vector<uint8_t> previous; // the answer to the previous request, for "late"
    ScriptedPeer peer(
        [&](const std::vector<uint8_t> &request) {
            const auto pdu = decode_request_pdu(request.data() + 7, request.size() - 7);
            REQUIRE(pdu.has_value());
            const uint16_t id = static_cast<uint16_t>(request[0] << 8 | request[1]);
            auto answer =
                wrap_tcp(id, request[6], encode_response_pdu(*pdu, registers_for(*pdu)).value());
            std::vector<Piece> pieces;
            if (mode == "silent") {
                previous = answer;
                return pieces;
            }
            if (mode == "late" && !previous.empty()) pieces.push_back({previous, 0ms});
            if (mode == "split") {
                pieces.push_back({{answer.begin(), answer.begin() + 3}, 0ms});
                pieces.push_back({{answer.begin() + 3, answer.begin() + 8}, 10ms});
                pieces.push_back({{answer.begin() + 8, answer.end()}, 10ms});
            } else if (mode == "wrong unit") {
                answer[6] ^= 1;
                pieces.push_back({answer, 0ms});
            } else if (mode == "garbage") {
                pieces.push_back({{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0}, 0ms});
            } else {
                pieces.push_back({answer, 0ms});
            }
            return pieces;
        },
        true);
    Connection connection(TcpEndpoint{"127.0.0.1", peer.port()});
    REQUIRE(connection.connect(1000).ok());
    mode = "split";
    auto outcome = connection.read(4, holding(30, 3), 500);
    REQUIRE_MESSAGE(outcome.quality.is_good(), outcome.detail);
    CHECK(outcome.values == std::vector<uint16_t>{1030, 1031, 1032});
    mode = "silent";
    CHECK(connection.read(4, holding(40, 1), 100).quality == Quality::timeout());
    mode = "late"; // the answer to the timed-out request arrives first, then this one's
    outcome = connection.read(4, holding(50, 2), 500);
    REQUIRE_MESSAGE(outcome.quality.is_good(), outcome.detail);
    CHECK(outcome.values == std::vector<uint16_t>{1050, 1051});
    mode = "wrong unit";
    outcome = connection.read(4, holding(50, 2), 500);
    CHECK(outcome.quality == Quality::invalid());
    CHECK(outcome.detail.find("wrong unit") != std::string::npos);
    mode = "garbage";
    CHECK(connection.read(4, holding(50, 2), 500).quality == Quality::invalid());
    mode = "good";
    std::this_thread::sleep_for(20ms);
    outcome = connection.read(4, holding(60, 1), 500);
    REQUIRE_MESSAGE(outcome.quality.is_good(), outcome.detail);
    CHECK(outcome.values == std::vector<uint16_t>{1060});
}
