/*
 * One-call launches (lhrt_task_launch, lhrt_index_launch[_reduce]): a launcher described by
 * value is built, launched and destroyed with the launcher API itself, so both paths check and
 * fail alike. They exist for callers that pay per call, not per operation: over the hrt
 * backend's ring a Java launch with one region was five round trips, now it is one.
 */
#include "internal.h"

/* The Java API writes these structs by offset (legion-api's Layouts.LAUNCH, LAUNCH_REQ): keep them fixed. */
_Static_assert(sizeof(lhrt_launch_req_t) == 56, "lhrt_launch_req_t layout");
_Static_assert(__builtin_offsetof(lhrt_launch_req_t, projection) == 24, "lhrt_launch_req_t.projection");
_Static_assert(__builtin_offsetof(lhrt_launch_req_t, fields) == 48, "lhrt_launch_req_t.fields");
_Static_assert(sizeof(lhrt_launch_t) == 56, "lhrt_launch_t layout");
_Static_assert(__builtin_offsetof(lhrt_launch_t, domain) == 24, "lhrt_launch_t.domain");
_Static_assert(__builtin_offsetof(lhrt_launch_t, futures) == 48, "lhrt_launch_t.futures");

static lhrt_status_t runtime_of(lhrt_ctx_t ctx, const lhrt_launch_t *d, lhrt_runtime_t *rt) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  NEED(d);
  if ((d->nreqs && !d->reqs) || (d->nfutures && !d->futures))
    return lhrt_err(LHRT_ERR_INVALID_ARG, "launch of task %u: %s counted but NULL", d->task_id,
                    d->nreqs && !d->reqs ? "requirements" : "futures");
  return h_out(&rt->impl, &t->rt->o);
}

static lhrt_status_t task_steps(lhrt_task_launcher_t l, const lhrt_launch_t *d) {
  lhrt_status_t st;
  for (uint32_t i = 0; i < d->nreqs; i++) {
    const lhrt_launch_req_t *r = &d->reqs[i];
    if (r->partition.impl)
      return lhrt_err(LHRT_ERR_INVALID_ARG, "requirement %u of a single task launch names a partition "
                      "(only index launches project partitions; name the subregion)", i);
    if ((st = lhrt_task_launcher_add_region(l, r->region, r->parent, r->privilege, r->coherence, r->redop, NULL)))
      return st;
    for (uint32_t f = 0; f < r->nfields; f++)
      if ((st = lhrt_task_launcher_add_field(l, i, r->fields[f]))) return st;
  }
  for (uint32_t i = 0; i < d->nfutures; i++)
    if ((st = lhrt_task_launcher_add_future(l, d->futures[i]))) return st;
  return d->kind == LHRT_KIND_ANY ? LHRT_OK : lhrt_task_launcher_set_kind(l, d->kind);
}

lhrt_status_t lhrt_task_launch(lhrt_ctx_t ctx, const lhrt_launch_t *d, lhrt_future_t *out) {
  lhrt_runtime_t rt;
  lhrt_task_launcher_t l;
  lhrt_status_t st = runtime_of(ctx, d, &rt);
  if (st || (st = lhrt_task_launcher_create(rt, d->task_id, d->args, d->arglen, &l))) return st;
  if (!(st = task_steps(l, d))) st = lhrt_task_launcher_execute(ctx, l, out);
  lhrt_task_launcher_destroy(l);
  return st;
}

static lhrt_status_t index_steps(lhrt_index_launcher_t l, const lhrt_launch_t *d) {
  lhrt_status_t st;
  for (uint32_t i = 0; i < d->nreqs; i++) {
    const lhrt_launch_req_t *r = &d->reqs[i];
    st = r->partition.impl
         ? lhrt_index_launcher_add_partition(l, r->partition, r->projection, r->parent, r->privilege, r->coherence,
                                             r->redop, NULL)
         : lhrt_index_launcher_add_region(l, r->region, r->parent, r->privilege, r->coherence, r->redop, NULL);
    if (st) return st;
    for (uint32_t f = 0; f < r->nfields; f++)
      if ((st = lhrt_index_launcher_add_field(l, i, r->fields[f]))) return st;
  }
  for (uint32_t i = 0; i < d->nfutures; i++)
    if ((st = lhrt_index_launcher_add_future(l, d->futures[i]))) return st;
  return d->kind == LHRT_KIND_ANY ? LHRT_OK : lhrt_index_launcher_set_kind(l, d->kind);
}

/* Builds the index launcher; the caller executes it one way or the other and destroys it. */
static lhrt_status_t index_build(lhrt_ctx_t ctx, const lhrt_launch_t *d, lhrt_index_launcher_t *l) {
  lhrt_runtime_t rt;
  lhrt_status_t st = runtime_of(ctx, d, &rt);
  if (st || (st = lhrt_index_launcher_create(rt, d->task_id, d->domain, d->args, d->arglen, l))) return st;
  if ((st = index_steps(*l, d))) lhrt_index_launcher_destroy(*l);
  return st;
}

lhrt_status_t lhrt_index_launch(lhrt_ctx_t ctx, const lhrt_launch_t *d, lhrt_future_map_t *out) {
  lhrt_index_launcher_t l;
  lhrt_status_t st = index_build(ctx, d, &l);
  if (st) return st;
  st = lhrt_index_launcher_execute(ctx, l, out);
  lhrt_index_launcher_destroy(l);
  return st;
}

lhrt_status_t lhrt_index_launch_reduce(lhrt_ctx_t ctx, const lhrt_launch_t *d, uint32_t redop, lhrt_future_t *out) {
  lhrt_index_launcher_t l;
  lhrt_status_t st = index_build(ctx, d, &l);
  if (st) return st;
  st = lhrt_index_launcher_execute_reduce(ctx, l, redop, out);
  lhrt_index_launcher_destroy(l);
  return st;
}
