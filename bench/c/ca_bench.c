/*
 * C libca as a benchmark client: the native anchor of bench/ca.ts. Same modes, argv and JSON
 * output as bench/ca-client.ts (ours) and bench/py/pyepics_bench.py, so the parent treats all
 * clients alike. Built by bench/ca.ts with the machine's gcc against the libca and headers of the
 * epicscorelibs wheel in .venv-peers (scripts/peers.sh installs it).
 *
 * Argv: <mode> <port> <count> [seconds|gets] [prefix]; the port reaches libca through
 * EPICS_CA_SERVER_PORT; the PVs are <prefix><i> (default `bench:`, bench/ca-server.ts's names).
 * Callbacks are preemptive (libca's own threads call them, as pyepics sets it up), so the process
 * CPU clock covers everything libca does for the updates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cadef.h>

static unsigned long updates; /* written only by libca's callback threads, read with atomics */
static const char *prefix = "bench:";

static double now_s(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double seconds) {
  struct timespec ts = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
  while (nanosleep(&ts, &ts) != 0) {}
}

static void on_update(struct event_handler_args args) {
  if (args.status == ECA_NORMAL) __atomic_fetch_add(&updates, 1, __ATOMIC_RELAXED);
}

static void check(int status, const char *what) {
  if (status != ECA_NORMAL) {
    fprintf(stderr, "%s: %s\n", what, ca_message(status));
    exit(1);
  }
}

/* Creates `count` channels <prefix><i> and waits until all are connected; returns the ms it took. */
static double connect_all(chid *channels, int count) {
  char name[64];
  double t0 = now_s(CLOCK_MONOTONIC);
  for (int i = 0; i < count; i++) {
    snprintf(name, sizeof name, "%s%d", prefix, i);
    check(ca_create_channel(name, NULL, NULL, CA_PRIORITY_DEFAULT, &channels[i]), name);
  }
  check(ca_pend_io(60.0), "connecting");
  return (now_s(CLOCK_MONOTONIC) - t0) * 1000;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <mode> <port> <count> [seconds|gets] [prefix]\n", argv[0]);
    return 2;
  }
  const char *mode = argv[1];
  int count = atoi(argv[3]);
  double extra = argc > 4 ? atof(argv[4]) : 0;
  if (argc > 5) prefix = argv[5];
  chid *channels = calloc(count, sizeof *channels);
  check(ca_context_create(ca_enable_preemptive_callback), "context");

  if (!strcmp(mode, "monitor") || !strcmp(mode, "monitor-go")) {
    double connect_ms = connect_all(channels, count);
    for (int i = 0; i < count; i++)
      check(ca_create_subscription(DBR_TIME_DOUBLE, 1, channels[i], DBE_VALUE | DBE_ALARM, on_update,
                                   NULL, NULL),
            "subscribe");
    ca_flush_io();
    sleep_s(1.0); /* the initial values, as the other clients do */
    if (!strcmp(mode, "monitor-go")) {
      char line[16];
      printf("{\"ready\":true}\n");
      fflush(stdout);
      if (!fgets(line, sizeof line, stdin)) return 1;
    }
    unsigned long start = __atomic_load_n(&updates, __ATOMIC_RELAXED);
    double cpu0 = now_s(CLOCK_PROCESS_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
    sleep_s(extra);
    double cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0, wall = now_s(CLOCK_MONOTONIC) - w0;
    unsigned long got = __atomic_load_n(&updates, __ATOMIC_RELAXED) - start;
    printf("{\"updates\":%lu,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"connect_ms\":%.3f}\n", got, wall, cpu,
           connect_ms);
  } else if (!strcmp(mode, "connect")) {
    printf("{\"connect_ms\":%.3f}\n", connect_all(channels, count));
  } else if (!strcmp(mode, "get")) {
    int gets = (int)extra;
    struct dbr_time_double value;
    double *ms = calloc(gets > 0 ? gets : 1, sizeof *ms);
    connect_all(channels, 1);
    for (int i = -200; i < gets; i++) { /* 200 warm-up gets first */
      double t = now_s(CLOCK_MONOTONIC);
      check(ca_get(DBR_TIME_DOUBLE, channels[0], &value), "get");
      check(ca_pend_io(10.0), "get reply");
      if (i >= 0) ms[i] = (now_s(CLOCK_MONOTONIC) - t) * 1000;
    }
    printf("{\"latencies_ms\":[");
    for (int i = 0; i < gets; i++) printf(i ? ",%.4f" : "%.4f", ms[i]);
    printf("]}\n");
  } else {
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
  }
  fflush(stdout);
  _exit(0); /* skip libca teardown of the channels: not part of any figure */
}
