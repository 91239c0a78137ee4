#include "refusals.hpp"

namespace gs::hub {

bool Refusals::first(const std::string &box, const std::string &state, const std::string &problem) {
    std::lock_guard<std::mutex> lock(mutex_);
    Box &b = boxes_[box];
    if (b.state != state) {
        b.state = state;
        b.reported.clear();
    }
    return b.reported.insert(problem).second;
}

Refusals &Refusals::process() {
    static Refusals r;
    return r;
}

} // namespace gs::hub
