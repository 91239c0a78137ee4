// The Datalogger's settings (issue 16, manual §8.7 "System" and "Planning" tabs), as the plugin
// section of the site file writes them:
//
//   identification: {site: Demo building, server: box-01}
//   server: {protocol: ftp, host: 127.0.0.1, port: 2121, user: u, password: p,
//            directory: /in, passive: true}
//   plans:
//     - {type: index, every: 10m, files: all}
//     - {type: measurement, at: "06:00", files: per_device}
//
// The glue hands the section over as leaves (path + text, what the host's config_visit gives);
// parse_settings() fills the structs and reports every problem with the dotted key it concerns
// ("server.port", "plans.1.every"), which the glue turns into file:line.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gs::publish {

enum class Protocol : uint8_t { ftp = 1, ftps, ftps_implicit, http, https };
enum class HttpMethod : uint8_t { post = 1, put };
enum class HttpAuth : uint8_t { basic = 1, ntlm };
// log: the gridscope log lines of the period (manual §8.7 "upload log files"); config_backup:
// the site file (secrets removed) and the custom profiles (manual §3.4). Both with files: all.
enum class PlanType : uint8_t {
    index = 1,
    measurement,
    alarms,
    load_curve,
    status,
    log,
    config_backup
};
enum class FileGrouping : uint8_t { all = 1, per_device };

struct Identification {
    std::string site;   // "Name of the site"
    std::string server; // "Name of the Server": this box; starts every file name
};

struct Timeouts {
    std::chrono::milliseconds connect{10000};   // TCP + TLS + login
    std::chrono::milliseconds transfer{300000}; // one whole upload, rename included
    std::chrono::milliseconds stall{30000};     // no byte moved (and no server reply) this long
};

struct ServerSettings {
    Protocol protocol = Protocol::ftp;
    std::string host;
    uint16_t port = 0; // 0: the protocol's default (see default_port)
    std::string user;
    std::string password;
    std::string directory;                // destination folder (FTP: below the login folder)
    bool passive = true;                  // FTP only: the box opens the data connection
    HttpMethod method = HttpMethod::post; // HTTP only
    HttpAuth auth = HttpAuth::basic;      // HTTP only
    std::string ca_file; // TLS: extra trusted certificate(s), PEM; empty = system store
    Timeouts timeouts;
};

// When a plan sends: `every` a period aligned in the site's local time (midnight-based), or
// `at` a local time of day, every day or on one `day` of the week.
struct Schedule {
    std::chrono::seconds every{0}; // > 0 for an `every` plan
    std::optional<int> at_minute;  // minutes after local midnight, for an `at` plan
    std::optional<unsigned> day;   // 0 = Monday ... 6 = Sunday; `at` plans only
};

struct Plan {
    PlanType type = PlanType::index;
    Schedule schedule;
    FileGrouping files = FileGrouping::all;
};

// How numbers and fields are written: `format: {separator: ";", decimal: ","}`.
struct CsvFormat {
    char separator = ';';
    char decimal = ',';
};

struct Settings {
    Identification identification;
    ServerSettings server;
    std::vector<Plan> plans;
    CsvFormat format;
};

struct SettingsError {
    std::string key;     // dotted path from the plugin section: "plans.0.every"
    std::string message; // what is wrong and what is accepted
};

// One leaf of the plugin's section: path segments (a list element's is its index) and the text.
struct ConfigLeaf {
    std::vector<std::string> path;
    std::string value;
};

struct ParsedSettings {
    Settings settings;
    std::vector<SettingsError> errors; // empty when settings can be used
    bool ok() const { return errors.empty(); }
};

// Reads the leaves (unknown keys refused), then validates the whole (validate()).
ParsedSettings parse_settings(const std::vector<ConfigLeaf> &leaves);
// The checks that span keys: required keys, ranges, HTTP-only keys on FTP and the reverse.
std::vector<SettingsError> validate(const Settings &settings);

uint16_t default_port(Protocol protocol); // 21, 21, 990, 80, 443
bool is_http(Protocol protocol);
const char *to_string(Protocol protocol);
const char *to_string(PlanType type); // as in the YAML and in file names: "load_curve"
const char *to_string(FileGrouping files);

} // namespace gs::publish
