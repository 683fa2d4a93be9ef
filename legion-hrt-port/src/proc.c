/*
 * Processors: one worker slot per core, each with a deque of work (slices of launch points).
 * Owners pop the newest work, idle slots steal the oldest (largest) slices, and big slices
 * split in half as they run. Idle threads spin for a while, then sleep on one futex word;
 * pushers wake them only when someone sleeps. A thread that blocks inside a task (waiting on a
 * future) hands its slot to a spare thread, so waits never starve the pool.
 */
#include "internal.h"

struct runner {
  struct runner *next_all, *next_idle;
  struct lhrt_runtime *rt;
  struct worker *slot;
  uint32_t word;           /* 1 = assigned a slot (or shutdown) */
  plat_thread_t *thread;
};

/* ------------------------------------------------------------------ deque ---- */

static bool dq_grow(struct worker *w) {
  uint32_t n = w->tail - w->head, nc = w->cap ? w->cap * 2 : 64;
  struct work *q = plat_alloc(nc * sizeof *q);
  if (!q) return false;
  for (uint32_t i = 0; i < n; i++) q[i] = w->q[(w->head + i) % w->cap];
  plat_free(w->q);
  w->q = q;
  w->cap = nc;
  A_STORE(&w->head, 0);
  A_STORE(&w->tail, n);
  return true;
}

/* Wakes a sleeping worker unless an idle one is still spinning (it will find the work). */
static void wake_one(struct lhrt_runtime *rt) {
  A_FENCE();
  if (A_LOAD(&rt->spinning)) return;
  if (A_LOAD(&rt->sleepers)) {
    A_ADD(&rt->wake_seq, 1);
    plat_wake(&rt->wake_seq, 1);
  }
}

void proc_push(struct lhrt_runtime *rt, int32_t wi, struct work item) { proc_push_ex(rt, wi, item, false); }

/* lazy: a worker queues work for itself at the end of an item; if its deque was empty it
 * will take the work next, so nobody needs waking (a dependence chain stays on one core). */
void proc_push_ex(struct lhrt_runtime *rt, int32_t wi, struct work item, bool lazy) {
  struct worker *w = &rt->workers[wi];
  if (!item.ready_ns && A_LOAD(&rt->tracing)) item.ready_ns = plat_time_ns();
  spin_lock(&w->lock);
  while (w->tail - w->head == w->cap && !dq_grow(w)) { /* out of memory: run it here instead */
    spin_unlock(&w->lock);
    for (uint32_t i = item.lo; i < item.hi; i++) task_run(item.l, i);
    return;
  }
  bool was_empty = w->tail == w->head;
  w->q[w->tail % w->cap] = item;
  A_STORE(&w->tail, w->tail + 1);
  spin_unlock(&w->lock);
  if (lazy && was_empty && A_LOAD(&w->active) == 1) { /* an over-served slot may retire this thread */
    struct thr *t = thr_peek();
    if (t && t->w == w && !t->more) return;
  }
  wake_one(rt);
}

static bool dq_pop(struct worker *w, struct work *out) {
  if (A_LOAD(&w->tail) == A_LOAD(&w->head)) return false;
  spin_lock(&w->lock);
  bool ok = w->tail != w->head;
  if (ok) {
    *out = w->q[(w->tail - 1) % w->cap];
    A_STORE(&w->tail, w->tail - 1);
  }
  spin_unlock(&w->lock);
  return ok;
}

static bool dq_steal(struct worker *w, struct work *out) {
  if (A_LOAD(&w->tail) == A_LOAD(&w->head)) return false;
  spin_lock(&w->lock);
  bool ok = w->tail != w->head;
  if (ok) {
    *out = w->q[w->head % w->cap];
    A_STORE(&w->head, w->head + 1);
  }
  spin_unlock(&w->lock);
  return ok;
}

static bool find_work(struct lhrt_runtime *rt, struct worker *w, struct work *out) {
  if (dq_pop(w, out)) return true;
  uint32_t n = (uint32_t)rt->nworkers, seed = A_RLX(&w->seed); /* racy on purpose: any value will do */
  seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5;
  __atomic_store_n(&w->seed, seed, __ATOMIC_RELAXED);
  uint32_t start = seed % n;
  for (uint32_t k = 0; k < n; k++) {
    struct worker *v = &rt->workers[(start + k) % n];
    if (v != w && dq_steal(v, out)) return true;
  }
  return false;
}

static bool any_work(struct lhrt_runtime *rt) {
  for (int32_t i = 0; i < rt->nworkers; i++)
    if (A_LOAD(&rt->workers[i].tail) != A_LOAD(&rt->workers[i].head)) return true;
  return false;
}

/* ---------------------------------------------------------------- running ---- */

static void exec(struct worker *w, struct work it) {
  struct launch *l = it.l;
  uint32_t grain = l->grain ? l->grain : 1;
  while (it.hi - it.lo > grain) { /* keep the lower half, offer the upper half */
    uint32_t mid = it.lo + (it.hi - it.lo) / 2;
    proc_push(w->rt, w->id, (struct work){l, mid, it.hi, it.ready_ns});  /* ready since the whole was */
    it.hi = mid;
  }
  struct thr *th = thr_get();
  th->ready_ns = it.ready_ns;
  if (th->batch_n) slice_flush(th); /* never two launches' counts in one batch */
  th->batch_l = l;
  const char *name = l->def ? l->def->name : "(a copy or fill)";
  plat_note_task(l->def ? l->def->label : "a copy or fill of the runtime");
  for (uint32_t i = it.lo; i < it.hi; i++) {
    th->more = i + 1 < it.hi; /* successors readied now should not wait for the rest of the slice */
    task_run(l, i);
  }
  th->more = false;
  th->ready_ns = 0;
  slice_flush(th);
  plat_note_task(NULL);
  th->last_task = name;
  plat_stack_check(name, 0);
}

/* Called while counted as spinning: become a sleeper first, then stop spinning, then look
 * once more (pushers check spinning, then sleepers, after their push). */
static void sleep_idle(struct lhrt_runtime *rt) {
  uint32_t seq = A_LOAD(&rt->wake_seq);
  A_ADD(&rt->sleepers, 1);
  A_SUB(&rt->spinning, 1);
  A_FENCE();
  if (!any_work(rt) && !A_LOAD(&rt->shutdown)) plat_wait(&rt->wake_seq, seq, 100000000);
  A_SUB(&rt->sleepers, 1);
}

/* Serves slot w until shutdown or until the slot has more threads than it needs. */
static void serve(struct lhrt_runtime *rt, struct worker *w) {
  uint64_t spin_ns = rt->cfg.spin_ns > 0 ? (uint64_t)rt->cfg.spin_ns : 0;
  while (!A_LOAD(&rt->shutdown)) {
    int32_t a = A_LOAD(&w->active);
    if (a > 1 && A_CAS(&w->active, &a, a - 1)) { /* retire; leave no queued work unnoticed */
      if (A_LOAD(&w->tail) != A_LOAD(&w->head)) wake_one(rt);
      return;
    }
    struct work it;
    if (find_work(rt, w, &it)) { exec(w, it); continue; }
    struct thr *th = thr_peek();
    if (th && th->last_task) {             /* idle now: time to read the whole guard band */
      plat_stack_check(th->last_task, 1);
      th->last_task = NULL;
    }
    uint64_t t0 = plat_time_ns();
    bool found = false;
    A_ADD(&rt->spinning, 1);
    while (!found && plat_time_ns() - t0 < spin_ns && !A_LOAD(&rt->shutdown)) {
      for (int i = 0; i < 64; i++) plat_cpu_relax();
      if (any_work(rt)) found = true;
    }
    if (!found) sleep_idle(rt);
    else A_SUB(&rt->spinning, 1);
  }
}

static void park(struct runner *r) {
  struct lhrt_runtime *rt = r->rt;
  spin_lock(&rt->thrlock);
  if (A_LOAD(&rt->shutdown)) { spin_unlock(&rt->thrlock); return; } /* proc_stop already swept the list */
  A_STORE(&r->word, 0);
  r->next_idle = (struct runner *)rt->spares;
  rt->spares = r;
  spin_unlock(&rt->thrlock);
  while (!A_LOAD(&r->word)) plat_wait(&r->word, 0, -1);
}

static void runner_main(void *arg) {
  struct runner *r = arg;
  struct lhrt_runtime *rt = r->rt;
  struct thr *th = thr_get();
  while (!A_LOAD(&rt->shutdown)) {
    th->w = r->slot;
    serve(rt, r->slot);
    th->w = NULL;
    if (!A_LOAD(&rt->shutdown)) park(r);
  }
}

static struct runner *runner_start(struct lhrt_runtime *rt, struct worker *w, int core) {
  struct runner *r = plat_zalloc(sizeof *r);
  if (!r) return NULL;
  r->rt = rt;
  r->slot = w;
  r->word = 1;
  r->next_all = (struct runner *)rt->threads;
  rt->threads = r;
  if (plat_thread_create(&r->thread, runner_main, r, core)) {
    rt->threads = r->next_all;
    plat_free(r);
    return NULL;
  }
  return r;
}

/* ------------------------------------------------------------- blocking ---- */

int32_t proc_current_worker(void) {
  struct thr *t = thr_peek();
  return t && t->w ? t->w->id : -1;
}

/* The calling thread is about to block: if it serves a slot, give the slot a runner. */
void proc_block_begin(void) {
  struct thr *t = thr_peek();
  if (t) slice_flush(t); /* what it waits for may wait for this launch */
  if (!t || !t->w) return;
  struct worker *w = t->w;
  struct lhrt_runtime *rt = w->rt;
  if (A_SUB(&w->active, 1) > 0) return;
  spin_lock(&rt->thrlock);
  struct runner *r = (struct runner *)rt->spares;
  if (r) {
    rt->spares = r->next_idle;
    r->slot = w;
    A_ADD(&w->active, 1);
    A_STORE(&r->word, 1);
    plat_wake(&r->word, 1);
  } else if (!A_LOAD(&rt->shutdown) && runner_start(rt, w, -1)) {
    A_ADD(&w->active, 1);
  }
  spin_unlock(&rt->thrlock);
}

void proc_block_end(void) {
  struct thr *t = thr_peek();
  if (!t || !t->w) return;
  A_ADD(&t->w->active, 1); /* the slot may now be over-served; one thread retires at its next item */
}

/* -------------------------------------------------------------- lifecycle ---- */

lhrt_status_t proc_start(struct lhrt_runtime *rt) {
  rt->workers = plat_zalloc((size_t)rt->nworkers * sizeof *rt->workers);
  if (!rt->workers) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  for (int32_t i = 0; i < rt->nworkers; i++) {
    struct worker *w = &rt->workers[i];
    w->id = i;
    w->rt = rt;
    w->seed = 0x9e3779b9u * (uint32_t)(i + 1);
    w->active = 1;
    if (!dq_grow(w)) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  }
  spin_lock(&rt->thrlock);
  for (int32_t i = 0; i < rt->nworkers; i++) {
    if (!runner_start(rt, &rt->workers[i], rt->cfg.pin_workers ? i : -1)) {
      spin_unlock(&rt->thrlock);
      return lhrt_err(LHRT_ERR_NO_MEMORY, "cannot start worker thread %d", i);
    }
  }
  spin_unlock(&rt->thrlock);
  return LHRT_OK;
}

void proc_stop(struct lhrt_runtime *rt) {
  A_STORE(&rt->shutdown, 1);
  A_ADD(&rt->wake_seq, 1);
  plat_wake(&rt->wake_seq, 0x7fffffff);
  spin_lock(&rt->thrlock);
  for (struct runner *r = (struct runner *)rt->spares; r; r = r->next_idle) {
    A_STORE(&r->word, 1);
    plat_wake(&r->word, 1);
  }
  rt->spares = NULL;
  struct runner *all = (struct runner *)rt->threads;
  rt->threads = NULL;
  spin_unlock(&rt->thrlock);
  while (all) {
    struct runner *n = all->next_all;
    plat_thread_join(all->thread);
    plat_free(all);
    all = n;
  }
  for (int32_t i = 0; rt->workers && i < rt->nworkers; i++) plat_free(rt->workers[i].q);
  plat_free(rt->workers);
  rt->workers = NULL;
}
