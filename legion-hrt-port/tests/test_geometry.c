/*
 * The overlap test the dependence analysis asks most (is_overlaps, white-box) against the
 * intersection's volume on random 1-D and 2-D spaces: many rectangles each, sparse and dense,
 * nested and apart, so the 1-D merge pass and the 2-D early stop meet every case.
 */
#include "test.h"
#include "../src/internal.h"

/* A random space of up to maxn points in [0, w) x [0, h) (h == 1: 1-D), clustered at base. */
static lhrt_index_space_t random_space(lhrt_runtime_t rt, uint64_t *seed, int dim, int w, int h, int maxn) {
  lhrt_point_t pts[256];
  int n = (int)(trand(seed) % (uint64_t)maxn), span = 1 + (int)(trand(seed) % (uint64_t)w);
  int base = (int)(trand(seed) % (uint64_t)(w - span + 1));
  for (int i = 0; i < n; i++) {
    int64_t x = base + (int64_t)(trand(seed) % (uint64_t)span), y = (int64_t)(trand(seed) % (uint64_t)h);
    pts[i] = dim == 1 ? lhrt_point1(x) : lhrt_point2(x, y);
  }
  lhrt_index_space_t is = {0};
  if (lhrt_index_space_create_points(rt, dim, pts, (uint64_t)n, &is)) test_fail(__FILE__, __LINE__, "%s", lhrt_last_error());
  return is;
}

static void overlaps_match_intersection(int dim, int w, int h, int maxn) {
  lhrt_runtime_t rt = trt_new(1);
  uint64_t seed = 0x9e3779b97f4a7c15ull + (uint64_t)dim;
  int rounds = test_small ? 300 : 3000, both = 0;
  for (int k = 0; k < rounds && !test_failed; k++) {
    lhrt_index_space_t a = random_space(rt, &seed, dim, w, h, maxn), b = random_space(rt, &seed, dim, w, h, maxn), x;
    OK(lhrt_index_space_intersection(a, b, &x));
    uint64_t vol, na = ((struct ispace *)a.impl)->nrects, nb = ((struct ispace *)b.impl)->nrects;
    OK(lhrt_index_space_get_volume(x, &vol));
    bool ab = is_overlaps(a.impl, b.impl), ba = is_overlaps(b.impl, a.impl);
    EXPECTF(ab == (vol != 0) && ba == ab, "round %d: overlaps %d/%d, intersection volume %lu (%lu and %lu rects)", k,
            ab, ba, (unsigned long)vol, (unsigned long)na, (unsigned long)nb);
    both += vol != 0 && na > 1 && nb > 1;
    lhrt_index_space_destroy(x);
    lhrt_index_space_destroy(a);
    lhrt_index_space_destroy(b);
  }
  EXPECTF(both > rounds / 20, "only %d of %d rounds overlapped with several rectangles on both sides", both, rounds);
  lhrt_runtime_destroy(rt);
}

TEST(geometry_overlaps_1d) { overlaps_match_intersection(1, 400, 1, 120); }
TEST(geometry_overlaps_2d) { overlaps_match_intersection(2, 40, 12, 60); }
