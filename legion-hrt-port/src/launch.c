/*
 * Launchers and the launch path: a launcher collects task id, arguments, region requirements
 * and future arguments; execute turns it into a launch (one op with one or many points),
 * checks privileges against the launching task, runs the dependence analysis, and hands the
 * points that are ready to the workers in slices. Launch objects and point blocks come from
 * free lists, so a steady stream of launches does not touch the heap.
 */
#include "internal.h"

void task_ready(struct dwaiter *w);
void future_release_internal(struct future *f);
struct future *future_clone_internal(struct future *f);
struct dnode *future_dnode(struct future *f);

/* --------------------------------------------------------- launch objects ---- */

static void point_init(struct launch *l, struct task *t, uint64_t i) {
  t->o.kind = K_TASK;
  t->o.h = 0;           /* a context handle is made when its body starts (task_run) */
  t->o.next = t->o.prev = NULL;
  t->o.rt = l->rt;
  t->w.pending = 1; /* the analysis hold */
  t->w.poisoned = 0;
  t->w.cause = NULL;
  t->w.ready = task_ready;
  dnode_init(&t->done);
  t->l = l;
  t->index = i;
  t->ends = 1;
  t->flags = 0;
  t->worker = -1;
  t->ctx = NULL;
  t->res = NULL;
  t->res_size = 0;
  t->err = NULL;
  t->reds = NULL;
  t->maps = NULL;
  t->rt = l->rt;
  t->trace_ready = t->trace_start = 0;
}

struct task *launch_point_slow(struct launch *l, uint64_t i) {
  struct task *t = &l->points[i];
  for (uint8_t s; (s = A_LOAD(&l->pstate[i])) <= PS_FREE;) {
    if (!A_CAS(&l->pstate[i], &s, PS_INIT)) continue;
    point_init(l, t, i);
    is_point_at(l->domain, i, &t->point);
    if (s == PS_FREE) t->w.pending = 0; /* released as ready, or running: no hold to drop */
    A_STORE(&l->pstate[i], PS_READY);
    return t;
  }
  while (A_LOAD(&l->pstate[i]) < PS_READY) plat_cpu_relax(); /* another thread is writing it */
  return t;
}

void launch_point_coord(const struct launch *l, uint64_t i, lhrt_point_t *out) {
  if (l->pstate) is_point_at(l->domain, i, out);
  else *out = l->points[i].point;
}

/* npoints records (and, lazy, a state byte each) from the block cache; eager: all written now. */
struct launch *launch_alloc(struct lhrt_runtime *rt, uint64_t npoints, uint32_t nreqs, bool lazy) {
  struct launch *l = NULL;
  spin_lock(&rt->fllock);
  if (rt->free_launches) {
    l = rt->free_launches;
    rt->free_launches = l->next_free;
    rt->nfree_launches--;
  }
  spin_unlock(&rt->fllock);
  if (!l && !(l = plat_alloc(sizeof *l))) return NULL;
  u_memset(l, 0, offsetof(struct launch, one));
  l->rt = rt;
  l->refs = 1;
  dnode_init(&l->done);
  l->npoints = npoints;
  l->remaining = (int64_t)npoints;
  l->worker_hint = -1;
  l->grain = 1;
  l->reqs = nreqs <= 2 ? l->reqs_inline : plat_zalloc(nreqs * sizeof *l->reqs);
  lazy = lazy && npoints > 1;
  uint64_t bytes = npoints * sizeof(struct task) + (lazy ? npoints : 0);
  l->points = npoints <= 1 ? &l->one : runtime_alloc_block(rt, bytes, &l->points_cap);
  if (!l->reqs || !l->points) {
    if (l->reqs != l->reqs_inline) plat_free(l->reqs);
    if (l->points && l->points != &l->one) runtime_free_block(rt, l->points, l->points_cap);
    plat_free(l);
    return NULL;
  }
  if (lazy) {
    l->pstate = (uint8_t *)(l->points + npoints);
    u_memset(l->pstate, PS_RAW, npoints);
  } else {
    for (uint64_t i = 0; i < npoints; i++) point_init(l, &l->points[i], i);
  }
  if (!npoints) point_init(l, &l->one, 0);
  return l;
}

static void point_fini(struct task *t) {
  dnode_fini(&t->done);
  plat_free(t->w.cause);
  ctx_free(t->ctx);
  if (t->res != t->res_inline) plat_free(t->res);
  plat_free(t->err);
  h_retire(&t->o);      /* normally done when its body ended */
}

static void launch_free(struct launch *l) {
  struct lhrt_runtime *rt = l->rt;
  uint64_t n = l->npoints ? l->npoints : 1;
  for (uint64_t i = 0; i < n; i++) /* RAW: never made; CLEAN: nothing to free (task_complete) */
    if (!l->pstate || l->pstate[i] == PS_READY) point_fini(&l->points[i]);
  if (l->points != &l->one) runtime_free_block(rt, l->points, l->points_cap);
  dnode_fini(&l->done);
  if (l->args != l->args_inline) plat_free(l->args);
  for (uint32_t r = 0; r < l->nreqs; r++) if (l->reqs[r].node) root_unref(l->reqs[r].node->root);
  if (l->reqs != l->reqs_inline) plat_free(l->reqs);
  for (uint32_t f = 0; f < l->nfuts; f++) future_release_internal(l->futs[f]);
  plat_free(l->futs);
  if (l->domain) is_unref(l->domain);
  plat_free(l->subs);
  if (l->result != l->result_inline) plat_free(l->result);
  spin_lock(&rt->fllock);
  if (rt->nfree_launches < 256) {
    l->next_free = rt->free_launches;
    rt->free_launches = l;
    rt->nfree_launches++;
    l = NULL;
  }
  spin_unlock(&rt->fllock);
  plat_free(l);
}

void launch_ref(struct launch *l) { A_ADD(&l->refs, 1); }
void launch_unref(struct launch *l) {
  if (l && A_SUB(&l->refs, 1) == 0) launch_free(l);
}

/* ------------------------------------------------------------- launchers ---- */

static lhrt_status_t launcher_free(struct launcher *L);

static lhrt_status_t launcher_new(struct lhrt_runtime *rt, uint32_t kind, uint32_t task_id, const void *args,
                                  uint64_t arglen, void **out) {
  struct launcher *L = plat_zalloc(sizeof *L);
  if (!L) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  L->task_id = task_id;
  L->is_index = kind == K_ILAUNCHER;
  if (arglen) {
    if (!(L->args = plat_alloc(arglen))) { plat_free(L); return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory"); }
    u_memcpy(L->args, args, arglen);
    L->arglen = arglen;
  }
  obj_init(rt, &L->o, kind, true);
  lhrt_status_t st = h_out(out, &L->o);
  if (st) launcher_free(L);
  return st;
}

static lhrt_status_t launcher_free(struct launcher *L) {
  for (uint32_t i = 0; i < L->nfuts; i++) future_release_internal(L->futs[i]);
  plat_free(L->futs);
  plat_free(L->reqs);
  plat_free(L->args);
  if (L->domain) is_unref(L->domain);
  obj_fini(&L->o);
  plat_free(L);
  return LHRT_OK;
}

static lhrt_status_t set_args(struct launcher *L, const void *args, uint64_t arglen) {
  if (arglen && !args) return lhrt_err(LHRT_ERR_INVALID_ARG, "args is NULL");
  void *n = NULL;
  if (arglen && !(n = plat_alloc(arglen))) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  if (arglen) u_memcpy(n, args, arglen);
  plat_free(L->args);
  L->args = n;
  L->arglen = arglen;
  return LHRT_OK;
}

lhrt_status_t launcher_add_req(struct launcher *L, struct region *region, struct partition *part, uint32_t proj,
                               lhrt_region_t parent_h, uint32_t priv, uint32_t coh, uint32_t redop, uint32_t *out) {
  struct region *parent = NULL;
  lhrt_status_t st;
  if (parent_h.impl && !(parent = obj_check(parent_h.impl, K_REGION, &st))) return st;
  if (priv > LHRT_REDUCE) return lhrt_err(LHRT_ERR_INVALID_ARG, "privilege %u unknown", priv);
  if (coh > LHRT_RELAXED) return lhrt_err(LHRT_ERR_INVALID_ARG, "coherence %u unknown", coh);
  if (priv == LHRT_REDUCE && !redop)
    return lhrt_err(LHRT_ERR_REDOP, "REDUCE needs a reduction operator (e.g. LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64)), got none");
  if (priv == LHRT_REDUCE && !redop_lookup(L->o.rt, redop))
    return lhrt_err(LHRT_ERR_REDOP, "reduction operator %u is not registered", redop);
  if (priv != LHRT_REDUCE && redop) return lhrt_err(LHRT_ERR_REDOP, "redop %u given for a non-REDUCE privilege", redop);
  if (proj && !projection_lookup(L->o.rt, proj)) return lhrt_err(LHRT_ERR_NOT_FOUND, "projection %u is not registered", proj);
  struct region *node = region ? region : part->parent;
  SAME_RT(L->o.rt, &node->o, "the region");
  if (parent && !region_is_ancestor(parent, node))
    return lhrt_err(LHRT_ERR_NOT_UNDER_PARENT, "region is not under the given parent region (tree %u vs %u)",
                    node->tree_id, parent->tree_id);
  if (L->nreqs == L->capreqs) {
    uint32_t nc = L->capreqs ? L->capreqs * 2 : 4;
    struct req *nr = plat_realloc(L->reqs, nc * sizeof *nr);
    if (!nr) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
    L->reqs = nr;
    L->capreqs = nc;
  }
  struct req q = {region, part, parent, node, proj, priv, coh, redop, 0, -1, 0};
  L->reqs[L->nreqs] = q;
  if (out) *out = L->nreqs;
  L->nreqs++;
  return LHRT_OK;
}

lhrt_status_t launcher_add_field(struct launcher *L, uint32_t r, uint32_t fid) {
  if (r >= L->nreqs) return lhrt_err(LHRT_ERR_BOUNDS, "requirement %u of %u", r, L->nreqs);
  struct req *q = &L->reqs[r];
  int slot = fs_index(q->node->fs, fid);
  if (slot < 0) return lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "field %u is not in region tree %u", fid, q->node->tree_id);
  if (q->priv == LHRT_REDUCE) {
    uint32_t sz = 0;
    lhrt_redop_get_size((lhrt_runtime_t){H(&L->o.rt->o)}, q->redop, &sz);
    if (sz != fs_size_at(q->node->fs, slot))
      return lhrt_err(LHRT_ERR_REDOP, "reduction operator %u works on %u-byte values, field %u has %u bytes",
                      q->redop, sz, fid, fs_size_at(q->node->fs, slot));
  }
  q->mask |= 1ull << slot;
  return LHRT_OK;
}

static lhrt_status_t add_future(struct launcher *L, lhrt_future_t fh) {
  CHECK(f, struct future, K_FUTURE, fh);
  SAME_RT(L->o.rt, &f->o, "the future");
  if (L->nfuts == L->capfuts) {
    uint32_t nc = L->capfuts ? L->capfuts * 2 : 4;
    struct future **nf = plat_realloc(L->futs, nc * sizeof *nf);
    if (!nf) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
    L->futs = nf;
    L->capfuts = nc;
  }
  struct future *c = future_clone_internal(f);
  if (!c) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  L->futs[L->nfuts++] = c;
  return LHRT_OK;
}

lhrt_status_t lhrt_task_launcher_create(lhrt_runtime_t h, uint32_t task_id, const void *args, uint64_t arglen,
                                        lhrt_task_launcher_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  if (arglen && !args) return lhrt_err(LHRT_ERR_INVALID_ARG, "args is NULL");
  return launcher_new(rt, K_TLAUNCHER, task_id, args, arglen, &out->impl);
}
lhrt_status_t lhrt_task_launcher_destroy(lhrt_task_launcher_t h) {
  CHECK(L, struct launcher, K_TLAUNCHER, h);
  return launcher_free(L);
}
lhrt_status_t lhrt_task_launcher_set_args(lhrt_task_launcher_t h, const void *args, uint64_t arglen) {
  CHECK(L, struct launcher, K_TLAUNCHER, h);
  return set_args(L, args, arglen);
}
lhrt_status_t lhrt_task_launcher_add_region(lhrt_task_launcher_t h, lhrt_region_t rh, lhrt_region_t parent,
                                            uint32_t priv, uint32_t coh, uint32_t redop, uint32_t *out) {
  CHECK(L, struct launcher, K_TLAUNCHER, h);
  CHECK(r, struct region, K_REGION, rh);
  return launcher_add_req(L, r, NULL, 0, parent, priv, coh, redop, out);
}
lhrt_status_t lhrt_task_launcher_add_field(lhrt_task_launcher_t h, uint32_t r, uint32_t fid) {
  CHECK(L, struct launcher, K_TLAUNCHER, h);
  return launcher_add_field(L, r, fid);
}
lhrt_status_t lhrt_task_launcher_add_future(lhrt_task_launcher_t h, lhrt_future_t f) {
  CHECK(L, struct launcher, K_TLAUNCHER, h);
  return add_future(L, f);
}
lhrt_status_t lhrt_task_launcher_set_kind(lhrt_task_launcher_t h, uint32_t kind) {
  CHECK(L, struct launcher, K_TLAUNCHER, h);
  if (kind > LHRT_PROC_JVM) return lhrt_err(LHRT_ERR_INVALID_ARG, "processor kind %u unknown", kind);
  L->kind = kind;
  return LHRT_OK;
}

lhrt_status_t lhrt_index_launcher_create(lhrt_runtime_t h, uint32_t task_id, lhrt_index_space_t dh, const void *args,
                                         uint64_t arglen, lhrt_index_launcher_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  CHECK(dom, struct ispace, K_ISPACE, dh);
  NEED(out);
  SAME_RT(rt, &dom->o, "the launch domain");
  if (arglen && !args) return lhrt_err(LHRT_ERR_INVALID_ARG, "args is NULL");
  if (dom->volume >= (1ull << 31)) return lhrt_err(LHRT_ERR_LIMIT, "launch domain of %lu points (limit 2^31)", dom->volume);
  lhrt_status_t st = launcher_new(rt, K_ILAUNCHER, task_id, args, arglen, &out->impl);
  if (!st) { /* the launcher keeps the domain alive even if its handle is destroyed */
    struct launcher *L = obj_check(out->impl, K_ILAUNCHER, &st);
    L->domain = dom;
    is_ref(dom);
  }
  return st;
}
lhrt_status_t lhrt_index_launcher_destroy(lhrt_index_launcher_t h) {
  CHECK(L, struct launcher, K_ILAUNCHER, h);
  return launcher_free(L);
}
lhrt_status_t lhrt_index_launcher_set_args(lhrt_index_launcher_t h, const void *args, uint64_t arglen) {
  CHECK(L, struct launcher, K_ILAUNCHER, h);
  return set_args(L, args, arglen);
}
lhrt_status_t lhrt_index_launcher_add_region(lhrt_index_launcher_t h, lhrt_region_t rh, lhrt_region_t parent,
                                             uint32_t priv, uint32_t coh, uint32_t redop, uint32_t *out) {
  CHECK(L, struct launcher, K_ILAUNCHER, h);
  CHECK(r, struct region, K_REGION, rh);
  return launcher_add_req(L, r, NULL, 0, parent, priv, coh, redop, out);
}
lhrt_status_t lhrt_index_launcher_add_partition(lhrt_index_launcher_t h, lhrt_partition_t ph, uint32_t proj,
                                                lhrt_region_t parent, uint32_t priv, uint32_t coh, uint32_t redop,
                                                uint32_t *out) {
  CHECK(L, struct launcher, K_ILAUNCHER, h);
  CHECK(p, struct partition, K_PART, ph);
  return launcher_add_req(L, NULL, p, proj, parent, priv, coh, redop, out);
}
lhrt_status_t lhrt_index_launcher_add_field(lhrt_index_launcher_t h, uint32_t r, uint32_t fid) {
  CHECK(L, struct launcher, K_ILAUNCHER, h);
  return launcher_add_field(L, r, fid);
}
lhrt_status_t lhrt_index_launcher_add_future(lhrt_index_launcher_t h, lhrt_future_t f) {
  CHECK(L, struct launcher, K_ILAUNCHER, h);
  return add_future(L, f);
}
lhrt_status_t lhrt_index_launcher_set_kind(lhrt_index_launcher_t h, uint32_t kind) {
  CHECK(L, struct launcher, K_ILAUNCHER, h);
  if (kind > LHRT_PROC_JVM) return lhrt_err(LHRT_ERR_INVALID_ARG, "processor kind %u unknown", kind);
  L->kind = kind;
  return LHRT_OK;
}

/* ------------------------------------------------------------- privileges ---- */

static bool priv_covers(const struct req *p, const struct req *q) {
  if (q->priv == LHRT_NO_ACCESS) return true;
  if (p->priv == LHRT_READ_WRITE || p->priv == LHRT_WRITE_DISCARD) return true;
  if (p->priv == LHRT_READ_ONLY) return q->priv == LHRT_READ_ONLY;
  if (p->priv == LHRT_REDUCE) return q->priv == LHRT_REDUCE && q->redop == p->redop;
  return false;
}

/* Finds the launching task's requirement that grants q; sets q->parent_req. */
lhrt_status_t check_privilege(struct task *T, struct req *q, struct region *node) {
  struct region *root = node->root;
  if (root->ri->destroyed) return lhrt_err(LHRT_ERR_INVALID_HANDLE, "region tree %u was destroyed", root->tree_id);
  q->parent_req = -1;
  if (!T->l || root->ri->creator == T) return LHRT_OK;
  struct region *anchor = q->parent ? q->parent : node;
  bool under = false;
  for (uint32_t k = 0; k < T->l->nreqs; k++) {
    struct req *p = &T->l->reqs[k];
    struct region *psub = launch_sub(T->l, T->index, k);
    if (psub->root != root || !region_is_ancestor(psub, anchor)) continue;
    under = true;
    if ((p->mask & q->mask) != q->mask || !priv_covers(p, q)) continue;
    q->parent_req = (int32_t)k;
    return LHRT_OK;
  }
  if (!under)
    return lhrt_err(LHRT_ERR_NOT_UNDER_PARENT, "region (tree %u) is not under any region of the parent task",
                    root->tree_id);
  static const char *const names[] = {"NO_ACCESS", "READ_ONLY", "READ_WRITE", "WRITE_DISCARD", "REDUCE"};
  return lhrt_err(LHRT_ERR_PRIVILEGE, "%s on field %u (and the others of the requirement) of region tree %u exceeds "
                  "what the parent task holds there: ask for it in the parent's requirement", names[q->priv],
                  root->fs->ids[__builtin_ctzll(q->mask)], root->tree_id);
}

/* --------------------------------------------------------------- building ---- */

static lhrt_status_t compute_subs(struct launch *l) {
  struct lhrt_runtime *rt = l->rt;
  if (!(l->subs = plat_alloc(l->npoints * l->nreqs * sizeof *l->subs))) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  for (uint32_t r = 0; r < l->nreqs; r++) {
    struct req *q = &l->reqs[r];
    struct projection *pf = q->proj ? projection_lookup(rt, q->proj) : NULL;
    if (pf) plat_free(callback_take_error()); /* none left over: a failing call below reports its own */
    for (uint64_t i = 0; i < l->npoints; i++) {
      if (!q->part) { l->subs[i * l->nreqs + r] = q->region; continue; }
      lhrt_point_t p, c;
      launch_point_coord(l, i, &p);
      c = p;
      if (pf && pf->fn(&p, &l->domain->bounds, &c, pf->user)) {
        char *why = callback_take_error();
        lhrt_status_t st = lhrt_err(LHRT_ERR_BOUNDS, "projection %u failed for point %lu%s%s", q->proj, i,
                                    why ? ": " : "", why ? why : "");
        plat_free(why);
        return st;
      }
      int64_t s = c.dim == q->part->colors->dim ? is_linear(&q->part->colors->bounds, &c) : -1;
      if (s < 0 || !q->part->child[s])
        return lhrt_err(LHRT_ERR_BOUNDS, "launch point %lu maps to a color outside the partition", i);
      l->subs[i * l->nreqs + r] = q->part->child[s];
    }
  }
  return LHRT_OK;
}

static int ptr_cmp(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return x < y ? -1 : x > y;
}

static bool writes(const struct req *q) {
  return (q->priv == LHRT_READ_WRITE || q->priv == LHRT_WRITE_DISCARD) && q->coh <= LHRT_ATOMIC;
}

static bool reqs_conflict(const struct req *a, const struct req *b) {
  if (a->priv == LHRT_READ_ONLY && b->priv == LHRT_READ_ONLY) return false;
  if (a->priv == LHRT_REDUCE && b->priv == LHRT_REDUCE && a->redop == b->redop) return false;
  return !(a->coh >= LHRT_SIMULTANEOUS && b->coh >= LHRT_SIMULTANEOUS);
}

static lhrt_status_t check_writer(struct launch *l, uint32_t a) {
  struct req *qa = &l->reqs[a];
  if (!qa->part) return lhrt_err(LHRT_ERR_INTERFERENCE, "requirement %u writes one region from every point", a);
  if (!qa->part->disjoint) return lhrt_err(LHRT_ERR_INTERFERENCE, "requirement %u writes an aliased partition", a);
  if (!qa->proj) return LHRT_OK;
  struct region **tmp = plat_alloc(l->npoints * sizeof *tmp);
  if (!tmp) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  for (uint64_t i = 0; i < l->npoints; i++) tmp[i] = launch_sub(l, i, a);
  u_sort(tmp, l->npoints, sizeof *tmp, ptr_cmp);
  bool dup = false;
  for (uint64_t i = 1; i < l->npoints; i++) dup |= tmp[i] == tmp[i - 1];
  plat_free(tmp);
  return dup ? lhrt_err(LHRT_ERR_INTERFERENCE, "projection of requirement %u sends two points to one subregion", a)
             : LHRT_OK;
}

/* Points of one index launch run in parallel, so no two may interfere: a writer needs a
 * disjoint partition, and conflicting requirements must not overlap across points. */
static lhrt_status_t check_interference(struct launch *l) {
  if (l->npoints < 2) return LHRT_OK;
  for (uint32_t a = 0; a < l->nreqs; a++) {
    struct req *qa = &l->reqs[a];
    if (!qa->mask) continue;
    lhrt_status_t st = writes(qa) ? check_writer(l, a) : LHRT_OK;
    if (st) return st;
    for (uint32_t b = a + 1; b < l->nreqs; b++) {
      struct req *qb = &l->reqs[b];
      if (!(qa->mask & qb->mask) || qb->node->root != qa->node->root || !reqs_conflict(qa, qb)) continue;
      if (qb->part && qb->part == qa->part && qa->part->disjoint && !qa->proj && !qb->proj) continue;
      if ((st = launch_pair_interference(l, a, b))) return st;
    }
  }
  return LHRT_OK;
}

static lhrt_status_t copy_reqs(struct task *T, struct launch *l, struct launcher *L) {
  for (uint32_t r = 0; r < L->nreqs; r++) {
    struct req *q = &l->reqs[r];
    *q = L->reqs[r];
    if (!q->mask && q->priv != LHRT_NO_ACCESS)
      return lhrt_err(LHRT_ERR_INVALID_ARG, "requirement %u has no fields", r);
    uint64_t gone = q->mask & ~A_LOAD(&q->node->fs->live);
    if (gone)
      return lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "requirement %u names field %u, freed since it was added to the launcher",
                      r, q->node->fs->ids[__builtin_ctzll(gone)]);
    lhrt_status_t st = check_privilege(T, q, q->node);
    if (!st) st = root_ensure_instances(q->node->root, q->mask);
    if (st) return st;
    q->pointwise = q->part && !q->proj && l->domain && l->domain->nrects == 1;
    root_ref(q->node->root);
    l->nreqs = r + 1;
  }
  return LHRT_OK;
}

static lhrt_status_t choose_variant(struct lhrt_runtime *rt, struct launch *l, struct launcher *L) {
  struct taskdef *def = task_lookup(rt, L->task_id);
  if (!def) return lhrt_err(LHRT_ERR_NOT_FOUND, "task %u has no registered variant", L->task_id);
  l->def = def;
  uint32_t avail = def->kinds;
  if (L->kind && (avail & (1u << L->kind))) avail = 1u << L->kind;
  lhrt_task_info_t info = {def->id, 0, l->npoints, proc_current_worker(), rt->nworkers, {1, 0, {0, 0, 0}}};
  uint32_t k = mapper_select_kind(rt, &info, avail);
  if (k > LHRT_PROC_JVM || !(avail & (1u << k))) return lhrt_err(LHRT_ERR_NOT_FOUND, "mapper chose a missing variant kind %u", k);
  if (k == LHRT_PROC_JVM && !A_LOAD(&rt->ext) && !A_LOAD(&rt->extq))
    return lhrt_err(LHRT_ERR_UNSUPPORTED, "task %u has only a JVM variant and no external executor is set", def->id);
  l->vkind = k;
  return LHRT_OK;
}

/* A launch of `kind` from L: a task's (L_TASK: its variant chosen now) or a runtime operation's
 * (L_COPY: points run the operation's body, no variant). */
lhrt_status_t launch_build(struct task *T, struct launcher *L, uint32_t kind, struct launch **out) {
  struct lhrt_runtime *rt = L->o.rt;
  uint64_t n = L->is_index ? L->domain->volume : 1;
  /* Lazy points need their coordinates by index: cheap over a few rectangles only. */
  bool lazy = L->is_index && n > 1 && L->domain->nrects <= 4;
  struct launch *l = launch_alloc(rt, n, L->nreqs, lazy);
  if (!l) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  l->is_index = L->is_index;
  l->kind = kind;
  lhrt_status_t st = LHRT_OK;
  if (kind == L_TASK) st = choose_variant(rt, l, L);
  else l->vkind = LHRT_PROC_CPU;
  if (!st && L->arglen > sizeof l->args_inline && !(l->args = plat_alloc(L->arglen)))
    st = lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory for %lu bytes of launch arguments", L->arglen);
  if (!st) {
    if (!l->args) l->args = l->args_inline;
    if (L->arglen) u_memcpy(l->args, L->args, L->arglen);
    l->arglen = L->arglen;
    if (L->is_index) {
      l->domain = L->domain;
      is_ref(l->domain);
      if (!l->pstate) is_points_into(l->domain, &l->points[0].point, sizeof(struct task));
    } else {
      l->one.point = lhrt_point1(0);
    }
    st = copy_reqs(T, l, L);
  }
  if (!st && L->is_index && L->nreqs && n) st = compute_subs(l);
  if (!st) st = check_interference(l);
  if (!st && L->nfuts) {
    if (!(l->futs = plat_alloc(L->nfuts * sizeof *l->futs))) st = lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
    for (uint32_t f = 0; !st && f < L->nfuts; f++) {
      if (!(l->futs[f] = future_clone_internal(L->futs[f]))) st = lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
      else l->nfuts = f + 1;
    }
  }
  if (st) { /* the message is the failing step's (an instance says how much memory it needed) */
    launch_unref(l);
    return st;
  }
  *out = l;
  return LHRT_OK;
}

/* --------------------------------------------------------------- scheduling ---- */

/* Decides, once per launch and before any point can run, where its points start and how
 * finely they split (the mapper's select_worker / slice). */
static void plan(struct launch *l) {
  struct lhrt_runtime *rt = l->rt;
  lhrt_task_info_t info = {l->def ? l->def->id : 0, l->vkind, l->npoints, proc_current_worker(), rt->nworkers,
                           {1, 0, {0, 0, 0}}};
  launch_point_coord(l, 0, &info.point);
  if (!l->is_index) {
    l->worker_hint = mapper_select_worker(rt, &info);
    l->spread = 0;
    return;
  }
  lhrt_slicing_t s;
  mapper_slice(rt, &info, &s);
  l->worker_hint = s.first_worker;
  l->spread = s.spread;
  l->grain = s.grain ? (uint32_t)(s.grain < 0x7fffffff ? s.grain : 0x7fffffff) : 1;
}

static void schedule_run(struct launch *l, uint64_t lo, uint64_t hi) {
  struct lhrt_runtime *rt = l->rt;
  uint64_t parts = l->spread ? (uint64_t)rt->nworkers : 1, len = hi - lo;
  if (parts > len) parts = len;
  for (uint64_t k = 0; k < parts; k++) {
    uint64_t a = lo + len * k / parts, b = lo + len * (k + 1) / parts;
    proc_push(rt, (l->worker_hint + (int32_t)k) % rt->nworkers, (struct work){l, (uint32_t)a, (uint32_t)b});
  }
}

/* A point whose last predecessor just completed: run it where that predecessor ran. */
void task_ready(struct dwaiter *w) {
  struct task *t = (struct task *)((char *)w - offsetof(struct task, w));
  struct launch *l = t->l;
  int32_t wi = proc_current_worker();
  if (wi < 0) wi = l->worker_hint >= 0 ? l->worker_hint : (int32_t)(A_ADD(&l->rt->rr, 1) % (uint32_t)l->rt->nworkers);
  proc_push_ex(l->rt, wi, (struct work){l, (uint32_t)t->index, (uint32_t)t->index + 1}, true);
}

/* Drops the analysis hold of every point; consecutive ready points go out as slices. */
static void release_points(struct launch *l) {
  uint64_t run = UINT64_MAX;
  if (l->kind != L_MAP) plan(l);
  for (uint64_t i = 0; i < l->npoints; i++) {
    struct task *t = &l->points[i];
    /* A point nobody made has no predecessor: no edge reaches a point without making it. The
     * state moves RAW -> FREE here or RAW -> INIT in whoever makes it (another thread's
     * analysis, taking it as a predecessor), never both: the hold is dropped once. */
    uint8_t s = PS_RAW;
    bool ready;
    if (l->pstate && A_CAS(&l->pstate[i], &s, PS_FREE)) {
      ready = true;
    } else {
      if (l->pstate) while (A_LOAD(&l->pstate[i]) < PS_READY) plat_cpu_relax(); /* being made */
      ready = A_SUB(&t->w.pending, 1) == 0;
    }
    if (ready && l->kind == L_MAP) { t->w.ready(&t->w); continue; }
    if (ready && run == UINT64_MAX) run = i;
    if (!ready && run != UINT64_MAX) { schedule_run(l, run, i); run = UINT64_MAX; }
  }
  if (run != UINT64_MAX) schedule_run(l, run, l->npoints);
}

void launch_complete(struct launch *l);

/* The analysis state of T's children, created on first use. */
static struct ctx *ctx_of(struct task *T) {
  struct ctx *c = A_LOAD(&T->ctx);
  if (c) return c;
  struct ctx *n = plat_zalloc(sizeof *n), *expect = NULL;
  if (!n) return NULL;
  if (A_CAS(&T->ctx, &expect, n)) return n;
  plat_free(n);
  return expect;
}

/* Consumes the launch's initial (running) reference, also on error. */
lhrt_status_t launch_submit(struct task *T, struct launch *l) {
  struct ctx *c = l->nreqs ? ctx_of(T) : NULL;
  if (l->nreqs && !c) { launch_unref(l); return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory"); }
  l->parent = T;
  A_ADD(&T->ends, 1);
  launch_ref(l); /* ours until the end of this function; the initial ref is the running one */
  if (!l->npoints) {
    launch_complete(l);
    launch_unref(l);
    return LHRT_OK;
  }
  if (c) depend_analyze(c, l);
  for (uint32_t f = 0; f < l->nfuts; f++) {
    struct dnode *d = future_dnode(l->futs[f]);
    for (uint64_t i = 0; d && i < l->npoints; i++) dep_add(d, &launch_point(l, i)->w);
  }
  release_points(l);
  launch_unref(l);
  return LHRT_OK;
}

lhrt_status_t future_for_launch(struct launch *l, uint64_t index, void **impl);
lhrt_status_t fmap_for_launch(struct launch *l, void **impl);

static lhrt_status_t execute(lhrt_ctx_t ctx, struct launcher *L, struct launch **out) {
  lhrt_status_t st;
  struct task *T = ctx_task(ctx, &st);
  if (!T) return st;
  SAME_RT(T->o.rt, &L->o, "the launcher");
  struct launch *l;
  if ((st = launch_build(T, L, L_TASK, &l))) return st;
  launch_ref(l); /* for the caller while it makes futures */
  if ((st = launch_submit(T, l))) { launch_unref(l); return st; }
  *out = l;
  return LHRT_OK;
}

lhrt_status_t lhrt_task_launcher_execute(lhrt_ctx_t ctx, lhrt_task_launcher_t h, lhrt_future_t *out) {
  CHECK(L, struct launcher, K_TLAUNCHER, h);
  struct launch *l;
  lhrt_status_t st = execute(ctx, L, &l);
  if (st) return st;
  if (out) st = future_for_launch(l, 0, &out->impl);
  launch_unref(l);
  return st;
}

lhrt_status_t lhrt_index_launcher_execute(lhrt_ctx_t ctx, lhrt_index_launcher_t h, lhrt_future_map_t *out) {
  CHECK(L, struct launcher, K_ILAUNCHER, h);
  struct launch *l;
  lhrt_status_t st = execute(ctx, L, &l);
  if (st) return st;
  if (out) st = fmap_for_launch(l, &out->impl);
  launch_unref(l);
  return st;
}

lhrt_status_t lhrt_index_launcher_execute_reduce(lhrt_ctx_t ctx, lhrt_index_launcher_t h, uint32_t redop,
                                                 lhrt_future_t *out) {
  CHECK(L, struct launcher, K_ILAUNCHER, h);
  NEED(out);
  if (!redop_lookup(L->o.rt, redop)) return lhrt_err(LHRT_ERR_REDOP, "reduction operator %u is not registered", redop);
  lhrt_status_t st;
  struct task *T = ctx_task(ctx, &st);
  if (!T) return st;
  struct launch *l;
  if ((st = launch_build(T, L, L_TASK, &l))) return st;
  l->result_redop = redop;
  launch_ref(l);
  st = launch_submit(T, l);
  if (!st) st = future_for_launch(l, UINT64_MAX, &out->impl);
  launch_unref(l);
  return st;
}
