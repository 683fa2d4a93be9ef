/*
 * A native task variant linked into the image, for tests of the call server: the JVM
 * registers it by name (lhrt_task_register_native_symbol) and reads what it wrote through
 * the same address. args = {uint64_t *dst (merged region), uint64_t n, uint64_t seed}:
 * dst[i] = seed + i * i; the task returns the sum of what it wrote.
 */
#include <stdint.h>
#include "lhrt.h"

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
