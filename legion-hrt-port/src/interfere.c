/*
 * Interference between the points of one index launch: does point i's subregion for
 * requirement a share a point with point j's (i != j) for requirement b? Testing every pair of
 * points costs npoints^2 region tests on every launch (4 million for a 2048-piece circuit),
 * so this sweeps the subregions' rectangles along their slowest dimension instead and compares
 * only rectangles of the two requirements that overlap there: near-linear for the partitions
 * apps use (a piece meets its neighbours, a tile its column), and exact, since two subregions
 * of one tree interfere exactly when they share a point.
 */
#include "internal.h"

struct span {
  int64_t lo, hi;              /* the rectangle's extent along the sweep dimension */
  const lhrt_rect_t *r;
  uint64_t point;              /* the launch point whose subregion holds it */
  uint32_t side;               /* 0: requirement a, 1: requirement b */
};

static int span_cmp(const void *x, const void *y) {
  const struct span *a = x, *b = y;
  return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* Appends the rectangles of every point's subregion for requirement r. */
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

lhrt_status_t launch_pair_interference(struct launch *l, uint32_t a, uint32_t b) {
  uint64_t na = count_rects(l, a), nb = count_rects(l, b);
  if (!na || !nb) return LHRT_OK;
  int dim = launch_sub(l, 0, a)->is->dim;
  /* one allocation: the spans, then the two active lists (indices into the spans) */
  uint64_t n = na + nb;
  struct span *s = plat_alloc(n * (sizeof *s + 2 * sizeof(uint64_t)));
  if (!s) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory checking requirements %u and %u for interference", a, b);
  uint64_t *active[2] = {(uint64_t *)(s + n), (uint64_t *)(s + n) + n}, nactive[2] = {0, 0};
  n = add_spans(l, b, 1, dim, add_spans(l, a, 0, dim, s)) - s;
  u_sort(s, n, sizeof *s, span_cmp);
  lhrt_status_t st = LHRT_OK;
  for (uint64_t e = 0; e < n && !st; e++) {
    uint32_t other = 1 - s[e].side;
    uint64_t kept = 0;
    for (uint64_t k = 0; k < nactive[other]; k++) {
      struct span *f = &s[active[other][k]];
      if (f->hi < s[e].lo) continue;              /* ends before everything still to come */
      active[other][kept++] = active[other][k];
      if (f->point != s[e].point && rect_intersect(f->r, s[e].r, NULL)) {
        uint64_t i = s[e].side ? f->point : s[e].point, j = s[e].side ? s[e].point : f->point;
        st = lhrt_err(LHRT_ERR_INTERFERENCE, "points %lu and %lu interfere through requirements %u and %u",
                      (unsigned long)i, (unsigned long)j, a, b);
        break;
      }
    }
    if (!st) {
      nactive[other] = kept;
      active[s[e].side][nactive[s[e].side]++] = e;
    }
  }
  plat_free(s);
  return st;
}
