/*
 * Task tracing (a profile): while on, every task body that runs leaves one record - task id,
 * point, worker, start and end - in the log of its worker (JVM bodies, ended by host threads,
 * share one more log). A log's lock is taken by its own worker (and, rarely, by a spare thread
 * serving the same slot or by the drain), so workers do not contend with each other; the drain
 * copies records out and frees the chunks it emptied. While tracing is off a task costs one
 * load more.
 */
#include "internal.h"

#define TRACE_CHUNK 1024u      /* records per chunk: 48 KiB */

struct trace_chunk {
  struct trace_chunk *next;
  uint32_t used, drained;
  lhrt_trace_record_t r[TRACE_CHUNK];
};

struct trace_log {
  spin_t lock;
  struct trace_chunk *head;    /* oldest chunk not yet drained */
  struct trace_chunk *tail;    /* the chunk records go to */
} __attribute__((aligned(64)));

static uint32_t nlogs(struct lhrt_runtime *rt) { return (uint32_t)rt->nworkers + 1; }

void trace_task(struct lhrt_runtime *rt, const struct task *t, uint32_t kind, uint64_t ready_ns, uint64_t start_ns) {
  uint64_t end = plat_time_ns();
  struct trace_log *logs = A_LOAD(&rt->tlogs);
  if (!logs) return;
  int32_t w = kind == LHRT_PROC_JVM ? -1 : t->worker;
  struct trace_log *g = &logs[w >= 0 && w < rt->nworkers ? (uint32_t)w : (uint32_t)rt->nworkers];
  spin_lock(&g->lock);
  struct trace_chunk *c = g->tail;
  if (c->used == TRACE_CHUNK) {
    struct trace_chunk *n = plat_zalloc(sizeof *n);
    if (!n) { /* out of memory: the record is lost, the task is not */
      spin_unlock(&g->lock);
      A_ADD(&rt->trace_lost, 1);
      return;
    }
    c->next = n;
    g->tail = c = n;
  }
  lhrt_trace_record_t *r = &c->r[c->used++];
  r->ready_ns = ready_ns && ready_ns <= start_ns ? ready_ns : 0;
  r->start_ns = start_ns;
  r->end_ns = end;
  r->point = t->index;
  r->task_id = t->l && t->l->def ? t->l->def->id : 0;
  r->worker = w;
  r->kind = kind;
  r->failed = (A_LOAD(&t->flags) & T_FAILED) != 0;
  spin_unlock(&g->lock);
}

lhrt_status_t lhrt_runtime_set_tracing(lhrt_runtime_t h, int32_t on) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  if (on && !A_LOAD(&rt->tlogs)) {
    struct trace_log *logs = plat_zalloc(nlogs(rt) * sizeof *logs);
    bool ok = logs != NULL;
    for (uint32_t i = 0; ok && i < nlogs(rt); i++) {
      logs[i].head = logs[i].tail = plat_zalloc(sizeof(struct trace_chunk));
      ok = logs[i].head != NULL;
    }
    spin_lock(&rt->tracelock);
    if (ok && !rt->tlogs) {
      A_STORE(&rt->tlogs, logs);
      logs = NULL;
    }
    spin_unlock(&rt->tracelock);
    if (logs) {
      for (uint32_t i = 0; i < nlogs(rt); i++) plat_free(logs[i].head);
      plat_free(logs);
    }
    if (!ok) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory for the trace logs");
  }
  A_STORE(&rt->tracing, on ? 1u : 0u);
  return LHRT_OK;
}

/* Copies the records of log g, oldest first, into out[*n..max); frees the chunks it emptied. */
static void drain_log(struct trace_log *g, lhrt_trace_record_t *out, uint32_t max, uint32_t *n) {
  spin_lock(&g->lock);
  for (;;) {
    struct trace_chunk *c = g->head;
    while (c->drained < c->used && *n < max) out[(*n)++] = c->r[c->drained++];
    if (c->drained < TRACE_CHUNK || c == g->tail) break;
    g->head = c->next;
    plat_free(c);
  }
  spin_unlock(&g->lock);
}

lhrt_status_t lhrt_runtime_trace_drain(lhrt_runtime_t h, lhrt_trace_record_t *out, uint32_t max, uint32_t *n) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(n);
  if (max && !out) return lhrt_err(LHRT_ERR_INVALID_ARG, "out is NULL");
  *n = 0;
  struct trace_log *logs = A_LOAD(&rt->tlogs);
  for (uint32_t i = 0; logs && i < nlogs(rt); i++) drain_log(&logs[i], out, max, n);
  return LHRT_OK;
}

lhrt_status_t lhrt_runtime_trace_lost(lhrt_runtime_t h, uint64_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  *out = A_LOAD(&rt->trace_lost);
  return LHRT_OK;
}

lhrt_status_t lhrt_runtime_time_ns(lhrt_runtime_t h, uint64_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  *out = plat_time_ns();
  return LHRT_OK;
}

/* At destroy, after every worker stopped. */
void trace_free(struct lhrt_runtime *rt) {
  struct trace_log *logs = rt->tlogs;
  for (uint32_t i = 0; logs && i < nlogs(rt); i++)
    for (struct trace_chunk *c = logs[i].head, *next; c; c = next) {
      next = c->next;
      plat_free(c);
    }
  plat_free(logs);
  rt->tlogs = NULL;
}
