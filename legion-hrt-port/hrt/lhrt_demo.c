/*
 * Native task variants linked into the image, for tests of the call server: the JVM
 * registers them by name (lhrt_task_register_native_symbol) and reads what they wrote
 * through the same addresses, in the merged region.
 */
#include <stdint.h>
#include <time.h>
#include "lhrt.h"

/* args = {uint64_t *dst, uint64_t n, uint64_t seed}: dst[i] = seed + i * i; returns the sum. */
void lhrt_hrt_demo_fill(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  (void)user;
  const uint64_t *a = args;
  if (len < 3 * sizeof(uint64_t)) {
    lhrt_task_fail(ctx, "lhrt_hrt_demo_fill: needs {dst, n, seed}");
    return;
  }
  uint64_t *dst = (uint64_t *)(uintptr_t)a[0], sum = 0;
  for (uint64_t i = 0; i < a[1]; i++) sum += dst[i] = a[2] + i * i;
  lhrt_task_return(ctx, &sum, sizeof sum);
}

/* Region requirement 0, field 0 (int64, 1-D): x[i] = seed + 3 * i; args = {int64_t seed};
 * returns the number of points written. */
void lhrt_hrt_demo_region_fill(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  (void)user;
  lhrt_accessor_t a;
  if (len < sizeof(int64_t) || lhrt_task_get_accessor(ctx, 0, 0, &a)) {
    lhrt_task_fail(ctx, "lhrt_hrt_demo_region_fill: needs {seed} and field 0 of requirement 0");
    return;
  }
  int64_t seed = *(const int64_t *)args;
  uint64_t n = 0;
  for (int64_t i = a.bounds.lo[0]; i <= a.bounds.hi[0]; i++, n++)
    *(int64_t *)lhrt_accessor_at(&a, i, 0, 0) = seed + 3 * i;
  lhrt_task_return(ctx, &n, sizeof n);
}

/* args = {int64_t us}: keeps its CPU busy that long (a long native task, for tests of how
 * JVM threads wait for one); returns the microseconds it ran. */
void lhrt_hrt_demo_busy(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  (void)user;
  if (len < sizeof(int64_t)) {
    lhrt_task_fail(ctx, "lhrt_hrt_demo_busy: needs {us}");
    return;
  }
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int64_t us;
  do {
    clock_gettime(CLOCK_MONOTONIC, &t);
    us = (t.tv_sec - t0.tv_sec) * 1000000 + (t.tv_nsec - t0.tv_nsec) / 1000;
  } while (us < *(const int64_t *)args);
  lhrt_task_return(ctx, &us, sizeof us);
}
