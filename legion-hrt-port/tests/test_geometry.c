/*
 * The overlap test the dependence analysis asks most (is_overlaps, white-box) against the
 * intersection's volume on random 1-D and 2-D spaces: many rectangles each, sparse and dense,
 * nested and apart, so the 1-D merge pass and the 2-D early stop meet every case; and the
 * odometer that lists an index launch's points against indexing them one by one.
 */
#include "test.h"
#include "../src/internal.h"

/* The space a handle names (handles are not addresses: src/handle.c). */
static struct ispace *space_of(lhrt_index_space_t h) {
  lhrt_status_t st;
  return obj_check(h.impl, K_ISPACE, &st);
}

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
    uint64_t vol, na = space_of(a)->nrects, nb = space_of(b)->nrects;
    OK(lhrt_index_space_get_volume(x, &vol));
    bool ab = is_overlaps(space_of(a), space_of(b)), ba = is_overlaps(space_of(b), space_of(a));
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

/* is_points_into (an odometer over each rectangle) lists the same points as is_point_at. */
TEST(geometry_points_in_order) {
  lhrt_runtime_t rt = trt_new(1);
  uint64_t seed = 12345;
  for (int k = 0; k < 200 && !test_failed; k++) {
    int dim = 1 + (int)(k % 3);
    lhrt_rect_t rects[4];
    int n = 1 + (int)(trand(&seed) % 4);
    for (int i = 0; i < n; i++) {   /* disjoint slabs along x, random extents in y and z */
      int64_t lo[3] = {i * 10, -(int64_t)(trand(&seed) % 3), (int64_t)(trand(&seed) % 2)}, hi[3];
      for (int d = 0; d < 3; d++) hi[d] = lo[d] + (int64_t)(trand(&seed) % 4) - (d == 0 && trand(&seed) % 5 == 0);
      rects[i] = dim == 1 ? lhrt_rect1(lo[0], hi[0]) : dim == 2 ? lhrt_rect2(lo[0], lo[1], hi[0], hi[1])
                                                          : lhrt_rect3(lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]);
    }
    lhrt_index_space_t is;
    OK(lhrt_index_space_create_rects(rt, dim, rects, (uint64_t)n, &is));
    struct ispace *s = space_of(is);
    struct { lhrt_point_t p; uint64_t guard; } got[256];
    memset(got, 0xab, sizeof got);
    EXPECT(s->volume < 255);
    is_points_into(s, &got[0].p, sizeof got[0]);
    for (uint64_t i = 0; i < s->volume; i++) {
      lhrt_point_t want;
      is_point_at(s, i, &want);
      EXPECTF(!memcmp(&got[i].p, &want, sizeof want), "space %d (%d-D, %d rects): point %lu differs", k, dim, n,
              (unsigned long)i);
      EXPECT(got[i].guard == 0xababababababababull);
    }
    EXPECT(got[s->volume].p.dim == (int32_t)0xabababab);   /* nothing written past the last point */
    lhrt_index_space_destroy(is);
  }
  OK(lhrt_runtime_destroy(rt));
}

/* A union of overlapping rectangles (2-D and 3-D, as halo pieces give) against a point-by-point
 * count on a small grid: the normalised space holds exactly the covered points, in disjoint
 * rectangles; the sweep that drops finished rectangles must lose no overlap. */
static void union_matches_brute_force(int dim) {
  lhrt_runtime_t rt = trt_new(1);
  uint64_t seed = 0x51ed270b27bd4ull + (uint64_t)dim;
  enum { W = 12 };
  int rounds = test_small ? 200 : 2000;
  for (int k = 0; k < rounds && !test_failed; k++) {
    lhrt_rect_t rs[24];
    int n = 1 + (int)(trand(&seed) % 24);
    static uint8_t cover[W][W][W];
    memset(cover, 0, sizeof cover);
    for (int i = 0; i < n; i++) {
      int64_t lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
      for (int d = 0; d < dim; d++) {
        lo[d] = (int64_t)(trand(&seed) % W);
        hi[d] = lo[d] + (int64_t)(trand(&seed) % (uint64_t)(W - lo[d]));
      }
      rs[i] = dim == 2 ? lhrt_rect2(lo[0], lo[1], hi[0], hi[1]) : lhrt_rect3(lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]);
      for (int64_t z = lo[2]; z <= hi[2]; z++)
        for (int64_t y = lo[1]; y <= hi[1]; y++)
          for (int64_t x = lo[0]; x <= hi[0]; x++) cover[z][y][x] = 1;
    }
    lhrt_index_space_t is;
    OK(lhrt_index_space_create_rects(rt, dim, rs, (uint64_t)n, &is));
    uint64_t want = 0, vol;
    for (int z = 0; z < W; z++)
      for (int y = 0; y < W; y++)
        for (int x = 0; x < W; x++) want += cover[z][y][x];
    OK(lhrt_index_space_get_volume(is, &vol));
    const struct ispace *s = space_of(is);
    uint64_t sum = 0;
    for (uint64_t i = 0; i < s->nrects; i++) {
      sum += rect_volume(&s->rects[i]);
      for (uint64_t j = i + 1; j < s->nrects; j++)
        EXPECTF(!rect_intersect(&s->rects[i], &s->rects[j], NULL), "round %d: rects %lu and %lu overlap", k,
                (unsigned long)i, (unsigned long)j);
    }
    EXPECTF(vol == want && sum == want, "round %d (%d rects, %d-D): volume %lu, rects sum %lu, covered %lu", k, n, dim,
            (unsigned long)vol, (unsigned long)sum, (unsigned long)want);
    lhrt_index_space_destroy(is);
  }
  lhrt_runtime_destroy(rt);
}

TEST(geometry_union_2d) { union_matches_brute_force(2); }
TEST(geometry_union_3d) { union_matches_brute_force(3); }
