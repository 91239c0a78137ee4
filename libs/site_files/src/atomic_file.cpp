#include "site_files/atomic_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace gs::site_files {
namespace {

std::string reason(const char *what, const std::string &path) {
    return std::string(what) + " " + path + ": " + std::strerror(errno);
}

bool write_all(int fd, const std::string &content) {
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

} // namespace

bool write_file_synced(const std::string &path, const std::string &content, std::string &error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = reason("cannot create", path);
        return false;
    }
    const bool written = write_all(fd, content) && ::fsync(fd) == 0;
    if (!written) error = reason("cannot write", path);
    ::close(fd);
    if (!written) ::unlink(path.c_str());
    return written;
}

void sync_folder_of(const std::string &path) {
    // A rename is durable only once the folder is flushed.
    const auto slash = path.find_last_of('/');
    const std::string folder = slash == std::string::npos ? "."
                               : slash == 0               ? "/"
                                                          : path.substr(0, slash);
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

bool write_file_atomically(const std::string &path, const std::string &content,
                           std::string &error) {
    const std::string temp = path + ".tmp";
    if (!write_file_synced(temp, content, error)) return false;
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        error = reason("cannot rename to", path);
        ::unlink(temp.c_str());
        return false;
    }
    sync_folder_of(path);
    return true;
}

std::optional<std::string> read_whole_file(const std::string &path, std::string &error) {
    error.clear();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT) error = reason("cannot open", path);
        return std::nullopt;
    }
    std::string content;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = reason("cannot read", path);
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0) break;
        content.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return content;
}

} // namespace gs::site_files
