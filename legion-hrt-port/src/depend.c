/*
 * Dependence analysis. Each context keeps, per region tree, a list of live users: (launch,
 * region node or partition, fields, privilege). A new launch depends on every earlier user that
 * it conflicts with (privilege x coherence), shares a field with, and overlaps in space; the
 * region tree answers most overlap questions structurally (siblings of a disjoint partition
 * never overlap). Index launches over the same disjoint partition depend point to point.
 * An exclusive writer retires the users it covers, so the lists stay short.
 * Edges are dnode (completes) -> dwaiter (counts pending predecessors).
 */
#include "internal.h"

/* ------------------------------------------------------- dnodes and edges ---- */

void dnode_init(struct dnode *n) {
  n->state = 0;
  n->lock.v = 0;
  n->nsucc = 0;
  n->cap = 2;
  n->succ = n->inl;
  n->err = NULL;
}

void dnode_fini(struct dnode *n) {
  if (n->succ != n->inl) plat_free(n->succ);
  n->succ = n->inl;
  plat_free(n->err);
  n->err = NULL;
}

bool dnode_done(struct dnode *n) { return A_LOAD(&n->state) & D_DONE; }

static void poison(struct dwaiter *w, const char *msg) {
  if (!A_LOAD(&w->cause)) {
    char *c = u_strdup(msg ? msg : "failed");
    char *expect = NULL;
    if (!A_CAS(&w->cause, &expect, c)) plat_free(c);
  }
  A_STORE(&w->poisoned, 1);
}

/* An edge that only orders (the successor neither reads what the predecessor wrote nor may the
 * predecessor have written: a reader before a writer, anything before a WRITE_DISCARD) does not
 * pass a failure on: it is kept in the successor list with its low bit set (waiters are aligned). */
#define ORDER_ONLY ((uintptr_t)1)
_Static_assert(_Alignof(struct dwaiter) >= 2, "the tag needs the low bit of a waiter's address");

void dep_add(struct dnode *pred, struct dwaiter *w) { dep_add_ex(pred, w, false); }

void dep_add_ex(struct dnode *pred, struct dwaiter *w, bool order_only) {
  for (;;) {
    spin_lock(&pred->lock);
    uint32_t s = A_LOAD(&pred->state);
    if (s & D_DONE) {
      spin_unlock(&pred->lock);
      if ((s & D_FAILED) && !order_only) poison(w, pred->err);
      return;
    }
    if (pred->nsucc == pred->cap) {
      uint32_t nc = pred->cap * 2;
      struct dwaiter **ns = plat_alloc(nc * sizeof *ns);
      if (!ns) { /* out of memory: wait for the predecessor instead of recording an edge */
        spin_unlock(&pred->lock);
        dnode_wait(pred);
        continue;
      }
      u_memcpy(ns, pred->succ, pred->nsucc * sizeof *ns);
      if (pred->succ != pred->inl) plat_free(pred->succ);
      pred->succ = ns;
      pred->cap = nc;
    }
    pred->succ[pred->nsucc++] = (struct dwaiter *)((uintptr_t)w | (order_only ? ORDER_ONLY : 0));
    A_ADD(&w->pending, 1);
    spin_unlock(&pred->lock);
    return;
  }
}

void dnode_complete(struct dnode *n, bool failed, const char *err) {
  if (failed) n->err = u_strdup(err ? err : "failed");
  spin_lock(&n->lock);
  uint32_t old = A_OR(&n->state, D_DONE | (failed ? D_FAILED : 0));
  uint32_t cnt = n->nsucc;
  struct dwaiter **succ = n->succ;
  n->nsucc = 0;
  spin_unlock(&n->lock);
  if (old & D_WAITERS) plat_wake(&n->state, 0x7fffffff);
  for (uint32_t i = 0; i < cnt; i++) {
    struct dwaiter *w = (struct dwaiter *)((uintptr_t)succ[i] & ~ORDER_ONLY);
    if (failed && !((uintptr_t)succ[i] & ORDER_ONLY)) poison(w, n->err);
    if (A_SUB(&w->pending, 1) == 0) w->ready(w);
  }
}

lhrt_status_t dnode_wait(struct dnode *n) {
  uint32_t s;
  for (int i = 0; i < 2000 && !((s = A_LOAD(&n->state)) & D_DONE); i++) plat_cpu_relax();
  if (!(A_LOAD(&n->state) & D_DONE)) {
    proc_block_begin();
    while (!((s = A_LOAD(&n->state)) & D_DONE)) {
      if (!(s & D_WAITERS)) { A_CAS(&n->state, &s, s | D_WAITERS); continue; }
      plat_wait(&n->state, s, -1);
    }
    proc_block_end();
  }
  s = A_LOAD(&n->state);
  if (s & D_FAILED) return lhrt_err(LHRT_ERR_TASK_FAILED, "%s", n->err ? n->err : "task failed");
  return LHRT_OK;
}

/* ------------------------------------------------------- per-tree users ---- */

struct entry {
  struct launch *l;
  struct region *node;       /* the region, or the partition's parent */
  struct partition *part;    /* partition requirement of an index launch */
  uint32_t req, priv, coh, redop;
  uint64_t mask;
};

static struct tstate *ts_get(struct ctx *c, uint32_t tree) {
  for (uint32_t i = 0; i < c->ntrees; i++) if (c->trees[i].tree_id == tree) return &c->trees[i];
  if (c->ntrees == c->cap) {
    uint32_t nc = c->cap ? c->cap * 2 : 4;
    struct tstate *nt = plat_realloc(c->trees, nc * sizeof *nt);
    if (!nt) return NULL;
    c->trees = nt;
    c->cap = nc;
  }
  struct tstate *t = &c->trees[c->ntrees++];
  t->tree_id = tree;
  t->n = t->cap = 0;
  t->sweep_at = 16;
  t->e = NULL;
  return t;
}

static bool ts_push(struct tstate *t, const struct entry *e) {
  if (t->n == t->cap) {
    uint32_t nc = t->cap ? t->cap * 2 : 8;
    struct entry *ne = plat_realloc(t->e, nc * sizeof *ne);
    if (!ne) return false;
    t->e = ne;
    t->cap = nc;
  }
  t->e[t->n++] = *e;
  return true;
}

static void ts_remove(struct tstate *t, uint32_t i) {
  launch_unref(t->e[i].l);
  t->e[i] = t->e[--t->n];
}

/* Drops finished users; runs when the list doubles, so its cost is amortised. */
static void sweep(struct tstate *t) {
  for (uint32_t i = 0; i < t->n; i++) {
    uint32_t ds = A_LOAD(&t->e[i].l->done.state);
    if ((ds & D_DONE) && !(ds & D_FAILED)) ts_remove(t, i--);
  }
  t->sweep_at = t->n * 2 > 16 ? t->n * 2 : 16;
}

void ctx_free(struct ctx *c) {
  if (!c) return;
  for (uint32_t i = 0; i < c->ntrees; i++) {
    while (c->trees[i].n) ts_remove(&c->trees[i], c->trees[i].n - 1);
    plat_free(c->trees[i].e);
  }
  plat_free(c->trees);
  plat_free(c);
}

/* Drops the finished users of a tree (a root being destroyed) so it can be freed now. */
void ctx_purge_tree(struct ctx *c, uint32_t tree) {
  if (!c) return;
  mutex_lock(&c->lock);
  for (uint32_t i = 0; i < c->ntrees; i++) {
    struct tstate *t = &c->trees[i];
    if (t->tree_id != tree) continue;
    for (uint32_t k = 0; k < t->n; k++) if (dnode_done(&t->e[k].l->done)) ts_remove(t, k--);
    if (!t->n) { /* forget the tree, so that lookups stay short in long sessions */
      plat_free(t->e);
      c->trees[i] = c->trees[--c->ntrees];
    }
    break;
  }
  mutex_unlock(&c->lock);
}

static bool conflicts(const struct entry *e, const struct req *q) {
  if (e->priv == LHRT_READ_ONLY && q->priv == LHRT_READ_ONLY) return false;
  if (e->priv == LHRT_REDUCE && q->priv == LHRT_REDUCE && e->redop == q->redop) return false;
  if (e->coh >= LHRT_SIMULTANEOUS && q->coh >= LHRT_SIMULTANEOUS) return false;
  return true;
}

static bool is_writer(const struct req *q) {
  return (q->priv == LHRT_READ_WRITE || q->priv == LHRT_WRITE_DISCARD) && q->coh <= LHRT_ATOMIC;
}

/* Index of the point of launch l whose color is c (l's requirement is pointwise), or -1. */
static int64_t point_of_color(struct launch *l, const lhrt_point_t *c) {
  if (c->dim != l->domain->dim) return -1;
  return is_linear(&l->domain->bounds, c);
}

/* Edges to every point of V whose requirement r touches region n (an earlier whole launch U). */
static void deps_whole_to_points(struct launch *U, struct region *n, struct launch *V, uint32_t r, bool oo) {
  struct req *q = &V->reqs[r];
  struct region *child = q->part && q->part->disjoint ? region_child_of(n, q->part) : NULL;
  if (child && q->pointwise) {
    int64_t i = point_of_color(V, &child->color);
    if (i >= 0) dep_add_ex(&U->done, &launch_point(V, i)->w, oo);
    return;
  }
  for (uint64_t i = 0; i < V->npoints; i++) {
    struct region *s = launch_sub(V, i, r);
    if (child ? s == child : region_interfere(n, s)) dep_add_ex(&U->done, &launch_point(V, i)->w, oo);
  }
}

/* Edges from the points of index entry e to V's point vi using region s. */
static void deps_points_to_one(const struct entry *e, struct region *s, struct launch *V, uint64_t vi, bool oo) {
  struct launch *U = e->l;
  if (!s->is->volume) return; /* an empty region touches nothing */
  if (region_is_ancestor(s, e->node) && !e->part->has_empty) { /* s holds every point of U */
    dep_add_ex(&U->done, &launch_point(V, vi)->w, oo);
    return;
  }
  struct region *child = e->part->disjoint ? region_child_of(s, e->part) : NULL;
  if (child && U->reqs[e->req].pointwise) {
    int64_t j = point_of_color(U, &child->color);
    if (j >= 0) dep_add_ex(&launch_point(U, j)->done, &launch_point(V, vi)->w, oo);
    return;
  }
  for (uint64_t j = 0; j < U->npoints; j++) {
    struct region *u = launch_sub(U, j, e->req);
    if (child ? u == child : region_interfere(u, s)) dep_add_ex(&launch_point(U, j)->done, &launch_point(V, vi)->w, oo);
  }
}

/* Point pairs (j of U, i of V) whose subregions share a point, collected by the sweep. */
struct pairs { uint64_t (*p)[2]; uint64_t n, cap; bool oom; };

static int collect_pair(void *ctx, uint64_t j, uint64_t i) {
  struct pairs *ps = ctx;
  if (ps->n == ps->cap) {
    uint64_t nc = ps->cap ? 2 * ps->cap : 256;
    void *np = plat_realloc(ps->p, nc * sizeof *ps->p);
    if (!np) { ps->oom = true; return 1; }
    ps->p = np;
    ps->cap = nc;
  }
  ps->p[ps->n][0] = j;
  ps->p[ps->n][1] = i;
  ps->n++;
  return 0;
}

static int pair_cmp(const void *x, const void *y) {
  const uint64_t *a = x, *b = y;
  return a[0] != b[0] ? (a[0] < b[0] ? -1 : 1) : (a[1] < b[1] ? -1 : a[1] > b[1]);
}

/* Point-to-point edges between two index launches over different partitions: the rectangle
 * sweep (src/interfere.c) finds the pairs that share a point in near-linear time, where testing
 * every pair of points cost npoints^2 and, past 4M pairs, made every point wait for all of U
 * (false when it could not run: out of memory). */
static bool deps_by_sweep(const struct entry *e, struct launch *V, uint32_t r, bool oo) {
  struct launch *U = e->l;
  struct pairs ps = {0};
  if (launch_overlaps(U, e->req, V, r, collect_pair, &ps) || ps.oom) { plat_free(ps.p); return false; }
  u_sort(ps.p, ps.n, sizeof *ps.p, pair_cmp);           /* a pair comes once per pair of rectangles */
  for (uint64_t k = 0; k < ps.n; k++)
    if (!k || ps.p[k][0] != ps.p[k - 1][0] || ps.p[k][1] != ps.p[k - 1][1])
      dep_add_ex(&launch_point(U, ps.p[k][0])->done, &launch_point(V, ps.p[k][1])->w, oo);
  plat_free(ps.p);
  return true;
}

static void add_deps(const struct entry *e, struct launch *V, uint32_t r) {
  struct launch *U = e->l;
  struct req *q = &V->reqs[r];
  bool oo = e->priv == LHRT_READ_ONLY || q->priv == LHRT_WRITE_DISCARD; /* a failure of U does not reach V */
  if (!region_interfere(e->node, q->node)) return;
  if (!e->part) { /* an earlier single task or region requirement: wait for the whole launch */
    if (!V->is_index) dep_add_ex(&U->done, &V->one.w, oo);
    else deps_whole_to_points(U, e->node, V, r, oo);
    return;
  }
  if (!V->is_index || !q->part) {
    for (uint64_t i = 0; i < V->npoints; i++) deps_points_to_one(e, launch_sub(V, i, r), V, i, oo);
    return;
  }
  struct req *uq = &U->reqs[e->req];
  if (e->part == q->part && e->part->disjoint && uq->pointwise && q->pointwise) {
    for (uint64_t i = 0; i < V->npoints; i++) {
      lhrt_point_t c;
      launch_point_coord(V, i, &c);
      int64_t j = point_of_color(U, &c);
      if (j >= 0 && launch_sub(V, i, r)->is->volume) dep_add_ex(&launch_point(U, j)->done, &launch_point(V, i)->w, oo);
    }
    return;
  }
  if (deps_by_sweep(e, V, r, oo)) return;
  /* the sweep could not run (out of memory): wait for all of U, coarse but safe */
  for (uint64_t i = 0; i < V->npoints; i++) dep_add_ex(&U->done, &launch_point(V, i)->w, oo);
}

/* Does V's requirement r (an exclusive write) cover all of e, so that e can be retired? */
static bool covers(struct launch *V, uint32_t r, const struct entry *e) {
  struct req *q = &V->reqs[r];
  if (!is_writer(q)) return false;
  if (!q->part) return V->npoints == 1 && region_is_ancestor(q->region, e->node);
  if (!q->pointwise || !q->part->disjoint) return false;
  if (!e->part) {
    struct region *child = region_child_of(e->node, q->part);
    return child && is_contains(V->domain, &child->color);
  }
  struct launch *U = e->l;
  if (e->part != q->part || !U->reqs[e->req].pointwise) return false;
  return U->domain == V->domain || rect_contains_rect(&V->domain->bounds, &U->domain->bounds);
}

/* Above this many rectangles the union is not built (its sort would cost more than the launch):
 * the users stay, which is slower for later launches but never wrong. */
#define UNION_MAX_RECTS 4096

/* The space V's exclusive writes on tree cover for every field in *mask (fields all of them
 * write; 0 when fewer than two such writes, as covers() judges one alone, or too many
 * rectangles), or NULL. */
static struct ispace *written_union(struct launch *V, uint32_t tree, uint64_t *mask) {
  uint64_t m = ~0ull, nrects = 0;
  uint32_t nw = 0;
  int32_t dim = 0;
  for (uint32_t r = 0; r < V->nreqs; r++) {
    struct req *q = &V->reqs[r];
    if (q->node->tree_id != tree || !is_writer(q) || !q->mask) continue;
    m &= q->mask;
    nw++;
    for (uint64_t i = 0; i < V->npoints; i++) nrects += launch_sub(V, i, r)->is->nrects;
    dim = q->node->is->dim;
  }
  *mask = nw >= 2 && nrects <= UNION_MAX_RECTS ? m : 0;
  if (!*mask) return NULL;
  lhrt_rect_t *rects = plat_alloc((nrects ? nrects : 1) * sizeof *rects), *w = rects;
  if (!rects) return NULL;
  for (uint32_t r = 0; r < V->nreqs; r++) {
    struct req *q = &V->reqs[r];
    if (q->node->tree_id != tree || !is_writer(q) || !q->mask) continue;
    for (uint64_t i = 0; i < V->npoints; i++) {
      struct ispace *is = launch_sub(V, i, r)->is;
      u_memcpy(w, is->rects, is->nrects * sizeof *w);
      w += is->nrects;
    }
  }
  struct ispace *u = is_new(NULL, dim, rects, nrects, false);
  plat_free(rects);
  return u;
}

/* Several exclusive writes of V may together cover an earlier user that none covers alone:
 * circuit's update_voltages writes the private and the shared nodes of every piece, all nodes
 * between them, so the ghost readers and reducers before it retire. Later users conflict
 * with V wherever they would with the retired one, and V waits for it: order is kept. Without
 * this, such users pile up while a program runs ahead of its tasks, and every launch's
 * analysis walks them all (quadratic in the loop count). */
static void retire_covered_by_union(struct tstate *t, struct launch *V) {
  uint64_t mask;
  bool candidate = false;
  for (uint32_t i = 0; i < t->n && !candidate; i++) candidate = t->e[i].l != V;
  if (!candidate) return;
  struct ispace *u = written_union(V, t->tree_id, &mask);
  if (!u) return;
  for (uint32_t i = 0; i < t->n; i++) {
    struct entry *e = &t->e[i];
    if (e->l == V || !(e->mask & mask) || !is_contains_space(u, e->node->is)) continue;
    e->mask &= ~mask;
    if (!e->mask) ts_remove(t, i--);
  }
  is_unref(u);
}

static struct entry make_entry(struct launch *V, uint32_t r) {
  struct req *q = &V->reqs[r];
  struct entry e = {V, q->node, q->part, r, q->priv, q->coh, q->redop, q->mask};
  return e;
}

/* Records V's dependences on earlier users of its context, then registers V as a user.
 * V's points hold one extra pending count during this, so none can start early. */
void depend_analyze(struct ctx *c, struct launch *V) {
  mutex_lock(&c->lock);
  for (uint32_t r = 0; r < V->nreqs; r++) {
    struct req *q = &V->reqs[r];
    if (q->priv == LHRT_NO_ACCESS || !q->mask) continue;
    struct tstate *t = ts_get(c, q->node->tree_id);
    if (!t) continue;
    if (t->n >= t->sweep_at) sweep(t);
    struct partition *qp = q->node->parent && q->node->parent->disjoint ? q->node->parent : NULL;
    for (uint32_t i = 0; i < t->n; i++) {
      struct entry *e = &t->e[i];
      /* entry-local tests first (the launch's state lives on another core's cache line, the
       * region node elsewhere): fields and privileges skip the readers that pile up while a
       * program runs ahead; then a sibling under the same disjoint partition */
      if (!(e->mask & q->mask) || !conflicts(e, q) || e->l == V || (qp && e->node->parent == qp && e->node != q->node) ||
          !region_interfere(e->node, q->node))
        continue;
      uint32_t ds = A_LOAD(&e->l->done.state);
      if ((ds & D_DONE) && !(ds & D_FAILED)) { ts_remove(t, i--); continue; } /* failures stay: they poison */
      add_deps(e, V, r);
      if (V->nreqs == 1 && is_writer(q) && covers(V, r, e)) { /* one requirement: retire it now */
        e->mask &= ~q->mask;
        if (!e->mask) ts_remove(t, i--);
      }
    }
  }
  for (uint32_t r = 0; r < V->nreqs; r++) { /* once per tree that V writes */
    struct req *q = &V->reqs[r];
    bool first = is_writer(q) && q->mask;
    for (uint32_t k = 0; k < r && first; k++)
      first = !is_writer(&V->reqs[k]) || !V->reqs[k].mask || V->reqs[k].node->tree_id != q->node->tree_id;
    struct tstate *t = first ? ts_get(c, q->node->tree_id) : NULL;
    if (t) retire_covered_by_union(t, V);
  }
  for (uint32_t r = 0; r < V->nreqs; r++) {
    struct req *q = &V->reqs[r];
    if (q->priv == LHRT_NO_ACCESS || !q->mask) continue;
    struct tstate *t = ts_get(c, q->node->tree_id);
    if (!t) continue;
    for (uint32_t i = 0; V->nreqs > 1 && is_writer(q) && i < t->n; i++) {
      struct entry *e = &t->e[i];
      if (e->l == V || !(e->mask & q->mask) || !covers(V, r, e)) continue;
      e->mask &= ~q->mask;
      if (!e->mask) ts_remove(t, i--);
    }
    struct entry ne = make_entry(V, r);
    launch_ref(V);
    if (!ts_push(t, &ne)) launch_unref(V); /* out of memory: later users cannot see V (known limit) */
  }
  if ((++c->launches & 7) == 0 && c->ntrees) { /* now and then, tidy one tree nobody may touch again */
    uint32_t i = c->sweep_rr++ % c->ntrees;
    sweep(&c->trees[i]);
    if (!c->trees[i].n) {
      plat_free(c->trees[i].e);
      c->trees[i] = c->trees[--c->ntrees];
    }
  }
  mutex_unlock(&c->lock);
}
