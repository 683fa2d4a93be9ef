/*
 * Which points of two index launches (or of one, twice) touch common points through a
 * requirement each: the subregions of point i of launch U for requirement ru and of point j of
 * V for rv share a point. Testing every pair of points costs npoints^2 region tests (4 million
 * for a 2048-piece circuit, on every launch), so this sweeps the subregions' rectangles along
 * their slowest dimension and compares only rectangles of the two sides that overlap there:
 * near-linear for the partitions apps use (a piece meets its neighbours, a tile its column),
 * and exact, since two subregions of one tree interfere exactly when they share a point.
 * Users: the interference check of one launch's points, and point-to-point dependences.
 */
#include "internal.h"

struct span {
  int64_t lo, hi;              /* the rectangle's extent along the sweep dimension */
  const lhrt_rect_t *r;
  uint64_t point;              /* the launch point whose subregion holds it */
  uint32_t side;               /* 0: U's requirement, 1: V's */
};

static int span_cmp(const void *x, const void *y) {
  const struct span *a = x, *b = y;
  return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* Appends the rectangles of every point's subregion for requirement r of l. */
static struct span *add_spans(struct launch *l, uint32_t r, uint32_t side, int dim, struct span *s) {
  for (uint64_t i = 0; i < l->npoints; i++) {
    const struct ispace *is = launch_sub(l, i, r)->is;
    for (uint64_t k = 0; is->volume && k < is->nrects; k++) {
      const lhrt_rect_t *x = &is->rects[k];
      if (rect_empty(x)) continue;
      *s++ = (struct span){x->lo[dim - 1], x->hi[dim - 1], x, i, side};
    }
  }
  return s;
}

static uint64_t count_rects(struct launch *l, uint32_t r) {
  uint64_t n = 0;
  for (uint64_t i = 0; i < l->npoints; i++) {
    const struct ispace *is = launch_sub(l, i, r)->is;
    n += is->volume ? is->nrects : 0;
  }
  return n;
}

lhrt_status_t launch_overlaps(struct launch *U, uint32_t ru, struct launch *V, uint32_t rv,
                              int (*fn)(void *ctx, uint64_t i, uint64_t j), void *ctx) {
  uint64_t nu = count_rects(U, ru), nv = count_rects(V, rv);
  if (!nu || !nv) return LHRT_OK;
  int dim = launch_sub(U, 0, ru)->is->dim;
  /* one allocation: the spans, then the two active lists (indices into the spans) */
  uint64_t n = nu + nv;
  struct span *s = plat_alloc(n * (sizeof *s + 2 * sizeof(uint64_t)));
  if (!s) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory comparing requirements %u and %u", ru, rv);
  uint64_t *active[2] = {(uint64_t *)(s + n), (uint64_t *)(s + n) + n}, nactive[2] = {0, 0};
  n = add_spans(V, rv, 1, dim, add_spans(U, ru, 0, dim, s)) - s;
  u_sort(s, n, sizeof *s, span_cmp);
  int stop = 0;
  for (uint64_t e = 0; e < n && !stop; e++) {
    uint32_t other = 1 - s[e].side;
    uint64_t kept = 0;
    for (uint64_t k = 0; k < nactive[other]; k++) {
      struct span *f = &s[active[other][k]];
      if (f->hi < s[e].lo) continue;              /* ends before everything still to come */
      active[other][kept++] = active[other][k];
      if (!stop && rect_intersect(f->r, s[e].r, NULL))
        stop = s[e].side ? fn(ctx, f->point, s[e].point) : fn(ctx, s[e].point, f->point);
    }
    nactive[other] = kept;
    active[s[e].side][nactive[s[e].side]++] = e;
  }
  plat_free(s);
  return LHRT_OK;
}

struct first_pair { uint64_t i, j; bool found; };

static int other_point(void *ctx, uint64_t i, uint64_t j) {
  struct first_pair *p = ctx;
  if (i == j) return 0;                            /* one point's own requirements */
  *p = (struct first_pair){i, j, true};
  return 1;
}

lhrt_status_t launch_pair_interference(struct launch *l, uint32_t a, uint32_t b) {
  struct first_pair p = {0};
  lhrt_status_t st = launch_overlaps(l, a, l, b, other_point, &p);
  if (!st && p.found)
    st = lhrt_err(LHRT_ERR_INTERFERENCE, "points %lu and %lu interfere through requirements %u and %u",
                  (unsigned long)p.i, (unsigned long)p.j, a, b);
  return st;
}
