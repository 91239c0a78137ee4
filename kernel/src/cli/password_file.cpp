#include "cli/password_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gs::kernel {

std::string password_weakness(const std::string &password) {
    if (password.size() < 10) return "the password must have at least 10 characters";
    if (password.find_first_of("\r\n") != std::string::npos) return "the password has a newline";
    if (password == "UserAdvanced" || password == "Admin")
        return "that is a factory default password";
    return "";
}

std::string store_password_hash(const std::string &path, const std::string &profile,
                                const std::string &hash) {
    std::map<std::string, std::string> lines;
    if (std::ifstream in(path); in) {
        std::string line;
        while (std::getline(in, line)) {
            auto colon = line.find(':');
            if (colon != std::string::npos) lines[line.substr(0, colon)] = line.substr(colon + 1);
        }
    }
    lines[profile] = hash;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
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
