/*
 * kernels.c: native (C) task variants used by the Java API tests, twins of Java bodies in
 * NativeVariantTest. Built by NativeKernels (gcc -shared) into target/test-native/libkernels.so.
 * Arguments are packed little-endian by the Java side: see each kernel.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lhrt.h"

/* args: double alpha, uint32 fid_x, uint32 fid_y. req 0: x READ_ONLY, req 1: y READ_WRITE. */
void test_daxpy(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)user;
  double alpha;
  uint32_t fx, fy;
  if (arglen < 16) { lhrt_task_fail(ctx, "daxpy: short arguments"); return; }
  memcpy(&alpha, args, 8);
  memcpy(&fx, (const char *)args + 8, 4);
  memcpy(&fy, (const char *)args + 12, 4);
  lhrt_accessor_t ax, ay;
  if (lhrt_task_get_accessor(ctx, 0, fx, &ax) || lhrt_task_get_accessor(ctx, 1, fy, &ay)) {
    lhrt_task_fail(ctx, lhrt_last_error());
    return;
  }
  for (int64_t i = ay.bounds.lo[0]; i <= ay.bounds.hi[0]; i++) {
    double *y = lhrt_accessor_at(&ay, i, 0, 0);
    const double *x = lhrt_accessor_at(&ax, i, 0, 0);
    *y += alpha * *x;
  }
}

/* args: uint32 fid. req 0: READ_ONLY doubles. Returns their sum (double). */
void test_sum(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)user;
  uint32_t f;
  if (arglen < 4) { lhrt_task_fail(ctx, "sum: short arguments"); return; }
  memcpy(&f, args, 4);
  lhrt_accessor_t a;
  if (lhrt_task_get_accessor(ctx, 0, f, &a)) { lhrt_task_fail(ctx, lhrt_last_error()); return; }
  double s = 0;
  for (int64_t i = a.bounds.lo[0]; i <= a.bounds.hi[0]; i++) s += *(const double *)lhrt_accessor_at(&a, i, 0, 0);
  lhrt_task_return(ctx, &s, sizeof s);
}

/* Returns the point's coordinate times 3 (int64): checks points and results cross the FFM. */
void test_triple_point(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)args; (void)arglen; (void)user;
  lhrt_point_t p;
  lhrt_task_get_point(ctx, &p);
  int64_t v = p.x[0] * 3;
  lhrt_task_return(ctx, &v, sizeof v);
}

/* Fails with a message. */
void test_fail(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)args; (void)arglen; (void)user;
  lhrt_task_fail(ctx, "native kernel failed on purpose");
}

/* Does nothing (launch-overhead benchmarks). */
void test_empty(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)ctx; (void)args; (void)arglen; (void)user;
}

/* Never returns: a hung task (backend hrt stops the HVM past its task limit). */
void test_spin_forever(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)ctx; (void)args; (void)arglen; (void)user;
  for (;;) __asm__ volatile("pause");
}

/* Writes through a non-canonical pointer: a fault (backend hrt ends the HVM, naming this function). */
void test_wild_write(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)ctx; (void)args; (void)arglen; (void)user;
  *(volatile int *)0x8000000000000000ull = 1;
}

/* About `kib` KiB of stack (args: uint32 kib) in 1 KiB frames the compiler cannot fold;
 * returns the depth reached (int64). A Linux thread and an HRT runtime thread both give 1 MiB. */
static __attribute__((noinline)) int64_t deep_frames(uint32_t left, volatile char *below) {
  volatile char frame[1024];
  frame[0] = (char)left;
  frame[1023] = below ? below[0] : 0;
  if (left == 0) return 0;
  return deep_frames(left - 1, frame) + 1 + (frame[1023] & 0);
}

void test_deep_stack(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)user;
  uint32_t kib = 0;
  if (arglen >= sizeof kib) memcpy(&kib, args, sizeof kib);
  int64_t depth = deep_frames(kib, 0);
  lhrt_task_return(ctx, &depth, sizeof depth);
}

/* Calls abort(): in the HRT a kernel panic, which the VMM reports naming this task. */
void test_abort(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)ctx; (void)args; (void)arglen; (void)user;
  abort();
}

/* Calls exit(3): in the HRT that would end the whole kernel, so it is a panic naming this task. */
void test_exit(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)ctx; (void)args; (void)arglen; (void)user;
  exit(3);
}

/* Executes ud2 (what __builtin_trap emits): the VMM names the instruction it died on. */
void test_trap(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)ctx; (void)args; (void)arglen; (void)user;
  __builtin_trap();
}

/* Keeps its CPU for `ms` milliseconds (args: uint32 ms), then writes through a wild pointer: a
 * fault that comes while the caller already sleeps in its wait. */
void test_fault_later(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)ctx; (void)user;
  uint32_t ms = 0;
  if (arglen >= sizeof ms) memcpy(&ms, args, sizeof ms);
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do clock_gettime(CLOCK_MONOTONIC, &t);
  while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < (long)ms);
  *(volatile int *)0x8000000000000000ull = 1;
}
