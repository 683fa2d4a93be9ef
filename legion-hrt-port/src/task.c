/*
 * Tasks: variant registration, running a point (native body, external JVM body, or a fill),
 * and completion. A task completes when its body is done AND every launch it made has
 * completed (Legion's semantics: a task's effects include its children's); only then do its
 * reductions fold into their targets and its successors start.
 */
#include "internal.h"

void launch_complete(struct launch *l);

struct task *ctx_task(lhrt_ctx_t ctx, lhrt_status_t *st) {
  struct task *t = obj_check(ctx.impl, K_TASK, st);
  if (t && t->l && (A_LOAD(&t->flags) & T_BODY_DONE) && t->l->kind == L_TASK) {
    *st = lhrt_err(LHRT_ERR_STATE, "task context used after its body ended");
    return NULL;
  }
  return t;
}

/* ------------------------------------------------------------- registry ---- */

struct taskdef *task_lookup(struct lhrt_runtime *rt, uint32_t id) {
  for (struct taskdef *d = A_LOAD(&rt->tasks[id % HASH_BUCKETS]); d; d = d->next)
    if (d->id == id) return d;
  return NULL;
}

lhrt_status_t lhrt_task_register(lhrt_runtime_t h, uint32_t id, const char *name, uint32_t kind, lhrt_task_fn fn,
                                 void *user) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  if (kind == LHRT_PROC_CPU) NEED(fn); /* a JVM variant's body is the host's: fn may be NULL */
  if (kind != LHRT_PROC_CPU && kind != LHRT_PROC_JVM)
    return lhrt_err(LHRT_ERR_INVALID_ARG, "variant kind %u must be LHRT_PROC_CPU or LHRT_PROC_JVM", kind);
  spin_lock(&rt->reglock);
  struct taskdef *d = task_lookup(rt, id);
  bool fresh = !d;
  if (fresh && (d = plat_zalloc(sizeof *d))) {
    d->id = id;
    u_fmt(d->name, sizeof d->name, "%s", name ? name : "task");
    u_fmt(d->label, sizeof d->label, "task %s (id %u)", d->name, id);
  }
  if (d) {
    d->v[kind].fn = fn;
    d->v[kind].user = user;
    A_OR(&d->kinds, 1u << kind);
    if (fresh) {
      d->next = rt->tasks[id % HASH_BUCKETS];
      A_STORE(&rt->tasks[id % HASH_BUCKETS], d);
    }
  }
  spin_unlock(&rt->reglock);
  return d ? LHRT_OK : lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
}

lhrt_status_t lhrt_task_register_native_symbol(lhrt_runtime_t h, uint32_t id, const char *name, const char *library,
                                               const char *symbol, void *user) {
  NEED(symbol);
  char err[200];
  void *fn = plat_symbol_lookup(library, symbol, err, sizeof err);
  if (!fn) return lhrt_err(LHRT_ERR_NOT_FOUND, "%s", err);
  lhrt_task_fn f;
  u_memcpy(&f, &fn, sizeof f);
  return lhrt_task_register(h, id, name, LHRT_PROC_CPU, f, user);
}

lhrt_status_t lhrt_runtime_set_external_executor(lhrt_runtime_t h, lhrt_external_fn fn, void *host) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  rt->ext_host = host;
  A_STORE(&rt->ext, fn);
  return LHRT_OK;
}

/* ------------------------------------------------------------ completion ---- */

void task_set_failed(struct task *t, const char *msg) {
  if (!(A_OR(&t->flags, T_FAILED) & T_FAILED)) t->err = u_strdup(msg ? msg : "task failed");
}

void task_set_result(struct task *t, const void *v, uint64_t size) {
  if (t->res != t->res_inline) plat_free(t->res);
  t->res = size <= sizeof t->res_inline ? t->res_inline : plat_alloc(size);
  if (!t->res) { t->res_size = 0; task_set_failed(t, "out of memory storing a task result"); return; }
  if (size) u_memcpy(t->res, v, size);
  t->res_size = size;
}

static void task_complete(struct task *t) {
  struct launch *l = t->l;
  red_apply_all(t); /* may fail the task: an operator that reported failure */
  bool failed = A_LOAD(&t->flags) & T_FAILED;
  dnode_complete(&t->done, failed, t->err);
  /* Nothing of the record changes after its completion: if it owns nothing, the launch's free
   * skips it (reading every record of a big launch again, on one thread, was a fifth of an
   * empty index launch). */
  if (l->pstate && !t->w.cause && !t->ctx && (!t->res || t->res == t->res_inline) && !t->err &&
      t->done.succ == t->done.inl && !t->done.err && !t->maps)
    A_STORE(&l->pstate[t->index], PS_CLEAN);
  if (failed) {
    uint32_t expect = 0;
    if (A_CAS(&l->failed_any, &expect, 1)) l->done.err = u_strdup(t->err);
  }
  /* A worker running a slice of l counts its points and updates the launch's shared counter
   * once per slice: one cache-line transfer between CPUs per slice instead of per point. */
  struct thr *th = thr_peek();
  if (th && th->batch_l == l) th->batch_n++;
  else if (A_SUB(&l->remaining, 1) == 0) launch_complete(l);
}

/* Takes the points completed under this thread's slice off their launch's count; the last
 * one completes the launch. Points of the slice still to run keep the launch alive until then. */
void slice_flush(struct thr *th) {
  struct launch *l = th->batch_l;
  int64_t n = th->batch_n;
  th->batch_l = NULL;
  th->batch_n = 0;
  if (n && A_SUB(&l->remaining, n) == 0) launch_complete(l);
}

static void fold_results(struct launch *l) {
  struct redop *op = redop_lookup(l->rt, l->result_redop);
  l->result = op->size <= sizeof l->result_inline ? l->result_inline : plat_alloc(op->size);
  if (!l->result) { l->failed_any = 1; l->done.err = u_strdup("out of memory folding results"); return; }
  u_memcpy(l->result, op->identity, op->size);
  l->result_size = op->size;
  plat_free(callback_take_error()); /* none left over from code that ran an operator by hand */
  for (uint64_t i = 0; i < l->npoints; i++) {
    struct task *p = launch_point(l, i);
    if (p->res_size != op->size) {
      char msg[160];
      u_fmt(msg, sizeof msg, "point %lu returned %lu bytes; reduction %u needs %u", i, p->res_size,
            l->result_redop, op->size);
      l->failed_any = 1;
      l->done.err = u_strdup(msg);
      return;
    }
    op->fold(l->result, p->res, 1, op->user);
  }
  char *e = callback_take_error();
  if (e) {
    l->failed_any = 1;
    l->done.err = e;
  }
}

void launch_complete(struct launch *l) {
  if (l->result_redop && !l->failed_any) fold_results(l);
  char *err = l->done.err;
  l->done.err = NULL;
  dnode_complete(&l->done, l->failed_any, err);
  plat_free(err);
  struct task *p = l->parent;
  int32_t e = __atomic_sub_fetch(&p->ends, 1, __ATOMIC_SEQ_CST);
  if (e == 0) task_complete(p);
  /* e == 1: only p's body is left, so p is alive; wake a wait_all (Dekker with its flag) */
  else if (e == 1 && (__atomic_load_n(&p->flags, __ATOMIC_SEQ_CST) & T_WAITALL))
    plat_wake((uint32_t *)&p->ends, 0x7fffffff);
  launch_unref(l); /* the running reference */
}

static void unmap_all(struct task *t) {
  while (t->maps) {
    struct mapping *m = t->maps;
    t->maps = m->next;
    if (!m->unmapped) { m->unmapped = true; unmap_sync(m->l); }
    obj_fini(&m->o);
    plat_free(m);
  }
}

void task_finish_body(struct task *t) {
  unmap_all(t);
  h_retire(&t->o);  /* its context handle ends with its body */
  A_OR(&t->flags, T_BODY_DONE);
  if (A_SUB(&t->ends, 1) == 0) task_complete(t);
}

lhrt_status_t task_wait_children(struct task *t) {
  int32_t target = t->l && (A_LOAD(&t->flags) & T_BODY_DONE) ? 0 : 1;
  if (A_LOAD(&t->ends) <= target) return LHRT_OK;
  __atomic_fetch_or(&t->flags, T_WAITALL, __ATOMIC_SEQ_CST);
  proc_block_begin();
  int32_t e;
  /* launch_complete wakes at 1 (Dekker with T_WAITALL), so target 1 sleeps untimed: a timed
   * wait would be a poll on a platform without timers (the HRT's). Other targets poll each ms. */
  while ((e = __atomic_load_n(&t->ends, __ATOMIC_SEQ_CST)) > target)
    plat_wait((uint32_t *)&t->ends, (uint32_t)e, target == 1 ? -1 : 1000000);
  proc_block_end();
  return LHRT_OK;
}

/* ---------------------------------------------------------------- running ---- */

static void fill_body(struct task *t) {
  struct launch *l = t->l;
  struct region *sub = launch_sub(l, t->index, 0);
  for (int f = 0; f < LHRT_MAX_FIELDS; f++) {
    if (!((l->reqs[0].mask >> f) & 1)) continue;
    lhrt_accessor_t a;
    region_accessor(sub, f, &a);
    for (uint64_t k = 0; k < sub->is->nrects; k++) {
      const lhrt_rect_t *r = &sub->is->rects[k];
      uint64_t v = rect_volume(r);
      for (uint64_t i = 0; i < v; i++) {
        lhrt_point_t p;
        rect_point_at(r, i, &p);
        u_memcpy(lhrt_accessor_at(&a, p.x[0], p.x[1], p.x[2]), l->args, a.field_size);
      }
    }
  }
}

void task_run(struct launch *l, uint64_t i) {
  struct task *t = launch_point(l, i);
  struct thr *th = thr_get();
  struct task *saved = th->cur;
  th->cur = t;
  t->worker = proc_current_worker();
  lhrt_ctx_t ctx = {NULL};
  if (A_LOAD(&t->w.poisoned)) {
    char msg[256];
    u_fmt(msg, sizeof msg, "%s depends on a failed task: %s", l->def ? l->def->name : "operation",
          failure_root(t->w.cause));
    task_set_failed(t, msg);
    task_finish_body(t);
  } else if (red_prepare(t)) {
    task_set_failed(t, lhrt_last_error());
    task_finish_body(t);
  } else if (l->kind == L_FILL) {
    fill_body(t);
    task_finish_body(t);
  } else if (l->kind == L_COPY) {
    copy_body(t);
    task_finish_body(t);
  } else if (!(ctx.impl = (void *)(uintptr_t)(l->vkind == LHRT_PROC_JVM ? h_of(&t->o) : h_bind_body(th, &t->o)))) {
    task_set_failed(t, "out of handles for the task's context");   /* a body gets a handle to its context */
    task_finish_body(t);
  } else if (l->vkind == LHRT_PROC_JVM) {
    A_OR(&t->flags, T_EXTERNAL);
    if (A_LOAD(&l->rt->extq)) {
      if (A_LOAD(&l->rt->tracing)) t->trace_ready = plat_time_ns();
      extq_push(l->rt, t);     /* started when a host thread takes it */
    } else {
      if (A_LOAD(&l->rt->tracing)) {
        t->trace_ready = th->ready_ns;
        t->trace_start = plat_time_ns();
      }
      l->rt->ext(l->rt->ext_host, ctx, l->def->id, l->def->v[LHRT_PROC_JVM].user);
    }
  } else {
    struct variant *v = &l->def->v[LHRT_PROC_CPU];
    bool traced = A_LOAD(&l->rt->tracing);
    uint64_t ready = th->ready_ns, start = traced ? plat_time_ns() : 0;
    v->fn(ctx, l->args, l->arglen, v->user);
    if (traced) trace_task(l->rt, t, LHRT_PROC_CPU, ready, start);
    h_unbind_body(th, &t->o);
    task_finish_body(t);
  }
  th->cur = saved;
}

/* ------------------------------------------------------------- task API ---- */

#define TASK(t, ctx)                                    \
  lhrt_status_t st_;                                    \
  struct task *t = ctx_task((ctx), &st_);               \
  if (!t) return st_;                                   \
  if (!t->l) return lhrt_err(LHRT_ERR_STATE, "the top-level context is not a task")

lhrt_status_t lhrt_task_get_id(lhrt_ctx_t ctx, uint32_t *out) {
  TASK(t, ctx); NEED(out); *out = t->l->def ? t->l->def->id : 0; return LHRT_OK;
}
lhrt_status_t lhrt_task_get_point(lhrt_ctx_t ctx, lhrt_point_t *out) {
  TASK(t, ctx); NEED(out); *out = t->point; return LHRT_OK;
}
lhrt_status_t lhrt_task_get_args(lhrt_ctx_t ctx, const void **args, uint64_t *len) {
  TASK(t, ctx);
  if (args) *args = t->l->args;
  if (len) *len = t->l->arglen;
  return LHRT_OK;
}
lhrt_status_t lhrt_task_get_index(lhrt_ctx_t ctx, uint64_t *out) {
  TASK(t, ctx); NEED(out); *out = t->index; return LHRT_OK;
}
lhrt_status_t lhrt_task_get_domain(lhrt_ctx_t ctx, lhrt_index_space_t *out) {
  TASK(t, ctx); NEED(out); return h_out(&out->impl, t->l->domain ? &t->l->domain->o : NULL);
}
lhrt_status_t lhrt_task_get_worker(lhrt_ctx_t ctx, int32_t *out) {
  TASK(t, ctx); NEED(out); *out = proc_current_worker(); return LHRT_OK;
}
lhrt_status_t lhrt_task_get_region_count(lhrt_ctx_t ctx, uint32_t *out) {
  TASK(t, ctx); NEED(out); *out = t->l->nreqs; return LHRT_OK;
}
lhrt_status_t lhrt_task_get_info(lhrt_ctx_t ctx, uint32_t *task_id, lhrt_point_t *point, const void **args,
                                 uint64_t *arglen, uint32_t *nregions) {
  TASK(t, ctx);
  NEED(task_id); NEED(point); NEED(args); NEED(arglen); NEED(nregions);
  *task_id = t->l->def ? t->l->def->id : 0;
  *point = t->point;
  *args = t->l->args;
  *arglen = t->l->arglen;
  *nregions = t->l->nreqs;
  return LHRT_OK;
}
lhrt_status_t lhrt_task_get_region(lhrt_ctx_t ctx, uint32_t r, lhrt_region_t *out) {
  TASK(t, ctx);
  NEED(out);
  if (r >= t->l->nreqs) return lhrt_err(LHRT_ERR_BOUNDS, "requirement %u of %u", r, t->l->nreqs);
  return h_out(&out->impl, &launch_sub(t->l, t->index, r)->o);
}
lhrt_status_t lhrt_task_get_future_count(lhrt_ctx_t ctx, uint32_t *out) {
  TASK(t, ctx); NEED(out); *out = t->l->nfuts; return LHRT_OK;
}
lhrt_status_t lhrt_task_get_future_value(lhrt_ctx_t ctx, uint32_t i, void *buf, uint64_t cap, uint64_t *size) {
  TASK(t, ctx);
  if (i >= t->l->nfuts) return lhrt_err(LHRT_ERR_BOUNDS, "future %u of %u", i, t->l->nfuts);
  lhrt_future_t f = {H(&t->l->futs[i]->o)};
  return lhrt_future_get_value(f, buf, cap, size);
}
lhrt_status_t lhrt_task_return(lhrt_ctx_t ctx, const void *v, uint64_t size) {
  TASK(t, ctx);
  if (size && !v) return lhrt_err(LHRT_ERR_INVALID_ARG, "value is NULL");
  task_set_result(t, v, size);
  return LHRT_OK;
}
lhrt_status_t lhrt_task_fail(lhrt_ctx_t ctx, const char *msg) {
  TASK(t, ctx);
  task_set_failed(t, msg);
  return LHRT_OK;
}

static lhrt_status_t external_end(lhrt_ctx_t ctx, struct task **out) {
  TASK(t, ctx);
  if (!(A_LOAD(&t->flags) & T_EXTERNAL)) return lhrt_err(LHRT_ERR_STATE, "task is not an external (JVM) task");
  *out = t;
  return LHRT_OK;
}

lhrt_status_t lhrt_task_complete(lhrt_ctx_t ctx, const void *v, uint64_t size) {
  struct task *t;
  lhrt_status_t st = external_end(ctx, &t);
  if (st) return st;
  if (size && !v) return lhrt_err(LHRT_ERR_INVALID_ARG, "value is NULL");
  task_set_result(t, v, size);
  if (t->trace_start) trace_task(t->rt, t, LHRT_PROC_JVM, t->trace_ready, t->trace_start);
  task_finish_body(t);
  return LHRT_OK;
}

lhrt_status_t lhrt_task_complete_failed(lhrt_ctx_t ctx, const char *msg) {
  struct task *t;
  lhrt_status_t st = external_end(ctx, &t);
  if (st) return st;
  task_set_failed(t, msg);
  if (t->trace_start) trace_task(t->rt, t, LHRT_PROC_JVM, t->trace_ready, t->trace_start);
  task_finish_body(t);
  return LHRT_OK;
}

lhrt_status_t lhrt_context_wait_all(lhrt_ctx_t ctx) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  return task_wait_children(t);
}
