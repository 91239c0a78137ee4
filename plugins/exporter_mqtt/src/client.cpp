#include "client.hpp"

namespace gs::mqtt {

void Client::connect(const Will &will) {
    ::mqtt::ConnectOptions options;
    options.will = &will;
    options.max_inflight = 100;
    options.tcp_nodelay = true;
    try {
        client_.connect(options);
    } catch (const ::mqtt::SetupError &e) {
        throw gs::Error(e.what(), GS_ERR_INVALID_ARG);
    } catch (const ::mqtt::ConnectError &e) {
        throw gs::RetryLater(e.what());
    }
}

bool Client::pump(std::chrono::milliseconds timeout) {
    std::string why;
    if (client_.pump(timeout, why)) return true;
    host_.warning("lost the MQTT broker: " + why);
    return false;
}

} // namespace gs::mqtt
