/*
 * Partitions: equal, by coloring (rectangles per color), by field, image, preimage, and the
 * color-wise union/intersection/difference of two partitions. Disjointness and completeness
 * are computed (a sweep over rectangles sorted by their first coordinate) unless asserted.
 * Field-based partitions read their field through an inline mapping, so they are ordered
 * after earlier writers like any other reader.
 */
#include "internal.h"

lhrt_status_t check_colors_n(uint64_t n, struct ispace ***subs);

/* Per-slot growable point lists. */
/* Points gathered for one subspace, as runs along dimension 0: a walk in order (by-field,
 * preimage) or over contiguous targets (image) gives a few runs instead of a point each, so
 * partitioning a large space does not hold one record per point. Runs may repeat or overlap
 * (an image reaches a point twice): is_new normalises. */
struct run { lhrt_point_t lo; int64_t len; };
struct plist { struct run *r; uint64_t n, cap; };
static bool pl_push(struct plist *l, const lhrt_point_t *p) {
  if (l->n) {
    struct run *last = &l->r[l->n - 1];
    if (p->x[0] == last->lo.x[0] + last->len && p->x[1] == last->lo.x[1] && p->x[2] == last->lo.x[2]) {
      last->len++;
      return true;
    }
  }
  if (l->n == l->cap) {
    uint64_t nc = l->cap ? l->cap * 2 : 8;
    struct run *nr = plat_realloc(l->r, nc * sizeof *nr);
    if (!nr) return false;
    l->r = nr;
    l->cap = nc;
  }
  l->r[l->n++] = (struct run){*p, 1};
  return true;
}

/* {@return the space of list l's runs} (NULL when out of memory); the runs stay the caller's. */
static struct ispace *pl_space(struct plist *l, int32_t dim) {
  lhrt_rect_t *rects = plat_alloc(l->n * sizeof *rects);
  struct ispace *is = NULL;
  if (rects) {
    for (uint64_t i = 0; i < l->n; i++) {
      const lhrt_point_t *a = &l->r[i].lo;
      rects[i] = (lhrt_rect_t){dim, 0, {a->x[0], a->x[1], a->x[2]}, {a->x[0] + l->r[i].len - 1, a->x[1], a->x[2]}};
    }
    is = is_new(NULL, dim, rects, l->n, false);
  }
  plat_free(rects);
  return is;
}

struct slotrect { lhrt_rect_t r; uint64_t slot; };
static int sr_cmp(const void *a, const void *b) {
  const struct slotrect *x = a, *y = b;
  return x->r.lo[0] < y->r.lo[0] ? -1 : x->r.lo[0] > y->r.lo[0];
}

static bool compute_disjoint(struct ispace **subs, uint64_t n) {
  uint64_t total = 0;
  for (uint64_t i = 0; i < n; i++) if (subs[i]) total += subs[i]->nrects;
  struct slotrect *all = plat_alloc((total ? total : 1) * sizeof *all);
  uint64_t *active = plat_alloc((total ? total : 1) * sizeof *active);
  if (!all || !active) { plat_free(all); plat_free(active); return false; }
  uint64_t k = 0;
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t j = 0; subs[i] && j < subs[i]->nrects; j++) { all[k].r = subs[i]->rects[j]; all[k++].slot = i; }
  u_sort(all, total, sizeof *all, sr_cmp);
  bool disjoint = true;
  uint64_t na = 0;
  for (uint64_t i = 0; i < total && disjoint; i++) {
    uint64_t w = 0;
    for (uint64_t a = 0; a < na; a++) {
      struct slotrect *o = &all[active[a]];
      if (o->r.hi[0] < all[i].r.lo[0]) continue; /* ended: drop */
      active[w++] = active[a];
      if (o->slot != all[i].slot && rect_intersect(&o->r, &all[i].r, NULL)) disjoint = false;
    }
    na = w;
    active[na++] = i;
  }
  plat_free(all);
  plat_free(active);
  return disjoint;
}

static bool compute_complete(struct region *parent, struct ispace **subs, uint64_t n, bool disjoint) {
  uint64_t vol = 0;
  if (disjoint) {
    for (uint64_t i = 0; i < n; i++) if (subs[i]) vol += subs[i]->volume;
    return vol == parent->is->volume;
  }
  /* One union of every piece's rectangles: folding them in one by one normalised the growing
   * union again for each piece. */
  uint64_t total = 0;
  for (uint64_t i = 0; i < n; i++) if (subs[i]) total += subs[i]->nrects;
  lhrt_rect_t *all = plat_alloc((total ? total : 1) * sizeof *all);
  if (!all) return false;
  uint64_t k = 0;
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t j = 0; subs[i] && j < subs[i]->nrects; j++) all[k++] = subs[i]->rects[j];
  struct ispace *acc = is_new(NULL, parent->is->dim, all, total, false);
  plat_free(all);
  bool complete = acc && acc->volume == parent->is->volume;
  is_unref(acc);
  return complete;
}

/* Finishes a partition: every color of colors gets a (possibly empty) space; computes
 * disjoint/complete per kind; frees subs on failure. */
static lhrt_status_t finish(struct region *parent, struct ispace *colors, struct ispace **subs, uint32_t kind,
                            lhrt_partition_t *out) {
  uint64_t n = rect_volume(&colors->bounds);
  lhrt_status_t st = LHRT_OK;
  for (uint64_t i = 0; i < n && !st; i++) {
    lhrt_point_t c;
    rect_point_at(&colors->bounds, i, &c);
    if (!is_contains(colors, &c)) { is_unref(subs[i]); subs[i] = NULL; continue; }
    if (!subs[i] && !(subs[i] = is_new(NULL, parent->is->dim, NULL, 0, false))) st = LHRT_ERR_NO_MEMORY;
  }
  bool disjoint = kind == LHRT_PART_DISJOINT || kind == LHRT_PART_DISJOINT_COMPLETE;
  bool complete = kind == LHRT_PART_DISJOINT_COMPLETE;
  if (!st && kind == LHRT_PART_COMPUTE) disjoint = compute_disjoint(subs, n);
  if (!st && kind != LHRT_PART_DISJOINT_COMPLETE) complete = compute_complete(parent, subs, n, disjoint);
  struct partition *p = st ? NULL : part_new(parent, colors, subs, LHRT_PART_ALIASED);
  for (uint64_t i = 0; i < n; i++) is_unref(subs[i]);
  plat_free(subs);
  if (!p) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory building a partition");
  p->disjoint = disjoint;
  p->complete = complete;
  return h_out(&out->impl, &p->o);  /* on failure p stays with its tree, as a released one does */
}

static lhrt_status_t check_colors(struct ispace *colors, struct ispace ***subs) {
  uint64_t n = rect_volume(&colors->bounds);
  if (n > LHRT_MAX_COLORS) return lhrt_err(LHRT_ERR_LIMIT, "color space bounds hold %lu colors (limit 2^26)", n);
  *subs = plat_zalloc((n ? n : 1) * sizeof **subs);
  return *subs ? LHRT_OK : lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
}

static lhrt_status_t check_kind(uint32_t kind) {
  return kind <= LHRT_PART_DISJOINT_COMPLETE ? LHRT_OK : lhrt_err(LHRT_ERR_INVALID_ARG, "partition kind %u unknown", kind);
}

/* ------------------------------------------------------------------ equal ---- */

/* Block decomposition when parent and colors are dense and of the same dimension. */
static bool equal_blocks(struct region *parent, struct ispace *colors, struct ispace **subs) {
  const lhrt_rect_t *pb = &parent->is->bounds, *cb = &colors->bounds;
  uint64_t n = rect_volume(cb);
  for (uint64_t i = 0; i < n; i++) {
    lhrt_point_t c;
    rect_point_at(cb, i, &c);
    lhrt_rect_t r = *pb;
    for (int d = 0; d < pb->dim; d++) {
      int64_t ext = pb->hi[d] - pb->lo[d] + 1, nc = cb->hi[d] - cb->lo[d] + 1, k = c.x[d] - cb->lo[d];
      r.lo[d] = pb->lo[d] + ext * k / nc;
      r.hi[d] = pb->lo[d] + ext * (k + 1) / nc - 1;
    }
    if (!(subs[i] = is_new(NULL, pb->dim, &r, 1, false))) return false;
  }
  return true;
}

/* Consecutive runs of the parent's points in iteration order, one run per color. */
static bool equal_linear(struct region *parent, struct ispace *colors, struct ispace **subs) {
  uint64_t V = parent->is->volume, C = colors->volume, pos = 0;
  struct { lhrt_rect_t *r; uint64_t n, cap; } *lists = plat_zalloc((C ? C : 1) * sizeof *lists);
  uint64_t *slot = plat_alloc((C ? C : 1) * sizeof *slot);
  bool ok = lists && slot;
  for (uint64_t c = 0; ok && c < C; c++) {
    lhrt_point_t p;
    is_point_at(colors, c, &p);
    slot[c] = (uint64_t)is_linear(&colors->bounds, &p);
  }
  for (uint64_t k = 0; ok && k < parent->is->nrects; k++) {
    lhrt_rect_t rr = parent->is->rects[k];
    uint64_t len0 = (uint64_t)(rr.hi[0] - rr.lo[0] + 1), rows = rect_volume(&rr) / len0;
    for (uint64_t row = 0; ok && row < rows; row++) {
      lhrt_point_t rp;
      rect_point_at(&rr, row * len0, &rp);
      uint64_t done = 0;
      while (ok && done < len0) {
        uint64_t c = (pos * C) / V; /* color of this position; its run ends at ceil((c+1)V/C) */
        uint64_t end = ((c + 1) * V + C - 1) / C;
        while (end <= pos) { c++; end = ((c + 1) * V + C - 1) / C; }
        uint64_t take = end - pos < len0 - done ? end - pos : len0 - done;
        lhrt_rect_t piece = {rr.dim, 0, {rp.x[0] + (int64_t)done, rp.x[1], rp.x[2]},
                             {rp.x[0] + (int64_t)(done + take) - 1, rp.x[1], rp.x[2]}};
        if (lists[c].n == lists[c].cap) {
          uint64_t nc = lists[c].cap ? lists[c].cap * 2 : 4;
          lhrt_rect_t *nr = plat_realloc(lists[c].r, nc * sizeof *nr);
          if (!nr) { ok = false; break; }
          lists[c].r = nr;
          lists[c].cap = nc;
        }
        lists[c].r[lists[c].n++] = piece;
        done += take;
        pos += take;
      }
    }
  }
  for (uint64_t c = 0; ok && c < C; c++)
    if (!(subs[slot[c]] = is_new(NULL, parent->is->dim, lists[c].r, lists[c].n, false))) ok = false;
  for (uint64_t c = 0; lists && c < C; c++) plat_free(lists[c].r);
  plat_free(lists);
  plat_free(slot);
  return ok;
}

lhrt_status_t lhrt_partition_create_equal(lhrt_ctx_t ctx, lhrt_region_t ph, lhrt_index_space_t ch,
                                          lhrt_partition_t *out) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  CHECK(parent, struct region, K_REGION, ph);
  CHECK(colors, struct ispace, K_ISPACE, ch);
  NEED(out);
  SAME_RT(t->o.rt, &parent->o, "the parent region");
  SAME_RT(t->o.rt, &colors->o, "the color space");
  if (!colors->volume) return lhrt_err(LHRT_ERR_INVALID_ARG, "empty color space");
  struct ispace **subs;
  if ((st = check_colors(colors, &subs))) return st;
  bool blocks = parent->is->nrects == 1 && colors->nrects == 1 && parent->is->dim == colors->dim;
  if (!(blocks ? equal_blocks(parent, colors, subs) : equal_linear(parent, colors, subs))) {
    for (uint64_t i = 0; i < rect_volume(&colors->bounds); i++) is_unref(subs[i]);
    plat_free(subs);
    return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  }
  return finish(parent, colors, subs, LHRT_PART_DISJOINT_COMPLETE, out);
}

/* --------------------------------------------------------------- by rects ---- */

lhrt_status_t lhrt_partition_create_by_rects(lhrt_ctx_t ctx, lhrt_region_t ph, lhrt_index_space_t ch,
                                             const lhrt_colored_rect_t *items, uint64_t n, uint32_t kind,
                                             lhrt_partition_t *out) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  CHECK(parent, struct region, K_REGION, ph);
  CHECK(colors, struct ispace, K_ISPACE, ch);
  NEED(out);
  SAME_RT(t->o.rt, &parent->o, "the parent region");
  SAME_RT(t->o.rt, &colors->o, "the color space");
  if (n && !items) return lhrt_err(LHRT_ERR_INVALID_ARG, "items is NULL");
  if ((st = check_kind(kind))) return st;
  uint64_t ns = rect_volume(&colors->bounds);
  uint64_t *count = plat_zalloc((ns ? ns : 1) * sizeof *count);
  if (!count) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  for (uint64_t i = 0; i < n && !st; i++) {
    if (items[i].color.dim != colors->dim || !is_contains(colors, &items[i].color))
      st = lhrt_err(LHRT_ERR_BOUNDS, "item %lu: color not in the color space", i);
    else if (items[i].rect.dim != parent->is->dim)
      st = lhrt_err(LHRT_ERR_INVALID_ARG, "item %lu: rect of dimension %d for a %d-D region", i, items[i].rect.dim,
                    parent->is->dim);
    else count[is_linear(&colors->bounds, &items[i].color)]++;
  }
  struct ispace **subs = NULL;
  if (!st) st = check_colors(colors, &subs);
  lhrt_rect_t *buf = st ? NULL : plat_alloc((n ? n : 1) * sizeof *buf);
  if (!st && !buf) st = lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  /* Items grouped by color with a counting sort (count becomes each color's end in buf): a scan of
   * every item per color was quadratic, over half a minute for a 200x200 grid of tiles. */
  for (uint64_t s = 0, at = 0; !st && s < ns; s++) {
    at += count[s];
    count[s] = at;
  }
  for (uint64_t i = n; !st && i-- > 0;) buf[--count[is_linear(&colors->bounds, &items[i].color)]] = items[i].rect;
  for (uint64_t s = 0; !st && s < ns; s++) {
    uint64_t first = count[s], end = s + 1 < ns ? count[s + 1] : n;
    if (first == end) continue;
    struct ispace *raw = is_new(NULL, parent->is->dim, buf + first, end - first, false);
    subs[s] = raw ? is_op(NULL, raw, parent->is, IS_INTERSECT) : NULL;
    is_unref(raw);
    if (!subs[s]) st = lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  }
  plat_free(buf);
  plat_free(count);
  if (st) {
    for (uint64_t s = 0; subs && s < ns; s++) is_unref(subs[s]);
    plat_free(subs);
    return st;
  }
  return finish(parent, colors, subs, kind, out);
}

/* ------------------------------------------------- field-driven partitions ---- */

/* Reads a point stored in a field: int32/int64 for 1-D, int64[dim] otherwise. */
static bool read_point(const lhrt_accessor_t *a, const lhrt_point_t *at, int32_t dim, lhrt_point_t *out) {
  const char *p = lhrt_accessor_at(a, at->x[0], at->x[1], at->x[2]);
  u_memset(out, 0, sizeof *out);
  out->dim = dim;
  if (dim == 1 && a->field_size == 4) { int32_t v; u_memcpy(&v, p, 4); out->x[0] = v; return true; }
  if (a->field_size != 8u * (uint32_t)dim) return false;
  u_memcpy(out->x, p, 8u * (uint32_t)dim);
  return true;
}

static lhrt_status_t field_slot(struct region *r, uint32_t fid, int *slot) {
  *slot = fs_index(r->fs, fid);
  return *slot < 0 ? lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "field %u not in region tree %u", fid, r->tree_id) : LHRT_OK;
}

/* Turns per-slot point lists into subspaces; frees the lists. */
static lhrt_status_t lists_to_subs(struct region *parent, struct plist *lists, uint64_t ns, struct ispace ***subs) {
  lhrt_status_t st = check_colors_n(ns, subs);
  for (uint64_t s = 0; s < ns; s++) {
    if (!st && lists[s].n && !((*subs)[s] = pl_space(&lists[s], parent->is->dim)))
      st = lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
    plat_free(lists[s].r);
  }
  plat_free(lists);
  return st;
}

lhrt_status_t check_colors_n(uint64_t n, struct ispace ***subs) {
  *subs = plat_zalloc((n ? n : 1) * sizeof **subs);
  return *subs ? LHRT_OK : lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
}

static void free_subs(struct ispace **subs, uint64_t n) {
  for (uint64_t i = 0; subs && i < n; i++) is_unref(subs[i]);
  plat_free(subs);
}

/* Iterates every point of space, calling fn; stops at the first false. */
static bool each_point(struct ispace *is, bool (*fn)(void *, const lhrt_point_t *), void *arg) {
  for (uint64_t k = 0; k < is->nrects; k++) {
    uint64_t v = rect_volume(&is->rects[k]);
    for (uint64_t i = 0; i < v; i++) {
      lhrt_point_t p;
      rect_point_at(&is->rects[k], i, &p);
      if (!fn(arg, &p)) return false;
    }
  }
  return true;
}

struct byfield { lhrt_accessor_t acc; struct ispace *colors; struct plist *lists; bool bad; };
static bool byfield_one(void *arg, const lhrt_point_t *p) {
  struct byfield *b = arg;
  lhrt_point_t c;
  if (!read_point(&b->acc, p, b->colors->dim, &c)) { b->bad = true; return false; }
  if (!is_contains(b->colors, &c)) return true; /* points with no valid color belong to no subspace */
  return pl_push(&b->lists[is_linear(&b->colors->bounds, &c)], p);
}

lhrt_status_t lhrt_partition_create_by_field(lhrt_ctx_t ctx, lhrt_region_t ph, uint32_t fid, lhrt_index_space_t ch,
                                             lhrt_partition_t *out) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  CHECK(parent, struct region, K_REGION, ph);
  CHECK(colors, struct ispace, K_ISPACE, ch);
  NEED(out);
  SAME_RT(t->o.rt, &parent->o, "the parent region");
  SAME_RT(t->o.rt, &colors->o, "the color space");
  int slot;
  if ((st = field_slot(parent, fid, &slot))) return st;
  uint64_t ns = rect_volume(&colors->bounds);
  struct byfield b = {.colors = colors, .lists = plat_zalloc((ns ? ns : 1) * sizeof(struct plist))};
  if (!b.lists) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  struct launch *m;
  if ((st = map_region_sync(t, parent, NULL, LHRT_READ_ONLY, 1ull << slot, &m))) { plat_free(b.lists); return st; }
  accessor_for(&m->one, 0, slot, &b.acc);
  bool ok = each_point(parent->is, byfield_one, &b);
  unmap_sync(m);
  struct ispace **subs = NULL;
  st = lists_to_subs(parent, b.lists, ns, &subs);
  if (!st && !ok) st = b.bad ? lhrt_err(LHRT_ERR_INVALID_ARG, "field %u (size %u) cannot hold %d-D colors", fid,
                                        b.acc.field_size, colors->dim)
                             : lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  if (st) { free_subs(subs, ns); return st; }
  return finish(parent, colors, subs, LHRT_PART_DISJOINT, out);
}

/* The end of a by-field partition (image, preimage): the per-colour point lists become the
 * subspaces; a walk that stopped early (ok false) failed on a field too small for a point
 * (bad) or on memory. */
static lhrt_status_t finish_lists(struct region *parent, struct ispace *colors, struct plist *lists, uint64_t ns,
                                  bool ok, bool bad, uint32_t fid, uint32_t field_size, int32_t dim, uint32_t kind,
                                  lhrt_partition_t *out) {
  struct ispace **subs = NULL;
  lhrt_status_t st = lists_to_subs(parent, lists, ns, &subs);
  if (!st && !ok) st = bad ? lhrt_err(LHRT_ERR_INVALID_ARG, "field %u (size %u) cannot hold %d-D points", fid,
                                      field_size, dim)
                           : lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  if (st) { free_subs(subs, ns); return st; }
  return finish(parent, colors, subs, kind, out);
}

struct image { lhrt_accessor_t acc; struct region *parent; struct plist *list; bool bad; };
static bool image_one(void *arg, const lhrt_point_t *p) {
  struct image *im = arg;
  lhrt_point_t q;
  if (!read_point(&im->acc, p, im->parent->is->dim, &q)) { im->bad = true; return false; }
  if (!is_contains(im->parent->is, &q)) return true;
  return pl_push(im->list, &q);
}

lhrt_status_t lhrt_partition_create_by_image(lhrt_ctx_t ctx, lhrt_region_t ph, lhrt_partition_t sh, uint32_t fid,
                                             uint32_t kind, lhrt_partition_t *out) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  CHECK(parent, struct region, K_REGION, ph);
  CHECK(src, struct partition, K_PART, sh);
  NEED(out);
  SAME_RT(t->o.rt, &parent->o, "the parent region");
  SAME_RT(t->o.rt, &src->parent->o, "the source partition");
  if ((st = check_kind(kind))) return st;
  int slot;
  if ((st = field_slot(src->parent, fid, &slot))) return st;
  uint64_t ns = src->nslots;
  struct plist *lists = plat_zalloc((ns ? ns : 1) * sizeof *lists);
  if (!lists) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  struct launch *m;
  if ((st = map_region_sync(t, src->parent, NULL, LHRT_READ_ONLY, 1ull << slot, &m))) { plat_free(lists); return st; }
  struct image im = {.parent = parent};
  accessor_for(&m->one, 0, slot, &im.acc);
  bool ok = true;
  for (uint64_t s = 0; s < ns && ok; s++) {
    if (!src->child[s]) continue;
    im.list = &lists[s];
    ok = each_point(src->child[s]->is, image_one, &im);
  }
  unmap_sync(m);
  return finish_lists(parent, src->colors, lists, ns, ok, im.bad, fid, im.acc.field_size, parent->is->dim, kind, out);
}

struct preimage { lhrt_accessor_t acc; struct partition *target; int32_t dim; struct plist *lists; bool bad; };
static bool preimage_one(void *arg, const lhrt_point_t *p) {
  struct preimage *pi = arg;
  lhrt_point_t q;
  if (!read_point(&pi->acc, p, pi->dim, &q)) { pi->bad = true; return false; }
  for (uint64_t s = 0; s < pi->target->nslots; s++) {
    struct region *c = pi->target->child[s];
    if (!c || !is_contains(c->is, &q)) continue;
    if (!pl_push(&pi->lists[s], p)) return false;
    if (pi->target->disjoint) break;
  }
  return true;
}

lhrt_status_t lhrt_partition_create_by_preimage(lhrt_ctx_t ctx, lhrt_region_t ph, lhrt_partition_t th, uint32_t fid,
                                                uint32_t kind, lhrt_partition_t *out) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  CHECK(parent, struct region, K_REGION, ph);
  CHECK(target, struct partition, K_PART, th);
  NEED(out);
  SAME_RT(t->o.rt, &parent->o, "the parent region");
  SAME_RT(t->o.rt, &target->parent->o, "the target partition");
  if ((st = check_kind(kind))) return st;
  int slot;
  if ((st = field_slot(parent, fid, &slot))) return st;
  uint64_t ns = target->nslots;
  struct preimage pi = {.target = target, .dim = target->parent->is->dim,
                        .lists = plat_zalloc((ns ? ns : 1) * sizeof(struct plist))};
  if (!pi.lists) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  struct launch *m;
  if ((st = map_region_sync(t, parent, NULL, LHRT_READ_ONLY, 1ull << slot, &m))) { plat_free(pi.lists); return st; }
  accessor_for(&m->one, 0, slot, &pi.acc);
  bool ok = each_point(parent->is, preimage_one, &pi);
  unmap_sync(m);
  return finish_lists(parent, target->colors, pi.lists, ns, ok, pi.bad, fid, pi.acc.field_size, pi.dim, kind, out);
}

/* ---------------------------------------------------------- set operations ---- */

static lhrt_status_t setop(lhrt_ctx_t ctx, lhrt_partition_t ah, lhrt_partition_t bh, uint32_t kind, int op,
                           lhrt_partition_t *out) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  CHECK(a, struct partition, K_PART, ah);
  CHECK(b, struct partition, K_PART, bh);
  NEED(out);
  SAME_RT(t->o.rt, &a->parent->o, "the first partition");
  SAME_RT(t->o.rt, &b->parent->o, "the second partition");
  if ((st = check_kind(kind))) return st;
  if (a->parent != b->parent) return lhrt_err(LHRT_ERR_INVALID_ARG, "partitions of different parent regions");
  struct ispace **subs;
  if ((st = check_colors(a->colors, &subs))) return st;
  struct ispace *empty = is_new(NULL, a->parent->is->dim, NULL, 0, false);
  for (uint64_t s = 0; s < a->nslots && !st && empty; s++) {
    if (!a->child[s]) continue;
    int64_t j = b->colors->dim == a->colors->dim ? is_linear(&b->colors->bounds, &a->child[s]->color) : -1;
    struct ispace *bs = j >= 0 && b->child[j] ? b->child[j]->is : empty;
    if (!(subs[s] = is_op(NULL, a->child[s]->is, bs, op))) st = lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  }
  if (!empty) st = lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  is_unref(empty);
  if (st) { free_subs(subs, a->nslots); return st; }
  return finish(a->parent, a->colors, subs, kind, out);
}

lhrt_status_t lhrt_partition_create_by_union(lhrt_ctx_t c, lhrt_partition_t a, lhrt_partition_t b, uint32_t kind,
                                             lhrt_partition_t *out) {
  return setop(c, a, b, kind, IS_UNION, out);
}
lhrt_status_t lhrt_partition_create_by_intersection(lhrt_ctx_t c, lhrt_partition_t a, lhrt_partition_t b,
                                                    uint32_t kind, lhrt_partition_t *out) {
  return setop(c, a, b, kind, IS_INTERSECT, out);
}
lhrt_status_t lhrt_partition_create_by_difference(lhrt_ctx_t c, lhrt_partition_t a, lhrt_partition_t b,
                                                  uint32_t kind, lhrt_partition_t *out) {
  return setop(c, a, b, kind, IS_DIFF, out);
}

/* ------------------------------------------------------------- queries ---- */

lhrt_status_t lhrt_partition_destroy(lhrt_partition_t h) {
  CHECK(p, struct partition, K_PART, h);
  p->released = true; /* storage lives with the region tree */
  return LHRT_OK;
}
lhrt_status_t lhrt_partition_is_disjoint(lhrt_partition_t h, int32_t *out) {
  CHECK(p, struct partition, K_PART, h); NEED(out); *out = p->disjoint; return LHRT_OK;
}
lhrt_status_t lhrt_partition_is_complete(lhrt_partition_t h, int32_t *out) {
  CHECK(p, struct partition, K_PART, h); NEED(out); *out = p->complete; return LHRT_OK;
}
lhrt_status_t lhrt_partition_get_color_space(lhrt_partition_t h, lhrt_index_space_t *out) {
  CHECK(p, struct partition, K_PART, h); NEED(out); return h_out(&out->impl, &p->colors->o);
}
lhrt_status_t lhrt_partition_get_parent(lhrt_partition_t h, lhrt_region_t *out) {
  CHECK(p, struct partition, K_PART, h); NEED(out); return h_out(&out->impl, &p->parent->o);
}
lhrt_status_t lhrt_partition_get_subregion(lhrt_partition_t h, lhrt_point_t c, lhrt_region_t *out) {
  CHECK(p, struct partition, K_PART, h);
  NEED(out);
  int64_t i = c.dim == p->colors->dim ? is_linear(&p->colors->bounds, &c) : -1;
  if (i < 0 || !p->child[i]) return lhrt_err(LHRT_ERR_NOT_FOUND, "color not in the partition's color space");
  return h_out(&out->impl, &p->child[i]->o);
}
