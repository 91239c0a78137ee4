// The engine's state on disk, crash-safe and bounded: an append-only journal of upserts (one
// line each, with a CRC and a sequence number), fsync'ed before a mutating call returns, and a
// snapshot that replaces it when it grows past its limit (written to a temporary file, fsync'ed,
// renamed over the old one, the folder fsync'ed; only then is the journal truncated, and lines
// the snapshot already holds are skipped by their sequence number if a crash comes between).
// A torn last line (a crash while writing) or a line whose CRC does not match is skipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gs::alarms {

class Journal {
public:
    struct Contents {
        std::vector<std::string> payloads; // the snapshot's, then the journal's newer ones
        uint64_t last_seq = 0;
        std::size_t skipped = 0; // torn or corrupt lines
        bool snapshot_damaged = false;
    };
    // Reads a folder without writing to it (also what `gridscope alarms` can do while the site
    // runs). A missing folder or files read as empty.
    static Contents read(const std::string &dir);

    // Opens (creates) the journal in `dir` (created if missing) for appending; one writer per
    // folder (an exclusive lock). Throws std::runtime_error with the reason.
    Journal(std::string dir, uint64_t last_seq, std::size_t max_bytes);
    ~Journal();
    Journal(const Journal &) = delete;
    Journal &operator=(const Journal &) = delete;

    void add(const std::string &payload); // buffered until flush()
    bool pending() const { return !buffer_.empty(); }
    // Writes what was added and fsyncs. On failure the file is cut back to what it held, the
    // lines stay buffered for the next flush, and std::runtime_error is thrown.
    void flush();
    bool over_limit() const { return size_ > max_bytes_; }
    std::size_t size() const { return size_; }
    // Replaces the snapshot with `payloads` (the complete state) and empties the journal.
    void write_snapshot(const std::vector<std::string> &payloads);

    static constexpr const char *kJournalFile = "alarms.journal";
    static constexpr const char *kSnapshotFile = "alarms.snapshot";

private:
    std::string line(const std::string &payload);
    std::string dir_;
    int fd_ = -1;
    uint64_t seq_;
    std::size_t max_bytes_;
    std::size_t size_ = 0;
    std::string buffer_;
};

} // namespace gs::alarms
