/*
 * Index spaces: 1-3-D sets of points kept as sorted, disjoint rectangles (one for a dense
 * space). Immutable once built, reference counted (handles, regions, partitions share them).
 * Set operations work rectangle by rectangle; 1-D inputs take a sort-and-merge fast path.
 */
#include "internal.h"

lhrt_point_t lhrt_point1(int64_t x) { lhrt_point_t p = {1, 0, {x, 0, 0}}; return p; }
lhrt_point_t lhrt_point2(int64_t x, int64_t y) { lhrt_point_t p = {2, 0, {x, y, 0}}; return p; }
lhrt_point_t lhrt_point3(int64_t x, int64_t y, int64_t z) { lhrt_point_t p = {3, 0, {x, y, z}}; return p; }
lhrt_rect_t lhrt_rect1(int64_t lo, int64_t hi) { lhrt_rect_t r = {1, 0, {lo, 0, 0}, {hi, 0, 0}}; return r; }
lhrt_rect_t lhrt_rect2(int64_t lox, int64_t loy, int64_t hix, int64_t hiy) {
  lhrt_rect_t r = {2, 0, {lox, loy, 0}, {hix, hiy, 0}};
  return r;
}
lhrt_rect_t lhrt_rect3(int64_t lox, int64_t loy, int64_t loz, int64_t hix, int64_t hiy, int64_t hiz) {
  lhrt_rect_t r = {3, 0, {lox, loy, loz}, {hix, hiy, hiz}};
  return r;
}

bool rect_empty(const lhrt_rect_t *r) {
  for (int i = 0; i < r->dim; i++) if (r->hi[i] < r->lo[i]) return true;
  return false;
}

uint64_t rect_volume(const lhrt_rect_t *r) {
  if (rect_empty(r)) return 0;
  uint64_t v = 1;
  for (int i = 0; i < r->dim; i++) v *= (uint64_t)(r->hi[i] - r->lo[i] + 1);
  return v;
}

bool rect_intersect(const lhrt_rect_t *a, const lhrt_rect_t *b, lhrt_rect_t *out) {
  lhrt_rect_t r = *a;
  for (int i = 0; i < a->dim; i++) {
    r.lo[i] = i64max(a->lo[i], b->lo[i]);
    r.hi[i] = i64min(a->hi[i], b->hi[i]);
    if (r.hi[i] < r.lo[i]) return false;
  }
  if (out) *out = r;
  return true;
}

bool rect_contains(const lhrt_rect_t *r, const lhrt_point_t *p) {
  for (int i = 0; i < r->dim; i++) if (p->x[i] < r->lo[i] || p->x[i] > r->hi[i]) return false;
  return true;
}

bool rect_contains_rect(const lhrt_rect_t *o, const lhrt_rect_t *in) {
  for (int i = 0; i < o->dim; i++) if (in->lo[i] < o->lo[i] || in->hi[i] > o->hi[i]) return false;
  return true;
}

/* Pieces of r not in s (up to 2*dim disjoint rectangles). */
static int rect_subtract(const lhrt_rect_t *r, const lhrt_rect_t *s, lhrt_rect_t *out) {
  lhrt_rect_t x;
  if (!rect_intersect(r, s, &x)) { out[0] = *r; return 1; }
  lhrt_rect_t rest = *r;
  int n = 0;
  for (int i = 0; i < r->dim; i++) {
    if (rest.lo[i] < x.lo[i]) { out[n] = rest; out[n].hi[i] = x.lo[i] - 1; n++; }
    if (rest.hi[i] > x.hi[i]) { out[n] = rest; out[n].lo[i] = x.hi[i] + 1; n++; }
    rest.lo[i] = x.lo[i];
    rest.hi[i] = x.hi[i];
  }
  return n;
}

/* Order: slowest dimension first, so rectangles come in memory order of a dim-0-fastest layout. */
static int rect_cmp(const void *pa, const void *pb) {
  const lhrt_rect_t *a = pa, *b = pb;
  for (int i = a->dim - 1; i >= 0; i--) {
    if (a->lo[i] != b->lo[i]) return a->lo[i] < b->lo[i] ? -1 : 1;
  }
  for (int i = a->dim - 1; i >= 0; i--) {
    if (a->hi[i] != b->hi[i]) return a->hi[i] < b->hi[i] ? -1 : 1;
  }
  return 0;
}

/* Growable rectangle list. */
struct rl { lhrt_rect_t *r; uint64_t n, cap; bool oom; };
static void rl_push(struct rl *l, const lhrt_rect_t *r) {
  if (l->n == l->cap) {
    uint64_t nc = l->cap ? l->cap * 2 : 8;
    lhrt_rect_t *nr = plat_realloc(l->r, nc * sizeof *nr);
    if (!nr) { l->oom = true; return; }
    l->r = nr;
    l->cap = nc;
  }
  l->r[l->n++] = *r;
}

/* Merges neighbours that differ only in dim 0 and touch (input sorted, disjoint). */
static void coalesce(struct rl *l) {
  if (l->n < 2) return;
  uint64_t w = 0;
  for (uint64_t i = 1; i < l->n; i++) {
    lhrt_rect_t *a = &l->r[w], *b = &l->r[i];
    bool same = a->hi[0] + 1 == b->lo[0];
    for (int d = 1; d < a->dim && same; d++) same = a->lo[d] == b->lo[d] && a->hi[d] == b->hi[d];
    if (same) a->hi[0] = b->hi[0];
    else l->r[++w] = *b;
  }
  l->n = w + 1;
}

/* Makes an arbitrary list (overlaps, empties) disjoint, sorted and coalesced. */
static void normalize(struct rl *in, int32_t dim, struct rl *out) {
  u_sort(in->r, in->n, sizeof(lhrt_rect_t), rect_cmp);
  if (dim == 1) {
    for (uint64_t i = 0; i < in->n; i++) {
      if (rect_empty(&in->r[i])) continue;
      if (out->n && out->r[out->n - 1].hi[0] + 1 >= in->r[i].lo[0]) {
        lhrt_rect_t *last = &out->r[out->n - 1];
        last->hi[0] = i64max(last->hi[0], in->r[i].hi[0]);
      } else rl_push(out, &in->r[i]);
    }
    return;
  }
  /* A sweep along the slowest dimension s: the input comes sorted by its low end there, and what
   * out gets from in[i] lies inside in[i], so an out rectangle that ends below in[i].lo[s] meets
   * no later input and leaves the active list for good. Without it every input was cut against
   * every output: quadratic, minutes for a 200x200 grid of halo tiles. */
  int s = dim - 1;
  uint64_t *act = NULL, nact = 0, capact = 0;
  for (uint64_t i = 0; i < in->n; i++) {
    if (rect_empty(&in->r[i])) continue;
    uint64_t w = 0;
    for (uint64_t a = 0; a < nact; a++)
      if (out->r[act[a]].hi[s] >= in->r[i].lo[s]) act[w++] = act[a];
    nact = w;
    struct rl pieces = {0}, next = {0};
    rl_push(&pieces, &in->r[i]);
    for (uint64_t a = 0; a < nact && pieces.n; a++) {
      const lhrt_rect_t *o = &out->r[act[a]];
      if (!rect_intersect(&in->r[i], o, NULL)) continue;
      next.n = 0;
      for (uint64_t k = 0; k < pieces.n; k++) {
        lhrt_rect_t tmp[6];
        int m = rect_subtract(&pieces.r[k], o, tmp);
        for (int q = 0; q < m; q++) rl_push(&next, &tmp[q]);
      }
      struct rl t = pieces; pieces = next; next = t;
    }
    if (nact + pieces.n > capact) {
      uint64_t nc = (nact + pieces.n) * 2;
      uint64_t *na = plat_realloc(act, nc * sizeof *na);
      if (!na) out->oom = true;
      else { act = na; capact = nc; }
    }
    for (uint64_t k = 0; k < pieces.n; k++) {
      if (nact < capact) act[nact++] = out->n;
      rl_push(out, &pieces.r[k]);
    }
    out->oom |= pieces.oom || next.oom;
    plat_free(pieces.r);
    plat_free(next.r);
  }
  plat_free(act);
  u_sort(out->r, out->n, sizeof(lhrt_rect_t), rect_cmp);
  coalesce(out);
}

/* Builds a space taking ownership of nothing: rects are normalised into fresh storage. */
struct ispace *is_new(struct lhrt_runtime *rt, int32_t dim, lhrt_rect_t *rects, uint64_t n, bool owned) {
  struct rl in = {0}, out = {0};
  for (uint64_t i = 0; i < n; i++) { lhrt_rect_t r = rects[i]; r.dim = dim; r.pad = 0; rl_push(&in, &r); }
  normalize(&in, dim, &out);
  plat_free(in.r);
  struct ispace *is = plat_zalloc(sizeof *is);
  if (!is || in.oom || out.oom) { plat_free(is); plat_free(out.r); return NULL; }
  is->dim = dim;
  is->refs = 1;
  is->nrects = out.n;
  if (out.n <= 1) {
    if (out.n) is->one = out.r[0];
    plat_free(out.r);
    is->rects = &is->one;
  } else {
    is->rects = out.r;
  }
  is->bounds.dim = dim;
  for (int d = 0; d < dim; d++) { is->bounds.lo[d] = 0; is->bounds.hi[d] = -1; }
  for (uint64_t i = 0; i < out.n; i++) {
    lhrt_rect_t *r = &is->rects[i];
    is->volume += rect_volume(r);
    for (int d = 0; d < dim; d++) {
      if (i == 0 || r->lo[d] < is->bounds.lo[d]) is->bounds.lo[d] = r->lo[d];
      if (i == 0 || r->hi[d] > is->bounds.hi[d]) is->bounds.hi[d] = r->hi[d];
    }
  }
  obj_init(rt, &is->o, K_ISPACE, owned);
  return is;
}

static int point_cmp(const void *pa, const void *pb) {
  const lhrt_point_t *a = pa, *b = pb;
  for (int i = LHRT_MAX_DIM - 1; i >= 0; i--) {
    if (a->x[i] != b->x[i]) return a->x[i] < b->x[i] ? -1 : 1;
  }
  return 0;
}

/* Sorts the points (in place) and turns runs along dim 0 into rectangles. */
struct ispace *is_from_points(struct lhrt_runtime *rt, int32_t dim, lhrt_point_t *pts, uint64_t n) {
  for (uint64_t i = 0; i < n; i++) {
    pts[i].dim = dim;
    pts[i].pad = 0;
    for (int d = dim; d < LHRT_MAX_DIM; d++) pts[i].x[d] = 0;
  }
  u_sort(pts, n, sizeof *pts, point_cmp);
  struct rl runs = {0};
  for (uint64_t i = 0; i < n;) {
    uint64_t j = i + 1;
    while (j < n && (point_cmp(&pts[j], &pts[j - 1]) == 0 ||
                     (pts[j].x[0] == pts[j - 1].x[0] + 1 && pts[j].x[1] == pts[i].x[1] && pts[j].x[2] == pts[i].x[2])))
      j++;
    lhrt_rect_t r = {dim, 0, {pts[i].x[0], pts[i].x[1], pts[i].x[2]}, {pts[j - 1].x[0], pts[i].x[1], pts[i].x[2]}};
    rl_push(&runs, &r);
    i = j;
  }
  struct ispace *is = runs.oom ? NULL : is_new(rt, dim, runs.r, runs.n, false);
  plat_free(runs.r);
  return is;
}

struct ispace *is_op(struct lhrt_runtime *rt, const struct ispace *a, const struct ispace *b, int op) {
  struct rl out = {0};
  if (op == IS_UNION) {
    for (uint64_t i = 0; i < a->nrects; i++) rl_push(&out, &a->rects[i]);
    for (uint64_t i = 0; i < b->nrects; i++) rl_push(&out, &b->rects[i]);
  } else if (op == IS_INTERSECT) {
    for (uint64_t i = 0; i < a->nrects; i++) {
      for (uint64_t j = 0; j < b->nrects; j++) {
        lhrt_rect_t x;
        if (rect_intersect(&a->rects[i], &b->rects[j], &x)) rl_push(&out, &x);
      }
    }
  } else {
    struct rl cur = {0}, next = {0};
    for (uint64_t i = 0; i < a->nrects; i++) {
      cur.n = 0;
      rl_push(&cur, &a->rects[i]);
      for (uint64_t j = 0; j < b->nrects && cur.n; j++) {
        if (!rect_intersect(&a->rects[i], &b->rects[j], NULL)) continue;
        next.n = 0;
        for (uint64_t k = 0; k < cur.n; k++) {
          lhrt_rect_t tmp[6];
          int m = rect_subtract(&cur.r[k], &b->rects[j], tmp);
          for (int q = 0; q < m; q++) rl_push(&next, &tmp[q]);
        }
        struct rl t = cur; cur = next; next = t;
      }
      for (uint64_t k = 0; k < cur.n; k++) rl_push(&out, &cur.r[k]);
    }
    out.oom |= cur.oom || next.oom;
    plat_free(cur.r);
    plat_free(next.r);
  }
  struct ispace *is = out.oom ? NULL : is_new(rt, a->dim, out.r, out.n, false);
  plat_free(out.r);
  return is;
}

void is_ref(struct ispace *is) { A_ADD(&is->refs, 1); }

void is_unref(struct ispace *is) {
  if (!is || A_SUB(&is->refs, 1) != 0) return;
  obj_fini(&is->o);
  if (is->rects != &is->one) plat_free(is->rects);
  plat_free(is);
}

/* First rectangle of b (1-D) that ends at or after x: b's rectangles are disjoint and sorted,
 * so their ends are sorted too. */
static uint64_t first_ending_from(const struct ispace *b, int64_t x) {
  uint64_t lo = 0, hi = b->nrects;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (b->rects[mid].hi[0] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Do two spaces share a point? Their rectangles are disjoint and sorted by the slowest
 * dimension's lower bound: in 1-D one merge pass answers (after a binary search to b's first
 * candidate), so overlap tests of image and difference partitions with many rectangles stay
 * linear; in more dimensions a's rectangle stops scanning b where b's start past its end. */
bool is_overlaps(const struct ispace *a, const struct ispace *b) {
  if (!a->volume || !b->volume || !rect_intersect(&a->bounds, &b->bounds, NULL)) return false;
  if (a->nrects == 1 && b->nrects == 1) return true;
  if (a->dim == 1) {
    if (a->nrects > b->nrects) { const struct ispace *t = a; a = b; b = t; }
    uint64_t i = 0, j = first_ending_from(b, a->rects[0].lo[0]);
    while (i < a->nrects && j < b->nrects) {
      const lhrt_rect_t *x = &a->rects[i], *y = &b->rects[j];
      if (x->hi[0] < y->lo[0]) i++;
      else if (y->hi[0] < x->lo[0]) j++;
      else return true;
    }
    return false;
  }
  int slow = a->dim - 1;
  for (uint64_t i = 0; i < a->nrects; i++) {
    const lhrt_rect_t *x = &a->rects[i];
    if (!rect_intersect(x, &b->bounds, NULL)) continue;
    for (uint64_t j = 0; j < b->nrects && b->rects[j].lo[slow] <= x->hi[slow]; j++) {
      if (rect_intersect(x, &b->rects[j], NULL)) return true;
    }
  }
  return false;
}

bool is_contains(const struct ispace *is, const lhrt_point_t *p) {
  if (!rect_contains(&is->bounds, p) || !is->volume) return false;
  if (is->nrects == 1) return true;
  if (is->dim == 1) { /* binary search over sorted disjoint intervals */
    uint64_t lo = 0, hi = is->nrects;
    while (lo < hi) {
      uint64_t mid = (lo + hi) / 2;
      if (is->rects[mid].hi[0] < p->x[0]) lo = mid + 1;
      else hi = mid;
    }
    return lo < is->nrects && is->rects[lo].lo[0] <= p->x[0];
  }
  for (uint64_t i = 0; i < is->nrects; i++) if (rect_contains(&is->rects[i], p)) return true;
  return false;
}

/* 1-D: each interval of inner lies inside one of outer's (they are coalesced: two touching
 * intervals would have been one), found by binary search. */
static bool contains_1d(const struct ispace *outer, const struct ispace *inner) {
  for (uint64_t i = 0; i < inner->nrects; i++) {
    const lhrt_rect_t *x = &inner->rects[i];
    uint64_t j = first_ending_from(outer, x->lo[0]);
    if (j == outer->nrects || outer->rects[j].lo[0] > x->lo[0] || outer->rects[j].hi[0] < x->hi[0]) return false;
  }
  return true;
}

bool is_contains_space(const struct ispace *outer, const struct ispace *inner) {
  if (!inner->volume) return true;
  if (!outer->volume || !rect_contains_rect(&outer->bounds, &inner->bounds)) return false;
  if (inner->dim == 1) return contains_1d(outer, inner);
  struct ispace *x = is_op(NULL, inner, outer, IS_INTERSECT);
  bool r = x && x->volume == inner->volume;
  is_unref(x);
  return r;
}

int64_t is_linear(const lhrt_rect_t *b, const lhrt_point_t *p) {
  if (!rect_contains(b, p)) return -1;
  int64_t idx = 0;
  for (int d = b->dim - 1; d >= 0; d--) idx = idx * (b->hi[d] - b->lo[d] + 1) + (p->x[d] - b->lo[d]);
  return idx;
}

void rect_point_at(const lhrt_rect_t *r, uint64_t i, lhrt_point_t *out) {
  out->dim = r->dim;
  out->pad = 0;
  for (int d = 0; d < LHRT_MAX_DIM; d++) {
    if (d >= r->dim) { out->x[d] = 0; continue; }
    if (d == r->dim - 1) { out->x[d] = r->lo[d] + (int64_t)i; continue; } /* i < its extent: no division */
    uint64_t ext = (uint64_t)(r->hi[d] - r->lo[d] + 1);
    out->x[d] = r->lo[d] + (int64_t)(i % ext);
    i /= ext;
  }
}

void is_point_at(const struct ispace *is, uint64_t i, lhrt_point_t *out) {
  if (is->nrects == 1) { rect_point_at(&is->rects[0], i, out); return; } /* i < its volume */
  for (uint64_t k = 0; k < is->nrects; k++) {
    uint64_t v = rect_volume(&is->rects[k]);
    if (i < v) { rect_point_at(&is->rects[k], i, out); return; }
    i -= v;
  }
}

/* Every point of is in order, written to first, first + stride bytes, ...: is_point_at for
 * each index, but stepping an odometer through each rectangle instead of dividing (two 64-bit
 * divisions a dimension were a fifth of an empty index launch's setup). */
void is_points_into(const struct ispace *is, lhrt_point_t *first, uint64_t stride) {
  char *out = (char *)first;
  for (uint64_t k = 0; k < is->nrects; k++) {
    const lhrt_rect_t *r = &is->rects[k];
    if (rect_empty(r)) continue;
    lhrt_point_t p = {r->dim, 0, {0, 0, 0}};
    for (int d = 0; d < r->dim; d++) p.x[d] = r->lo[d];
    for (;;) {
      u_memcpy(out, &p, sizeof p);
      out += stride;
      int d = 0;
      while (d < r->dim && p.x[d] == r->hi[d]) p.x[d] = r->lo[d], d++;
      if (d == r->dim) break;
      p.x[d]++;
    }
  }
}

/* ------------------------------------------------------------- public API ---- */

static lhrt_status_t check_rect(const lhrt_rect_t *r, int32_t dim) {
  if (dim < 1 || dim > LHRT_MAX_DIM) return lhrt_err(LHRT_ERR_INVALID_ARG, "dimension %d not in 1..3", dim);
  if (r && r->dim != dim) return lhrt_err(LHRT_ERR_INVALID_ARG, "rect of dimension %d in a %d-D space", r->dim, dim);
  return LHRT_OK;
}

static lhrt_status_t publish(struct ispace *is, lhrt_index_space_t *out) {
  if (!is) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory building an index space");
  lhrt_status_t st = h_out(&out->impl, &is->o);
  if (st) { obj_unlink(&is->o); is_unref(is); }
  return st;
}

lhrt_status_t lhrt_index_space_create_rect(lhrt_runtime_t rt, lhrt_rect_t r, lhrt_index_space_t *out) {
  return lhrt_index_space_create_rects(rt, r.dim, &r, 1, out);
}

lhrt_status_t lhrt_index_space_create_rects(lhrt_runtime_t h, int32_t dim, const lhrt_rect_t *rects, uint64_t n,
                                            lhrt_index_space_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  if (n && !rects) return lhrt_err(LHRT_ERR_INVALID_ARG, "rects is NULL");
  lhrt_status_t st = check_rect(NULL, dim);
  for (uint64_t i = 0; !st && i < n; i++) st = check_rect(&rects[i], dim);
  if (st) return st;
  return publish(is_new(rt, dim, (lhrt_rect_t *)rects, n, true), out);
}

lhrt_status_t lhrt_index_space_create_points(lhrt_runtime_t h, int32_t dim, const lhrt_point_t *pts, uint64_t n,
                                             lhrt_index_space_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  if (n && !pts) return lhrt_err(LHRT_ERR_INVALID_ARG, "points is NULL");
  lhrt_status_t st = check_rect(NULL, dim);
  if (st) return st;
  for (uint64_t i = 0; i < n; i++)
    if (pts[i].dim != dim) return lhrt_err(LHRT_ERR_INVALID_ARG, "point %lu has dimension %d, not %d", i, pts[i].dim, dim);
  lhrt_point_t *copy = plat_alloc(n * sizeof *copy);
  if (!copy) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  if (n) u_memcpy(copy, pts, n * sizeof *copy);
  struct ispace *is = is_from_points(rt, dim, copy, n);
  plat_free(copy);
  if (is) obj_init(rt, &is->o, K_ISPACE, true);
  return publish(is, out);
}

static lhrt_status_t setop(lhrt_index_space_t ha, lhrt_index_space_t hb, lhrt_index_space_t *out, int op) {
  CHECK(a, struct ispace, K_ISPACE, ha);
  CHECK(b, struct ispace, K_ISPACE, hb);
  NEED(out);
  SAME_RT(a->o.rt, &b->o, "the second index space");
  if (a->dim != b->dim) return lhrt_err(LHRT_ERR_INVALID_ARG, "index spaces of dimension %d and %d", a->dim, b->dim);
  struct ispace *r = is_op(a->o.rt, a, b, op);
  if (r) obj_init(a->o.rt, &r->o, K_ISPACE, true);
  return publish(r, out);
}

lhrt_status_t lhrt_index_space_union(lhrt_index_space_t a, lhrt_index_space_t b, lhrt_index_space_t *out) {
  return setop(a, b, out, IS_UNION);
}
lhrt_status_t lhrt_index_space_intersection(lhrt_index_space_t a, lhrt_index_space_t b, lhrt_index_space_t *out) {
  return setop(a, b, out, IS_INTERSECT);
}
lhrt_status_t lhrt_index_space_difference(lhrt_index_space_t a, lhrt_index_space_t b, lhrt_index_space_t *out) {
  return setop(a, b, out, IS_DIFF);
}

lhrt_status_t lhrt_index_space_destroy(lhrt_index_space_t h) {
  CHECK(is, struct ispace, K_ISPACE, h);
  if (!obj_owned(&is->o))
    return lhrt_err(LHRT_ERR_STATE, "index space handle %p is borrowed, or was destroyed and the regions, partitions "
                    "or launches that still use the space keep it until they go", h.impl);
  obj_unlink(&is->o);
  is_unref(is);
  return LHRT_OK;
}

lhrt_status_t lhrt_index_space_get_dim(lhrt_index_space_t h, int32_t *out) {
  CHECK(is, struct ispace, K_ISPACE, h); NEED(out); *out = is->dim; return LHRT_OK;
}
lhrt_status_t lhrt_index_space_get_volume(lhrt_index_space_t h, uint64_t *out) {
  CHECK(is, struct ispace, K_ISPACE, h); NEED(out); *out = is->volume; return LHRT_OK;
}
lhrt_status_t lhrt_index_space_get_bounds(lhrt_index_space_t h, lhrt_rect_t *out) {
  CHECK(is, struct ispace, K_ISPACE, h); NEED(out); *out = is->bounds; return LHRT_OK;
}
lhrt_status_t lhrt_index_space_get_rect_count(lhrt_index_space_t h, uint64_t *out) {
  CHECK(is, struct ispace, K_ISPACE, h); NEED(out); *out = is->nrects; return LHRT_OK;
}
lhrt_status_t lhrt_index_space_get_rect(lhrt_index_space_t h, uint64_t i, lhrt_rect_t *out) {
  CHECK(is, struct ispace, K_ISPACE, h);
  NEED(out);
  if (i >= is->nrects) return lhrt_err(LHRT_ERR_BOUNDS, "rect %lu of %lu", i, is->nrects);
  *out = is->rects[i];
  return LHRT_OK;
}
lhrt_status_t lhrt_index_space_get_rects(lhrt_index_space_t h, uint64_t first, lhrt_rect_t *out, uint64_t max,
                                         uint64_t *n) {
  CHECK(is, struct ispace, K_ISPACE, h);
  NEED(n);
  if (max && !out) return lhrt_err(LHRT_ERR_INVALID_ARG, "out is NULL");
  *n = 0;
  for (uint64_t i = first; i < is->nrects && *n < max; i++) out[(*n)++] = is->rects[i];
  return LHRT_OK;
}
lhrt_status_t lhrt_index_space_contains(lhrt_index_space_t h, lhrt_point_t p, int32_t *out) {
  CHECK(is, struct ispace, K_ISPACE, h);
  NEED(out);
  if (p.dim != is->dim) return lhrt_err(LHRT_ERR_INVALID_ARG, "point of dimension %d in a %d-D space", p.dim, is->dim);
  *out = is_contains(is, &p);
  return LHRT_OK;
}
lhrt_status_t lhrt_index_space_get_point(lhrt_index_space_t h, uint64_t i, lhrt_point_t *out) {
  CHECK(is, struct ispace, K_ISPACE, h);
  NEED(out);
  if (i >= is->volume) return lhrt_err(LHRT_ERR_BOUNDS, "point %lu of %lu", i, is->volume);
  is_point_at(is, i, out);
  return LHRT_OK;
}

lhrt_status_t lhrt_index_iter_init(lhrt_index_space_t h, lhrt_index_iter_t *it) {
  CHECK(is, struct ispace, K_ISPACE, h);
  NEED(it);
  it->space = h.impl;  /* the handle, not the space: next checks it again */
  it->rect = 0;
  u_memset(&it->cur, 0, sizeof it->cur);
  it->cur.pad = -1; /* not started */
  return LHRT_OK;
}

lhrt_status_t lhrt_index_iter_next(lhrt_index_iter_t *it, lhrt_point_t *p, int32_t *valid) {
  NEED(it); NEED(p); NEED(valid);
  lhrt_index_space_t h = {it->space};
  CHECK(is, struct ispace, K_ISPACE, h);
  *valid = 0;
  if (it->rect >= is->nrects || !is->volume) return LHRT_OK;
  const lhrt_rect_t *r = &is->rects[it->rect];
  if (it->cur.pad == -1) {
    it->cur.dim = is->dim; it->cur.pad = 0;
    for (int d = 0; d < is->dim; d++) it->cur.x[d] = r->lo[d];
  } else {
    int d = 0;
    for (; d < is->dim; d++) {
      if (++it->cur.x[d] <= r->hi[d]) break;
      it->cur.x[d] = r->lo[d];
    }
    if (d == is->dim) {
      if (++it->rect >= is->nrects) return LHRT_OK;
      r = &is->rects[it->rect];
      for (int k = 0; k < is->dim; k++) it->cur.x[k] = r->lo[k];
    }
  }
  *p = it->cur;
  *valid = 1;
  return LHRT_OK;
}
