/*
 * The HRT's clocks: both read the TSC (there is no wall clock inside the HRT; REALTIME
 * counts from boot).
 */
#ifndef LHRT_HRT_TIME_H
#define LHRT_HRT_TIME_H
#include <stdint.h>
#include <stddef.h>

typedef long time_t;
typedef long clock_t;
typedef int clockid_t;
struct timespec { time_t tv_sec; long tv_nsec; };
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCKS_PER_SEC 1000000l

int clock_gettime(clockid_t id, struct timespec *ts);
time_t time(time_t *t);
clock_t clock(void);
int nanosleep(const struct timespec *req, struct timespec *rem);
#endif
