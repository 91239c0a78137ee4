// The hub's side of the received messages, without MQTT: which source of the hub a box's topic
// feeds, the batches and events published on the hub's bus, and a box's loss (its `offline`
// status, the will, or the hub's broker connection lost): every source of the box then gets one
// batch of its points with quality `disconnected` and an active `comm.lost` event; the box's
// return (`online`, or data after a lost broker) finishes it with an instant `comm.restored`.
// The box's description goes to the `described` callback (the Learner), parsed. Data for a
// source the latest description lists but the hub does not run yet (it is being learned) are
// held, not refused: the driver that the learn's reload starts replays them (take_held, replay),
// so a new box's first polls are stored too.
// Each box's messages come from that box's thread only; the counters may be read from any thread.
#pragma once

#include "description.hpp"
#include "messages.hpp"

#include <gridscope/plugin.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gs::hub {

class Hub {
public:
    // `stopping` tells a publication refused by a full bus (RETRY_LATER) to give up.
    using Described =
        std::function<void(const std::string &box, BoxDescription d, std::string payload)>;
    Hub(gs::Host host, std::function<bool()> stopping, Described described = {});

    // [kernel thread, before start] A box the hub receives (every configured one, with or
    // without sources yet), then a source of the hub, fed by `box`'s source `remote`.
    void add_box(const std::string &box);
    void add_source(const gs::Source &source, const std::string &box, const std::string &remote);

    // [box thread] One message of `box`; `rest` is its topic below "<topic_prefix>/".
    void on_message(const std::string &box, std::string_view rest, std::string_view payload);
    // [box thread] The hub cannot reach the box's broker (connection refused or lost).
    void broker_lost(const std::string &box, const std::string &why);

    // A box's messages held for the next driver: (topic below the prefix, payload), in order.
    using Held = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;
    // [after the boxes' threads stopped] Moves the held messages out.
    Held take_held();
    // [before the boxes' threads start] Handles held messages as if they arrived now.
    void replay(const Held &held);

    struct Counters {
        uint64_t messages = 0; // messages received from the box
        uint64_t rejected = 0; // malformed, or for no source of the hub
    };
    Counters counters(const std::string &box) const;

private:
    struct Fed {
        std::string name; // the hub's source
        std::string remote;
        // (circuit, data) the hub's circuits collect: only those are published.
        std::unordered_map<uint32_t, std::set<std::string, std::less<>>> points;
        std::vector<std::pair<uint32_t, std::string>> all_points;
    };
    enum class Offline { no, status, broker };
    struct BoxState {
        std::unordered_map<std::string, std::unique_ptr<Fed>> by_topic; // topic level -> source
        std::unordered_map<std::string, Fed *> by_remote;               // name on the box
        Offline offline = Offline::no;
        std::atomic<uint64_t> messages{0}, rejected{0};
        std::set<std::string> described; // topic levels of the latest description's sources
        std::vector<std::pair<std::string, std::string>> held;
    };

    // False when the message is for a source being learned (then held).
    bool on_data(BoxState &box, const Topic &topic, std::string_view rest,
                 std::string_view payload);
    void on_event(const std::string &name, BoxState &box, std::string_view payload);
    void go_offline(const std::string &name, BoxState &box, Offline why, const std::string &text);
    void go_online(const std::string &name, BoxState &box);
    void publish(const gs_sample_batch &batch);
    void publish(const gs_event &event);
    void retry_while_full(const std::function<void()> &publish);
    void reject(const std::string &name, BoxState &box, const std::string &why);

    gs::Host host_;
    std::function<bool()> stopping_;
    Described described_;
    std::map<std::string, BoxState> boxes_;
};

} // namespace gs::hub
