// gs_publish_send: delivers synthetic meter data with the real builder, queue and transport, as
// the exporter plugin will. The crash test kills it with SIGKILL mid-upload and runs it again;
// bench/publish/run.sh uses it for a day of 200 devices.
//
//   gs_publish_send --protocol ftp --port N [--host 127.0.0.1] [--user u] [--password p]
//     [--directory in] [--active] [--ca-file PEM] [--method post|put] [--auth basic|ntlm]
//     --cursor FILE --now UNIX_S [--since UNIX_S] [--tz Europe/Paris]
//     --plan TYPE:EVERY_S:all|per_device ...   (index | measurement | load_curve)
//     [--devices N] [--counters K] [--copy-dir DIR] [--backlog N]
//     [--keep-trying S] [--retry-ms MS] [--no-send]
//
// --no-send confirms every file without sending it: what building alone costs (the benchmark).
// Prints "SENT <file> <rows> <bytes>", "FAILED <file> <error>", "DROPPED <n>", and at the end
// "DONE files=<n> bytes=<n>". Exit 0 when everything due was confirmed, 2 otherwise, 1 on usage.
// --now is the wall clock the queue sees; with --keep-trying it advances with real time.
#include "publish/atomic_file.hpp"
#include "publish/delivery_queue.hpp"
#include "publish/settings_text.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace gs::publish;

namespace {

struct Options {
    ServerSettings server;
    std::string cursor, copy_dir, tz = "Europe/Paris";
    int64_t now = 0, since = -1;
    std::vector<Plan> plans;
    int devices = 2, counters = 4, keep_trying_s = 0, retry_ms = 1000;
    size_t backlog = 10000;
    bool no_send = false;
};

[[noreturn]] void usage(const std::string &why) {
    std::fprintf(stderr, "gs_publish_send: %s\n", why.c_str());
    std::exit(1);
}

Options parse(int argc, char **argv) {
    Options o;
    o.server.host = "127.0.0.1";
    o.server.user = "u";
    o.server.password = "p";
    o.server.directory = "in";
    o.server.timeouts = {std::chrono::seconds{5}, std::chrono::seconds{120},
                         std::chrono::seconds{10}};
    for (int i = 1; i < argc; ++i) {
        const std::string key = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage("missing value for " + key);
            return argv[++i];
        };
        std::string error;
        if (key == "--protocol") {
            auto p = parse_protocol(value(), error);
            if (!p) usage(error);
            o.server.protocol = *p;
        } else if (key == "--host")
            o.server.host = value();
        else if (key == "--port")
            o.server.port = static_cast<uint16_t>(std::stoi(value()));
        else if (key == "--user")
            o.server.user = value();
        else if (key == "--password")
            o.server.password = value();
        else if (key == "--directory")
            o.server.directory = value();
        else if (key == "--active")
            o.server.passive = false;
        else if (key == "--ca-file")
            o.server.ca_file = value();
        else if (key == "--method")
            o.server.method = value() == "put" ? HttpMethod::put : HttpMethod::post;
        else if (key == "--auth")
            o.server.auth = value() == "ntlm" ? HttpAuth::ntlm : HttpAuth::basic;
        else if (key == "--cursor")
            o.cursor = value();
        else if (key == "--now")
            o.now = std::stoll(value());
        else if (key == "--since")
            o.since = std::stoll(value());
        else if (key == "--tz")
            o.tz = value();
        else if (key == "--devices")
            o.devices = std::stoi(value());
        else if (key == "--counters")
            o.counters = std::stoi(value());
        else if (key == "--copy-dir")
            o.copy_dir = value();
        else if (key == "--backlog")
            o.backlog = static_cast<size_t>(std::stoul(value()));
        else if (key == "--keep-trying")
            o.keep_trying_s = std::stoi(value());
        else if (key == "--retry-ms")
            o.retry_ms = std::stoi(value());
        else if (key == "--no-send")
            o.no_send = true;
        else if (key == "--plan") {
            const std::string spec = value();
            const auto a = spec.find(':'), b = spec.rfind(':');
            if (a == std::string::npos || a == b) usage("--plan TYPE:EVERY_S:all|per_device");
            auto type = parse_plan_type(spec.substr(0, a), error);
            auto files = parse_file_grouping(spec.substr(b + 1), error);
            if (!type || !files) usage(error);
            Plan plan;
            plan.type = *type;
            plan.files = *files;
            plan.schedule.every = std::chrono::seconds{std::stoll(spec.substr(a + 1, b - a - 1))};
            o.plans.push_back(plan);
        } else
            usage("unknown option " + key);
    }
    if (o.cursor.empty() || o.now == 0 || o.plans.empty() || !o.server.port)
        usage("--cursor, --now, --port and --plan are required");
    return o;
}

std::string device_name(int i) {
    char name[32];
    std::snprintf(name, sizeof name, "meter-%03d", i + 1);
    return name;
}

// Stands in for the storage: deterministic readings every minute, as the glue would read them.
std::vector<Series> read_series(const Options &o, PlanType type, const Period &period,
                                const std::string &only) {
    static const char *const counter_names[] = {"IEaPInst", "IErPInst", "IEaNInst", "IErNInst",
                                                "IEsInst"};
    static const char *const measure_names[] = {"P", "Q", "U1", "I1", "F"};
    static const char *const measure_units[] = {"W", "var", "V", "A", "Hz"};
    std::vector<Series> out;
    for (int d = 0; d < o.devices; ++d) {
        const std::string device = device_name(d);
        if (!only.empty() && device != only) continue;
        for (int k = 0; k < o.counters; ++k) {
            Series s;
            const bool counter = type == PlanType::index;
            s.info = {device, "1", counter ? counter_names[k % 5] : measure_names[k % 5],
                      counter ? (k % 2 ? "varh" : "Wh") : measure_units[k % 5], 1};
            const int64_t first = period.start.time_since_epoch().count() / 60 * 60;
            for (int64_t t = first; t <= period.end.time_since_epoch().count(); t += 60) {
                const double value =
                    counter ? static_cast<double>(d * 100000 + k * 1000) +
                                  static_cast<double>(t % 1000000) / 10.0
                            : 230.0 + static_cast<double>((t / 60 + d + k) % 17) * 0.25;
                s.points.push_back({SysSeconds{std::chrono::seconds{t}}, value});
            }
            out.push_back(std::move(s));
        }
    }
    return out;
}

} // namespace

int main(int argc, char **argv) {
    const Options o = parse(argc, argv);
    const date::time_zone *tz = date::locate_zone(o.tz);
    QueueOptions queue_options;
    queue_options.cursor_file = o.cursor;
    queue_options.max_backlog = o.backlog;
    queue_options.retry = RetryPolicy{std::chrono::milliseconds{o.retry_ms},
                                      std::chrono::milliseconds{o.retry_ms * 4}, 2};
    std::string error;
    if (o.since >= 0) { // start each plan's cursor there, as if the box had been cut off since
        std::string cursor = "gridscope-publish-cursor 1\ndropped 0\n";
        for (const Plan &plan : o.plans)
            cursor +=
                "plan " + DeliveryQueue::plan_key(plan) + " " + std::to_string(o.since) + "\n";
        std::string ignored;
        if (!read_whole_file(o.cursor, ignored) && !write_file_atomically(o.cursor, cursor, error))
            usage(error);
    }
    DeliveryQueue queue(o.plans, tz, queue_options);
    if (!queue.load(error)) std::fprintf(stderr, "gs_publish_send: %s\n", error.c_str());
    Transport transport(o.server);

    const BuildFiles build = [&](const Plan &plan, const Period &period) {
        FileContext context;
        context.identification = {"Demo building", "box-01"};
        context.type = plan.type;
        context.period = period;
        context.tz = tz;
        std::vector<std::string> devices = {""};
        if (plan.files == FileGrouping::per_device) {
            devices.clear();
            for (int d = 0; d < o.devices; ++d)
                devices.push_back(device_name(d));
        }
        std::vector<BuiltFile> files;
        for (const std::string &device : devices) {
            context.device = device;
            const auto series = read_series(o, plan.type, period, device);
            files.push_back(plan.type == PlanType::index ? build_index_file(context, series)
                            : plan.type == PlanType::measurement
                                ? build_measurement_file(context, series)
                                : build_load_curve_file(context, series, std::chrono::minutes{10}));
            if (!o.copy_dir.empty() && !write_file_atomically(o.copy_dir + "/" + files.back().name,
                                                              files.back().content, error))
                usage(error);
        }
        return files;
    };
    const SendFile send = [&](const BuiltFile &file) {
        return o.no_send ? UploadResult{Failure::none, 0, ""}
                         : transport.upload(file.name, file.content);
    };

    const auto started = std::chrono::steady_clock::now();
    size_t sent = 0, bytes = 0;
    for (;;) {
        const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::steady_clock::now() - started);
        const SysSeconds now = SysSeconds{std::chrono::seconds{o.now}} + elapsed;
        const RunReport report = queue.run(now, build, send);
        for (const Delivery &d : report.files) {
            if (d.status == "sent") {
                ++sent;
                bytes += d.bytes;
                std::printf("SENT %s %zu %zu\n", d.file.c_str(), d.rows, d.bytes);
            } else {
                std::printf("FAILED %s %s\n", d.file.c_str(), d.status.c_str());
            }
        }
        if (report.dropped_periods)
            std::printf("DROPPED %llu\n", static_cast<unsigned long long>(report.dropped_periods));
        std::fflush(stdout);
        if (!report.failure && !report.retry_at) break;
        if (report.failure && report.files.empty()) {
            std::printf("FAILED - %s\n", report.failure->error.c_str());
            std::fflush(stdout);
        }
        if (elapsed >= std::chrono::seconds{o.keep_trying_s}) {
            std::printf("DONE files=%zu bytes=%zu\n", sent, bytes);
            return 2;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
    std::printf("DONE files=%zu bytes=%zu\n", sent, bytes);
    return 0;
}
