/*
 * Physical views: accessors for a task's requirements, reduction buffers (each REDUCE
 * requirement folds into a private buffer, applied to its target when the task completes,
 * so same-operator reductions can run at once), inline mappings and fills.
 */
#include "internal.h"

void launch_complete(struct launch *l);

static struct redinst *red_find(struct task *t, uint32_t req, int fidx) {
  for (struct redinst *r = t->reds; r; r = r->next) if (r->req == req && (int)r->fidx == fidx) return r;
  return NULL;
}

void accessor_for(struct task *t, uint32_t req, int fidx, lhrt_accessor_t *out) {
  struct req *q = &t->l->reqs[req];
  if (q->priv == LHRT_REDUCE) {
    struct redinst *r = red_find(t, req, fidx);
    if (r) { *out = r->view; return; }
  }
  region_accessor(launch_sub(t->l, t->index, req), fidx, out);
  out->privilege = q->priv;
}

/* A reduction buffer of `bytes`: from the arena that holds the reduced field's instance when
 * it has room (so that whoever can see the instance - the JVM, when the arena is the HVM's
 * merged region - sees the buffer in place too), else from the heap. *mem says which. */
static char *red_buffer(struct region *sub, int f, uint64_t bytes, struct memory **mem) {
  struct instance *inst = sub->root->ri->field_inst[f];
  *mem = NULL;
  if (inst && inst->mem->arena) {
    char *p = mem_alloc(inst->mem, bytes);
    if (p) {
      *mem = inst->mem;
      return p;
    }
  }
  return plat_alloc(bytes);
}

/* Identity-filled buffers over the bounding box of each reduced field. */
lhrt_status_t red_prepare(struct task *t) {
  struct launch *l = t->l;
  for (uint32_t r = 0; r < l->nreqs; r++) {
    struct req *q = &l->reqs[r];
    if (q->priv != LHRT_REDUCE) continue;
    struct redop *op = redop_lookup(l->rt, q->redop);
    struct region *sub = launch_sub(l, t->index, r);
    const lhrt_rect_t *b = &sub->is->bounds;
    uint64_t vol = sub->is->volume ? rect_volume(b) : 0;
    for (int f = 0; f < LHRT_MAX_FIELDS; f++) {
      if (!((q->mask >> f) & 1)) continue;
      struct redinst *ri = plat_zalloc(sizeof *ri);
      struct memory *bm = NULL;
      char *buf = ri ? red_buffer(sub, f, vol * op->size + 1, &bm) : NULL;
      if (!ri || !buf) { plat_free(ri); return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory for a reduction buffer"); }
      ri->mem = bm;
      for (uint64_t i = 0; i < vol; i++) u_memcpy(buf + i * op->size, op->identity, op->size);
      ri->req = r;
      ri->fidx = (uint32_t)f;
      ri->buf = buf;
      ri->bytes = vol * op->size;
      ri->view.base = buf;
      int64_t s = op->size;
      for (int d = 0; d < LHRT_MAX_DIM; d++) {
        ri->view.stride[d] = d < b->dim ? s : 0;
        if (d < b->dim) s *= b->hi[d] - b->lo[d] + 1;
      }
      ri->view.bounds = *b;
      ri->view.field_id = sub->fs->ids[f];
      ri->view.field_size = op->size;
      ri->view.privilege = LHRT_REDUCE;
      ri->view.redop = q->redop;
      ri->view.space = sub->is->nrects > 1 ? H(&sub->is->o) : NULL;
      ri->next = t->reds;
      t->reds = ri;
    }
  }
  return LHRT_OK;
}

static void red_apply_one(struct task *t, struct redinst *ri) {
  struct launch *l = t->l;
  struct req *q = &l->reqs[ri->req];
  struct region *sub = launch_sub(l, t->index, ri->req);
  struct redop *op = redop_lookup(l->rt, q->redop);
  lhrt_accessor_t dst;
  struct task *parent = l->parent;
  struct redinst *pr = NULL;
  if (q->parent_req >= 0 && parent->l->reqs[q->parent_req].priv == LHRT_REDUCE)
    pr = red_find(parent, (uint32_t)q->parent_req, (int)ri->fidx);
  if (pr) dst = pr->view;
  else region_accessor(sub, (int)ri->fidx, &dst);
  plat_free(callback_take_error()); /* none left over from code that ran an operator by hand */
  mutex_lock(&sub->root->ri->red_lock);
  for (uint64_t k = 0; k < sub->is->nrects; k++) {
    const lhrt_rect_t *r = &sub->is->rects[k];
    uint64_t len = (uint64_t)(r->hi[0] - r->lo[0] + 1), rows = rect_volume(r) / len;
    /* An operator applies to packed elements: a row goes in one call only where both sides
     * are packed along x (an AoS target has the whole record as its x stride). */
    bool packed = dst.stride[0] == (int64_t)op->size && ri->view.stride[0] == (int64_t)op->size;
    for (uint64_t row = 0; row < rows; row++) {
      lhrt_point_t p;
      rect_point_at(r, row * len, &p);
      char *to = lhrt_accessor_at(&dst, p.x[0], p.x[1], p.x[2]);
      const char *from = lhrt_accessor_at(&ri->view, p.x[0], p.x[1], p.x[2]);
      if (packed) op->apply(to, from, len, op->user);
      else
        for (uint64_t i = 0; i < len; i++, to += dst.stride[0], from += ri->view.stride[0])
          op->apply(to, from, 1, op->user);
    }
  }
  mutex_unlock(&sub->root->ri->red_lock);
  char *e = callback_take_error();
  if (e) {
    task_set_failed(t, e);
    plat_free(e);
  }
}

/* At completion: fold every buffer into its target (unless the task failed), then free. */
void red_apply_all(struct task *t) {
  bool failed = A_LOAD(&t->flags) & T_FAILED;
  while (t->reds) {
    struct redinst *ri = t->reds;
    t->reds = ri->next;
    if (!failed) red_apply_one(t, ri);
    if (ri->mem) mem_release(ri->mem, ri->buf, ri->bytes + 1);
    else plat_free(ri->buf);
    plat_free(ri);
  }
}

lhrt_status_t lhrt_task_get_accessor(lhrt_ctx_t ctx, uint32_t req, uint32_t fid, lhrt_accessor_t *out) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  NEED(out);
  if (!t->l) return lhrt_err(LHRT_ERR_STATE, "the top-level context has no regions");
  if (req >= t->l->nreqs) return lhrt_err(LHRT_ERR_BOUNDS, "requirement %u of %u", req, t->l->nreqs);
  struct req *q = &t->l->reqs[req];
  int f = fs_index_in(q->node->fs, fid, q->mask);
  if (f < 0) return lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "field %u is not in requirement %u", fid, req);
  if (q->priv == LHRT_NO_ACCESS) return lhrt_err(LHRT_ERR_PRIVILEGE, "requirement %u has NO_ACCESS", req);
  accessor_for(t, req, f, out);
  return LHRT_OK;
}

lhrt_status_t lhrt_task_get_accessors(lhrt_ctx_t ctx, uint32_t req, lhrt_accessor_t *out, uint32_t max, uint32_t *n) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  NEED(n);
  if (max && !out) return lhrt_err(LHRT_ERR_INVALID_ARG, "out is NULL");
  if (!t->l) return lhrt_err(LHRT_ERR_STATE, "the top-level context has no regions");
  if (req >= t->l->nreqs) return lhrt_err(LHRT_ERR_BOUNDS, "requirement %u of %u", req, t->l->nreqs);
  struct req *q = &t->l->reqs[req];
  if (q->priv == LHRT_NO_ACCESS) return lhrt_err(LHRT_ERR_PRIVILEGE, "requirement %u has NO_ACCESS", req);
  *n = 0;
  for (int f = 0; f < LHRT_MAX_FIELDS; f++) {   /* slot order; each accessor names its field_id */
    if (!((q->mask >> f) & 1)) continue;
    if (*n < max) accessor_for(t, req, f, &out[*n]);
    (*n)++;
  }
  return LHRT_OK;
}

/* ---------------------------------------------------------- checked access ---- */

lhrt_status_t lhrt_accessor_ptr(const lhrt_accessor_t *a, lhrt_point_t p, void **out) {
  NEED(a);
  NEED(out);
  if (p.dim != a->bounds.dim) return lhrt_err(LHRT_ERR_INVALID_ARG, "point of dimension %d for a %d-D accessor", p.dim, a->bounds.dim);
  if (!rect_contains(&a->bounds, &p))
    return lhrt_err(LHRT_ERR_BOUNDS, "point (%ld,%ld,%ld) outside the accessor's bounds", p.x[0], p.x[1], p.x[2]);
  struct ispace *sp = NULL;
  lhrt_status_t st;
  if (a->space && !(sp = obj_check((void *)a->space, K_ISPACE, &st))) return st;
  if (sp && !is_contains(sp, &p))
    return lhrt_err(LHRT_ERR_BOUNDS, "point (%ld,%ld,%ld) is inside the accessor's bounds but not in its region "
                    "(a sparse region: another piece's point)", p.x[0], p.x[1], p.x[2]);
  *out = lhrt_accessor_at(a, p.x[0], p.x[1], p.x[2]);
  return LHRT_OK;
}

lhrt_status_t lhrt_accessor_read(const lhrt_accessor_t *a, lhrt_point_t p, void *buf) {
  NEED(buf);
  void *ptr;
  lhrt_status_t st = lhrt_accessor_ptr(a, p, &ptr);
  if (st) return st;
  if (a->privilege == LHRT_NO_ACCESS) return lhrt_err(LHRT_ERR_PRIVILEGE, "read through a NO_ACCESS accessor");
  if (a->privilege == LHRT_REDUCE)   /* its buffer holds this task's partial folds, not the region's values */
    return lhrt_err(LHRT_ERR_PRIVILEGE, "read through a REDUCE accessor (field %u): reduce-only privilege cannot "
                    "see the region's values; ask for READ_WRITE to read them", a->field_id);
  u_memcpy(buf, ptr, a->field_size);
  return LHRT_OK;
}

lhrt_status_t lhrt_accessor_write(const lhrt_accessor_t *a, lhrt_point_t p, const void *buf) {
  NEED(buf);
  void *ptr;
  lhrt_status_t st = lhrt_accessor_ptr(a, p, &ptr);
  if (st) return st;
  if (a->privilege == LHRT_READ_ONLY || a->privilege == LHRT_NO_ACCESS)
    return lhrt_err(LHRT_ERR_PRIVILEGE, "write through a read-only accessor (field %u)", a->field_id);
  if (a->privilege == LHRT_REDUCE) return lhrt_err(LHRT_ERR_PRIVILEGE, "plain write through a REDUCE accessor");
  u_memcpy(ptr, buf, a->field_size);
  return LHRT_OK;
}

/* ---------------------------------------------------------- inline mapping ---- */

static void map_ready(struct dwaiter *w) {
  struct task *t = (struct task *)((char *)w - offsetof(struct task, w));
  A_OR(&t->flags, T_MAPPED);
  plat_wake(&t->flags, 0x7fffffff);
}

lhrt_status_t map_region_sync(struct task *T, struct region *r, struct region *parent, uint32_t priv, uint64_t mask,
                              struct launch **out) {
  struct launch *l = launch_alloc(T->o.rt, 1, 1, false);
  if (!l) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  l->kind = L_MAP;
  struct req q = {r, NULL, parent, r, 0, priv, LHRT_EXCLUSIVE, 0, mask, -1, 0};
  l->reqs[0] = q;
  lhrt_status_t st = check_privilege(T, &l->reqs[0], r);
  if (!st) st = root_ensure_instances(r->root, mask);
  if (st) { launch_unref(l); return st; }
  root_ref(r->root);
  l->nreqs = 1;
  l->one.w.ready = map_ready;
  l->one.point = lhrt_point1(0);
  launch_ref(l); /* the caller's, until unmap */
  if ((st = launch_submit(T, l))) { launch_unref(l); return st; }
  struct task *t = &l->one;
  uint32_t f;
  if (!(A_LOAD(&t->flags) & T_MAPPED)) {
    proc_block_begin();
    while (!((f = A_LOAD(&t->flags)) & T_MAPPED)) plat_wait(&t->flags, f, 1000000);
    proc_block_end();
  }
  if (A_LOAD(&t->w.poisoned)) {
    char msg[256];
    u_fmt(msg, sizeof msg, "inline mapping depends on a failed task: %s", failure_root(t->w.cause));
    task_set_failed(t, msg);
    unmap_sync(l);
    return lhrt_err(LHRT_ERR_TASK_FAILED, "%s", msg);
  }
  *out = l;
  return LHRT_OK;
}

void unmap_sync(struct launch *l) {
  task_finish_body(&l->one);
  launch_unref(l);
}

lhrt_status_t lhrt_region_map(lhrt_ctx_t ctx, lhrt_region_t rh, lhrt_region_t ph, uint32_t priv, const uint32_t *fields,
                              uint32_t nfields, lhrt_mapping_t *out) {
  lhrt_status_t st;
  struct task *T = ctx_task(ctx, &st);
  if (!T) return st;
  CHECK(r, struct region, K_REGION, rh);
  NEED(out);
  SAME_RT(T->o.rt, &r->o, "the region");
  struct region *parent = NULL;
  if (ph.impl && !(parent = obj_check(ph.impl, K_REGION, &st))) return st;
  if (parent && !region_is_ancestor(parent, r)) return lhrt_err(LHRT_ERR_NOT_UNDER_PARENT, "region is not under parent");
  if (priv != LHRT_READ_ONLY && priv != LHRT_READ_WRITE && priv != LHRT_WRITE_DISCARD)
    return lhrt_err(LHRT_ERR_UNSUPPORTED, "inline mappings take READ_ONLY, READ_WRITE or WRITE_DISCARD");
  if (nfields && !fields) return lhrt_err(LHRT_ERR_INVALID_ARG, "fields is NULL");
  uint64_t mask = 0;
  for (uint32_t i = 0; i < nfields; i++) {
    int f = fs_index(r->fs, fields[i]);
    if (f < 0) return lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "field %u is not in region tree %u", fields[i], r->tree_id);
    mask |= 1ull << f;
  }
  if (!mask) return lhrt_err(LHRT_ERR_INVALID_ARG, "no fields to map");
  struct mapping *m = plat_zalloc(sizeof *m);
  if (!m) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  if ((st = map_region_sync(T, r, parent, priv, mask, &m->l))) { plat_free(m); return st; }
  obj_init(T->o.rt, &m->o, K_MAPPING, !T->l);
  if (!h_of(&m->o)) {
    unmap_sync(m->l);
    obj_fini(&m->o);
    plat_free(m);
    return lhrt_err(LHRT_ERR_NO_MEMORY, "out of handles");
  }
  if (T->l) { /* inside a task: the task keeps it, and unmaps it at its end if the body did not */
    m->owner = T;
    m->next = T->maps;
    T->maps = m;
  }
  return h_out(&out->impl, &m->o);
}

lhrt_status_t lhrt_mapping_unmap(lhrt_mapping_t h) {
  CHECK(m, struct mapping, K_MAPPING, h);
  if (m->unmapped) return lhrt_err(LHRT_ERR_STATE, "mapping already unmapped");
  m->unmapped = true;
  unmap_sync(m->l);
  if (m->owner) { h_retire(&m->o); return LHRT_OK; } /* its memory goes with its task's list */
  obj_fini(&m->o);
  plat_free(m);
  return LHRT_OK;
}

lhrt_status_t lhrt_mapping_get_accessor(lhrt_mapping_t h, uint32_t fid, lhrt_accessor_t *out) {
  CHECK(m, struct mapping, K_MAPPING, h);
  NEED(out);
  struct req *q = &m->l->reqs[0];
  int f = fs_index_in(q->node->fs, fid, q->mask);
  if (f < 0) return lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "field %u is not mapped", fid);
  accessor_for(&m->l->one, 0, f, out);
  return LHRT_OK;
}

/* --------------------------------------------------------------------- fill ---- */

lhrt_status_t lhrt_region_fill(lhrt_ctx_t ctx, lhrt_region_t rh, lhrt_region_t ph, uint32_t fid, const void *value,
                               uint32_t size) {
  lhrt_status_t st;
  struct task *T = ctx_task(ctx, &st);
  if (!T) return st;
  CHECK(r, struct region, K_REGION, rh);
  NEED(value);
  SAME_RT(T->o.rt, &r->o, "the region");
  struct region *parent = NULL;
  if (ph.impl && !(parent = obj_check(ph.impl, K_REGION, &st))) return st;
  if (parent && !region_is_ancestor(parent, r)) return lhrt_err(LHRT_ERR_NOT_UNDER_PARENT, "region is not under parent");
  int f = fs_index(r->fs, fid);
  if (f < 0) return lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "field %u is not in region tree %u", fid, r->tree_id);
  if (size != fs_size_at(r->fs, f))
    return lhrt_err(LHRT_ERR_INVALID_ARG, "fill value of %u bytes for a %u-byte field", size, fs_size_at(r->fs, f));
  if (size > 64)
    return lhrt_err(LHRT_ERR_UNSUPPORTED, "fill values are at most 64 bytes; field %u has %u: write it in a task",
                    fid, size);
  struct launch *l = launch_alloc(T->o.rt, 1, 1, false);
  if (!l) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  l->kind = L_FILL;
  l->args = l->args_inline;
  u_memcpy(l->args, value, size);
  l->arglen = size;
  l->one.point = lhrt_point1(0);
  struct req q = {r, NULL, parent, r, 0, LHRT_WRITE_DISCARD, LHRT_EXCLUSIVE, 0, 1ull << f, -1, 0};
  l->reqs[0] = q;
  st = check_privilege(T, &l->reqs[0], r);
  if (!st) st = root_ensure_instances(r->root, 1ull << f);
  if (st) { launch_unref(l); return st; }
  root_ref(r->root);
  l->nreqs = 1;
  return launch_submit(T, l);
}
