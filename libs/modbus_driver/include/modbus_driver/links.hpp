// The polling links of a Modbus-based driver: one scheduler per physical link, each poll
// published as a sample batch, comm.lost / comm.restored events, writes (points and profile
// commands) routed to the link that polls the source, and the links' counters.
#pragma once

#include "modbus_driver/driver_glue.hpp"

#include <gridscope/plugin.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace gs::modbus {

class Links {
public:
    // Called after each poll of a device is published [link thread].
    using OnPoll = std::function<void(const std::string &device, int64_t ts_utc_ns,
                                      const std::vector<PointResult> &results)>;

    Links(gs::Host host, LinkSettings settings, OnPoll on_poll = {});
    ~Links();
    Links(const Links &) = delete;
    Links &operator=(const Links &) = delete;

    // Opens and starts one link polling `sources`, which share one link key. The configs must
    // stay valid and unchanged until stop(). Throws gs::Error when the link cannot be made.
    // [any thread]
    void open(const std::vector<const SourceConfig *> &sources);
    // Groups `sources` by link key and opens a link for each group.
    void open_all(const std::vector<const SourceConfig *> &sources);
    // Whether a link with this key is open.
    bool has(const std::string &link_key) const;
    // Adds `source` to the open link of its key (which polls it from then on). Throws
    // gs::Error when there is no such link or the device is refused. [any thread]
    void add(const SourceConfig &source);
    // A read on the open link of `link_key`, between its requests (never overlapping them),
    // for a unit it does not poll yet; blocks until answered (disconnected when the link is
    // gone). [any thread]
    Outcome read(const std::string &link_key, uint8_t unit, const ReadRequest &request,
                 uint32_t timeout_ms);
    // Stops and forgets every link (the comm state too). [kernel thread]
    void stop();
    size_t size() const;

    // Writes `value` to the point or command `data` of `circuit` of the polled source `source`;
    // blocks until the device answered (or twice its timeout). Throws gs::Error: not found,
    // timeout, refused, not running. [any thread]
    void write(const SourceConfig &source, uint32_t circuit, const std::string &data, double value);

    // Each link's key and counters since start.
    std::vector<std::pair<std::string, LinkStats>> stats() const;
    // Each link's key and its devices' counters since start.
    std::vector<std::pair<std::string, std::vector<DeviceStats>>> device_stats() const;
    // The bus view of link `link_key`: arms its trace for `how_long` (so that the next reads
    // show the frames from now on) and returns the frames kept. False: no such link.
    bool trace(const std::string &link_key, std::chrono::steady_clock::duration how_long,
               std::vector<TracedFrame> &frames);

private:
    void publish(const std::string &device, int64_t ts, const std::vector<PointResult> &results);
    void link_state(const std::string &device, bool connected, const std::string &reason);

    gs::Host host_;
    LinkSettings settings_;
    OnPoll on_poll_;
    mutable std::mutex mutex_; // guards everything below
    std::vector<std::unique_ptr<Link>> links_;
    std::vector<std::string> keys_;                      // parallel to links_
    std::map<std::string, const SourceConfig *> polled_; // by device id (source name)
    std::set<std::string> lost_;                         // devices whose loss was reported
    uint64_t dropped_ = 0;                               // batches the bus refused
};

} // namespace gs::modbus
