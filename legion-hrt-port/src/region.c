/*
 * Logical regions: index space x field space, arranged in trees (root region -> partitions ->
 * subregions -> ...). The tree shape is what makes dependence analysis cheap: two regions
 * under different children of a disjoint partition never interfere, with no geometry test.
 */
#include "internal.h"

void root_free_instances(struct region *root);

static void region_free(struct region *r);

static void part_free(struct partition *p) {
  for (uint64_t i = 0; i < p->nslots; i++) if (p->child[i]) region_free(p->child[i]);
  plat_free(p->child);
  is_unref(p->colors);
  obj_fini(&p->o);
  plat_free(p);
}

static void region_free(struct region *r) {
  while (r->parts) {
    struct partition *p = r->parts;
    r->parts = p->next;
    part_free(p);
  }
  is_unref(r->is);
  fs_unref(r->fs);
  obj_fini(&r->o);
  if (r->ri) {
    root_free_instances(r);
    plat_free(r->ri);
  }
  plat_free(r);
}

void root_ref(struct region *root) { A_ADD(&root->ri->refs, 1); }

void root_unref(struct region *root) {
  if (A_SUB(&root->ri->refs, 1) == 0) region_free(root);
}

static struct region *region_new(struct lhrt_runtime *rt, struct ispace *is, struct fspace *fs, bool root) {
  struct region *r = plat_zalloc(sizeof *r);
  if (!r) return NULL;
  if (root && !(r->ri = plat_zalloc(sizeof *r->ri))) { plat_free(r); return NULL; }
  r->is = is;
  is_ref(is);
  r->fs = fs;
  A_ADD(&fs->refs, 1);
  r->root = r;
  if (root) {
    r->ri->refs = 1;
    r->tree_id = A_ADD(&rt->next_tree_id, 1);
    struct thr *t = thr_get();
    r->ri->creator = t ? t->cur : NULL;
  }
  obj_init(rt, &r->o, K_REGION, root);
  return r;
}

bool region_is_ancestor(struct region *anc, struct region *r) {
  if (anc->root != r->root) return false;
  while (r && r->depth > anc->depth) r = region_up(r);
  return r == anc;
}

struct region *region_child_of(struct region *r, struct partition *p) {
  if (r->root != p->parent->root) return NULL;
  while (r && r->depth > p->parent->depth + 1) r = region_up(r);
  return r && r->parent == p ? r : NULL;
}

/* May a and b (same tree) share a point? Structural answer first, geometry last. */
bool region_interfere(struct region *a, struct region *b) {
  if (a->root != b->root) return false;
  if (a == b) return a->is->volume != 0;
  if (a->parent && a->parent == b->parent) /* siblings: the common case in a scan */
    return !a->parent->disjoint && is_overlaps(a->is, b->is);
  struct region *x = a, *y = b, *px = NULL, *py = NULL;
  while (x->depth > y->depth) { px = x; x = region_up(x); }
  while (y->depth > x->depth) { py = y; y = region_up(y); }
  if (x == y) return a->is->volume && b->is->volume; /* one contains the other */
  while (x != y) { px = x; py = y; x = region_up(x); y = region_up(y); }
  if (px->parent == py->parent && px->parent->disjoint) return false;
  return is_overlaps(a->is, b->is);
}

/* Builds a partition of parent with subspace subs[i] for the i-th slot of colors' bounds
 * (NULL: no such color). Takes ownership of subs' references. */
struct partition *part_new(struct region *parent, struct ispace *colors, struct ispace **subs, uint32_t kind) {
  struct lhrt_runtime *rt = parent->o.rt;
  struct partition *p = plat_zalloc(sizeof *p);
  uint64_t n = rect_volume(&colors->bounds);
  if (p) p->child = plat_zalloc((n ? n : 1) * sizeof *p->child);
  if (!p || !p->child) { plat_free(p); return NULL; }
  p->parent = parent;
  p->colors = colors;
  is_ref(colors);
  p->nslots = n;
  bool oom = false;
  for (uint64_t i = 0; i < n; i++) {
    if (!subs[i]) continue;
    struct region *c = region_new(rt, subs[i], parent->fs, false);
    is_unref(subs[i]);
    subs[i] = NULL;
    if (!c) { oom = true; continue; }
    c->root = parent->root;
    c->parent = p;
    c->depth = parent->depth + 1;
    c->tree_id = parent->tree_id;
    rect_point_at(&colors->bounds, i, &c->color);
    p->child[i] = c;
    p->has_empty |= c->is->volume == 0;
  }
  obj_init(rt, &p->o, K_PART, false);
  if (oom) { part_free(p); return NULL; }
  p->disjoint = kind == LHRT_PART_DISJOINT || kind == LHRT_PART_DISJOINT_COMPLETE;
  p->complete = kind == LHRT_PART_DISJOINT_COMPLETE;
  spin_lock(&parent->root->ri->lock);
  p->next = parent->parts;
  parent->parts = p;
  spin_unlock(&parent->root->ri->lock);
  return p;
}

/* ------------------------------------------------------------- public API ---- */

lhrt_status_t lhrt_region_create(lhrt_runtime_t h, lhrt_index_space_t ih, lhrt_field_space_t fh, lhrt_region_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  CHECK(is, struct ispace, K_ISPACE, ih);
  CHECK(fs, struct fspace, K_FSPACE, fh);
  NEED(out);
  SAME_RT(rt, &is->o, "the index space");
  SAME_RT(rt, &fs->o, "the field space");
  struct region *r = region_new(rt, is, fs, true);
  if (!r) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  lhrt_status_t st = h_out(&out->impl, &r->o);
  if (st) { obj_unlink(&r->o); root_unref(r); }
  return st;
}

lhrt_status_t lhrt_region_destroy(lhrt_region_t h) {
  CHECK(r, struct region, K_REGION, h);
  if (r->parent) return lhrt_err(LHRT_ERR_STATE, "region handle %p names a subregion: only root regions are destroyed", h.impl);
  if (!obj_owned(&r->o))
    return lhrt_err(LHRT_ERR_STATE, "region handle %p was destroyed already (its tree %u is freed once the work "
                    "that uses it is done)", h.impl, r->tree_id);
  obj_unlink(&r->o);
  r->ri->destroyed = true;
  ctx_purge_tree(r->o.rt->top.ctx, r->tree_id);
  root_unref(r);
  return LHRT_OK;
}

lhrt_status_t lhrt_region_set_layout(lhrt_region_t h, uint32_t layout, lhrt_memory_t mh) {
  CHECK(r, struct region, K_REGION, h);
  if (r->parent) return lhrt_err(LHRT_ERR_INVALID_ARG, "layouts are set on root regions");
  if (layout > LHRT_LAYOUT_AOS) return lhrt_err(LHRT_ERR_INVALID_ARG, "layout %u unknown", layout);
  struct memory *m = NULL;
  if (mh.impl) {
    lhrt_status_t st;
    if (!(m = obj_check(mh.impl, K_MEMORY, &st))) return st;
    SAME_RT(r->o.rt, &m->o, "the memory");
  }
  spin_lock(&r->ri->lock);
  bool used = r->ri->inst_mask != 0;
  if (!used) { r->ri->layout_hint = layout; r->ri->mem_hint = m ? mh.impl : NULL; }
  spin_unlock(&r->ri->lock);
  if (used) return lhrt_err(LHRT_ERR_STATE, "region tree %u already has instances", r->tree_id);
  return LHRT_OK;
}

lhrt_status_t lhrt_region_get_index_space(lhrt_region_t h, lhrt_index_space_t *out) {
  CHECK(r, struct region, K_REGION, h); NEED(out); return h_out(&out->impl, &r->is->o);
}
lhrt_status_t lhrt_region_get_field_space(lhrt_region_t h, lhrt_field_space_t *out) {
  CHECK(r, struct region, K_REGION, h); NEED(out); return h_out(&out->impl, &r->fs->o);
}
lhrt_status_t lhrt_region_get_parent_partition(lhrt_region_t h, lhrt_partition_t *out) {
  CHECK(r, struct region, K_REGION, h); NEED(out); return h_out(&out->impl, r->parent ? &r->parent->o : NULL);
}
lhrt_status_t lhrt_region_get_tree_id(lhrt_region_t h, uint32_t *out) {
  CHECK(r, struct region, K_REGION, h); NEED(out); *out = r->tree_id; return LHRT_OK;
}
lhrt_status_t lhrt_region_get_info(lhrt_region_t h, uint32_t *tree_id, lhrt_index_space_t *is, lhrt_field_space_t *fs) {
  CHECK(r, struct region, K_REGION, h);
  NEED(tree_id);
  NEED(is);
  NEED(fs);
  *tree_id = r->tree_id;
  lhrt_status_t st = h_out(&is->impl, &r->is->o);
  return st ? st : h_out(&fs->impl, &r->fs->o);
}
