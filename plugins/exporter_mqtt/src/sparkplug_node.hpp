// exporter_mqtt's Sparkplug B edge node (Sparkplug 3.0.0), without the MQTT client: what to
// publish, in which order, with which seq and bdSeq.
//   - The site is the edge node spBv1.0/<group_id>/.../<edge_node_id>; each source is a device
//     (its name as one topic level, as the JSON topics have it); each stored data of a circuit is
//     a Double metric "<circuit>/<data>" with an alias unique in the node.
//   - next_will(): the NDEATH for the next MQTT CONNECT: bdSeq 0 for the first CONNECT of the
//     process, then one more per CONNECT sent (255 -> 0; an attempt that never reached the
//     broker sent none and keeps its bdSeq). connect_sent() says the CONNECT went out; it
//     starts a session: births are due.
//   - births(): NBIRTH (seq 0; bdSeq of the will, Node Control/Rebirth = false, neither with an
//     alias) then a DBIRTH per device with every metric (name, alias, datatype, the last value
//     sent or null).
//   - data(): a journal entry's DDATA (aliases only, the values with their original timestamps;
//     a value that is not good is null with Quality 0 = bad; historical when captured before the
//     session began, i.e. sent late from the journal). The births come first when they are due,
//     and are due again when an entry names a device or metric not born yet. Events: none.
//   - Every message after NBIRTH takes the next seq, 255 -> 0.
#pragma once

#include "payload.hpp"
#include "sparkplug_codec.hpp"

#include <gridscope/journal.hpp>
#include <gridscope/site.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gs::mqtt {

class EdgeNode {
public:
    EdgeNode(std::string group_id, std::string edge_node_id);

    // The NDEATH to register as the will of the next connection (bdSeq moves on when the last
    // one was sent). now_ms: the payload's timestamp.
    Message next_will(uint64_t now_ms);
    // The CONNECT with that will was sent: a new session begins (births due).
    void connect_sent(uint64_t now_ms);
    // The NDEATH an intentional disconnect publishes (the current bdSeq).
    Message death(uint64_t now_ms) const;
    // NBIRTH then the DBIRTHs.
    void births(uint64_t now_ms, std::vector<Message> &out);
    // The messages of one journal entry (births first when due).
    void data(const gs::JournalEntry &entry, uint64_t now_ms, std::vector<Message> &out);

    // The metrics of the site's enabled sources (their stored data). Devices that left get a
    // DDEATH (appended to `out` if born in this session) and the births are due again.
    void set_site(const gs::site::Site &site, uint64_t now_ms, std::vector<Message> &out);

    // A Rebirth Request: an NCMD payload with Node Control/Rebirth = true.
    static bool is_rebirth_request(const void *payload, size_t size);
    void request_births() { births_due_ = true; }
    bool births_due() const { return births_due_; }

    const std::string &ncmd_topic() const { return ncmd_topic_; }
    uint8_t bd_seq() const { return bd_seq_; }

private:
    struct MetricState {
        std::string name; // "<circuit>/<data>"
        uint64_t alias = 0;
        bool known = false; // a value was sent
        double value = 0;
        bool good = false;
        uint64_t ts_ms = 0;
    };
    struct Device {
        std::string id; // the topic level
        std::vector<MetricState> metrics;
        std::map<std::pair<uint32_t, std::string>, size_t> index; // (circuit, data) -> metric
    };

    // The device of a source and the index of a metric, added when new (births due).
    Device &device(const std::string &source);
    size_t metric(Device &d, uint32_t circuit, const std::string &data);
    std::string topic(const char *type, const std::string &device_id = {}) const;
    uint64_t next_seq();

    std::string group_id_, edge_node_id_, ncmd_topic_;
    int bd_seq_ = 0;
    bool will_sent_ = false; // the current bdSeq went out in a CONNECT
    uint8_t seq_ = 0;        // the seq of the last message
    uint64_t session_start_ms_ = 0;
    bool births_due_ = true;
    uint64_t next_alias_ = 1;
    std::map<std::string, Device> devices_; // by source name
    std::map<std::string, bool> born_;      // device ids with a DBIRTH in this session
};

} // namespace gs::mqtt
