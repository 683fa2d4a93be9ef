/*
 * Futures and future maps. A future is a small handle on a launch point's result (or on an
 * index launch's reduced result, or on a copied value); it keeps the launch alive. Waiting
 * inside a task hands the worker's core to a spare thread (see proc.c), so it cannot
 * deadlock the pool.
 */
#include "internal.h"

struct future *future_alloc(struct lhrt_runtime *rt, struct launch *l, uint64_t index, bool owned) {
  struct future *f = plat_zalloc(sizeof *f);
  if (!f) return NULL;
  f->l = l;
  f->index = index;
  if (l) launch_ref(l);
  obj_init(rt, &f->o, K_FUTURE, owned);
  return f;
}

static void future_free(struct future *f) {
  if (f->l) launch_unref(f->l);
  if (f->val != f->inl) plat_free(f->val);
  obj_fini(&f->o);
  plat_free(f);
}

/* *impl = a handle to a new owned future f (NULL: allocation failed); f is freed if no handle
 * can be made for it. */
static lhrt_status_t future_out(struct future *f, void **impl) {
  if (!f) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  lhrt_status_t st = h_out(impl, &f->o);
  if (st) future_free(f);
  return st;
}

lhrt_status_t future_for_launch(struct launch *l, uint64_t index, void **impl) {
  return future_out(future_alloc(l->rt, l, index, true), impl);
}

struct future *future_clone_internal(struct future *f) {
  struct future *c = future_alloc(f->o.rt, f->l, f->index, false);
  if (!c || f->l) return c;
  c->val = f->size <= sizeof c->inl ? c->inl : plat_alloc(f->size);
  if (!c->val) { future_free(c); return NULL; }
  if (f->size) u_memcpy(c->val, f->val, f->size);
  c->size = f->size;
  return c;
}

void future_release_internal(struct future *f) { future_free(f); }

struct dnode *future_dnode(struct future *f) {
  if (!f->l) return NULL;
  return f->index == UINT64_MAX ? &f->l->done : &launch_point(f->l, f->index)->done;
}

static void future_value(struct future *f, const void **ptr, uint64_t *size) {
  if (!f->l) { *ptr = f->val; *size = f->size; return; }
  if (f->index == UINT64_MAX) { *ptr = f->l->result; *size = f->l->result_size; return; }
  struct task *t = launch_point(f->l, f->index);
  *ptr = t->res;
  *size = t->res_size;
}

lhrt_status_t lhrt_future_from_value(lhrt_runtime_t h, const void *v, uint64_t size, lhrt_future_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  if (size && !v) return lhrt_err(LHRT_ERR_INVALID_ARG, "value is NULL");
  struct future *f = future_alloc(rt, NULL, 0, true);
  if (f) f->val = size <= sizeof f->inl ? f->inl : plat_alloc(size);
  if (!f || !f->val) { if (f) future_free(f); return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory"); }
  if (size) u_memcpy(f->val, v, size);
  f->size = size;
  return future_out(f, &out->impl);
}

lhrt_status_t lhrt_future_clone(lhrt_future_t h, lhrt_future_t *out) {
  CHECK(f, struct future, K_FUTURE, h);
  NEED(out);
  struct future *c = future_clone_internal(f);
  if (!c) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  obj_init(f->o.rt, &c->o, K_FUTURE, true);
  return future_out(c, &out->impl);
}

lhrt_status_t lhrt_future_destroy(lhrt_future_t h) {
  CHECK(f, struct future, K_FUTURE, h);
  if (!obj_owned(&f->o)) return lhrt_err(LHRT_ERR_STATE, "future handle is not owned by the caller");
  future_free(f);
  return LHRT_OK;
}

/* Destroys every handle of a batch with destroy(i); the first error is reported by position. */
static lhrt_status_t destroy_each(uint64_t n, const char *what, lhrt_status_t (*destroy)(const void *, uint64_t),
                                  const void *handles) {
  lhrt_status_t first = LHRT_OK;
  uint64_t at = 0;
  char msg[200] = "";
  for (uint64_t i = 0; i < n; i++) {
    lhrt_status_t st = destroy(handles, i);
    if (st && !first) {
      first = st;
      at = i;
      u_fmt(msg, sizeof msg, "%s", lhrt_last_error());
    }
  }
  return first ? lhrt_err(first, "%s %lu of %lu: %s", what, (unsigned long)at, (unsigned long)n, msg) : LHRT_OK;
}

static lhrt_status_t destroy_future_at(const void *hs, uint64_t i) { return lhrt_future_destroy(((const lhrt_future_t *)hs)[i]); }

lhrt_status_t lhrt_future_destroy_all(const lhrt_future_t *fs, uint64_t n) {
  if (n) NEED(fs);
  return destroy_each(n, "future", destroy_future_at, fs);
}

lhrt_status_t lhrt_future_wait(lhrt_future_t h) {
  CHECK(f, struct future, K_FUTURE, h);
  struct dnode *d = future_dnode(f);
  return d ? dnode_wait(d) : LHRT_OK;
}

lhrt_status_t lhrt_future_is_ready(lhrt_future_t h, int32_t *out) {
  CHECK(f, struct future, K_FUTURE, h);
  NEED(out);
  struct dnode *d = future_dnode(f);
  *out = !d || dnode_done(d);
  return LHRT_OK;
}

lhrt_status_t lhrt_future_get_pointer(lhrt_future_t h, const void **ptr, uint64_t *size) {
  CHECK(f, struct future, K_FUTURE, h);
  NEED(ptr);
  lhrt_status_t st = lhrt_future_wait(h);
  if (st) return st;
  uint64_t n;
  future_value(f, ptr, &n);
  if (size) *size = n;
  return LHRT_OK;
}

lhrt_status_t lhrt_future_get_value(lhrt_future_t h, void *buf, uint64_t cap, uint64_t *size) {
  const void *p = NULL;
  uint64_t n = 0;
  lhrt_status_t st = lhrt_future_get_pointer(h, &p, &n);
  if (st) return st;
  if (cap && !buf) return lhrt_err(LHRT_ERR_INVALID_ARG, "buf is NULL");
  if (n && cap) u_memcpy(buf, p, n < cap ? n : cap);   /* cap 0: a size query, buf may be NULL */
  if (size) *size = n;
  return LHRT_OK;
}

lhrt_status_t lhrt_future_get_error(lhrt_future_t h, char *buf, uint64_t cap) {
  CHECK(f, struct future, K_FUTURE, h);
  NEED(buf);
  if (!cap) return lhrt_err(LHRT_ERR_INVALID_ARG, "cap is 0");
  struct dnode *d = future_dnode(f);
  const char *msg = d && (A_LOAD(&d->state) & D_FAILED) ? d->err : NULL;
  u_fmt(buf, (size_t)cap, "%s", msg ? msg : "");
  return LHRT_OK;
}

/* A callback waiter: an edge target whose readiness calls the user. */
struct cbwait { struct dwaiter w; lhrt_future_callback_fn fn; void *user; };
static void cb_ready(struct dwaiter *w) {
  struct cbwait *c = (struct cbwait *)w;
  c->fn(c->user, A_LOAD(&w->poisoned) ? LHRT_ERR_TASK_FAILED : LHRT_OK);
  plat_free(w->cause);
  plat_free(c);
}

lhrt_status_t lhrt_future_on_ready(lhrt_future_t h, lhrt_future_callback_fn fn, void *user) {
  CHECK(f, struct future, K_FUTURE, h);
  NEED(fn);
  struct dnode *d = future_dnode(f);
  if (!d) { fn(user, LHRT_OK); return LHRT_OK; }
  struct cbwait *c = plat_zalloc(sizeof *c);
  if (!c) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  c->w.pending = 1;
  c->w.ready = cb_ready;
  c->fn = fn;
  c->user = user;
  dep_add(d, &c->w);
  if (A_SUB(&c->w.pending, 1) == 0) cb_ready(&c->w);
  return LHRT_OK;
}

/* ------------------------------------------------------------- future maps ---- */

lhrt_status_t fmap_for_launch(struct launch *l, void **impl) {
  struct fmap *m = plat_zalloc(sizeof *m);
  if (!m) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  m->l = l;
  launch_ref(l);
  obj_init(l->rt, &m->o, K_FMAP, true);
  lhrt_status_t st = h_out(impl, &m->o);
  if (st) { launch_unref(l); obj_fini(&m->o); plat_free(m); }
  return st;
}

lhrt_status_t lhrt_future_map_destroy(lhrt_future_map_t h) {
  CHECK(m, struct fmap, K_FMAP, h);
  launch_unref(m->l);
  obj_fini(&m->o);
  plat_free(m);
  return LHRT_OK;
}

static lhrt_status_t destroy_fmap_at(const void *hs, uint64_t i) {
  return lhrt_future_map_destroy(((const lhrt_future_map_t *)hs)[i]);
}

lhrt_status_t lhrt_future_map_destroy_all(const lhrt_future_map_t *fms, uint64_t n) {
  if (n) NEED(fms);
  return destroy_each(n, "future map", destroy_fmap_at, fms);
}

lhrt_status_t lhrt_future_map_wait_all(lhrt_future_map_t h) {
  CHECK(m, struct fmap, K_FMAP, h);
  return dnode_wait(&m->l->done);
}

lhrt_status_t lhrt_future_map_get_count(lhrt_future_map_t h, uint64_t *out) {
  CHECK(m, struct fmap, K_FMAP, h);
  NEED(out);
  *out = m->l->npoints;
  return LHRT_OK;
}

lhrt_status_t lhrt_future_map_get_future_at(lhrt_future_map_t h, uint64_t i, lhrt_future_t *out) {
  CHECK(m, struct fmap, K_FMAP, h);
  NEED(out);
  if (i >= m->l->npoints) return lhrt_err(LHRT_ERR_BOUNDS, "point %lu of %lu", i, m->l->npoints);
  return future_for_launch(m->l, i, &out->impl);
}

lhrt_status_t lhrt_future_map_get_future(lhrt_future_map_t h, lhrt_point_t p, lhrt_future_t *out) {
  CHECK(m, struct fmap, K_FMAP, h);
  struct ispace *d = m->l->domain;
  if (!d || p.dim != d->dim || !is_contains(d, &p)) return lhrt_err(LHRT_ERR_BOUNDS, "point not in the launch domain");
  uint64_t i = 0;
  for (uint64_t k = 0; k < d->nrects; k++) { /* position of p in domain order */
    if (rect_contains(&d->rects[k], &p)) { i += (uint64_t)is_linear(&d->rects[k], &p); break; }
    i += rect_volume(&d->rects[k]);
  }
  return lhrt_future_map_get_future_at(h, i, out);
}

lhrt_status_t lhrt_future_map_reduce(lhrt_future_map_t h, uint32_t redop, lhrt_future_t *out) {
  CHECK(m, struct fmap, K_FMAP, h);
  NEED(out);
  struct redop *op = redop_lookup(m->o.rt, redop);
  if (!op) return lhrt_err(LHRT_ERR_REDOP, "reduction operator %u is not registered", redop);
  lhrt_status_t st = dnode_wait(&m->l->done);
  if (st) return st;
  uint8_t acc[64];
  u_memcpy(acc, op->identity, op->size);
  plat_free(callback_take_error()); /* none left over from code that ran an operator by hand */
  for (uint64_t i = 0; i < m->l->npoints; i++) {
    struct task *t = launch_point(m->l, i);
    if (t->res_size != op->size)
      return lhrt_err(LHRT_ERR_REDOP, "point %lu returned %lu bytes; reduction %u needs %u", i, t->res_size, redop, op->size);
    op->fold(acc, t->res, 1, op->user);
  }
  char *e = callback_take_error();
  if (e) {
    lhrt_status_t st = lhrt_err(LHRT_ERR_REDOP, "reduction operator %u failed: %s", redop, e);
    plat_free(e);
    return st;
  }
  return lhrt_future_from_value((lhrt_runtime_t){H(&m->o.rt->o)}, acc, op->size, out);
}
