#include "cli/password_file.hpp"

// The rule itself belongs to ui_web, which owns the passwords (header-only, no dependency).
#include "../../../plugins/ui_web/src/password_rule.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gs::kernel {

std::string password_weakness(const std::string &password) {
    return gs::ui::password_weakness(password);
}

std::string store_password_hash(const std::string &path, const std::string &profile,
                                const std::string &hash) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    // Writers (this command, the web UI's password change) serialise on passwords.lock so that
    // neither loses the other's line between read and rename.
    std::string lock_path = (std::filesystem::path(path).parent_path() / "passwords.lock").string();
    int lock_fd = ::open(lock_path.c_str(), O_WRONLY | O_CREAT, 0600);
    if (lock_fd < 0 || ::flock(lock_fd, LOCK_EX) != 0) {
        if (lock_fd >= 0) ::close(lock_fd);
        return "cannot lock " + lock_path + ": " + std::strerror(errno);
    }
    struct Unlock {
        int fd;
        ~Unlock() { ::close(fd); } // closing releases the lock
    } unlock{lock_fd};
    std::map<std::string, std::string> lines;
    if (std::ifstream in(path); in) {
        std::string line;
        while (std::getline(in, line)) {
            auto colon = line.find(':');
            if (colon != std::string::npos) lines[line.substr(0, colon)] = line.substr(colon + 1);
        }
    }
    lines[profile] = hash;
    std::string temp = path + ".tmp";
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return "cannot write " + temp + ": " + std::strerror(errno);
    std::string text;
    for (const auto &[p, h] : lines)
        text += p + ":" + h + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
        std::remove(temp.c_str());
        return "cannot write " + path + ": " + std::strerror(errno);
    }
    return "";
}

} // namespace gs::kernel
