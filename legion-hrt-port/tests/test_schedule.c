/*
 * Dependence analysis against Legion's rules, one edge at a time: random programs of single and
 * index launches (privileges x coherence x fields x regions of two trees, disjoint, aliased and
 * nested partitions, projections, sparse domains, futures) run as external tasks that this
 * thread starts and ends itself, in a random order. Whenever a task becomes ready, every earlier
 * task it conflicts with must have ended (no missed dependence), and every task whose
 * conflicting predecessors have all ended must become ready (no lost parallelism). Each task
 * does its reads and writes when it ends, against a model updated in the same order.
 */
#define _GNU_SOURCE
#include <time.h>
#include "test.h"

#define T_GATE 300
#define P_REVERSE 7
#define NF 3
#define MAXOPS 10
#define MAXPTS 8
#define MAXREQ 3
#define MAXNODES 40
#define MAXPARTS 10

struct snode { lhrt_region_t h; int tree; uint32_t bits; };
struct spart { lhrt_partition_t h; int tree, ncolors, child[8]; };
struct sreq { int node, part, proj; uint32_t priv, coh, redop, fmask; };
struct sop {
  int kind;                        /* 0 single, 1 index, 2 index reduce */
  int skipped;
  int nreq, npts, fut_op, fut_pt;  /* fut_pt -1: the whole op (its future) */
  struct sreq rq[MAXREQ];
  int64_t pts[MAXPTS], c;
  int sub[MAXPTS][MAXREQ];         /* node of each point's requirement */
  int state[MAXPTS];               /* 0 waiting, 1 started, 2 ended */
  lhrt_ctx_t ctx[MAXPTS];
  int64_t res[MAXPTS];
  lhrt_future_t fut;
  lhrt_future_map_t fm;
};
struct sprog {
  lhrt_runtime_t rt;
  lhrt_ctx_t top;
  int n[2];
  struct snode nodes[MAXNODES];
  int nnodes;
  struct spart parts[MAXPARTS];
  int nparts;
  struct sop ops[MAXOPS];
  int nops;
  int64_t model[2][NF][32];
  uint64_t rng;
  int rejected, launched;
};

static const char *pname(uint32_t p) {
  static const char *n[] = {"NA", "RO", "RW", "WD", "RED"};
  return n[p];
}

static int64_t srand_(struct sprog *P, int64_t n) { return (int64_t)(trand(&P->rng) % (uint64_t)n); }

static uint32_t region_bits(lhrt_region_t r) {
  lhrt_index_space_t is;
  uint64_t nr = 0;
  uint32_t b = 0;
  lhrt_region_get_index_space(r, &is);
  lhrt_index_space_get_rect_count(is, &nr);
  for (uint64_t k = 0; k < nr; k++) {
    lhrt_rect_t rc;
    lhrt_index_space_get_rect(is, k, &rc);
    for (int64_t x = rc.lo[0]; x <= rc.hi[0]; x++) b |= 1u << x;
  }
  return b;
}

static int add_snode(struct sprog *P, lhrt_region_t r, int tree) {
  struct snode *s = &P->nodes[P->nnodes];
  s->h = r;
  s->tree = tree;
  s->bits = region_bits(r);
  return P->nnodes++;
}

static void add_spart(struct sprog *P, lhrt_partition_t h, int tree, int k) {
  struct spart *p = &P->parts[P->nparts++];
  p->h = h;
  p->tree = tree;
  p->ncolors = k;
  for (int c = 0; c < k; c++) {
    lhrt_region_t s;
    lhrt_partition_get_subregion(h, lhrt_point1(c), &s);
    p->child[c] = add_snode(P, s, tree);
  }
}

static lhrt_index_space_t colors(struct sprog *P, int k) {
  lhrt_index_space_t cs;
  lhrt_index_space_create_rect(P->rt, lhrt_rect1(0, k - 1), &cs);
  return cs;
}

/* Rects of k colors inside [lo, hi]: disjoint cuts (some empty) or random overlapping pieces. */
static void by_rects(struct sprog *P, lhrt_region_t parent, int tree, int64_t lo, int64_t hi, int k, int aliased) {
  lhrt_colored_rect_t items[8];
  int n = 0;
  int64_t at = lo;
  for (int c = 0; c < k; c++) {
    if (aliased) {
      for (int j = 0; j < 1 + srand_(P, 2); j++) {
        int64_t a = lo + srand_(P, hi - lo + 1);
        items[n].color = lhrt_point1(c);
        items[n++].rect = lhrt_rect1(a, a + srand_(P, 6));
      }
    } else {
      int64_t end = c == k - 1 ? hi : at + srand_(P, (hi - at + 2) / 2 + 1) - 1;
      items[n].color = lhrt_point1(c);
      items[n++].rect = lhrt_rect1(at, end);
      at = end + 1;
    }
  }
  lhrt_partition_t p;
  if (lhrt_partition_create_by_rects(P->top, parent, colors(P, k), items, (uint64_t)n, LHRT_PART_COMPUTE, &p)) {
    test_fail(__FILE__, __LINE__, "by_rects: %s", lhrt_last_error());
    return;
  }
  add_spart(P, p, tree, k);
}

static void build(struct sprog *P) {
  for (int t = 0; t < 2; t++) {
    P->n[t] = 8 + (int)srand_(P, t ? 8 : 24);
    lhrt_index_space_t is;
    lhrt_field_space_t fs;
    lhrt_region_t root;
    lhrt_index_space_create_rect(P->rt, lhrt_rect1(0, P->n[t] - 1), &is);
    lhrt_field_space_create(P->rt, &fs);
    for (uint32_t f = 0; f < NF; f++) lhrt_field_space_allocate_field(fs, 8, f, NULL);
    lhrt_region_create(P->rt, is, fs, &root);
    int rootn = add_snode(P, root, t);
    int k = 2 + (int)srand_(P, 3);
    lhrt_partition_t eq;
    lhrt_partition_create_equal(P->top, root, colors(P, k), &eq);
    add_spart(P, eq, t, k);
    int eqi = P->nparts - 1;
    by_rects(P, root, t, 0, P->n[t] - 1, 2 + (int)srand_(P, 3), 0);
    by_rects(P, root, t, 0, P->n[t] - 1, 2 + (int)srand_(P, 3), 1);
    lhrt_partition_t nest;
    struct snode *c0 = &P->nodes[P->parts[eqi].child[0]], *c1 = &P->nodes[P->parts[eqi].child[1]];
    lhrt_partition_create_equal(P->top, c0->h, colors(P, 2), &nest);
    add_spart(P, nest, t, 2);
    by_rects(P, c1->h, t, __builtin_ctz(c1->bits), 31 - __builtin_clz(c1->bits), 2, (int)srand_(P, 2));
    for (uint32_t f = 0; f < NF; f++) {
      int64_t v = 100 * t + 10 * f + 1;
      lhrt_region_fill(P->top, P->nodes[rootn].h, P->nodes[rootn].h, f, &v, 8);
      for (int x = 0; x < 32; x++) P->model[t][f][x] = v;
    }
  }
  lhrt_context_wait_all(P->top);
}

static int32_t reverse(const lhrt_point_t *p, const lhrt_rect_t *d, lhrt_point_t *c, void *u) {
  *c = lhrt_point1(d->lo[0] + d->hi[0] - p->x[0]);
  return 0;
}

static void rand_req(struct sprog *P, struct sreq *q) {
  static const uint32_t cohs[] = {LHRT_EXCLUSIVE, LHRT_EXCLUSIVE, LHRT_EXCLUSIVE, LHRT_ATOMIC, LHRT_SIMULTANEOUS,
                                  LHRT_SIMULTANEOUS, LHRT_RELAXED};
  static const uint32_t privs[] = {LHRT_READ_ONLY, LHRT_READ_ONLY, LHRT_READ_WRITE, LHRT_WRITE_DISCARD, LHRT_REDUCE};
  int p = (int)srand_(P, 5);
  q->priv = privs[p];
  q->redop = p == 4 ? LHRT_REDOP(srand_(P, 2) ? LHRT_RED_SUM : LHRT_RED_MAX, LHRT_TYPE_INT64) : 0;
  q->coh = cohs[srand_(P, 7)];
  q->fmask = 1 + (uint32_t)srand_(P, 7);
  q->proj = 0;
}

static int node_tree(struct sprog *P, int n) { return P->nodes[n].tree; }

static int legion_conflict(const struct sreq *a, const struct sreq *b) {
  if (a->priv == LHRT_READ_ONLY && b->priv == LHRT_READ_ONLY) return 0;
  if (a->priv == LHRT_REDUCE && b->priv == LHRT_REDUCE && a->redop == b->redop) return 0;
  return !(a->coh >= LHRT_SIMULTANEOUS && b->coh >= LHRT_SIMULTANEOUS);
}

/* Must point q of op j wait for point p of op i (i < j)? */
static int must_order(struct sprog *P, int i, int p, int j, int q) {
  struct sop *a = &P->ops[i], *b = &P->ops[j];
  if (b->fut_op == i && (b->fut_pt < 0 || b->fut_pt == p)) return 1;
  for (int r = 0; r < a->nreq; r++)
    for (int s = 0; s < b->nreq; s++) {
      struct snode *x = &P->nodes[a->sub[p][r]], *y = &P->nodes[b->sub[q][s]];
      if (x->tree == y->tree && (a->rq[r].fmask & b->rq[s].fmask) && (x->bits & y->bits) &&
          legion_conflict(&a->rq[r], &b->rq[s]))
        return 1;
    }
  return 0;
}

/* Requirements of one point that touch the same values, one of them not reading only. */
static int self_overlap(struct sprog *P, struct sop *o) {
  for (int p = 0; p < o->npts; p++)
    for (int r = 0; r < o->nreq; r++)
      for (int s = r + 1; s < o->nreq; s++) {
        struct snode *x = &P->nodes[o->sub[p][r]], *y = &P->nodes[o->sub[p][s]];
        if (x->tree == y->tree && (o->rq[r].fmask & o->rq[s].fmask) && (x->bits & y->bits) &&
            !(o->rq[r].priv == LHRT_READ_ONLY && o->rq[s].priv == LHRT_READ_ONLY))
          return 1;
      }
  return 0;
}

static void describe(struct sprog *P, int i) {
  struct sop *o = &P->ops[i];
  printf("    op %d: %s%s npts %d fut %d/%d\n", i, o->kind == 0 ? "single" : o->kind == 1 ? "index" : "index-reduce",
         o->skipped ? " (rejected)" : "", o->npts, o->fut_op, o->fut_pt);
  for (int r = 0; r < o->nreq; r++) {
    struct sreq *q = &o->rq[r];
    printf("      req %d: %s coh %u redop %u fields %x %s%d proj %d:", r, pname(q->priv), q->coh, q->redop, q->fmask,
           q->part >= 0 ? "part " : "node ", q->part >= 0 ? q->part : q->node, q->proj);
    for (int p = 0; p < o->npts; p++) printf(" [%ld]t%d:%x", (long)o->pts[p], node_tree(P, o->sub[p][r]), P->nodes[o->sub[p][r]].bits);
    printf("\n");
  }
}

static int quiet;
static void describe_all(struct sprog *P) {
  if (quiet) return;
  for (int i = 0; i < P->nops; i++) describe(P, i);
}

/* Builds op i at random and launches it; marks it skipped if the runtime refuses it. */
static void gen_op(struct sprog *P, int i) {
  struct sop *o = &P->ops[i];
  memset(o, 0, sizeof *o);
  o->fut_op = -1;
  o->fut_pt = -1;
  o->c = srand_(P, 100) - 50;
  int k = (int)srand_(P, 20);
  o->kind = k < 9 ? 0 : k < 17 ? 1 : 2;
  o->nreq = 1 + (int)srand_(P, MAXREQ);
  lhrt_index_space_t dom = {NULL};
  int64_t dlo = 0, dhi = 0;
  if (o->kind) {
    struct spart *p0 = &P->parts[srand_(P, P->nparts)];
    lhrt_point_t pts[8];
    int n = 0, shape = (int)srand_(P, 3);
    int64_t a = srand_(P, p0->ncolors), b = a + srand_(P, p0->ncolors - a);
    for (int c = 0; c < p0->ncolors; c++)
      if (shape == 0 || (shape == 1 && c >= a && c <= b) || (shape == 2 && srand_(P, 2))) pts[n++] = lhrt_point1(c);
    if (!n) pts[n++] = lhrt_point1(a);
    lhrt_index_space_create_points(P->rt, 1, pts, (uint64_t)n, &dom);
    o->npts = n;
    for (int j = 0; j < n; j++) {
      lhrt_point_t q;
      lhrt_index_space_get_point(dom, (uint64_t)j, &q);
      o->pts[j] = q.x[0];
    }
    dlo = o->pts[0];
    dhi = o->pts[n - 1];
    rand_req(P, &o->rq[0]);
    o->rq[0].part = (int)(p0 - P->parts);
    o->rq[0].node = -1;
  } else {
    o->npts = 1;
  }
  for (int r = o->kind ? 1 : 0; r < o->nreq; r++) {
    struct sreq *q = &o->rq[r];
    rand_req(P, q);
    q->part = -1;
    if (o->kind && srand_(P, 2)) {
      int pi = (int)srand_(P, P->nparts);
      if (P->parts[pi].ncolors > dhi) q->part = pi;
    }
    if (q->part < 0) q->node = (int)srand_(P, P->nnodes);
  }
  for (int r = 0; r < o->nreq; r++) {
    struct sreq *q = &o->rq[r];
    if (q->part >= 0 && srand_(P, 3) == 0) q->proj = P_REVERSE;
    for (int p = 0; p < o->npts; p++) {
      int64_t c = q->proj ? dlo + dhi - o->pts[p] : o->pts[p];
      o->sub[p][r] = q->part >= 0 ? P->parts[q->part].child[c] : q->node;
    }
  }
  if (i > 0 && srand_(P, 4) == 0) {
    int j = (int)srand_(P, i);
    if (!P->ops[j].skipped) {
      o->fut_op = j;
      o->fut_pt = P->ops[j].kind == 1 ? (int)srand_(P, P->ops[j].npts) : -1;
    }
  }
  if (self_overlap(P, o)) { o->skipped = 2; o->npts = 0; return; }
  uint32_t opid = (uint32_t)i;
  lhrt_status_t st;
  lhrt_future_t f = {NULL};
  if (o->fut_op >= 0) {
    struct sop *fo = &P->ops[o->fut_op];
    if (o->fut_pt >= 0) lhrt_future_map_get_future_at(fo->fm, (uint64_t)o->fut_pt, &f);
    else lhrt_future_clone(fo->fut, &f);
  }
  if (!o->kind) {
    lhrt_task_launcher_t l;
    lhrt_task_launcher_create(P->rt, T_GATE, &opid, sizeof opid, &l);
    for (int r = 0; r < o->nreq; r++) {
      struct sreq *q = &o->rq[r];
      lhrt_task_launcher_add_region(l, P->nodes[q->node].h, (lhrt_region_t){NULL}, q->priv, q->coh, q->redop, NULL);
      for (uint32_t fl = 0; fl < NF; fl++) if (q->fmask >> fl & 1) lhrt_task_launcher_add_field(l, (uint32_t)r, fl);
    }
    if (f.impl) lhrt_task_launcher_add_future(l, f);
    st = lhrt_task_launcher_execute(P->top, l, &o->fut);
    lhrt_task_launcher_destroy(l);
  } else {
    lhrt_index_launcher_t l;
    lhrt_index_launcher_create(P->rt, T_GATE, dom, &opid, sizeof opid, &l);
    for (int r = 0; r < o->nreq; r++) {
      struct sreq *q = &o->rq[r];
      if (q->part >= 0)
        lhrt_index_launcher_add_partition(l, P->parts[q->part].h, (uint32_t)q->proj, (lhrt_region_t){NULL}, q->priv,
                                          q->coh, q->redop, NULL);
      else
        lhrt_index_launcher_add_region(l, P->nodes[q->node].h, (lhrt_region_t){NULL}, q->priv, q->coh, q->redop, NULL);
      for (uint32_t fl = 0; fl < NF; fl++) if (q->fmask >> fl & 1) lhrt_index_launcher_add_field(l, (uint32_t)r, fl);
    }
    if (f.impl) lhrt_index_launcher_add_future(l, f);
    if (o->kind == 2) st = lhrt_index_launcher_execute_reduce(P->top, l, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64), &o->fut);
    else st = lhrt_index_launcher_execute(P->top, l, &o->fm);
    lhrt_index_launcher_destroy(l);
    lhrt_index_space_destroy(dom);
  }
  if (f.impl) lhrt_future_destroy(f);
  if (st == LHRT_ERR_INTERFERENCE) { o->skipped = 1; o->npts = 0; P->rejected++; return; }
  if (st) { test_fail(__FILE__, __LINE__, "op %d refused: %s", i, lhrt_last_error()); describe(P, i); o->skipped = 1; o->npts = 0; return; }
  P->launched++;
}

static int ready_now(struct sprog *P, int j, int q) {
  for (int i = 0; i < j; i++)
    for (int p = 0; p < P->ops[i].npts; p++)
      if (P->ops[i].state[p] != 2 && must_order(P, i, p, j, q)) return 0;
  return 1;
}

/* Ends point p of op i: its reads and writes (non-reductions in requirement order, then the
 * reductions into its buffers), checked against the model, which does the same. */
static void end_point(struct sprog *P, int i, int p) {
  struct sop *o = &P->ops[i];
  int64_t res = i * 1000003 + p;
  for (int pass = 0; pass < 2; pass++)
    for (int r = 0; r < o->nreq; r++) {
      struct sreq *q = &o->rq[r];
      if ((q->priv == LHRT_REDUCE) != pass) continue;
      struct snode *s = &P->nodes[o->sub[p][r]];
      for (uint32_t f = 0; f < NF; f++) {
        if (!(q->fmask >> f & 1)) continue;
        lhrt_accessor_t a;
        OK(lhrt_task_get_accessor(o->ctx[p], (uint32_t)r, f, &a));
        for (int x = 0; x < 32; x++) {
          if (!(s->bits >> x & 1)) continue;
          int64_t *v, *m = &P->model[s->tree][f][x];
          OK(lhrt_accessor_ptr(&a, lhrt_point1(x), (void **)&v));
          if (q->priv == LHRT_READ_ONLY || q->priv == LHRT_READ_WRITE)
            EXPECTF(*v == *m, "op %d point %d req %d field %u x %d: read %ld, model %ld", i, p, r, f, x, (long)*v, (long)*m);
          int64_t w = o->c + x;
          switch (q->priv) {
            case LHRT_READ_ONLY: res = res * 31 + *v * (x + 1); break;
            case LHRT_READ_WRITE: *v = *m = *v * 3 + w; break;
            case LHRT_WRITE_DISCARD: *v = *m = o->c - x; break;
            default:
              if (q->redop == LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64)) { *v += w; *m += w; }
              else { w = (o->c * x) % 97; if (w > *v) *v = w; if (w > *m) *m = w; }
          }
        }
      }
    }
  o->res[p] = res;
  o->state[p] = 2;
  OK(lhrt_task_complete(o->ctx[p], &res, sizeof res));
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Takes what the runtime says is ready; fails on a task that should still wait. */
static int take_ready(struct sprog *P, int64_t timeout_ns) {
  lhrt_ctx_t got[16];
  uint32_t n = 0;
  if (lhrt_runtime_poll_external(P->rt, timeout_ns, got, 16, &n)) { test_fail(__FILE__, __LINE__, "poll: %s", lhrt_last_error()); return -1; }
  for (uint32_t k = 0; k < n; k++) {
    const void *args;
    uint64_t len, idx;
    lhrt_task_get_args(got[k], &args, &len);
    lhrt_task_get_index(got[k], &idx);
    int i = (int)*(const uint32_t *)args, p = (int)idx;
    struct sop *o = &P->ops[i];
    if (!ready_now(P, i, p)) {
      test_fail(__FILE__, __LINE__, "missed dependence: op %d point %d ready before a conflicting earlier task ended", i, p);
      for (int a = 0; a < i; a++)
        for (int b = 0; b < P->ops[a].npts; b++)
          if (P->ops[a].state[b] != 2 && must_order(P, a, b, i, p)) printf("    waits for op %d point %d\n", a, b);
      describe_all(P);
      return -1;
    }
    o->state[p] = 1;
    o->ctx[p] = got[k];
  }
  return (int)n;
}

static void run_schedule(uint64_t seed) {
  struct sprog *P = calloc(1, sizeof *P);
  P->rng = seed * 0x9e3779b97f4a7c15ull + 7;
  P->rt = trt_new(2);
  P->top = trt_top(P->rt);
  OK(lhrt_task_register(P->rt, T_GATE, "gate", LHRT_PROC_JVM, NULL, NULL));
  OK(lhrt_projection_register(P->rt, P_REVERSE, reverse, NULL));
  OK(lhrt_runtime_use_external_queue(P->rt));
  build(P);
  P->nops = 3 + (int)srand_(P, MAXOPS - 2);
  for (int i = 0; i < P->nops && !test_failed; i++) gen_op(P, i);
  for (int step = 0; !test_failed; step++) {
    /* everything Legion would run now must come */
    double until = now_s() + 3.0;
    for (;;) {
      int missing = 0, mi = -1, mp = -1;
      for (int i = 0; i < P->nops; i++)
        for (int p = 0; p < P->ops[i].npts; p++)
          if (P->ops[i].state[p] == 0 && ready_now(P, i, p)) { missing++; mi = i; mp = p; }
      if (!missing) break;
      if (now_s() > until) {
        test_fail(__FILE__, __LINE__, "lost parallelism (seed %lu): op %d point %d not ready though every conflicting "
                  "earlier task ended", (unsigned long)seed, mi, mp);
        for (int a = 0; a < mi && !quiet; a++)
          for (int b = 0; b < P->ops[a].npts; b++)
            if (P->ops[a].state[b] != 2) printf("    op %d point %d has not ended (state %d)\n", a, b, P->ops[a].state[b]);
        describe_all(P);
        break;
      }
      if (take_ready(P, 20000000) < 0) break;
    }
    if (test_failed) break;
    for (int k = 0; k < 2; k++) if (take_ready(P, k ? 100000 : 0) < 0) break; /* stragglers that should wait */
    if (test_failed) break;
    int nrun = 0, pick[MAXOPS * MAXPTS][2];
    for (int i = 0; i < P->nops; i++)
      for (int p = 0; p < P->ops[i].npts; p++)
        if (P->ops[i].state[p] == 1) { pick[nrun][0] = i; pick[nrun][1] = p; nrun++; }
    if (!nrun) break;
    int k = (int)srand_(P, nrun);
    end_point(P, pick[k][0], pick[k][1]);
  }
  for (int i = 0; i < P->nops && !test_failed; i++) {
    struct sop *o = &P->ops[i];
    if (o->skipped) continue;
    for (int p = 0; p < o->npts; p++) EXPECTF(o->state[p] == 2, "op %d point %d never ran", i, p);
    if (o->kind != 1) {
      int64_t v = 0, want = 0;
      for (int p = 0; p < o->npts; p++) want = (int64_t)((uint64_t)want + (uint64_t)o->res[p]);
      OK(lhrt_future_get_value(o->fut, &v, sizeof v, NULL));
      EXPECTF(v == want, "op %d future %ld, want %ld", i, (long)v, (long)want);
    }
  }
  for (int t = 0; t < 2 && !test_failed; t++) {
    uint32_t fields[NF] = {0, 1, 2};
    lhrt_mapping_t m;
    struct snode *root = NULL;
    for (int n = 0; n < P->nnodes && !root; n++) if (P->nodes[n].tree == t) root = &P->nodes[n];
    OK(lhrt_region_map(P->top, root->h, root->h, LHRT_READ_ONLY, fields, NF, &m));
    for (uint32_t f = 0; f < NF; f++) {
      lhrt_accessor_t a;
      lhrt_mapping_get_accessor(m, f, &a);
      for (int x = 0; x < P->n[t]; x++)
        EXPECTF(*(int64_t *)lhrt_accessor_at(&a, x, 0, 0) == P->model[t][f][x], "tree %d field %u x %d: %ld, model %ld",
                t, f, x, (long)*(int64_t *)lhrt_accessor_at(&a, x, 0, 0), (long)P->model[t][f][x]);
    }
    lhrt_mapping_unmap(m);
  }
  if (test_failed) printf("  (seed %lu)\n", (unsigned long)seed);
  for (int i = 0; i < P->nops; i++) /* after a failure: end what was started, so the runtime can stop */
    for (int p = 0; p < P->ops[i].npts; p++)
      if (P->ops[i].state[p] == 1) lhrt_task_complete_failed(P->ops[i].ctx[p], "test stopped");
  lhrt_runtime_stop_external(P->rt);
  lhrt_runtime_destroy(P->rt);
  free(P);
}

static void schedules(uint64_t first, int count) {
  int all = getenv("LHRT_SCHEDULE_ALL") != NULL, bad = 0;
  quiet = all;
  for (int s = 0; s < count && (all || !test_failed); s++) {
    int before = test_failed;
    test_failed = 0;
    run_schedule(first + (uint64_t)s);
    bad += test_failed;
    test_failed |= before;
  }
  if (all) printf("%d of %d programs failed\n", bad, count);
}

TEST(schedule_debug_one) {
  const char *e = getenv("LHRT_SCHEDULE_SEED");
  if (e) run_schedule(strtoull(e, NULL, 0));
}

TEST(schedule_random_programs_follow_legion_dependences) { schedules(1, test_small ? 30 : 200); }
SLOW_TEST(schedule_random_programs_follow_legion_dependences_5k) { schedules(1000, 5000); }

/* Polls up to max ready external tasks for at most ms milliseconds; returns how many. */
static uint32_t poll_for(lhrt_runtime_t rt, lhrt_ctx_t *got, uint32_t max, int ms) {
  uint32_t n = 0, k = 0;
  for (double until = now_s() + ms / 1e3; n < max && now_s() < until; n += k)
    if (lhrt_runtime_poll_external(rt, 5000000, got + n, max - n, &k)) break;
  return n;
}

/* An empty subregion interferes with nothing: a task over a region that holds a whole
 * partition waits only for the points of an index launch over it that have points. */
TEST(schedule_empty_subregion_orders_nothing) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt), got[4];
  OK(lhrt_task_register(rt, T_GATE, "gate", LHRT_PROC_JVM, NULL, NULL));
  OK(lhrt_runtime_use_external_queue(rt));
  lhrt_index_space_t is, cs;
  lhrt_field_space_t fs;
  lhrt_region_t r;
  lhrt_partition_t p;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 7), &is));
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 1), &cs));
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
  OK(lhrt_region_create(rt, is, fs, &r));
  lhrt_colored_rect_t items[2] = {{lhrt_point1(0), lhrt_rect1(5, 4)}, {lhrt_point1(1), lhrt_rect1(0, 7)}};
  OK(lhrt_partition_create_by_rects(top, r, cs, items, 2, LHRT_PART_COMPUTE, &p));
  uint32_t id = 0;
  lhrt_index_launcher_t il;
  OK(lhrt_index_launcher_create(rt, T_GATE, cs, &id, sizeof id, &il));
  OK(lhrt_index_launcher_add_partition(il, p, 0, r, LHRT_WRITE_DISCARD, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(il, 0, 0));
  OK(lhrt_index_launcher_execute(top, il, NULL));
  for (int k = 0; k < 2; k++) { /* a reader of the whole region, then a writer of the empty piece */
    lhrt_region_t sub;
    id = 1 + (uint32_t)k;
    OK(lhrt_partition_get_subregion(p, lhrt_point1(0), &sub));
    lhrt_task_launcher_t tl;
    OK(lhrt_task_launcher_create(rt, T_GATE, &id, sizeof id, &tl));
    OK(lhrt_task_launcher_add_region(tl, k ? sub : r, r, k ? LHRT_READ_WRITE : LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
    OK(lhrt_task_launcher_add_field(tl, 0, 0));
    OK(lhrt_task_launcher_execute(top, tl, NULL));
    OK(lhrt_task_launcher_destroy(tl));
  }
  EXPECT(poll_for(rt, got, 3, 2000) == 3); /* both points and the empty writer */
  lhrt_ctx_t empty_point = {NULL};
  for (int k = 0; k < 3; k++) {
    uint64_t idx;
    const void *a;
    uint64_t len;
    OK(lhrt_task_get_index(got[k], &idx));
    OK(lhrt_task_get_args(got[k], &a, &len));
    if (*(const uint32_t *)a == 0 && idx == 1) OK(lhrt_task_complete(got[k], NULL, 0));
    else if (*(const uint32_t *)a == 0) empty_point = got[k];
    else OK(lhrt_task_complete(got[k], NULL, 0));
  }
  lhrt_ctx_t reader;
  EXPECTF(poll_for(rt, &reader, 1, 2000) == 1, "the reader waits for the empty point of the index launch");
  OK(lhrt_task_complete(reader, NULL, 0));
  OK(lhrt_task_complete(empty_point, NULL, 0));
  OK(lhrt_context_wait_all(top));
  OK(lhrt_index_launcher_destroy(il));
  OK(lhrt_runtime_stop_external(rt));
  OK(lhrt_runtime_destroy(rt));
}
