// A child process ingests continuously and reports each acknowledged batch through a pipe;
// the parent SIGKILLs it mid-ingest, reopens the store and checks every acknowledged batch.
#include <doctest/doctest.h>

#include <core/store.hpp>
#include <temp_dir.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

using namespace gs::store;
using gs::store::testing::TempDir;

namespace {
constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kJan1 = 1767225600;

Options crash_options() {
    Options o;
    o.checkpoint_every_values = 7000; // checkpoints happen mid-run, replay is exercised
    return o;
}

Batch crash_batch(uint64_t i) {
    Batch b;
    b.source = "crash";
    b.ts_utc_ns = (kJan1 + static_cast<int64_t>(i)) * kNs;
    b.values.push_back({0, "n", static_cast<double>(i), quality::good});
    for (uint32_t c = 1; c < 10; ++c)
        b.values.push_back({c, "V", 230 + ((i * c) % 50) * 0.01, quality::good});
    return b;
}

bool read_ack(int fd, uint64_t &ack, int timeout_ms) {
    size_t got = 0;
    auto *p = reinterpret_cast<char *>(&ack);
    while (got < sizeof ack) {
        pollfd pfd{fd, POLLIN, 0};
        if (poll(&pfd, 1, timeout_ms) <= 0) return false;
        ssize_t n = read(fd, p + got, sizeof ack - got);
        if (n <= 0) return false;
        got += static_cast<size_t>(n);
    }
    return true;
}
} // namespace

int run_crash_child(const std::string &dir, int ack_fd) {
    auto store = Store::open(dir, crash_options());
    for (uint64_t i = 0; i < 50'000'000; ++i) {
        store->append(crash_batch(i));
        if (write(ack_fd, &i, sizeof i) != sizeof i) return 1;
    }
    return 0;
}

TEST_CASE("crash: every acknowledged append survives SIGKILL") {
    TempDir dir;
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        std::string fd = std::to_string(fds[1]);
        execl("/proc/self/exe", "test_store_core", "--crash-child", dir.path().c_str(), fd.c_str(),
              static_cast<char *>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    std::set<uint64_t> acked;
    uint64_t ack;
    while (acked.size() < 20'000 && read_ack(fds[0], ack, 60'000))
        acked.insert(ack);
    kill(pid, SIGKILL);
    while (read_ack(fds[0], ack, 10'000)) // acks written before the kill
        acked.insert(ack);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(acked.size() >= 20'000);
    MESSAGE("acknowledged batches before SIGKILL: " << acked.size());

    auto store = Store::open(dir.path(), crash_options());
    SeriesId id = *store->find_series("crash", 0, "n");
    auto points = store->range(id, 0, INT64_MAX);
    std::set<uint64_t> stored;
    for (const Point &p : points) {
        CHECK(p.ts_utc_ns == (kJan1 + static_cast<int64_t>(p.value)) * kNs);
        stored.insert(static_cast<uint64_t>(p.value));
    }
    size_t missing = 0;
    for (uint64_t a : acked)
        missing += stored.count(a) == 0;
    CHECK(missing == 0);
    // The in-memory state rebuilt from checkpoint + journal replay matches the raw data.
    auto series = store->list_series();
    for (const SeriesInfo &s : series)
        CHECK(s.count == points.size());
    uint64_t rolled = 0;
    for (const RollupBucket &b : store->rollups(id, RollupLevel::period, 0, INT64_MAX))
        rolled += b.count;
    CHECK(rolled == points.size());
    // Ingest continues after the crash.
    store->append(crash_batch(points.size() + 1000));
}
