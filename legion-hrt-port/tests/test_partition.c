/*
 * Partitions checked point by point against brute force on random inputs: equal, by
 * rectangles, by field, image, preimage, union/intersection/difference, including the
 * computed disjoint and complete flags.
 */
#include "test.h"

#define W 24 /* points are (x, y) with 0 <= x < W, 0 <= y < H; 1-D uses y = 0 */
#define H 8
#define MAXC 6

struct expect { int dim; uint8_t in[MAXC][W * H]; int ncolors; };


static lhrt_point_t pt(int dim, int64_t x, int64_t y) { return dim == 1 ? lhrt_point1(x) : lhrt_point2(x, y); }

/* Compares partition p with the expected membership; parent_in: membership of the parent. */
static int check_partition(lhrt_partition_t p, const struct expect *e, const uint8_t *parent_in, const char *what,
                           int check_flags) {
  int disjoint = 1, complete = 1;
  for (int y = 0; y < (e->dim == 1 ? 1 : H); y++)
    for (int x = 0; x < W; x++) {
      int n = 0;
      for (int c = 0; c < e->ncolors; c++) {
        lhrt_region_t sub;
        lhrt_index_space_t is;
        int32_t in;
        if (lhrt_partition_get_subregion(p, lhrt_point1(c), &sub)) { test_fail(__FILE__, __LINE__, "%s: no color %d", what, c); return 0; }
        lhrt_region_get_index_space(sub, &is);
        lhrt_index_space_contains(is, pt(e->dim, x, y), &in);
        if (in != e->in[c][y * W + x]) {
          test_fail(__FILE__, __LINE__, "%s: color %d point (%d,%d): got %d want %d", what, c, x, y, in, e->in[c][y * W + x]);
          return 0;
        }
        n += in;
      }
      if (n > 1) disjoint = 0;
      if (parent_in[y * W + x] && n == 0) complete = 0;
    }
  int32_t d, cpl;
  lhrt_partition_is_disjoint(p, &d);
  lhrt_partition_is_complete(p, &cpl);
  if (check_flags && (d != disjoint || cpl != complete)) {
    test_fail(__FILE__, __LINE__, "%s: flags disjoint %d complete %d, want %d %d", what, d, cpl, disjoint, complete);
    return 0;
  }
  return 1;
}

/* A random parent: a union of 1-3 rectangles inside the W x H box. */
static lhrt_index_space_t random_space(lhrt_runtime_t rt, int dim, uint64_t *rng, uint8_t *in) {
  lhrt_rect_t r[3];
  int n = 1 + (int)(trand(rng) % 3);
  memset(in, 0, W * H);
  for (int i = 0; i < n; i++) {
    int64_t x0 = (int64_t)(trand(rng) % W), x1 = x0 + (int64_t)(trand(rng) % (W - x0));
    int64_t y0 = dim == 1 ? 0 : (int64_t)(trand(rng) % H), y1 = dim == 1 ? 0 : y0 + (int64_t)(trand(rng) % (H - y0));
    r[i] = dim == 1 ? lhrt_rect1(x0, x1) : lhrt_rect2(x0, y0, x1, y1);
    for (int64_t y = y0; y <= y1; y++) for (int64_t x = x0; x <= x1; x++) in[y * W + x] = 1;
  }
  lhrt_index_space_t is;
  lhrt_index_space_create_rects(rt, dim, r, (uint64_t)n, &is);
  return is;
}

static void random_colored_rects(int dim, int ncolors, uint64_t *rng, lhrt_colored_rect_t *items, int *n,
                                 struct expect *e, const uint8_t *parent_in) {
  *n = ncolors + (int)(trand(rng) % 3);
  memset(e->in, 0, sizeof e->in);
  e->ncolors = ncolors;
  e->dim = dim;
  for (int i = 0; i < *n; i++) {
    int c = (int)(trand(rng) % (uint64_t)ncolors);
    int64_t x0 = (int64_t)(trand(rng) % W), x1 = x0 + (int64_t)(trand(rng) % 8);
    int64_t y0 = dim == 1 ? 0 : (int64_t)(trand(rng) % H), y1 = dim == 1 ? 0 : y0 + (int64_t)(trand(rng) % 3);
    items[i].color = lhrt_point1(c);
    items[i].rect = dim == 1 ? lhrt_rect1(x0, x1) : lhrt_rect2(x0, y0, x1, y1);
    for (int64_t y = y0; y <= y1 && y < H; y++)
      for (int64_t x = x0; x <= x1 && x < W; x++) if (parent_in[y * W + x]) e->in[c][y * W + x] = 1;
  }
}

static void write_field(lhrt_ctx_t top, lhrt_region_t r, uint32_t fid, int dim, const int64_t *vals, int size) {
  lhrt_mapping_t m;
  lhrt_accessor_t a;
  lhrt_region_map(top, r, r, LHRT_WRITE_DISCARD, &fid, 1, &m);
  lhrt_mapping_get_accessor(m, fid, &a);
  for (int64_t y = a.bounds.lo[1]; y <= (dim == 1 ? 0 : a.bounds.hi[1]); y++)
    for (int64_t x = a.bounds.lo[0]; x <= a.bounds.hi[0]; x++) {
      void *p = lhrt_accessor_at(&a, x, y, 0);
      if (size == 4) *(int32_t *)p = (int32_t)vals[y * W + x];
      else memcpy(p, &vals[(y * W + x) * (size / 8)], (size_t)size);
    }
  lhrt_mapping_unmap(m);
}

static void one_trial(uint64_t seed) {
  uint64_t rng = seed * 7 + 3;
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  int dim = 1 + (int)(trand(&rng) % 2);
  uint8_t pin[W * H];
  lhrt_index_space_t pis = random_space(rt, dim, &rng, pin);
  lhrt_field_space_t fs;
  lhrt_field_space_create(rt, &fs);
  lhrt_field_space_allocate_field(fs, 4, 0, NULL);   /* color */
  lhrt_field_space_allocate_field(fs, 16, 1, NULL);  /* a 2-D point */
  lhrt_field_space_allocate_field(fs, 8, 2, NULL);   /* a 1-D point */
  lhrt_region_t parent;
  OK(lhrt_region_create(rt, pis, fs, &parent));
  int nc = 2 + (int)(trand(&rng) % (MAXC - 1));
  lhrt_index_space_t colors;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, nc - 1), &colors));
  static struct expect e, e2, e3;
  char what[64];

  /* equal: disjoint, complete, balanced */
  lhrt_partition_t eq;
  OK(lhrt_partition_create_equal(top, parent, colors, &eq));
  memset(&e, 0, sizeof e);
  e.dim = dim;
  e.ncolors = nc;
  uint64_t pv;
  lhrt_index_space_get_volume(pis, &pv);
  for (int c = 0; c < nc; c++) {
    lhrt_region_t s;
    lhrt_index_space_t is;
    uint64_t v;
    lhrt_partition_get_subregion(eq, lhrt_point1(c), &s);
    lhrt_region_get_index_space(s, &is);
    lhrt_index_space_get_volume(is, &v);
    EXPECTF(v + 1 >= pv / (uint64_t)nc && v <= pv / (uint64_t)nc + 1, "equal: color %d has %lu of %lu", c, (unsigned long)v,
            (unsigned long)pv);
    for (int i = 0; i < W * H; i++) {
      int32_t in;
      lhrt_index_space_contains(is, pt(dim, i % W, i / W), &in);
      if (dim == 1 && i >= W) in = 0;
      e.in[c][i] = (uint8_t)in;
    }
  }
  snprintf(what, sizeof what, "equal seed %lu", (unsigned long)seed);
  if (!check_partition(eq, &e, pin, what, 1)) return;
  int32_t flag;
  lhrt_partition_is_disjoint(eq, &flag);
  EXPECT(flag);
  lhrt_partition_is_complete(eq, &flag);
  EXPECT(flag);

  /* by rectangles (computed flags) */
  lhrt_colored_rect_t items[16];
  int n;
  random_colored_rects(dim, nc, &rng, items, &n, &e, pin);
  lhrt_partition_t br;
  OK(lhrt_partition_create_by_rects(top, parent, colors, items, (uint64_t)n, LHRT_PART_COMPUTE, &br));
  snprintf(what, sizeof what, "by_rects seed %lu", (unsigned long)seed);
  if (!check_partition(br, &e, pin, what, 1)) return;

  /* by field: random colors, some invalid */
  static int64_t vals[W * H * 2];
  memset(&e2, 0, sizeof e2);
  e2.dim = dim;
  e2.ncolors = nc;
  for (int i = 0; i < W * H; i++) {
    vals[i] = (int64_t)(trand(&rng) % (uint64_t)(nc + 1)) - (trand(&rng) % 5 == 0);
    if (pin[i] && vals[i] >= 0 && vals[i] < nc) e2.in[vals[i]][i] = 1;
  }
  write_field(top, parent, 0, dim, vals, 4);
  lhrt_partition_t bf;
  OK(lhrt_partition_create_by_field(top, parent, 0, colors, &bf));
  snprintf(what, sizeof what, "by_field seed %lu", (unsigned long)seed);
  if (!check_partition(bf, &e2, pin, what, 1)) return;

  /* image through field 1 or 2 (points of the parent), from the equal partition */
  uint32_t pf = dim == 2 ? 1 : 2;
  int psize = dim == 2 ? 16 : 8;
  int64_t ptrs[W * H][2];
  for (int i = 0; i < W * H; i++) {
    ptrs[i][0] = (int64_t)(trand(&rng) % (W + 2)) - 1;
    ptrs[i][1] = dim == 2 ? (int64_t)(trand(&rng) % H) : 0;
  }
  for (int i = 0; i < W * H; i++) { vals[2 * i] = ptrs[i][0]; vals[2 * i + 1] = ptrs[i][1]; }
  if (dim == 1) for (int i = 0; i < W * H; i++) vals[i] = ptrs[i][0];
  write_field(top, parent, pf, dim, vals, psize);
  memset(&e3, 0, sizeof e3);
  e3.dim = dim;
  e3.ncolors = nc;
  for (int c = 0; c < nc; c++) {
    lhrt_region_t s;
    lhrt_index_space_t is;
    lhrt_partition_get_subregion(eq, lhrt_point1(c), &s);
    lhrt_region_get_index_space(s, &is);
    for (int i = 0; i < (dim == 1 ? W : W * H); i++) {
      int32_t in;
      lhrt_index_space_contains(is, pt(dim, i % W, i / W), &in);
      if (!in) continue;
      int64_t tx = ptrs[i][0], ty = ptrs[i][1];
      if (tx >= 0 && tx < W && pin[ty * W + tx]) e3.in[c][ty * W + tx] = 1;
    }
  }
  lhrt_partition_t im;
  OK(lhrt_partition_create_by_image(top, parent, eq, pf, LHRT_PART_COMPUTE, &im));
  snprintf(what, sizeof what, "image seed %lu", (unsigned long)seed);
  if (!check_partition(im, &e3, pin, what, 1)) return;

  /* preimage of the by-rects partition through the same field */
  memset(&e3, 0, sizeof e3);
  e3.dim = dim;
  e3.ncolors = nc;
  for (int i = 0; i < (dim == 1 ? W : W * H); i++) {
    if (!pin[i]) continue;
    int64_t tx = ptrs[i][0], ty = ptrs[i][1];
    if (tx < 0 || tx >= W) continue;
    for (int c = 0; c < nc; c++) if (e.in[c][ty * W + tx]) e3.in[c][i] = 1;
  }
  lhrt_partition_t pre;
  OK(lhrt_partition_create_by_preimage(top, parent, br, pf, LHRT_PART_COMPUTE, &pre));
  snprintf(what, sizeof what, "preimage seed %lu", (unsigned long)seed);
  if (!check_partition(pre, &e3, pin, what, 1)) return;

  /* set operations of by-rects and by-field */
  lhrt_partition_t pu, px, pd;
  OK(lhrt_partition_create_by_union(top, br, bf, LHRT_PART_COMPUTE, &pu));
  OK(lhrt_partition_create_by_intersection(top, br, bf, LHRT_PART_COMPUTE, &px));
  OK(lhrt_partition_create_by_difference(top, br, bf, LHRT_PART_COMPUTE, &pd));
  struct expect *eu = &e3;
  static struct expect ex, ed;
  memset(eu, 0, sizeof *eu); memset(&ex, 0, sizeof ex); memset(&ed, 0, sizeof ed);
  eu->dim = ex.dim = ed.dim = dim;
  eu->ncolors = ex.ncolors = ed.ncolors = nc;
  for (int c = 0; c < nc; c++)
    for (int i = 0; i < W * H; i++) {
      eu->in[c][i] = e.in[c][i] | e2.in[c][i];
      ex.in[c][i] = e.in[c][i] & e2.in[c][i];
      ed.in[c][i] = e.in[c][i] & !e2.in[c][i];
    }
  snprintf(what, sizeof what, "set ops seed %lu", (unsigned long)seed);
  if (!check_partition(pu, eu, pin, what, 1) || !check_partition(px, &ex, pin, what, 1) ||
      !check_partition(pd, &ed, pin, what, 1))
    return;
  OK(lhrt_runtime_destroy(rt));
}

TEST(partition_random_point_by_point) {
  for (uint64_t s = 1; s <= (test_small ? 20u : 200u); s++) {
    one_trial(s);
    if (test_failed) return;
  }
}

TEST(partition_errors) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_index_space_t is, colors, c2;
  lhrt_field_space_t fs;
  lhrt_region_t r, r2;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 99), &is));
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 3), &colors));
  OK(lhrt_index_space_create_rect(rt, lhrt_rect2(0, 0, 1, 1), &c2));
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
  OK(lhrt_region_create(rt, is, fs, &r));
  OK(lhrt_region_create(rt, is, fs, &r2));
  lhrt_partition_t p, q, x;
  OK(lhrt_partition_create_equal(top, r, colors, &p));
  OK(lhrt_partition_create_equal(top, r2, colors, &q));
  lhrt_colored_rect_t bad = {lhrt_point1(9), lhrt_rect1(0, 3)};
  ERR(LHRT_ERR_BOUNDS, lhrt_partition_create_by_rects(top, r, colors, &bad, 1, LHRT_PART_COMPUTE, &x));
  ERR(LHRT_ERR_UNKNOWN_FIELD, lhrt_partition_create_by_field(top, r, 7, colors, &x));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_partition_create_by_union(top, p, q, 0, &x));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_partition_create_by_field(top, r, 0, c2, &x)); /* 8-byte field, 2-D colors */
  lhrt_region_t s;
  ERR(LHRT_ERR_NOT_FOUND, lhrt_partition_get_subregion(p, lhrt_point1(4), &s));
  OK(lhrt_partition_get_subregion(p, lhrt_point1(3), &s));
  /* 2-D parent, 2-D colors: blocks */
  lhrt_index_space_t g;
  lhrt_region_t rg;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect2(0, 0, 9, 9), &g));
  OK(lhrt_region_create(rt, g, fs, &rg));
  OK(lhrt_partition_create_equal(top, rg, c2, &x));
  OK(lhrt_partition_get_subregion(x, lhrt_point2(1, 1), &s));
  lhrt_index_space_t sis;
  lhrt_rect_t b;
  OK(lhrt_region_get_index_space(s, &sis));
  OK(lhrt_index_space_get_bounds(sis, &b));
  EXPECT(b.lo[0] == 5 && b.lo[1] == 5 && b.hi[0] == 9 && b.hi[1] == 9);
  OK(lhrt_runtime_destroy(rt));
}
