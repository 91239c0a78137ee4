// Tests wait on a condition, never on a fixed sleep: eventually(pred, limit) polls `pred` every
// 20 ms until it holds or `limit` has passed, and returns its last value.
#pragma once

#include <chrono>
#include <thread>

namespace gs::test {

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
}

} // namespace gs::test
