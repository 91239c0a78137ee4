#include "publish/settings.hpp"

#include "publish/settings_text.hpp"

#include <cctype>
#include <charconv>
#include <set>

namespace gs::publish {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr seconds min_every{30};
constexpr seconds max_every{7 * 86400};

std::string join(const std::vector<std::string> &path) {
    std::string out;
    for (const auto &segment : path)
        out += (out.empty() ? "" : ".") + segment;
    return out;
}

// What was written for one plan, before the checks that need the whole entry.
struct PlanText {
    bool has_type = false, has_files = false;
    std::optional<std::string> every, at, day;
};

class Reader {
public:
    ParsedSettings run(const std::vector<ConfigLeaf> &leaves) {
        for (const auto &leaf : leaves)
            read(leaf);
        finish_plans();
        for (auto &error : validate(out_.settings))
            out_.errors.push_back(std::move(error));
        return std::move(out_);
    }

private:
    void fail(const std::string &key, std::string message) {
        out_.errors.push_back({key, std::move(message)});
    }

    // Runs `parse` on the text and stores the value, or records the parser's message.
    template <class T, class Parse> void set(T &target, const ConfigLeaf &leaf, Parse parse) {
        std::string error;
        if (auto value = parse(leaf.value, error))
            target = static_cast<T>(*value);
        else
            fail(join(leaf.path), error);
    }

    void read(const ConfigLeaf &leaf) {
        const auto &p = leaf.path;
        const std::string key = join(p);
        auto &s = out_.settings;
        if (p.size() == 2 && p[0] == "identification" && p[1] == "site")
            s.identification.site = leaf.value;
        else if (p.size() == 2 && p[0] == "identification" && p[1] == "server")
            s.identification.server = leaf.value;
        else if (p.size() == 2 && p[0] == "server")
            read_server(leaf, p[1]);
        else if (p.size() == 3 && p[0] == "server" && p[1] == "timeouts")
            read_timeout(leaf, p[2]);
        else if (p.size() == 3 && p[0] == "plans")
            read_plan(leaf);
        else if (p.size() == 2 && p[0] == "format")
            read_format(leaf, p[1]);
        else
            fail(key, "unknown key (accepted: identification.{site, server}, server.{protocol, "
                      "host, port, user, password, directory, passive, method, auth, ca_file, "
                      "timeouts.{connect, transfer, stall}}, plans[].{type, every, at, day, "
                      "files}, format.{separator, decimal})");
    }

    void read_server(const ConfigLeaf &leaf, const std::string &name) {
        auto &server = out_.settings.server;
        seen_.insert("server." + name);
        if (name == "protocol") {
            set(server.protocol, leaf, parse_protocol);
        } else if (name == "host") {
            server.host = leaf.value;
        } else if (name == "port") {
            unsigned port = 0;
            const char *end = leaf.value.data() + leaf.value.size();
            auto [rest, ec] = std::from_chars(leaf.value.data(), end, port);
            if (ec != std::errc() || rest != end || port == 0 || port > 65535)
                fail("server.port", "'" + leaf.value + "' is not a TCP port (1 to 65535)");
            else
                server.port = static_cast<uint16_t>(port);
        } else if (name == "user") {
            server.user = leaf.value;
        } else if (name == "password") {
            server.password = leaf.value;
        } else if (name == "directory") {
            server.directory = leaf.value;
        } else if (name == "ca_file") {
            server.ca_file = leaf.value;
        } else if (name == "passive") {
            set(server.passive, leaf, parse_bool);
        } else if (name == "method") {
            set(server.method, leaf, parse_http_method);
        } else if (name == "auth") {
            set(server.auth, leaf, parse_http_auth);
        } else {
            fail("server." + name, "unknown key (accepted: protocol, host, port, user, password, "
                                   "directory, passive, method, auth, ca_file, timeouts)");
        }
    }

    void read_timeout(const ConfigLeaf &leaf, const std::string &name) {
        auto &t = out_.settings.server.timeouts;
        milliseconds *target = name == "connect"    ? &t.connect
                               : name == "transfer" ? &t.transfer
                               : name == "stall"    ? &t.stall
                                                    : nullptr;
        if (!target) {
            fail(join(leaf.path), "unknown key (accepted: connect, transfer, stall)");
            return;
        }
        std::string error;
        auto value = parse_duration(leaf.value, error);
        if (!value)
            fail(join(leaf.path), error);
        else if (*value < milliseconds{100} || *value > milliseconds{86400000})
            fail(join(leaf.path), "'" + leaf.value + "' is out of range (100ms to 1d)");
        else
            *target = *value;
    }

    void read_plan(const ConfigLeaf &leaf) {
        size_t index = 0;
        const std::string &at = leaf.path[1];
        auto [rest, ec] = std::from_chars(at.data(), at.data() + at.size(), index);
        if (ec != std::errc() || rest != at.data() + at.size() || index > 1000) {
            fail(join(leaf.path), "plans must be a list");
            return;
        }
        if (plans_.size() <= index) {
            plans_.resize(index + 1);
            out_.settings.plans.resize(index + 1);
        }
        Plan &plan = out_.settings.plans[index];
        PlanText &text = plans_[index];
        const std::string &name = leaf.path[2];
        if (name == "type") {
            text.has_type = true;
            set(plan.type, leaf, parse_plan_type);
        } else if (name == "files") {
            text.has_files = true;
            set(plan.files, leaf, parse_file_grouping);
        } else if (name == "every") {
            text.every = leaf.value;
        } else if (name == "at") {
            text.at = leaf.value;
        } else if (name == "day") {
            text.day = leaf.value;
        } else {
            fail(join(leaf.path), "unknown key (accepted: type, every, at, day, files)");
        }
    }

    // The schedule keys depend on each other: exactly one of every/at, day only with at.
    void finish_plans() {
        for (size_t i = 0; i < plans_.size(); ++i) {
            const std::string key = "plans." + std::to_string(i);
            const PlanText &text = plans_[i];
            Schedule &schedule = out_.settings.plans[i].schedule;
            if (!text.has_type)
                fail(key + ".type", "missing (index | measurement | alarms | load_curve | status | "
                                    "log | config_backup)");
            if (!text.has_files) fail(key + ".files", "missing (all | per_device)");
            if (text.every && text.at) {
                fail(key, "give either every or at, not both");
                continue;
            }
            if (!text.every && !text.at) {
                fail(key, "missing every (30s..7d) or at (\"HH:MM\", with an optional day)");
                continue;
            }
            std::string error;
            if (text.every) {
                if (text.day) fail(key + ".day", "day goes with at, not with every");
                auto every = parse_duration(*text.every, error);
                if (!every)
                    fail(key + ".every", error);
                else
                    schedule.every = std::chrono::duration_cast<seconds>(*every);
                if (every && (every->count() % 1000 != 0 || schedule.every < min_every ||
                              schedule.every > max_every)) {
                    fail(key + ".every",
                         "'" + *text.every + "' is out of range (whole seconds, 30s to 7d)");
                    schedule.every = seconds{0};
                }
                if (schedule.every >= seconds{86400} && schedule.every.count() % 86400 != 0) {
                    fail(key + ".every",
                         "'" + *text.every + "': a period of a day or more is whole days");
                    schedule.every = seconds{0};
                }
                continue;
            }
            if (auto minute = parse_time_of_day(*text.at, error))
                schedule.at_minute = *minute;
            else
                fail(key + ".at", error);
            if (text.day) {
                if (auto day = parse_weekday(*text.day, error))
                    schedule.day = *day;
                else
                    fail(key + ".day", error);
            }
        }
    }

    void read_format(const ConfigLeaf &leaf, const std::string &name) {
        auto &format = out_.settings.format;
        const bool one = leaf.value.size() == 1;
        if (name == "separator") {
            if (one && (leaf.value[0] == ';' || leaf.value[0] == ','))
                format.separator = leaf.value[0];
            else
                fail("format.separator", "'" + leaf.value + "' is not \";\" or \",\"");
        } else if (name == "decimal") {
            if (one && (leaf.value[0] == '.' || leaf.value[0] == ','))
                format.decimal = leaf.value[0];
            else
                fail("format.decimal", "'" + leaf.value + "' is not \".\" or \",\"");
        } else {
            fail(join(leaf.path), "unknown key (accepted: separator, decimal)");
        }
    }

    ParsedSettings out_;
    std::vector<PlanText> plans_;
    std::set<std::string> seen_; // server keys written, for the protocol-specific checks

public:
    bool written(const std::string &key) const { return seen_.count(key) != 0; }
};

// A file name part: the server's name starts every file name, so it must be a plain word.
bool usable_in_file_name(const std::string &name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
    return name != "." && name != "..";
}

} // namespace

ParsedSettings parse_settings(const std::vector<ConfigLeaf> &leaves) {
    Reader reader;
    ParsedSettings parsed = reader.run(leaves);
    // Keys that mean nothing for the chosen protocol are refused rather than ignored.
    const bool http = is_http(parsed.settings.server.protocol);
    auto wrong_for_protocol = [&](const char *key, bool for_http) {
        if (reader.written(key) && for_http != http)
            parsed.errors.push_back({key, std::string("applies to ") +
                                              (for_http ? "http and https" : "FTP") +
                                              " servers only (protocol is " +
                                              to_string(parsed.settings.server.protocol) + ")"});
    };
    if (!reader.written("server.protocol"))
        parsed.errors.push_back(
            {"server.protocol", "missing (ftp | ftps | ftps-implicit | http | https)"});
    wrong_for_protocol("server.passive", false);
    wrong_for_protocol("server.method", true);
    wrong_for_protocol("server.auth", true);
    return parsed;
}

std::vector<SettingsError> validate(const Settings &s) {
    std::vector<SettingsError> errors;
    if (s.identification.site.empty())
        errors.push_back({"identification.site", "missing: the site's name"});
    if (!usable_in_file_name(s.identification.server))
        errors.push_back({"identification.server",
                          "'" + s.identification.server +
                              "' must be 1 to 64 letters, digits, '-' or '.': it starts every "
                              "file name"});
    if (s.server.host.empty()) errors.push_back({"server.host", "missing: the server's address"});
    for (char c : s.server.host)
        if (c == '/' || c == '@' || c == ' ' || c == '?' || c == '#') {
            errors.push_back(
                {"server.host", "'" + s.server.host + "' is not a host name or address"});
            break;
        }
    if (s.server.directory.find("..") != std::string::npos)
        errors.push_back({"server.directory", "must not contain '..'"});
    // Two identical plans would send the same files twice (and share one delivery cursor).
    for (size_t i = 0; i < s.plans.size(); ++i)
        for (size_t j = 0; j < i; ++j) {
            const Plan &a = s.plans[i], &b = s.plans[j];
            if (a.type == b.type && a.files == b.files && a.schedule.every == b.schedule.every &&
                a.schedule.at_minute == b.schedule.at_minute && a.schedule.day == b.schedule.day) {
                errors.push_back(
                    {"plans." + std::to_string(i), "the same plan as plans." + std::to_string(j)});
                break;
            }
        }
    for (size_t i = 0; i < s.plans.size(); ++i)
        if ((s.plans[i].type == PlanType::log || s.plans[i].type == PlanType::config_backup) &&
            s.plans[i].files == FileGrouping::per_device)
            errors.push_back({"plans." + std::to_string(i) + ".files",
                              std::string(to_string(s.plans[i].type)) +
                                  " files are the site's, not a device's: use files: all"});
    if (s.plans.empty())
        errors.push_back({"plans", "missing: at least one plan ({type, every or at, files})"});
    if (s.format.separator == s.format.decimal)
        errors.push_back({"format.decimal", std::string("the decimal mark '") + s.format.decimal +
                                                "' cannot also be the separator"});
    return errors;
}

uint16_t default_port(Protocol protocol) {
    switch (protocol) {
    case Protocol::ftp:
    case Protocol::ftps:
        return 21;
    case Protocol::ftps_implicit:
        return 990;
    case Protocol::http:
        return 80;
    case Protocol::https:
        return 443;
    }
    return 0;
}

bool is_http(Protocol protocol) {
    return protocol == Protocol::http || protocol == Protocol::https;
}

const char *to_string(Protocol protocol) {
    switch (protocol) {
    case Protocol::ftp:
        return "ftp";
    case Protocol::ftps:
        return "ftps";
    case Protocol::ftps_implicit:
        return "ftps-implicit";
    case Protocol::http:
        return "http";
    case Protocol::https:
        return "https";
    }
    return "?";
}

const char *to_string(PlanType type) {
    switch (type) {
    case PlanType::index:
        return "index";
    case PlanType::measurement:
        return "measurement";
    case PlanType::alarms:
        return "alarms";
    case PlanType::load_curve:
        return "load_curve";
    case PlanType::status:
        return "status";
    case PlanType::log:
        return "log";
    case PlanType::config_backup:
        return "config_backup";
    }
    return "?";
}

const char *to_string(FileGrouping files) {
    return files == FileGrouping::per_device ? "per_device" : "all";
}

} // namespace gs::publish
