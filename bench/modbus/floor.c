/* The floor of CPU per Modbus TCP request on this machine: the least a client can do per
 * request -- one send() of a 12-byte FC 3 request, one blocking recv() of the whole answer --
 * against gridscope-sim over loopback, without decoding anything. Prints the client's own
 * CPU (getrusage: user + system) per request.
 *
 *   cc -O2 -o /tmp/floor bench/modbus/floor.c
 *   /tmp/floor HOST PORT UNITS RATE SECONDS [COUNT] [BURST]
 *
 * UNITS: unit ids 1..UNITS are asked in turn. RATE: requests per second, paced on absolute
 * deadlines with clock_nanosleep (one sleep and one wake-up per request, as a poller whose
 * devices have their own phases); RATE 0: back to back (still one wake-up per answer, the
 * recv() blocks until the simulator has answered). COUNT: registers per request (100).
 * BURST: requests sent back to back at each paced deadline (1), as a poller that runs a
 * group of devices per wake-up. CPU is given twice: getrusage (tick-sampled on this kernel)
 * and the scheduler's exact on-CPU time of the thread (/proc/self/schedstat).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double cpu_s(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
           u.ru_stime.tv_usec / 1e6;
}

static double sched_s(void) {
    FILE *f = fopen("/proc/self/schedstat", "r");
    unsigned long long ns = 0;
    if (f) {
        if (fscanf(f, "%llu", &ns) != 1) ns = 0;
        fclose(f);
    }
    return ns / 1e9;
}

static double sys_s(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: floor HOST PORT UNITS RATE SECONDS [COUNT]\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]), units = atoi(argv[3]);
    double rate = atof(argv[4]), seconds = atof(argv[5]);
    int count = argc > 6 ? atoi(argv[6]) : 100;
    int burst = argc > 7 ? atoi(argv[7]) : 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, host, &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        return 1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timespec next, now;
    clock_gettime(CLOCK_MONOTONIC, &next);
    const long step_ns = rate > 0 ? (long)(1e9 * burst / rate) : 0;
    uint8_t req[12], ans[300];
    long requests = 0, errors = 0;
    double cpu0 = cpu_s(), sys0 = sys_s(), sched0 = sched_s();
    clock_gettime(CLOCK_MONOTONIC, &now);
    double t0 = now.tv_sec + now.tv_nsec / 1e9, t = t0;
    while (t - t0 < seconds) {
        if (step_ns && requests % burst == 0) {
            next.tv_nsec += step_ns;
            while (next.tv_nsec >= 1000000000L) {
                next.tv_nsec -= 1000000000L;
                next.tv_sec++;
            }
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        }
        uint16_t tid = (uint16_t)requests;
        uint8_t unit = (uint8_t)(1 + requests % units);
        uint8_t r[12] = {tid >> 8, tid & 0xff, 0, 0, 0, 6, unit, 3, 0, 0, count >> 8, count & 0xff};
        for (int i = 0; i < 12; ++i)
            req[i] = r[i];
        if (send(fd, req, 12, MSG_NOSIGNAL) != 12) return 1;
        size_t want = 9 + 2 * (size_t)count, got = 0;
        while (got < want) {
            ssize_t n = recv(fd, ans + got, sizeof ans - got, 0);
            if (n <= 0) return 1;
            got += (size_t)n;
        }
        if (ans[0] != req[0] || ans[1] != req[1] || ans[7] != 3) ++errors;
        ++requests;
        clock_gettime(CLOCK_MONOTONIC, &now);
        t = now.tv_sec + now.tv_nsec / 1e9;
    }
    double cpu = cpu_s() - cpu0, sys = sys_s() - sys0, sched = sched_s() - sched0;
    printf("{\"requests\": %ld, \"errors\": %ld, \"seconds\": %.2f, \"rate\": %.1f, "
           "\"cpu_us_per_request\": %.2f, \"sys_us_per_request\": %.2f, "
           "\"cpu_percent\": %.2f, \"sched_us_per_request\": %.2f, \"burst\": %d}\n",
           requests, errors, t - t0, requests / (t - t0), cpu * 1e6 / requests,
           sys * 1e6 / requests, cpu * 100 / (t - t0), sched * 1e6 / requests, burst);
    return 0;
}
