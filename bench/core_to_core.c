/* How long a written cache line takes to reach the other core, sampled over
 * time: two threads pinned to CPUs 0 and 1 pass one line back and forth.
 * On a VM the host may move the virtual CPUs between cores near each other and
 * cores far apart from one moment to the next; a thread sharing rows with the
 * other pays that latency, two independent processes (the ceiling's pair)
 * never do.  Linux only.
 *
 *   cc -O2 -pthread -o /tmp/core_to_core bench/core_to_core.c
 *   /tmp/core_to_core [samples=20] [interval_ms=200]
 *
 * Each line: the monotonic time (s) and the one-way latency (ns) of the
 * fastest of twenty 50-pass chunks, so that a chunk in which a thread was
 * descheduled does not count; the last line summarises the samples. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { PASSES = 1000, CHUNK = 50 };

static _Alignas(64) _Atomic long line;      /* the line passed back and forth */
static _Alignas(64) _Atomic int sampling;   /* 1 while a sample runs */

static int pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU 1 answers every odd value with the next even one. */
static void *answer(void *unused) {
    (void)unused;
    if (pin(1) != 0) return NULL;
    for (long base = 0;; base += 2 * PASSES) {
        while (!atomic_load(&sampling)) usleep(1000);
        for (long i = 0; i < PASSES; i++) {
            while (atomic_load_explicit(&line, memory_order_acquire) != base + 2 * i + 1) {
            }
            atomic_store_explicit(&line, base + 2 * i + 2, memory_order_release);
        }
        atomic_store(&sampling, 0);
    }
    return NULL;
}

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    const int samples = argc > 1 ? atoi(argv[1]) : 20;
    const int interval_ms = argc > 2 ? atoi(argv[2]) : 200;
    if (samples < 1 || samples > 100000 || interval_ms < 0) {
        fprintf(stderr, "usage: core_to_core [samples 1-100000] [interval_ms >= 0]\n");
        return 2;
    }
    /* CPU 1 is tried here, not only in the answering thread: this thread would
     * wait for ever on a thread that could not run there. */
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || pin(1) != 0 || pin(0) != 0) {
        fprintf(stderr, "core_to_core: needs CPUs 0 and 1\n");
        return 1;
    }
    pthread_t other;
    if (pthread_create(&other, NULL, answer, NULL) != 0) {
        fprintf(stderr, "core_to_core: cannot start the second thread\n");
        return 1;
    }
    double *latency = malloc(sizeof(double) * (size_t)samples);
    if (!latency) {
        fprintf(stderr, "core_to_core: out of memory for %d samples\n", samples);
        return 1;
    }
    long base = 0;
    for (int s = 0; s < samples; s++) {
        atomic_store(&sampling, 1);
        double best = 1e30, start = now();
        for (long i = 0; i < PASSES; i++) {
            if (i % CHUNK == 0) start = now();
            atomic_store_explicit(&line, base + 2 * i + 1, memory_order_release);
            while (atomic_load_explicit(&line, memory_order_acquire) != base + 2 * i + 2) {
            }
            if (i % CHUNK == CHUNK - 1) {
                const double one_way = (now() - start) / CHUNK / 2 * 1e9;
                if (one_way < best) best = one_way;
            }
        }
        base += 2 * PASSES;
        while (atomic_load(&sampling)) {
        }
        latency[s] = best;
        printf("%.3f %.0f\n", now(), best);
        fflush(stdout);
        usleep((useconds_t)interval_ms * 1000);
    }
    qsort(latency, (size_t)samples, sizeof *latency, by_value);
    printf("# %d samples: min %.0f ns, median %.0f ns, max %.0f ns\n", samples, latency[0],
           latency[samples / 2], latency[samples - 1]);
    free(latency);
    return 0;
}
