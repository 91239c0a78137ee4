#include "publisher.hpp"
#include "site_files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <unistd.h>

namespace gs::exporter {

StateLock::StateLock(const std::string &dir) {
    std::string path = dir + "/lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        error_ = "cannot open " + path + ": " + std::strerror(errno);
        return;
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        error_ = errno == EWOULDBLOCK
                     ? "the site is running and publishing from " + dir +
                           " itself: use the page's \"publish now\" (System, Datalogger), or "
                           "stop the site first"
                     : "cannot lock " + path + ": " + std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
    }
}

StateLock::~StateLock() {
    if (fd_ >= 0) ::close(fd_); // releases the flock
}

std::string state_dir_of(const std::string &data_dir) {
    std::string dir = (std::filesystem::path(data_dir) / "exporter_files").string();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    return dir;
}

namespace {

publish::QueueOptions queue_options(const std::string &state_dir) {
    publish::QueueOptions options;
    options.cursor_file = state_dir + "/cursor";
    options.seed = uint64_t(::getpid()) * 2654435761u;
    return options;
}

} // namespace

Publisher::Publisher(publish::Settings settings, std::vector<publish::Plan> plans,
                     const SiteContext &site, const std::string &state_dir)
    : settings_(std::move(settings)), site_(site),
      queue_(std::move(plans), site.tz, queue_options(state_dir)), transport_(settings_.server) {}

publish::RunReport Publisher::run(publish::SysSeconds now, const gs_storage_query_v1 &query) {
    StoreFiles files(query, site_.site, settings_, site_.tz);
    auto build = [&](const publish::Plan &plan, const publish::Period &period) {
        if (plan.type == publish::PlanType::log || plan.type == publish::PlanType::config_backup)
            return build_site_files(site_, settings_, plan, period);
        return files.build(plan, period);
    };
    auto send = [&](const publish::BuiltFile &file) {
        return transport_.upload(file.name, file.content);
    };
    return queue_.run(now, build, send);
}

} // namespace gs::exporter
