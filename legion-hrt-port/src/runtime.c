/*
 * The runtime object: configuration, start-up and shutdown, the top-level context (a pseudo
 * task that never ends), projection functors, and the block cache behind index launches.
 * Shutdown waits for all work and then frees every object the caller still owns.
 */
#include "internal.h"

void lhrt_config_init(lhrt_config_t *cfg) {
  if (!cfg) return;
  u_memset(cfg, 0, sizeof *cfg);
  cfg->struct_size = sizeof *cfg;
  cfg->spin_ns = 20000;
}

lhrt_status_t lhrt_runtime_create(const lhrt_config_t *cfg, lhrt_runtime_t *out) {
  NEED(out);
  lhrt_config_t def;
  lhrt_config_init(&def);
  if (cfg && cfg->struct_size != sizeof *cfg)
    return lhrt_err(LHRT_ERR_INVALID_ARG, "config struct_size %u, expected %u (call lhrt_config_init)",
                    cfg->struct_size, (unsigned)sizeof *cfg);
  if (cfg) def = *cfg;
  if (def.workers < 0 || def.workers > 1024) return lhrt_err(LHRT_ERR_INVALID_ARG, "workers %d not in 0..1024", def.workers);
  redop_init();
  struct lhrt_runtime *rt = plat_zalloc(sizeof *rt);
  if (!rt) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  rt->cfg = def;
  rt->nworkers = def.workers ? def.workers : plat_cpu_count();
  rt->objs.next = rt->objs.prev = &rt->objs;
  obj_init(rt, &rt->o, K_RUNTIME, false);
  rt->sysmem = plat_zalloc(sizeof *rt->sysmem);
  if (!rt->sysmem) { plat_free(rt); return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory"); }
  obj_init(rt, &rt->sysmem->o, K_MEMORY, false);
  struct task *top = &rt->top;
  obj_init(rt, &top->o, K_TASK, false);
  dnode_init(&top->done);
  top->ends = 1;
  top->worker = -1;
  top->rt = rt;
  top->point = lhrt_point1(0);
  if (!h_of(&rt->o)) {
    plat_free(rt->sysmem);
    plat_free(rt);
    return lhrt_err(LHRT_ERR_NO_MEMORY, "out of handles");
  }
  lhrt_status_t st = proc_start(rt);
  if (st) {
    proc_stop(rt);
    h_retire(&rt->o);
    plat_free(rt->sysmem);
    plat_free(rt);
    return st;
  }
  return h_out(&out->impl, &rt->o);
}

static struct obj *first_of(struct lhrt_runtime *rt, uint32_t kind) {
  spin_lock(&rt->objlock);
  struct obj *o = rt->objs.next;
  while (o != &rt->objs && o->kind != kind) o = o->next;
  spin_unlock(&rt->objlock);
  return o == &rt->objs ? NULL : o;
}

/* o's handle for its destroy call; one that cannot be made (no memory for the table) leaves
 * o out of the list instead, so that the loops below end (o leaks). */
static void *owned_handle(struct obj *o) {
  void *h = H(o);
  if (!h) obj_unlink(o);
  return h;
}

static void free_owned(struct lhrt_runtime *rt) {
  struct obj *o;
  while ((o = first_of(rt, K_TLAUNCHER))) lhrt_task_launcher_destroy((lhrt_task_launcher_t){owned_handle(o)});
  while ((o = first_of(rt, K_ILAUNCHER))) lhrt_index_launcher_destroy((lhrt_index_launcher_t){owned_handle(o)});
  while ((o = first_of(rt, K_FUTURE))) lhrt_future_destroy((lhrt_future_t){owned_handle(o)});
  while ((o = first_of(rt, K_FMAP))) lhrt_future_map_destroy((lhrt_future_map_t){owned_handle(o)});
  ctx_free(rt->top.ctx);
  rt->top.ctx = NULL;
  while ((o = first_of(rt, K_REGION))) lhrt_region_destroy((lhrt_region_t){owned_handle(o)});
  while ((o = first_of(rt, K_FSPACE))) lhrt_field_space_destroy((lhrt_field_space_t){owned_handle(o)});
  while ((o = first_of(rt, K_ISPACE))) lhrt_index_space_destroy((lhrt_index_space_t){owned_handle(o)});
  while ((o = first_of(rt, K_MEMORY))) {
    struct memory *m = (struct memory *)o;
    m->live = 0;
    lhrt_memory_destroy((lhrt_memory_t){owned_handle(o)});
  }
}

static void free_registry(struct lhrt_runtime *rt) {
  for (int b = 0; b < HASH_BUCKETS; b++) {
    while (rt->tasks[b]) { struct taskdef *d = rt->tasks[b]; rt->tasks[b] = d->next; plat_free(d); }
    while (rt->projs[b]) { struct projection *p = rt->projs[b]; rt->projs[b] = p->next; plat_free(p); }
  }
  redop_free_all(rt);
  while (rt->free_launches) { struct launch *l = rt->free_launches; rt->free_launches = l->next_free; plat_free(l); }
  for (int c = 0; c < 24; c++) {
    while (rt->free_blocks[c]) { void *b = rt->free_blocks[c]; rt->free_blocks[c] = *(void **)b; plat_free(b); }
  }
}

lhrt_status_t lhrt_runtime_destroy(lhrt_runtime_t h) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  if (proc_current_worker() >= 0) return lhrt_err(LHRT_ERR_STATE, "a runtime cannot be destroyed from its own task");
  A_STORE(&rt->closing, 1);
  struct obj *o;
  while ((o = first_of(rt, K_MAPPING))) lhrt_mapping_unmap((lhrt_mapping_t){owned_handle(o)}); /* later work may wait on them */
  task_wait_children(&rt->top);
  proc_stop(rt);
  trace_free(rt);
  free_owned(rt);
  free_registry(rt);
  extq_free(rt);
  dnode_fini(&rt->top.done);
  h_retire(&rt->top.o);
  mem_destroy_all(rt);
  h_retire(&rt->o);
  plat_free(rt);
  return LHRT_OK;
}

lhrt_status_t lhrt_runtime_get_top_context(lhrt_runtime_t h, lhrt_ctx_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  return h_out(&out->impl, &rt->top.o);
}

lhrt_status_t lhrt_runtime_get_worker_count(lhrt_runtime_t h, int32_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  *out = rt->nworkers;
  return LHRT_OK;
}

/* ------------------------------------------------------------ projections ---- */

struct projection *projection_lookup(struct lhrt_runtime *rt, uint32_t id) {
  for (struct projection *p = A_LOAD(&rt->projs[id % HASH_BUCKETS]); p; p = p->next)
    if (p->id == id) return p;
  return NULL;
}

lhrt_status_t lhrt_projection_register(lhrt_runtime_t h, uint32_t id, lhrt_projection_fn fn, void *user) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(fn);
  if (id == LHRT_PROJECTION_IDENTITY) return lhrt_err(LHRT_ERR_INVALID_ARG, "projection id 0 is the identity");
  struct projection *p = plat_zalloc(sizeof *p);
  if (!p) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  p->id = id;
  p->fn = fn;
  p->user = user;
  spin_lock(&rt->reglock);
  bool dup = projection_lookup(rt, id) != NULL;
  if (!dup) {
    p->next = rt->projs[id % HASH_BUCKETS];
    A_STORE(&rt->projs[id % HASH_BUCKETS], p);
  }
  spin_unlock(&rt->reglock);
  if (dup) { plat_free(p); return lhrt_err(LHRT_ERR_INVALID_ARG, "projection %u already registered", id); }
  return LHRT_OK;
}

/* ------------------------------------------------------------ block cache ---- */

static int block_class(uint64_t n) {
  int c = 12; /* 4 KiB minimum */
  while (c < 40 && (1ull << c) < n) c++;
  return c - 12;
}

void *runtime_alloc_block(struct lhrt_runtime *rt, uint64_t n, uint64_t *cap) {
  int c = block_class(n);
  void *b = NULL;
  if (c < 24) {
    spin_lock(&rt->fllock);
    if ((b = rt->free_blocks[c])) rt->free_blocks[c] = *(void **)b;
    spin_unlock(&rt->fllock);
  }
  *cap = 1ull << (c + 12);
  return b ? b : plat_alloc(*cap);
}

void runtime_free_block(struct lhrt_runtime *rt, void *p, uint64_t cap) {
  int c = block_class(cap);
  if (c >= 24) { plat_free(p); return; }
  spin_lock(&rt->fllock);
  int depth = 0;
  for (void *b = rt->free_blocks[c]; b && depth < 4; b = *(void **)b) depth++;
  if (depth < 4) { *(void **)p = rt->free_blocks[c]; rt->free_blocks[c] = p; p = NULL; }
  spin_unlock(&rt->fllock);
  plat_free(p);
}
