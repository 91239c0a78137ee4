// Modbus RTU through libmodbus over a pseudo-terminal: the link opens the pty's slave side as
// its serial port; a small server built on the core's own frame encoders answers on the
// master side.
#include "modbus/frame.hpp"
#include "modbus/link.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace gs::modbus;
using namespace std::chrono_literals;

namespace {

class PtyRtuServer {
public:
    PtyRtuServer(uint8_t unit, std::map<uint16_t, uint16_t> holding)
        : unit_(unit), holding_(std::move(holding)) {
        master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0)
            throw std::runtime_error("no pseudo-terminal");
        slave_path_ = ::ptsname(master_);
        if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
        thread_ = std::thread([this] { serve(); });
    }
    ~PtyRtuServer() {
        const char byte = 1;
        [[maybe_unused]] const auto written = ::write(wake_[1], &byte, 1);
        thread_.join();
        ::close(master_);
        ::close(wake_[0]);
        ::close(wake_[1]);
    }
    const std::string &device() const { return slave_path_; }

private:
    // Size of the request at the front of `buffer`, or 0 while it is incomplete.
    static size_t request_size(const std::vector<uint8_t> &buffer) {
        if (buffer.size() < 2) return 0;
        const uint8_t function = buffer[1];
        if (function == kFcWriteMultipleCoils || function == kFcWriteMultipleRegisters)
            return buffer.size() < 7 ? 0 : size_t{9} + buffer[6];
        return 8;
    }

    void serve() {
        std::vector<uint8_t> buffer;
        for (;;) {
            pollfd fds[2] = {{wake_[0], POLLIN, 0}, {master_, POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0 || fds[0].revents != 0) return;
            uint8_t chunk[256];
            const auto got = ::read(master_, chunk, sizeof chunk);
            if (got <= 0) continue;
            buffer.insert(buffer.end(), chunk, chunk + got);
            for (size_t size = request_size(buffer); size != 0 && buffer.size() >= size;
                 size = request_size(buffer)) {
                std::vector<uint8_t> frame(buffer.begin(), buffer.begin() + size);
                buffer.erase(buffer.begin(), buffer.begin() + size);
                answer(frame);
            }
        }
    }

    void answer(const std::vector<uint8_t> &frame) {
        const uint16_t crc =
            static_cast<uint16_t>(frame[frame.size() - 2] | (frame[frame.size() - 1] << 8));
        if (crc16(frame.data(), frame.size() - 2) != crc || frame[0] != unit_)
            return; // not for us: stay silent like a real slave
        const auto request = decode_request_pdu(frame.data() + 1, frame.size() - 3);
        std::vector<uint8_t> pdu;
        if (!request || request->function != kFcReadHoldingRegisters) {
            pdu = encode_exception_pdu(frame[1], 1);
        } else {
            std::vector<uint16_t> values;
            for (uint16_t i = 0; i < request->quantity; ++i)
                values.push_back(holding_[static_cast<uint16_t>(request->address + i)]);
            pdu = encode_response_pdu(*request, values).value();
        }
        const auto adu = wrap_rtu(unit_, pdu);
        [[maybe_unused]] const auto written = ::write(master_, adu.data(), adu.size());
    }

    uint8_t unit_;
    std::map<uint16_t, uint16_t> holding_;
    int master_ = -1;
    int wake_[2] = {-1, -1};
    std::string slave_path_;
    std::thread thread_;
};

PointSpec holding_point(std::string data, uint16_t address, Type type) {
    PointSpec point;
    point.data = std::move(data);
    point.address = address;
    point.type = type;
    return point;
}

DeviceConfig rtu_device(std::string id, uint8_t unit) {
    DeviceConfig device;
    device.id = std::move(id);
    device.unit = unit;
    device.period = 50ms;
    device.timeout_ms = 300;
    device.points = {holding_point("Soco", 50000, Type::string16),
                     holding_point("Energy", 50004, Type::u32)};
    device.points[0].string_registers = 4;
    device.points[1].coefficient = 1000;
    return device;
}

const std::map<uint16_t, uint16_t> kSocomec{{50000, 0x0053}, {50001, 0x004F}, {50002, 0x0043},
                                            {50003, 0x004F}, {50004, 0x0001}, {50005, 0x0002}};

} // namespace

TEST_CASE("RTU: read_once over a serial line, and a silent unit times out") {
    PtyRtuServer server(5, kSocomec);
    const SerialEndpoint serial{server.device(), 19200, 'N', 8, 1};

    auto results = read_once(serial, rtu_device("meter", 5));
    REQUIRE_MESSAGE(results.ok(), (results.ok() ? "" : results.error()));
    REQUIRE(results.value().size() == 2);
    REQUIRE(results.value()[0].value.has_value());
    CHECK(std::get<std::string>(*results.value()[0].value) == "SOCO");
    REQUIRE(results.value()[1].value.has_value());
    CHECK(std::get<double>(*results.value()[1].value) == 65538000.0);

    const auto start = std::chrono::steady_clock::now();
    auto silent = read_once(serial, rtu_device("other", 6));
    REQUIRE_FALSE(silent.ok());
    CHECK(silent.error().find("timeout after 300 ms") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < 2s);
}

TEST_CASE("RTU: the link polls a live and a silent unit on one serial line") {
    PtyRtuServer server(5, kSocomec);
    LinkConfig config;
    config.endpoint = SerialEndpoint{server.device(), 19200, 'N', 8, 1};
    config.offline_after_failures = 1;
    config.guard_interval = 1ms;

    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::string, std::vector<PointResult>> last;
    std::map<std::string, int> lost;
    LinkCallbacks callbacks;
    callbacks.on_result = [&](const std::string &id, int64_t, std::vector<PointResult> results) {
        std::lock_guard lock(mutex);
        last[id] = std::move(results);
        changed.notify_all();
    };
    callbacks.on_link_state = [&](const std::string &id, bool connected, const std::string &) {
        std::lock_guard lock(mutex);
        lost[id] += connected ? 0 : 1;
        changed.notify_all();
    };
    auto link = Link::create(config, {rtu_device("live", 5), rtu_device("silent", 7)}, callbacks);
    REQUIRE(link.ok());
    link.value()->start();
    {
        std::unique_lock lock(mutex);
        REQUIRE(changed.wait_for(lock, 5s, [&] {
            return lost["silent"] == 1 && !last["live"].empty() &&
                   last["live"][0].quality.is_good() && !last["silent"].empty();
        }));
        CHECK(last["silent"][0].quality == Quality::timeout());
        CHECK(lost["live"] == 0);
    }
    link.value()->stop();
}
