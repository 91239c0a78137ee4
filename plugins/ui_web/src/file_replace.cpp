#include "file_replace.hpp"

#include "auth.hpp" // random_hex

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gs::ui {

namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

void write_all(int fd, const std::string &text, const std::string &what) {
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("cannot write " + what + ": " + std::strerror(errno));
        done += static_cast<size_t>(n);
    }
}

} // namespace

void replace_file(const std::string &path, const std::string &text, unsigned mode) {
    std::string tmp = path + ".tmp." + random_hex(6);
    {
        Fd out;
        out.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (out.fd < 0)
            throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
        try {
            write_all(out.fd, text, tmp);
        } catch (...) {
            ::unlink(tmp.c_str());
            throw;
        }
        if (::fsync(out.fd) != 0) {
            int err = errno;
            ::unlink(tmp.c_str());
            throw std::runtime_error("cannot sync " + tmp + ": " + std::strerror(err));
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot replace " + path + ": " + std::strerror(err));
    }
    std::string dir = path.substr(0, path.rfind('/') == std::string::npos ? 0 : path.rfind('/'));
    Fd d;
    d.fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d.fd >= 0) ::fsync(d.fd);
}

} // namespace gs::ui
