/*
 * The mapper: the policy half of the runtime. Each decision asks the installed mapper first
 * (lhrt_runtime_set_mapper; NULL callbacks fall back here) and validates its answer. The
 * default mapper keeps work where it is launched, spreads index launches over all workers
 * in contiguous slices (locality of points), and prefers native variants.
 */
#include "internal.h"

static int32_t default_worker(struct lhrt_runtime *rt, const lhrt_task_info_t *info) {
  if (info->launching_worker >= 0) return info->launching_worker;
  return (int32_t)(A_ADD(&rt->rr, 1) % (uint32_t)rt->nworkers);
}

int32_t mapper_select_worker(struct lhrt_runtime *rt, const lhrt_task_info_t *info) {
  if (rt->mapper.select_worker) {
    int32_t w = rt->mapper.select_worker(rt->mapper.user, info);
    if (w >= 0 && w < rt->nworkers) return w;
  }
  return default_worker(rt, info);
}

uint32_t mapper_select_kind(struct lhrt_runtime *rt, const lhrt_task_info_t *info, uint32_t avail) {
  if (rt->mapper.select_kind) {
    uint32_t k = rt->mapper.select_kind(rt->mapper.user, info, avail);
    if (k <= LHRT_PROC_JVM && (avail & (1u << k))) return k;
  }
  return (avail & (1u << LHRT_PROC_CPU)) ? LHRT_PROC_CPU : LHRT_PROC_JVM;
}

void mapper_choose_layout(struct lhrt_runtime *rt, struct region *root, uint64_t mask, lhrt_layout_t *inout) {
  if (rt->mapper.choose_layout) rt->mapper.choose_layout(rt->mapper.user, (lhrt_region_t){H(&root->o)}, mask, inout);
  if (inout->layout > LHRT_LAYOUT_AOS) inout->layout = LHRT_LAYOUT_SOA;
}

void mapper_slice(struct lhrt_runtime *rt, const lhrt_task_info_t *info, lhrt_slicing_t *out) {
  uint64_t w = (uint64_t)rt->nworkers;
  out->grain = info->npoints / (w * 8) ? info->npoints / (w * 8) : 1;
  out->spread = info->npoints >= 2 * w;
  out->first_worker = default_worker(rt, info);
  if (rt->mapper.slice) rt->mapper.slice(rt->mapper.user, info, out);
  if (out->first_worker < 0 || out->first_worker >= rt->nworkers) out->first_worker = 0;
  if (!out->grain) out->grain = 1;
}

lhrt_status_t lhrt_runtime_set_mapper(lhrt_runtime_t h, const lhrt_mapper_t *m) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(m);
  rt->mapper = *m;
  return LHRT_OK;
}
