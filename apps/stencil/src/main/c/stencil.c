/*
 * stencil.c: the native variants of the stencil's two per-step tasks, as lhrt task functions.
 * Same regions, order and arithmetic as the Java bodies (StencilTasks.java); the inner loops
 * walk raw rows through the accessors' strides.
 */
#include <stdint.h>
#include "lhrt.h"

enum { FID_INPUT = 1, FID_OUTPUT = 2 };
#define MAX_RADIUS 64

struct stencil_args { int32_t radius, pad; double init; };

static int failed(lhrt_ctx_t ctx, lhrt_status_t st) {
  if (st == LHRT_OK) return 0;
  lhrt_task_fail(ctx, lhrt_last_error());
  return 1;
}

/* Element (x, y) of a 2-D double field. */
static inline double *at(const lhrt_accessor_t *a, int64_t x, int64_t y) {
  return (double *)lhrt_accessor_at(a, x, y, 0);
}

/* Regions: 0 = tile with halo (READ_ONLY input), 1 = tile interior (READ_WRITE output). */
void stencil_apply(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)user;
  if (arglen < sizeof(struct stencil_args)) { lhrt_task_fail(ctx, "stencil: short task arguments"); return; }
  int r = ((const struct stencil_args *)args)->radius;
  if (r < 1 || r > MAX_RADIUS) { lhrt_task_fail(ctx, "stencil: radius out of 1..64"); return; }
  lhrt_accessor_t in, out;
  if (failed(ctx, lhrt_task_get_accessor(ctx, 0, FID_INPUT, &in)) ||
      failed(ctx, lhrt_task_get_accessor(ctx, 1, FID_OUTPUT, &out)))
    return;
  double w[MAX_RADIUS + 1];
  for (int j = 1; j <= r; j++) w[j] = 1.0 / (2.0 * j * r);
  const lhrt_rect_t *b = &out.bounds;
  int64_t sx = in.stride[0] / (int64_t)sizeof(double), sy = in.stride[1] / (int64_t)sizeof(double);
  for (int64_t y = b->lo[1]; y <= b->hi[1]; y++) {
    for (int64_t x = b->lo[0]; x <= b->hi[0]; x++) {
      const double *c = at(&in, x, y);
      double v = 0;
      for (int j = 1; j <= r; j++)
        v += w[j] * (c[j * sx] - c[-j * sx]) + w[j] * (c[j * sy] - c[-j * sy]);
      *at(&out, x, y) += v;
    }
  }
}

/* Regions: 0 = tile (READ_WRITE input). */
void stencil_increment(lhrt_ctx_t ctx, const void *args, uint64_t arglen, void *user) {
  (void)args, (void)arglen, (void)user;
  lhrt_accessor_t in;
  if (failed(ctx, lhrt_task_get_accessor(ctx, 0, FID_INPUT, &in))) return;
  const lhrt_rect_t *b = &in.bounds;
  for (int64_t y = b->lo[1]; y <= b->hi[1]; y++)
    for (int64_t x = b->lo[0]; x <= b->hi[0]; x++) *at(&in, x, y) += 1.0;
}
