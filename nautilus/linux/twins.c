/*
 * Linux twins of the kernel microbenchmarks (core/benches.c): the same names, the same
 * placement (threads pinned: "local" = the first CPU this process may use, "remote" = the
 * second, or the first again on a one-CPU machine), rdtsc cycles,
 * and the same JSON line with "impl":"linux","env":"linux". Usage: linux-twins [samples]
 * [bench ...]
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "../include/nk/bench_params.h"   /* the same k per sample as the kernel */
#include "../include/nk/bench_kernels.h"  /* the same compute kernels */

#define BATCH    BENCH_CREATE_BATCH
#define CREATE_K BENCH_CREATE_K

static uint64_t tsc_hz;
static int ncpus;
static int cpu_ids[2];             /* the first two CPUs this process may run on */

static uint64_t cycles(void)
{
    return __rdtsc();
}

/* As the kernel's arch_cycles_ordered: the TSC read in program order, for hand-offs between
 * CPUs (a bare rdtsc may run before the load that saw the hand-off completes). */
static uint64_t cycles_ordered(void)
{
    _mm_lfence();
    uint64_t t = __rdtsc();
    _mm_lfence();
    return t;
}

/* A time taken on another CPU minus one taken here. The two TSCs may differ by about a tick
 * (26 cycles), so a hand-off faster than that can read negative: it counts as 0, not as a
 * wrapped 2^64. */
static inline uint64_t cross_cpu_delta(uint64_t here, uint64_t there)
{
    return there > here ? there - here : 0;
}

static int local_cpu(void)
{
    return cpu_ids[0];
}

static int remote_cpu(void)
{
    return ncpus > 1 ? cpu_ids[1] : cpu_ids[0];
}

/* The placement a cross-CPU twin reports: with one CPU its partner runs on the same one. */
static const char *across(const char *placement)
{
    return ncpus > 1 ? placement : ",\"placement\":\"same-cpu (one CPU)\"";
}

static void pin(int cpu)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    pthread_setaffinity_np(pthread_self(), sizeof s, &s);
}

static uint64_t calibrate(void)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    uint64_t t0 = cycles();
    usleep(50000);
    clock_gettime(CLOCK_MONOTONIC, &b);
    uint64_t t1 = cycles();
    double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    return (uint64_t)((t1 - t0) / s);
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Set while a benchmark takes its warm-up samples (as the kernel's runner does). */
static int warming_up;

static void report(const char *name, uint64_t *s, int n, const char *extra)
{
    if (warming_up)
        return;
    qsort(s, n, sizeof *s, cmp);
    uint64_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += s[i];
    int p99 = n * 99 / 100 < n ? n * 99 / 100 : n - 1;
    /* "pct": every 5th percentile (nearest rank), as the kernel prints it. */
    char pct[21 * 21 + 2];
    int at = 0;
    for (int q = 0; q <= 100; q += 5) {
        int i = q == 0 ? 0 : (int)(((long)n * q + 99) / 100) - 1;
        at += snprintf(pct + at, sizeof pct - at, "%s%lu", q ? "," : "", s[i < n ? i : n - 1]);
    }
    /* As the kernel counts them: samples above twice the median, samples above a stall. */
    uint64_t stall = (uint64_t)((double)tsc_hz * BENCH_STALL_NS / 1e9);
    int over_2med = 0, over_stall = 0;
    for (int i = 0; i < n; i++) {
        over_2med += s[i] > 2 * s[n / 2];
        over_stall += s[i] > stall;
    }
    printf("{\"bench\":\"%s\",\"impl\":\"linux\",\"env\":\"linux\",\"unit\":\"cycles\","
           "\"n\":%d,\"min\":%lu,\"median\":%lu,\"p99\":%lu,\"max\":%lu,\"mean\":%lu,"
           "\"tsc_hz\":%lu,\"cores\":%d,\"over_2x_median\":%d,\"over_10us\":%d,\"pct\":[%s]%s}\n",
           name, n, s[0], s[n / 2], s[p99], s[n - 1], sum / n, tsc_hz, ncpus, over_2med, over_stall,
           pct, extra);
    fflush(stdout);
}

static void *noop(void *a)
{
    return a;
}

static pthread_t spawn_on(int cpu, void *(*fn)(void *), void *arg)
{
    pthread_attr_t at;
    cpu_set_t s;
    pthread_t t;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    pthread_attr_init(&at);
    pthread_attr_setaffinity_np(&at, sizeof s, &s);
    if (pthread_create(&t, &at, fn, arg)) {
        perror("pthread_create");
        exit(1);
    }
    pthread_attr_destroy(&at);
    return t;
}

/* As in the kernel: each sample is the mean over CREATE_K creates, BATCH threads joined at once. */
static void b_thread_create(uint64_t *s, int n)
{
    pthread_t t[BATCH];
    for (int i = 0; i < n;) {
        int m = n - i < BATCH / CREATE_K ? n - i : BATCH / CREATE_K;
        for (int j = 0; j < m; j++) {
            uint64_t t0 = cycles();
            for (int k = 0; k < CREATE_K; k++)
                t[j * CREATE_K + k] = spawn_on(local_cpu(), noop, NULL);
            s[i + j] = (cycles() - t0) / CREATE_K;
        }
        for (int j = 0; j < m * CREATE_K; j++)
            pthread_join(t[j], NULL);
        i += m;
    }
    report("thread_create", s, n, ",\"placement\":\"same-cpu\",\"per_sample\":" BENCH_STR(CREATE_K)
           ",\"batch\":" BENCH_STR(BATCH));
}

static volatile uint64_t first_run;

static void *stamp(void *a)
{
    __atomic_store_n(&first_run, cycles_ordered(), __ATOMIC_RELEASE);
    return a;
}

static void b_thread_create_to_run(uint64_t *s, int n)
{
    for (int i = 0; i < n; i++) {
        first_run = 0;
        uint64_t t0 = cycles_ordered();
        pthread_t t = spawn_on(remote_cpu(), stamp, NULL);
        while (!__atomic_load_n(&first_run, __ATOMIC_ACQUIRE))
            sched_yield();
        s[i] = cross_cpu_delta(t0, first_run);
        pthread_join(t, NULL);
    }
    report("thread_create_to_run", s, n, across(",\"placement\":\"remote-cpu\""));
}

static volatile int yield_stop;

static void *yielder(void *a)
{
    while (!__atomic_load_n(&yield_stop, __ATOMIC_ACQUIRE))
        sched_yield();
    return a;
}

struct cs_arg { uint64_t *s; int n; };

static void *cs_measure(void *p)
{
    struct cs_arg *a = p;
    for (int i = 0; i < a->n; i++) {
        uint64_t t0 = cycles();
        for (int k = 0; k < BENCH_SWITCH_K; k++)
            sched_yield();
        a->s[i] = (cycles() - t0) / (2 * BENCH_SWITCH_K);
    }
    __atomic_store_n(&yield_stop, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void b_context_switch(uint64_t *s, int n)
{
    struct cs_arg a = { s, n };
    yield_stop = 0;
    pthread_t y = spawn_on(remote_cpu(), yielder, NULL);
    pthread_t m = spawn_on(remote_cpu(), cs_measure, &a);
    pthread_join(m, NULL);
    pthread_join(y, NULL);
    report("context_switch", s, n, ",\"placement\":\"same-cpu\",\"per_sample\":"
           BENCH_STR(BENCH_SWITCH_K) ",\"switches_per_round_trip\":2");
}

static uint32_t fx_go, fx_ack;
static volatile uint64_t woke_at;

static void futex_wait(uint32_t *f, uint32_t val)
{
    syscall(SYS_futex, f, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(uint32_t *f)
{
    syscall(SYS_futex, f, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *ev_waiter(void *p)
{
    int n = (int)(long)p;
    for (int i = 0; i < n; i++) {
        while (__atomic_load_n(&fx_go, __ATOMIC_ACQUIRE) == (uint32_t)i)
            futex_wait(&fx_go, i);
        woke_at = cycles_ordered();
        __atomic_store_n(&fx_ack, i + 1, __ATOMIC_RELEASE);
        futex_wake(&fx_ack);
    }
    return NULL;
}

static void b_event_wakeup(uint64_t *s, int n)
{
    fx_go = fx_ack = 0;
    pthread_t w = spawn_on(remote_cpu(), ev_waiter, (void *)(long)n);
    for (int i = 0; i < n; i++) {
        usleep(20);                       /* the waiter is asleep in FUTEX_WAIT */
        uint64_t t0 = cycles_ordered();
        __atomic_store_n(&fx_go, i + 1, __ATOMIC_RELEASE);
        futex_wake(&fx_go);
        while (__atomic_load_n(&fx_ack, __ATOMIC_ACQUIRE) == (uint32_t)i)
            futex_wait(&fx_ack, i);
        s[i] = cross_cpu_delta(t0, woke_at);
    }
    pthread_join(w, NULL);
    report("event_wakeup", s, n, across(",\"placement\":\"cross-cpu\""));
}

static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cv_turn;

static void *cv_partner(void *p)
{
    int n = (int)(long)p;
    for (int i = 0; i < n; i++) {
        pthread_mutex_lock(&cv_lock);
        while (cv_turn != 1)
            pthread_cond_wait(&cv, &cv_lock);
        cv_turn = 0;
        pthread_mutex_unlock(&cv_lock);
        pthread_cond_signal(&cv);
    }
    return NULL;
}

static void b_condvar_roundtrip(uint64_t *s, int n)
{
    cv_turn = 0;
    pthread_t p = spawn_on(remote_cpu(), cv_partner, (void *)(long)n);
    for (int i = 0; i < n; i++) {
        uint64_t t0 = cycles_ordered();
        pthread_mutex_lock(&cv_lock);
        cv_turn = 1;
        pthread_cond_signal(&cv);
        while (cv_turn != 0)
            pthread_cond_wait(&cv, &cv_lock);
        pthread_mutex_unlock(&cv_lock);
        s[i] = cycles_ordered() - t0;
    }
    pthread_join(p, NULL);
    report("condvar_roundtrip", s, n, across(",\"placement\":\"cross-cpu\""));
}

static void b_spinlock_uncontended(uint64_t *s, int n)
{
    pthread_spinlock_t l;
    pthread_spin_init(&l, PTHREAD_PROCESS_PRIVATE);
    for (int i = 0; i < n; i++) {
        uint64_t t0 = cycles();
        for (int j = 0; j < BENCH_SPIN_K; j++) {
            pthread_spin_lock(&l);
            pthread_spin_unlock(&l);
        }
        s[i] = (cycles() - t0) / BENCH_SPIN_K;
    }
    report("spinlock_uncontended", s, n, ",\"per_sample\":" BENCH_STR(BENCH_SPIN_K));
}

/* The page allocator's twin: a fresh 4 KiB page from the kernel (mmap, touched) and back. */
static void b_buddy_alloc_free(uint64_t *s, int n)
{
    for (int i = 0; i < n; i++) {
        uint64_t t0 = cycles();
        for (int k = 0; k < BENCH_PAGE_K; k++) {
            char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
            if (p == MAP_FAILED) {
                perror("mmap");
                exit(1);
            }
            munmap(p, 4096);
        }
        s[i] = (cycles() - t0) / BENCH_PAGE_K;
    }
    report("buddy_alloc_free", s, n, ",\"bytes\":4096,\"linux_op\":\"mmap+munmap\",\"per_sample\":"
           BENCH_STR(BENCH_PAGE_K));
}

static volatile uint64_t alu_sink;

/* The compute kernels, same code as the kernel's (bench_kernels.h), on this CPU. */
static void b_compute_alu(uint64_t *s, int n)
{
    for (int i = 0; i < n; i++) {
        uint64_t t0 = cycles();
        alu_sink = bk_alu(t0, BK_ALU_ITERS);
        s[i] = cycles() - t0;
    }
    report("compute_alu", s, n, ",\"placement\":\"same-cpu\",\"iterations\":" BENCH_STR(BK_ALU_ITERS));
}

static void b_compute_stencil(uint64_t *s, int n)
{
    int64_t *in = calloc(2 * BK_CELLS, sizeof *in), *out = in + BK_CELLS;
    bk_stencil_init(in, out);
    for (int i = 0; i < n; i++) {
        uint64_t t0 = cycles();
        bk_stencil(in, out);
        s[i] = cycles() - t0;
    }
    free(in);
    report("compute_stencil", s, n, ",\"placement\":\"same-cpu\",\"tile\":\"" BENCH_STR(BK_TILE) "x" BENCH_STR(BK_TILE) "\"");
}

static const struct { const char *name; void (*fn)(uint64_t *, int); } benches[] = {
    { "thread_create", b_thread_create },
    { "thread_create_to_run", b_thread_create_to_run },
    { "context_switch", b_context_switch },
    { "event_wakeup", b_event_wakeup },
    { "condvar_roundtrip", b_condvar_roundtrip },
    { "spinlock_uncontended", b_spinlock_uncontended },
    { "buddy_alloc_free", b_buddy_alloc_free },
    { "compute_alu", b_compute_alu },
    { "compute_stencil", b_compute_stencil },
};

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : BENCH_SAMPLES;
    if (n < 1) {
        fprintf(stderr, "usage: %s [samples >= 1] [bench ...]\n", argv[0]);
        return 2;
    }
    cpu_set_t set;
    sched_getaffinity(0, sizeof set, &set);
    ncpus = CPU_COUNT(&set);
    for (int c = 0, k = 0; c < CPU_SETSIZE && k < 2; c++)
        if (CPU_ISSET(c, &set))
            cpu_ids[k++] = c;
    tsc_hz = calibrate();
    pin(local_cpu());
    int ran = 0;
    for (size_t b = 0; b < sizeof benches / sizeof benches[0]; b++) {
        int want = argc <= 2;
        for (int a = 2; a < argc; a++)
            want |= !strcmp(argv[a], benches[b].name);
        if (!want)
            continue;
        uint64_t *s = calloc(n, sizeof *s);
        warming_up = 1;
        benches[b].fn(s, BENCH_WARMUP(n));
        warming_up = 0;
        benches[b].fn(s, n);
        free(s);
        ran++;
    }
    if (!ran) {
        fprintf(stderr, "%s: no benchmark matches; known:", argv[0]);
        for (size_t b = 0; b < sizeof benches / sizeof benches[0]; b++)
            fprintf(stderr, " %s", benches[b].name);
        fprintf(stderr, "\n");
        return 2;
    }
    return 0;
}
