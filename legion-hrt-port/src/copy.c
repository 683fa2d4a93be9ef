/*
 * Copies (Legion's copy operations): field values from a source region to a destination region
 * for the points both hold, or folded into the destination with a reduction operator. A copy is a
 * launch of the calling task with two requirements - the source READ_ONLY, the destination
 * READ_WRITE (REDUCE with an operator) - so the dependence analysis orders it like a task that
 * reads one and writes the other; its points run copy_body on the workers. A partition copy is
 * the index form: one point per color of the destination partition, subregion to subregion.
 */
#include "internal.h"

/* A copy point's argument: the field pairs, as slots of each tree's field space. */
struct copy_args {
  uint32_t nfields;
  uint8_t src[LHRT_MAX_FIELDS], dst[LHRT_MAX_FIELDS];
};

/* Pairs the fields and checks them: known, same sizes, no destination field twice. */
static lhrt_status_t pair_fields(struct launcher *L, struct region *sn, struct region *dn, const uint32_t *src_fids,
                                 const uint32_t *dst_fids, uint32_t nfields, struct copy_args *a) {
  if (nfields == 0 || nfields > LHRT_MAX_FIELDS)
    return lhrt_err(LHRT_ERR_INVALID_ARG, "a copy takes 1 to %d field pairs, not %u", LHRT_MAX_FIELDS, nfields);
  if (!src_fids || !dst_fids) return lhrt_err(LHRT_ERR_INVALID_ARG, "a copy's field lists must not be NULL");
  a->nfields = nfields;
  for (uint32_t k = 0; k < nfields; k++) {
    int sf = fs_index(sn->fs, src_fids[k]), df = fs_index(dn->fs, dst_fids[k]);
    if (sf < 0) return lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "copy source field %u is not in region tree %u", src_fids[k], sn->tree_id);
    if (df < 0)
      return lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "copy destination field %u is not in region tree %u", dst_fids[k], dn->tree_id);
    uint32_t ss = fs_size_at(sn->fs, sf), ds = fs_size_at(dn->fs, df);
    if (ss != ds)
      return lhrt_err(LHRT_ERR_INVALID_ARG, "copy field %u (%u bytes) to field %u (%u bytes): sizes must match",
                      src_fids[k], ss, dst_fids[k], ds);
    if ((L->reqs[1].mask >> df) & 1)
      return lhrt_err(LHRT_ERR_INVALID_ARG, "copy destination field %u appears twice", dst_fids[k]);
    lhrt_status_t st = launcher_add_field(L, 0, src_fids[k]);
    if (!st) st = launcher_add_field(L, 1, dst_fids[k]);
    if (st) return st;
    a->src[k] = (uint8_t)sf;
    a->dst[k] = (uint8_t)df;
  }
  return LHRT_OK;
}

/* A point may not read what it writes: the same fields of overlapping subregions of one tree. */
static lhrt_status_t check_not_aliased(struct launch *l) {
  if (l->reqs[0].node->root != l->reqs[1].node->root || !(l->reqs[0].mask & l->reqs[1].mask)) return LHRT_OK;
  for (uint64_t i = 0; i < l->npoints; i++)
    if (region_interfere(launch_sub(l, i, 0), launch_sub(l, i, 1)))
      return lhrt_err(LHRT_ERR_INTERFERENCE, "copy %s %lu reads and writes the same points of a field",
                      l->is_index ? "point" : "operation", i);
  return LHRT_OK;
}

/* Region copy when sp and dp are NULL, partition copy (over dp's colors) otherwise. */
static lhrt_status_t copy_launch(lhrt_ctx_t ctx, struct region *src, struct partition *sp, lhrt_region_t src_parent,
                                 struct region *dst, struct partition *dp, lhrt_region_t dst_parent,
                                 const uint32_t *src_fids, const uint32_t *dst_fids, uint32_t nfields, uint32_t redop) {
  lhrt_status_t st;
  struct task *T = ctx_task(ctx, &st);
  if (!T) return st;
  struct region *sn = src ? src : sp->parent, *dn = dst ? dst : dp->parent;
  SAME_RT(T->o.rt, &sn->o, "the copy's source");
  SAME_RT(T->o.rt, &dn->o, "the copy's destination");
  if (sn->is->dim != dn->is->dim)
    return lhrt_err(LHRT_ERR_INVALID_ARG, "copy from a %d-D region to a %d-D one", sn->is->dim, dn->is->dim);
  if (dp && (sp->colors->dim != dp->colors->dim || !is_contains_space(sp->colors, dp->colors)))
    return lhrt_err(LHRT_ERR_BOUNDS, "the source partition lacks colors of the destination partition");
  /* a stack launcher: two requirements fit its array, so launcher_add_req never grows it */
  struct req reqs[2];
  struct launcher L = {0};
  L.o.rt = T->o.rt;
  L.reqs = reqs;
  L.capreqs = 2;
  L.is_index = dp != NULL;
  L.domain = dp ? dp->colors : NULL;
  struct copy_args a = {0};
  st = launcher_add_req(&L, src, sp, 0, src_parent, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL);
  if (!st) st = launcher_add_req(&L, dst, dp, 0, dst_parent, redop ? LHRT_REDUCE : LHRT_READ_WRITE, LHRT_EXCLUSIVE, redop, NULL);
  if (!st) st = pair_fields(&L, sn, dn, src_fids, dst_fids, nfields, &a);
  if (st) return st;
  L.args = &a;
  L.arglen = sizeof a;
  struct launch *l;
  if ((st = launch_build(T, &L, L_COPY, &l))) return st;
  if ((st = check_not_aliased(l))) { launch_unref(l); return st; }
  return launch_submit(T, l);
}

lhrt_status_t lhrt_region_copy(lhrt_ctx_t ctx, lhrt_region_t src, lhrt_region_t src_parent, lhrt_region_t dst,
                               lhrt_region_t dst_parent, const uint32_t *src_fields, const uint32_t *dst_fields,
                               uint32_t nfields, uint32_t redop) {
  CHECK(s, struct region, K_REGION, src);
  CHECK(d, struct region, K_REGION, dst);
  return copy_launch(ctx, s, NULL, src_parent, d, NULL, dst_parent, src_fields, dst_fields, nfields, redop);
}

lhrt_status_t lhrt_partition_copy(lhrt_ctx_t ctx, lhrt_partition_t src, lhrt_region_t src_parent,
                                  lhrt_partition_t dst, lhrt_region_t dst_parent, const uint32_t *src_fields,
                                  const uint32_t *dst_fields, uint32_t nfields, uint32_t redop) {
  CHECK(s, struct partition, K_PART, src);
  CHECK(d, struct partition, K_PART, dst);
  return copy_launch(ctx, NULL, s, src_parent, NULL, d, dst_parent, src_fields, dst_fields, nfields, redop);
}

/* One row of a rectangle, len points along dimension 0 from p: one memcpy or apply when both
 * fields are dense along it (SoA), else element by element (AoS). */
static void copy_row(const lhrt_accessor_t *s, const lhrt_accessor_t *d, const lhrt_point_t *p, uint64_t len,
                     struct redop *op) {
  char *from = lhrt_accessor_at(s, p->x[0], p->x[1], p->x[2]);
  char *to = lhrt_accessor_at(d, p->x[0], p->x[1], p->x[2]);
  uint32_t size = s->field_size;
  if (s->stride[0] == size && d->stride[0] == size) {
    if (op) op->apply(to, from, len, op->user);
    else u_memcpy(to, from, len * size);
    return;
  }
  for (uint64_t i = 0; i < len; i++, from += s->stride[0], to += d->stride[0]) {
    if (op) op->apply(to, from, 1, op->user);
    else u_memcpy(to, from, size);
  }
}

/* A copy point: through the task's accessors, so that a reducing copy folds into its
 * reduction buffer (applied to the instance at completion, under the tree's lock, as a task's). */
void copy_body(struct task *t) {
  struct launch *l = t->l;
  const struct copy_args *a = l->args;
  struct region *src = launch_sub(l, t->index, 0), *dst = launch_sub(l, t->index, 1);
  struct ispace *both = NULL, *dom = dst->is;
  if (!is_contains_space(src->is, dst->is) && !(dom = both = is_op(l->rt, src->is, dst->is, IS_INTERSECT))) {
    task_set_failed(t, "out of memory intersecting a copy's regions");
    return;
  }
  struct redop *op = l->reqs[1].priv == LHRT_REDUCE ? redop_lookup(l->rt, l->reqs[1].redop) : NULL;
  if (op) plat_free(callback_take_error()); /* none left over from code that ran an operator by hand */
  for (uint32_t k = 0; k < a->nfields; k++) {
    lhrt_accessor_t s, d;
    accessor_for(t, 0, a->src[k], &s);
    accessor_for(t, 1, a->dst[k], &d);
    for (uint64_t r = 0; r < dom->nrects; r++) {
      const lhrt_rect_t *rect = &dom->rects[r];
      uint64_t len = (uint64_t)(rect->hi[0] - rect->lo[0] + 1), rows = rect_volume(rect) / len;
      for (uint64_t row = 0; row < rows; row++) {
        lhrt_point_t p;
        rect_point_at(rect, row * len, &p);
        copy_row(&s, &d, &p, len, op);
      }
    }
  }
  if (both) is_unref(both);
  char *e = op ? callback_take_error() : NULL;
  if (e) {
    task_set_failed(t, e);
    plat_free(e);
  }
}
