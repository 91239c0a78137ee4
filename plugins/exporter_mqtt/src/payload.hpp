// The MQTT messages of one journal entry:
//   samples -> one message per circuit on <prefix>/<source>/<circuit>:
//              {"ts": <ms>, "values": {"<data>": <number>, ...}, "quality": {"<data>": "<q>"}}
//              (a value that is not good reads null in "values" and is named in "quality";
//              "quality" lists only those; a good value that is not finite reads null too)
//   events  -> <prefix>/events: {"ts": <ms>, "type", "source", "circuit", "severity",
//              "state", "message"}
// A source name's '/', '+' and '#' become '_' in topics (one topic level per name).
#pragma once

#include <gridscope/journal.hpp>

#include <string>
#include <vector>

namespace gs::mqtt {

struct Message {
    std::string topic;
    std::string payload;
};

// Nanoseconds to milliseconds since the epoch, rounded down (also before 1970).
int64_t ms_of(int64_t ns);

// A name as one topic level: '/', '+' and '#' become '_'; "" becomes "_".
std::string topic_level(const std::string &name);

// Appends the messages of `entry` to `out`.
void messages_of(const std::string &topic_prefix, const gs::JournalEntry &entry,
                 std::vector<Message> &out);

} // namespace gs::mqtt
