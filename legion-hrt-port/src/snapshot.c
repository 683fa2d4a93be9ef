/*
 * A task's snapshot: everything a host-language body asks first (id, point, arguments, and per
 * region requirement its region, that region's spaces and the fields' accessors) in one call.
 * Over the HVM's ring each call is a round trip, so a Java body with regions asked seven times
 * before it did any work; with this, once.
 */
#include "internal.h"

static uint64_t align8(uint64_t v) { return (v + 7) & ~(uint64_t)7; }

static uint32_t field_count(const struct req *q) {
  uint32_t n = 0;
  for (uint64_t m = q->priv == LHRT_NO_ACCESS ? 0 : q->mask; m; m &= m - 1) n++;   /* no libgcc popcount here */
  return n;
}

lhrt_status_t lhrt_task_get_snapshot(lhrt_ctx_t ctx, void *buf, uint64_t cap, uint64_t *size) {
  lhrt_status_t st;
  struct task *t = ctx_task(ctx, &st);
  if (!t) return st;
  NEED(size);
  if (cap && !buf) return lhrt_err(LHRT_ERR_INVALID_ARG, "buf is NULL");
  if ((uintptr_t)buf & 7) return lhrt_err(LHRT_ERR_INVALID_ARG, "buf is not 8-byte aligned");
  if (!t->l) return lhrt_err(LHRT_ERR_STATE, "the top-level context is no task");
  struct launch *l = t->l;
  uint64_t regions = sizeof(lhrt_task_snapshot_t), accessors = regions + l->nreqs * sizeof(lhrt_task_snapshot_region_t);
  uint64_t nacc = 0;
  for (uint32_t r = 0; r < l->nreqs; r++) nacc += field_count(&l->reqs[r]);
  uint64_t args = accessors + nacc * sizeof(lhrt_accessor_t);
  *size = align8(args + l->arglen);
  if (*size > cap) return LHRT_OK;
  lhrt_task_snapshot_t *h = buf;
  h->task_id = l->def ? l->def->id : 0;
  h->nregions = l->nreqs;
  h->point = t->point;
  h->index = t->index;
  h->arglen = l->arglen;
  h->args_offset = args;
  h->regions_offset = regions;
  lhrt_task_snapshot_region_t *rs = (lhrt_task_snapshot_region_t *)((char *)buf + regions);
  lhrt_accessor_t *acc = (lhrt_accessor_t *)((char *)buf + accessors);
  for (uint32_t r = 0; r < l->nreqs; r++) {
    struct region *g = launch_sub(l, t->index, r);
    const struct req *q = &l->reqs[r];
    if ((st = h_out(&rs[r].region.impl, &g->o)) || (st = h_out(&rs[r].index_space.impl, &g->is->o)) ||
        (st = h_out(&rs[r].field_space.impl, &g->fs->o)))
      return st;
    rs[r].tree_id = g->tree_id;
    rs[r].naccessors = field_count(q);
    rs[r].accessors_offset = (uint64_t)((char *)acc - (char *)buf);
    for (int f = 0; f < LHRT_MAX_FIELDS && rs[r].naccessors; f++)   /* slot order, as lhrt_task_get_accessors */
      if ((q->mask >> f) & 1) accessor_for(t, r, f, acc++);
  }
  if (l->arglen) u_memcpy((char *)buf + args, l->args, l->arglen);
  return LHRT_OK;
}

lhrt_status_t lhrt_runtime_poll_external_snapshot(lhrt_runtime_t rt, int64_t timeout_ns, lhrt_ctx_t *task,
                                                  void *buf, uint64_t cap, uint64_t *size, uint32_t *n) {
  NEED(size);
  if (cap && !buf) return lhrt_err(LHRT_ERR_INVALID_ARG, "buf is NULL");     /* before a task is taken */
  if ((uintptr_t)buf & 7) return lhrt_err(LHRT_ERR_INVALID_ARG, "buf is not 8-byte aligned");
  *size = 0;
  lhrt_status_t st = lhrt_runtime_poll_external(rt, timeout_ns, task, 1, n);
  if (st || !*n) return st;
  st = lhrt_task_get_snapshot(*task, buf, cap, size);
  if (st) { /* not expected (the arguments were checked): fail the task rather than lose it */
    lhrt_task_complete_failed(*task, "its snapshot could not be taken");
    *n = 0;
  }
  return st;
}
