// Journal and snapshot files (see journal.hpp).
#include "alarms/journal.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gs::alarms {

namespace {

uint32_t crc32(const char *data, std::size_t n) {
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i)
        c = table[(c ^ static_cast<unsigned char>(data[i])) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

std::string framed(uint64_t seq, const std::string &payload) {
    std::string body = std::to_string(seq) + " " + payload;
    char crc[9];
    std::snprintf(crc, sizeof crc, "%08x", crc32(body.data(), body.size()));
    return std::string(crc) + " " + body + "\n";
}

// One line without its '\n': the sequence number and payload if the CRC matches.
bool unframe(const std::string &line, uint64_t &seq, std::string &payload) {
    if (line.size() < 11 || line[8] != ' ') return false;
    const std::string body = line.substr(9);
    char crc[9];
    std::snprintf(crc, sizeof crc, "%08x", crc32(body.data(), body.size()));
    if (line.compare(0, 8, crc) != 0) return false;
    auto space = body.find(' ');
    if (space == std::string::npos) return false;
    seq = std::strtoull(body.c_str(), nullptr, 10);
    payload = body.substr(space + 1);
    return true;
}

std::string slurp(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Complete lines only: a last line without '\n' was torn by a crash.
std::vector<std::string> lines_of(const std::string &text, std::size_t &torn) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        out.push_back(text.substr(start, nl - start));
    if (start < text.size()) ++torn;
    return out;
}

[[noreturn]] void fail(const std::string &what, const std::string &path) {
    throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void fsync_path(const std::string &path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) fail("cannot open", path);
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) fail("cannot fsync", path);
}

void write_all(int fd, const std::string &data, const std::string &path) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("cannot write", path);
        done += static_cast<std::size_t>(n);
    }
}

struct Snapshot {
    std::vector<std::string> payloads;
    uint64_t seq = 0;
    bool damaged = false;
};

// "snapshot <seq> <count>" first, then count payloads, each framed.
Snapshot read_snapshot(const std::string &dir, std::size_t &skipped) {
    Snapshot s;
    std::string text = slurp(dir + "/" + Journal::kSnapshotFile);
    if (text.empty()) return s;
    std::size_t torn = 0;
    auto lines = lines_of(text, torn);
    uint64_t seq = 0;
    std::string payload;
    unsigned long long count = 0, snap_seq = 0;
    if (lines.empty() || !unframe(lines[0], seq, payload) ||
        std::sscanf(payload.c_str(), "snapshot %llu %llu", &snap_seq, &count) != 2 ||
        lines.size() != count + 1 || torn) {
        s.damaged = true;
        return s;
    }
    s.seq = snap_seq;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (unframe(lines[i], seq, payload))
            s.payloads.push_back(std::move(payload));
        else
            ++skipped;
    }
    return s;
}

} // namespace

Journal::Contents Journal::read(const std::string &dir) {
    // A writer may compact between our two reads: read again if the snapshot changed meanwhile.
    for (int attempt = 0;; ++attempt) {
        Contents c;
        Snapshot snap = read_snapshot(dir, c.skipped);
        std::string text = slurp(dir + "/" + kJournalFile);
        std::size_t again_skipped = 0;
        if (attempt < 3 && read_snapshot(dir, again_skipped).seq != snap.seq) continue;
        c.snapshot_damaged = snap.damaged;
        c.payloads = std::move(snap.payloads);
        c.last_seq = snap.seq;
        std::size_t torn = 0;
        for (const auto &line : lines_of(text, torn)) {
            uint64_t seq = 0;
            std::string payload;
            if (!unframe(line, seq, payload)) {
                ++c.skipped;
                continue;
            }
            if (seq <= snap.seq) continue; // already in the snapshot
            c.payloads.push_back(std::move(payload));
            c.last_seq = std::max(c.last_seq, seq);
        }
        c.skipped += torn;
        return c;
    }
}

Journal::Journal(std::string dir, uint64_t last_seq, std::size_t max_bytes)
    : dir_(std::move(dir)), seq_(last_seq), max_bytes_(max_bytes) {
    if (::mkdir(dir_.c_str(), 0750) != 0 && errno != EEXIST) fail("cannot create", dir_);
    const std::string path = dir_ + "/" + kJournalFile;
    fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) fail("cannot open", path);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd_);
        throw std::runtime_error(path + " is in use by another alarm engine");
    }
    struct stat st {};
    if (::fstat(fd_, &st) == 0) size_ = static_cast<std::size_t>(st.st_size);
    // A torn last line would glue itself to the next one: cut it off.
    std::string text = slurp(path);
    std::size_t keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
    if (keep < text.size()) {
        if (::ftruncate(fd_, static_cast<off_t>(keep)) != 0) fail("cannot truncate", path);
        size_ = keep;
    }
}

Journal::~Journal() {
    if (fd_ >= 0) ::close(fd_);
}

std::string Journal::line(const std::string &payload) {
    return framed(++seq_, payload);
}

void Journal::add(const std::string &payload) {
    buffer_ += line(payload);
}

void Journal::flush() {
    if (buffer_.empty()) return;
    const std::string path = dir_ + "/" + kJournalFile;
    try {
        write_all(fd_, buffer_, path);
        if (::fdatasync(fd_) != 0) fail("cannot fsync", path);
    } catch (...) {
        if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) { /* the read side skips it */
        }
        throw;
    }
    size_ += buffer_.size();
    buffer_.clear();
}

void Journal::write_snapshot(const std::vector<std::string> &payloads) {
    flush();
    std::string text =
        framed(0, "snapshot " + std::to_string(seq_) + " " + std::to_string(payloads.size()));
    for (const auto &p : payloads)
        text += framed(seq_, p);
    const std::string tmp = dir_ + "/" + kSnapshotFile + ".tmp";
    const std::string path = dir_ + "/" + kSnapshotFile;
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) fail("cannot create", tmp);
    try {
        write_all(fd, text, tmp);
        if (::fsync(fd) != 0) fail("cannot fsync", tmp);
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename", tmp);
    fsync_path(dir_, O_RDONLY | O_DIRECTORY);
    // The snapshot holds everything up to seq_: the journal can go.
    const std::string jpath = dir_ + "/" + kJournalFile;
    if (::ftruncate(fd_, 0) != 0) fail("cannot truncate", jpath);
    if (::fsync(fd_) != 0) fail("cannot fsync", jpath);
    size_ = 0;
}

} // namespace gs::alarms
