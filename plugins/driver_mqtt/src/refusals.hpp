// The problems the hub reported as `hub.source_refused` events (learner.hpp), remembered for the
// process: a reload replaces the driver, whose new Learner hears every box's retained
// description again, and must not raise the same events again. A problem is reported once per
// box and text (the text names the source and the reason) until the box's description or what
// the hub knows (its profiles and models) changes. Not kept across a process restart: a
// restarted hub reports each refused source once more, which tells whoever restarted it what is
// still refused (nothing on disk to go stale).
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace gs::hub {

class Refusals {
public:
    // True when `problem` of `box` was not reported yet under `state` (the box's description and
    // the hub's profiles and models, as text); it is remembered then. A new state forgets the
    // box's earlier problems. [any thread]
    bool first(const std::string &box, const std::string &state, const std::string &problem);

    // The one the driver uses: it outlives the driver instances of a process.
    static Refusals &process();

private:
    struct Box {
        std::string state;
        std::set<std::string> reported;
    };
    std::mutex mutex_;
    std::map<std::string, Box> boxes_;
};

} // namespace gs::hub
