/*
 * Operations per sample of the microbenchmarks, shared by the kernel (core/benches.c) and
 * the Linux twins (linux/twins.c) so both sides always measure alike. The TSC here advances
 * in steps of ~26 cycles (a 100 MHz reference clock), so an operation of a few ticks is timed
 * k times in a row and each sample is the mean (one rdtsc pair around k operations): every
 * sample spans >= ~10 ticks. Latencies of one hand-off between CPUs stay single-operation.
 */
#ifndef NK_BENCH_PARAMS_H
#define NK_BENCH_PARAMS_H

#define BENCH_CREATE_BATCH 32       /* thread_create: threads alive at once, then joined */
#define BENCH_CREATE_K     8        /* thread_create: creates per sample */
#define BENCH_SWITCH_K     8        /* context_switch: yield round trips (2 switches) per sample */
#define BENCH_SPIN_K       64       /* spinlock_uncontended: lock+unlock pairs per sample */
#define BENCH_PAGE_K       8        /* buddy_alloc_free: page alloc+free pairs per sample */
#define BENCH_STALL_NS     10000    /* "over_10us": samples longer than this (host-scale stalls) */

/* Samples per benchmark unless told otherwise. With 1 000 the p99 is the 10th-largest sample,
 * so one host episode of ten disturbed samples decides it; 10 000 estimate it from 100. */
#define BENCH_SAMPLES      10000
/* Before its measured pass every benchmark runs once with n / BENCH_WARMUP_DIV samples (at
 * least 1) and drops them: partner threads, caches and idle CPUs reach their steady state
 * (a first wake-up of a CPU that dozed costs milliseconds). */
#define BENCH_WARMUP_DIV   10
#define BENCH_WARMUP(n)    ((n) / BENCH_WARMUP_DIV > 0 ? (n) / BENCH_WARMUP_DIV : 1)

#define BENCH_STR_(x) #x
#define BENCH_STR(x) BENCH_STR_(x)

#endif /* NK_BENCH_PARAMS_H */
