// doctest main. `test_store_core --crash-child DIR FD` is the ingesting child process of the
// crash test (started with fork + exec so that it is a clean single-threaded process).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstring>
#include <string>

int run_crash_child(const std::string &dir, int ack_fd);

int main(int argc, char **argv) {
    if (argc == 4 && std::strcmp(argv[1], "--crash-child") == 0)
        return run_crash_child(argv[2], std::stoi(argv[3]));
    doctest::Context context(argc, argv);
    return context.run();
}
