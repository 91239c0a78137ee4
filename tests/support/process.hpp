// Runs a child process for integration tests: its stdout and stderr are read line by line with
// bounded waits, so a test waits on a readiness line, never on sleep(). And a free port for it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace gs::test {

class Process {
public:
    // Starts argv[0] with the arguments; stdin is /dev/null unless `input` is given.
    explicit Process(const std::vector<std::string> &argv,
                     const std::optional<std::string> &input = std::nullopt);
    ~Process(); // kills (SIGKILL) and reaps a child still running
    Process(const Process &) = delete;
    Process &operator=(const Process &) = delete;

    // Waits until a line of stdout contains `needle`; false on timeout or exit.
    bool wait_for_stdout(const std::string &needle, std::chrono::milliseconds timeout);
    // Waits until stderr contains `needle` (anywhere in what was read so far).
    bool wait_for_stderr(const std::string &needle, std::chrono::milliseconds timeout);
    void signal(int sig);
    // Waits for the exit; the exit code, 128+signal, or nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);

    const std::string &out() const { return out_; }
    const std::string &err() const { return err_; }
    pid_t pid() const { return pid_; }

private:
    bool pump(std::chrono::milliseconds timeout); // reads what is available; false when idle
    pid_t pid_ = -1;
    int out_fd_ = -1, err_fd_ = -1;
    std::string out_, err_;
    std::optional<int> status_;
};

// Runs a command to completion (bounded), returning exit code, stdout and stderr.
struct RunResult {
    int code = -1;
    std::string out, err;
};
RunResult run(const std::vector<std::string> &argv,
              const std::optional<std::string> &input = std::nullopt,
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick), for a test server.
int free_port();

} // namespace gs::test
