/*
 * External (JVM) tasks in queue mode: instead of an upcall on a runtime worker, ready JVM
 * tasks go to one queue that host threads drain in batches (lhrt_runtime_poll_external), so
 * Java workers pull work without any native-to-Java transition. A poll takes its fair share
 * of what is queued among the pollers waiting, so that parallel bodies run in parallel.
 */
#include "internal.h"

struct extq {
  spin_t lock;
  struct task **q;
  uint32_t head, tail, cap;
  uint32_t seq;        /* futex word: bumped on every push and on stop */
  uint32_t waiters;
  uint32_t stopped;
};

static void fail_stopped(struct task *t) {
  task_set_failed(t, "the external queue was stopped before this task ran");
  task_finish_body(t);
}

void extq_push(struct lhrt_runtime *rt, struct task *t) {
  struct extq *x = rt->extq;
  spin_lock(&x->lock);
  if (x->stopped) { spin_unlock(&x->lock); fail_stopped(t); return; }
  if (x->tail - x->head == x->cap) {
    uint32_t n = x->tail - x->head, nc = x->cap * 2;
    struct task **q = plat_alloc(nc * sizeof *q);
    if (!q) { /* out of memory: fail the task rather than lose it */
      spin_unlock(&x->lock);
      task_set_failed(t, "out of memory queueing an external task");
      task_finish_body(t);
      return;
    }
    for (uint32_t i = 0; i < n; i++) q[i] = x->q[(x->head + i) % x->cap];
    plat_free(x->q);
    x->q = q;
    x->cap = nc;
    A_STORE(&x->head, 0);
    A_STORE(&x->tail, n);
  }
  x->q[x->tail % x->cap] = t;
  A_STORE(&x->tail, x->tail + 1);
  A_ADD(&x->seq, 1);
  bool wake = A_LOAD(&x->waiters) != 0;
  spin_unlock(&x->lock);
  if (wake) plat_wake(&x->seq, 1);
}

void extq_free(struct lhrt_runtime *rt) {
  if (!rt->extq) return;
  plat_free(rt->extq->q);
  plat_free(rt->extq);
  rt->extq = NULL;
}

lhrt_status_t lhrt_runtime_use_external_queue(lhrt_runtime_t h) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  if (A_LOAD(&rt->extq)) return LHRT_OK;
  struct extq *x = plat_zalloc(sizeof *x);
  if (x) x->q = plat_alloc(256 * sizeof *x->q);
  if (!x || !x->q) { if (x) plat_free(x); return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory"); }
  x->cap = 256;
  struct extq *expect = NULL;
  if (!A_CAS(&rt->extq, &expect, x)) { plat_free(x->q); plat_free(x); }
  return LHRT_OK;
}

lhrt_status_t lhrt_runtime_poll_external(lhrt_runtime_t h, int64_t timeout_ns, lhrt_ctx_t *tasks, uint32_t max,
                                         uint32_t *n) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(tasks);
  NEED(n);
  struct extq *x = A_LOAD(&rt->extq);
  if (!x) return lhrt_err(LHRT_ERR_STATE, "call lhrt_runtime_use_external_queue first");
  *n = 0;
  uint64_t start = plat_time_ns(), deadline = timeout_ns > 0 ? start + (uint64_t)timeout_ns : 0;
  /* spin briefly first: a pusher then needs no wake-up system call */
  while (timeout_ns != 0 && A_LOAD(&x->head) == A_LOAD(&x->tail) && !A_LOAD(&x->stopped) &&
         plat_time_ns() - start < 20000)
    for (int i = 0; i < 32; i++) plat_cpu_relax();
  for (;;) {
    spin_lock(&x->lock);
    uint64_t now = A_LOAD(&rt->tracing) ? plat_time_ns() : 0;   /* a traced JVM body starts here */
    /* A fair share, not all: pollers asleep now will be woken for the rest, and a batch runs
     * one body after another, so taking everything would leave them idle (ceil(queued / pollers)). */
    uint32_t queued = x->tail - x->head, waiters = A_LOAD(&x->waiters), share = (queued + waiters) / (waiters + 1);
    uint32_t limit = share < max ? share : max;
    while (*n < limit && x->head != x->tail) {
      struct task *t = x->q[x->head % x->cap];
      t->trace_start = now;
      tasks[(*n)++].impl = H(&t->o);   /* made by task_run before the push */
      A_STORE(&x->head, x->head + 1);
    }
    uint32_t seq = A_LOAD(&x->seq), stopped = x->stopped;
    if (!*n && !stopped) A_ADD(&x->waiters, 1);
    spin_unlock(&x->lock);
    if (*n) return LHRT_OK;
    if (stopped) return lhrt_err(LHRT_ERR_STATE, "external queue stopped");
    int64_t left = -1;
    if (timeout_ns == 0) left = 0;
    else if (timeout_ns > 0) {
      uint64_t now = plat_time_ns();
      left = now >= deadline ? 0 : (int64_t)(deadline - now);
    }
    if (left) plat_wait(&x->seq, seq, left);
    A_SUB(&x->waiters, 1);
    if (!left) return LHRT_OK;
  }
}

lhrt_status_t lhrt_runtime_stop_external(lhrt_runtime_t h) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  struct extq *x = A_LOAD(&rt->extq);
  if (!x) return LHRT_OK;
  spin_lock(&x->lock);
  A_STORE(&x->stopped, 1);
  A_ADD(&x->seq, 1);
  spin_unlock(&x->lock);
  plat_wake(&x->seq, 0x7fffffff);
  for (;;) { /* tasks nobody will poll now fail, so that waiting on them (and destroy) cannot hang */
    spin_lock(&x->lock);
    struct task *t = NULL;
    if (x->head != x->tail) {
      t = x->q[x->head % x->cap];
      A_STORE(&x->head, x->head + 1);
    }
    spin_unlock(&x->lock);
    if (!t) return LHRT_OK;
    fail_stopped(t);
  }
}
