/*
 * Dependence analysis against Legion's rules, one edge at a time: random programs (tasks, parents
 * with children, fills, copies, inline mappings; every privilege, coherence, field set and overlap)
 * run as external tasks this thread starts and ends in random order. A task ready before a
 * conflicting predecessor ended is a missed dependence; one not ready once all have, lost parallelism.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>
#include "test.h"

#define T_GATE 300
#define P_REVERSE 7
#define NF 3
#define MAXOPS 48
#define MAXPTS 8
#define MAXREQ 3
#define MAXNODES 40
#define MAXPARTS 10
#define SUM64 LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64)
#define MAX64 LHRT_REDOP(LHRT_RED_MAX, LHRT_TYPE_INT64)

enum { K_SINGLE, K_INDEX, K_IRED, K_NEST, K_FILL, K_COPY, K_PCOPY, K_MAP };
enum { S_WAIT, S_RUN, S_ENDED, S_BODY_DONE }; /* BODY_DONE: a parent whose children have not all ended */

struct snode { lhrt_region_t h; int tree, up; uint32_t bits; }; /* up: the parent node, -1 for a root */
struct spart { lhrt_partition_t h; int tree, parent, ncolors, child[8]; };
struct sreq { int node, part, proj; uint32_t priv, coh, redop, fmask; };
struct sop {
  int kind, skipped, ctx_op;       /* ctx_op: the parent whose context launched it, -1: top level */
  int nreq, npts, fut_op, fut_pt;  /* fut_pt -1: the whole op (its future) */
  struct sreq rq[MAXREQ];
  int64_t pts[MAXPTS], c;
  int sub[MAXPTS][MAXREQ];         /* node of each point's requirement */
  int state[MAXPTS];
  lhrt_ctx_t ctx[MAXPTS];
  int64_t res[MAXPTS];
  uint32_t sf, df;                 /* copies: source and destination field */
  lhrt_future_t fut;
  lhrt_future_map_t fm;
  lhrt_mapping_t map;
};
struct sprog {
  lhrt_runtime_t rt;
  lhrt_ctx_t top;
  int n[2];
  struct snode nodes[MAXNODES];
  int nnodes;
  struct spart parts[MAXPARTS];
  int nparts;
  struct sop ops[MAXOPS + 1];      /* the last: the next op, while it waits to be launched */
  int nops;
  int64_t model[2][NF][32];
  uint64_t rng;
  uint64_t seed;
  int rejected, launched;
  int hot;                         /* a dense program: one field and the equal partitions mostly */
  int64_t pend[MAXOPS][2][NF][32]; /* children's folds into a parent's buffer (valid where has_pend) */
  uint8_t has_pend[MAXOPS][2][NF][32];
  pthread_t mapper;
  int mapping;                     /* the mapper thread runs */
};

static int quiet;

static const char *pname(uint32_t p) {
  static const char *n[] = {"NA", "RO", "RW", "WD", "RED"};
  return n[p];
}

static int64_t srand_(struct sprog *P, int64_t n) { return (int64_t)(trand(&P->rng) % (uint64_t)n); }

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ region trees ---- */

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

static int add_snode(struct sprog *P, lhrt_region_t r, int tree, int up) {
  struct snode *s = &P->nodes[P->nnodes];
  s->h = r;
  s->tree = tree;
  s->up = up;
  s->bits = region_bits(r);
  return P->nnodes++;
}

static void add_spart(struct sprog *P, lhrt_partition_t h, int parent, int k) {
  struct spart *p = &P->parts[P->nparts++];
  p->h = h;
  p->tree = P->nodes[parent].tree;
  p->parent = parent;
  p->ncolors = k;
  for (int c = 0; c < k; c++) {
    lhrt_region_t s;
    lhrt_partition_get_subregion(h, lhrt_point1(c), &s);
    p->child[c] = add_snode(P, s, p->tree, parent);
  }
}

static lhrt_index_space_t colors(struct sprog *P, int k) {
  lhrt_index_space_t cs;
  lhrt_index_space_create_rect(P->rt, lhrt_rect1(0, k - 1), &cs);
  return cs;
}

/* k colors of node `parent` inside [lo, hi]: disjoint cuts (some empty) or random overlapping pieces. */
static void by_rects(struct sprog *P, int parent, int64_t lo, int64_t hi, int k, int aliased) {
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
  if (lhrt_partition_create_by_rects(P->top, P->nodes[parent].h, colors(P, k), items, (uint64_t)n, LHRT_PART_COMPUTE, &p)) {
    test_fail(__FILE__, __LINE__, "by_rects: %s", lhrt_last_error());
    return;
  }
  add_spart(P, p, parent, k);
}

/* Per tree: an equal partition, disjoint cuts, aliased pieces, and two partitions of pieces. */
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
    int rootn = add_snode(P, root, t, -1);
    int k = 2 + (int)srand_(P, 3);
    lhrt_partition_t eq;
    lhrt_partition_create_equal(P->top, root, colors(P, k), &eq);
    add_spart(P, eq, rootn, k);
    int eqi = P->nparts - 1;
    by_rects(P, rootn, 0, P->n[t] - 1, 2 + (int)srand_(P, 3), 0);
    by_rects(P, rootn, 0, P->n[t] - 1, 2 + (int)srand_(P, 3), 1);
    int c0 = P->parts[eqi].child[0], c1 = P->parts[eqi].child[1];
    lhrt_partition_t nest;
    lhrt_partition_create_equal(P->top, P->nodes[c0].h, colors(P, 2), &nest);
    add_spart(P, nest, c0, 2);
    uint32_t b1 = P->nodes[c1].bits;
    by_rects(P, c1, __builtin_ctz(b1), 31 - __builtin_clz(b1), 2, (int)srand_(P, 2));
    for (uint32_t f = 0; f < NF; f++) {
      int64_t v = 100 * t + 10 * f + 1;
      lhrt_region_fill(P->top, root, root, f, &v, 8);
      for (int x = 0; x < 32; x++) P->model[t][f][x] = v;
    }
  }
  lhrt_context_wait_all(P->top);
}

static int32_t reverse(const lhrt_point_t *p, const lhrt_rect_t *d, lhrt_point_t *c, void *u) {
  *c = lhrt_point1(d->lo[0] + d->hi[0] - p->x[0]);
  return 0;
}

static int under(struct sprog *P, int n, int anc) {
  for (; n >= 0; n = P->nodes[n].up) if (n == anc) return 1;
  return 0;
}

/* ------------------------------------------------------------ the oracle ---- */

static int legion_conflict(const struct sreq *a, const struct sreq *b) {
  if (a->priv == LHRT_READ_ONLY && b->priv == LHRT_READ_ONLY) return 0;
  if (a->priv == LHRT_REDUCE && b->priv == LHRT_REDUCE && a->redop == b->redop) return 0;
  return !(a->coh >= LHRT_SIMULTANEOUS && b->coh >= LHRT_SIMULTANEOUS);
}

/* Must point q of op j wait for point p of op i (i < j, one context)? */
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

static int ready_now(struct sprog *P, int j, int q) {
  for (int i = 0; i < j; i++) {
    if (P->ops[i].ctx_op != P->ops[j].ctx_op) continue;
    for (int p = 0; p < P->ops[i].npts; p++)
      if (P->ops[i].state[p] != S_ENDED && must_order(P, i, p, j, q)) return 0;
  }
  return 1;
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
  static const char *kinds[] = {"single", "index", "index-reduce", "parent", "fill", "copy", "partition-copy", "map"};
  struct sop *o = &P->ops[i];
  printf("    op %d: %s%s ctx %d npts %d fut %d/%d c %ld fields %u->%u\n", i, kinds[o->kind],
         o->skipped ? " (refused)" : "", o->ctx_op, o->npts, o->fut_op, o->fut_pt, (long)o->c, o->sf, o->df);
  for (int r = 0; r < o->nreq; r++) {
    struct sreq *q = &o->rq[r];
    printf("      req %d: %s coh %u redop %u fields %x %s%d proj %d:", r, pname(q->priv), q->coh, q->redop, q->fmask,
           q->part >= 0 ? "part " : "node ", q->part >= 0 ? q->part : q->node, q->proj);
    for (int p = 0; p < o->npts; p++)
      printf(" [%ld]t%d:%x/s%d", (long)o->pts[p], P->nodes[o->sub[p][r]].tree, P->nodes[o->sub[p][r]].bits, o->state[p]);
    printf("\n");
  }
}

static void describe_all(struct sprog *P) {
  if (quiet) return;
  for (int i = 0; i < P->nops; i++) describe(P, i);
}

/* ------------------------------------------------------------ programs ---- */

static int pick_node(struct sprog *P, int anc) {
  int c[MAXNODES], n = 0;
  for (int i = 0; i < P->nnodes; i++) if (anc < 0 || under(P, i, anc)) c[n++] = i;
  return c[srand_(P, n)];
}

static int pick_part(struct sprog *P, int anc, int min_colors) {
  int c[MAXPARTS], n = 0;
  for (int i = 0; i < P->nparts; i++)
    if ((anc < 0 || under(P, P->parts[i].parent, anc)) && P->parts[i].ncolors >= min_colors) c[n++] = i;
  return n ? c[srand_(P, n)] : -1;
}

/* A random requirement; under a parent's requirement pq only what pq grants. */
static void rand_req(struct sprog *P, struct sreq *q, const struct sreq *pq) {
  static const uint32_t privs[] = {LHRT_READ_ONLY, LHRT_READ_ONLY, LHRT_READ_WRITE, LHRT_WRITE_DISCARD, LHRT_REDUCE};
  static const uint32_t cohs[] = {LHRT_EXCLUSIVE, LHRT_EXCLUSIVE, LHRT_EXCLUSIVE, LHRT_ATOMIC, LHRT_SIMULTANEOUS,
                                  LHRT_SIMULTANEOUS, LHRT_RELAXED};
  int p = (int)srand_(P, 5);
  q->priv = privs[p];
  q->redop = p == 4 ? (srand_(P, 2) ? SUM64 : MAX64) : 0;
  q->coh = cohs[srand_(P, 7)];
  q->fmask = P->hot && srand_(P, 4) ? 1 : 1 + (uint32_t)srand_(P, 7);
  q->proj = 0;
  q->part = q->node = -1;
  if (!pq) return;
  if (pq->priv == LHRT_READ_ONLY) { q->priv = LHRT_READ_ONLY; q->redop = 0; }
  if (pq->priv == LHRT_REDUCE) { q->priv = LHRT_REDUCE; q->redop = pq->redop; }
  if (!(q->fmask &= pq->fmask)) q->fmask = pq->fmask;
}

static void fixed_req(struct sreq *q, int node, int part, uint32_t priv, uint32_t redop, uint32_t f) {
  *q = (struct sreq){node, part, 0, priv, LHRT_EXCLUSIVE, redop, 1u << f};
}

/* Describes a random op of context ctx_op (-1: top level) in o; nothing is launched. */
static void gen_desc(struct sprog *P, struct sop *o, int ctx_op) {
  memset(o, 0, sizeof *o);
  o->ctx_op = ctx_op;
  o->fut_op = o->fut_pt = -1;
  o->c = srand_(P, 100) - 50;
  const struct sreq *pq = ctx_op >= 0 ? &P->ops[ctx_op].rq[0] : NULL;
  int anc = pq ? pq->node : -1, k = (int)srand_(P, 100);
  if (pq) o->kind = k < 45 ? K_SINGLE : k < 80 ? K_INDEX : K_IRED;
  else o->kind = k < 28 ? K_SINGLE : k < 46 ? K_INDEX : k < 56 ? K_IRED : k < 66 ? K_NEST : k < 74 ? K_FILL
               : k < 84 ? K_COPY : k < 92 ? K_PCOPY : K_MAP;
  int p0 = o->kind == K_INDEX || o->kind == K_IRED ? pick_part(P, anc, 1) : -1;
  if (p0 >= 0 && !pq && (P->hot || srand_(P, 2))) p0 = srand_(P, 2) ? 0 : P->nparts / 2; /* often a tree's equal partition */
  if ((o->kind == K_INDEX || o->kind == K_IRED) && p0 < 0) o->kind = K_SINGLE;
  o->npts = 1;
  o->sf = (uint32_t)srand_(P, NF);
  o->df = (uint32_t)srand_(P, NF);
  uint32_t credop = srand_(P, 3) ? 0 : SUM64;
  int64_t dlo = 0, dhi = 0;
  switch (o->kind) {
    case K_FILL:
      o->nreq = 1;
      fixed_req(&o->rq[0], pick_node(P, -1), -1, LHRT_WRITE_DISCARD, 0, o->sf);
      break;
    case K_COPY:
      o->nreq = 2;
      fixed_req(&o->rq[0], pick_node(P, -1), -1, LHRT_READ_ONLY, 0, o->sf);
      fixed_req(&o->rq[1], pick_node(P, -1), -1, credop ? LHRT_REDUCE : LHRT_READ_WRITE, credop, o->df);
      break;
    case K_PCOPY: {
      int dp = pick_part(P, -1, 1), sp = pick_part(P, -1, P->parts[dp].ncolors);
      o->nreq = 2;
      o->npts = P->parts[dp].ncolors;
      for (int p = 0; p < o->npts; p++) o->pts[p] = p;
      fixed_req(&o->rq[0], -1, sp, LHRT_READ_ONLY, 0, o->sf);
      fixed_req(&o->rq[1], -1, dp, credop ? LHRT_REDUCE : LHRT_READ_WRITE, credop, o->df);
      break;
    }
    case K_MAP:
      o->nreq = 1;
      rand_req(P, &o->rq[0], NULL);
      o->rq[0].coh = LHRT_EXCLUSIVE;
      o->rq[0].redop = 0;
      if (o->rq[0].priv == LHRT_REDUCE) o->rq[0].priv = LHRT_READ_WRITE;
      o->rq[0].node = pick_node(P, -1);
      break;
    default: {
      o->nreq = o->kind == K_NEST ? 1 : 1 + (int)srand_(P, MAXREQ);
      int r0 = 0;
      if (p0 >= 0) {
        struct spart *sp = &P->parts[p0];
        lhrt_point_t pts[8];
        int n = 0, shape = (int)srand_(P, 3);
        int64_t a = srand_(P, sp->ncolors), b = a + srand_(P, sp->ncolors - a);
        for (int c = 0; c < sp->ncolors; c++)
          if (shape == 0 || (shape == 1 && c >= a && c <= b) || (shape == 2 && srand_(P, 2))) pts[n++] = lhrt_point1(c);
        if (!n) pts[n++] = lhrt_point1(a);
        o->npts = n;
        for (int j = 0; j < n; j++) o->pts[j] = pts[j].x[0]; /* sorted: the domain's point order */
        dlo = o->pts[0];
        dhi = o->pts[n - 1];
        rand_req(P, &o->rq[0], pq);
        o->rq[0].part = p0;
        r0 = 1;
      }
      for (int r = r0; r < o->nreq; r++) {
        struct sreq *q = &o->rq[r];
        rand_req(P, q, pq);
        if (p0 >= 0 && srand_(P, 2)) q->part = pick_part(P, anc, (int)dhi + 1);
        if (q->part < 0) q->node = pick_node(P, anc);
      }
    }
  }
  for (int r = 0; r < o->nreq; r++) {
    struct sreq *q = &o->rq[r];
    if (q->part >= 0 && o->kind != K_PCOPY && srand_(P, 3) == 0) q->proj = P_REVERSE;
    for (int p = 0; p < o->npts; p++) {
      int64_t c = q->proj ? dlo + dhi - o->pts[p] : o->pts[p];
      o->sub[p][r] = q->part >= 0 ? P->parts[q->part].child[c] : q->node;
    }
  }
  if (o->kind <= K_NEST && srand_(P, 4) == 0) { /* a future of an earlier task of the same context */
    int c[MAXOPS], n = 0;
    for (int j = 0; j < P->nops; j++)
      if (P->ops[j].ctx_op == ctx_op && P->ops[j].kind <= K_NEST && !P->ops[j].skipped) c[n++] = j;
    if (n) {
      o->fut_op = c[srand_(P, n)];
      o->fut_pt = P->ops[o->fut_op].kind == K_INDEX ? (int)srand_(P, P->ops[o->fut_op].npts) : -1;
    }
  }
}

static lhrt_ctx_t op_ctx(struct sprog *P, struct sop *o) { return o->ctx_op < 0 ? P->top : P->ops[o->ctx_op].ctx[0]; }

/* Launches op i (fills, copies and tasks); marks it refused when the runtime finds that its
 * pieces would interfere. */
static void launch_op(struct sprog *P, int i) {
  struct sop *o = &P->ops[i];
  uint32_t opid = (uint32_t)i;
  lhrt_status_t st = LHRT_OK;
  lhrt_ctx_t ctx = op_ctx(P, o);
  lhrt_region_t none = {NULL};
  lhrt_future_t f = {NULL};
  if (o->fut_op >= 0) {
    struct sop *fo = &P->ops[o->fut_op];
    if (o->fut_pt >= 0) lhrt_future_map_get_future_at(fo->fm, (uint64_t)o->fut_pt, &f);
    else lhrt_future_clone(fo->fut, &f);
  }
  uint32_t credop = o->nreq > 1 && o->rq[1].priv == LHRT_REDUCE ? SUM64 : 0;
  if (o->kind == K_FILL) {
    st = lhrt_region_fill(ctx, P->nodes[o->rq[0].node].h, none, o->sf, &o->c, 8);
  } else if (o->kind == K_COPY) {
    st = lhrt_region_copy(ctx, P->nodes[o->rq[0].node].h, none, P->nodes[o->rq[1].node].h, none, &o->sf, &o->df, 1, credop);
  } else if (o->kind == K_PCOPY) {
    st = lhrt_partition_copy(ctx, P->parts[o->rq[0].part].h, none, P->parts[o->rq[1].part].h, none, &o->sf, &o->df, 1, credop);
  } else if (o->kind == K_SINGLE || o->kind == K_NEST) {
    lhrt_task_launcher_t l;
    lhrt_task_launcher_create(P->rt, T_GATE, &opid, sizeof opid, &l);
    for (int r = 0; r < o->nreq; r++) {
      struct sreq *q = &o->rq[r];
      lhrt_task_launcher_add_region(l, P->nodes[q->node].h, none, q->priv, q->coh, q->redop, NULL);
      for (uint32_t fl = 0; fl < NF; fl++) if (q->fmask >> fl & 1) lhrt_task_launcher_add_field(l, (uint32_t)r, fl);
    }
    if (f.impl) lhrt_task_launcher_add_future(l, f);
    st = lhrt_task_launcher_execute(ctx, l, &o->fut);
    lhrt_task_launcher_destroy(l);
  } else {
    lhrt_point_t pts[MAXPTS];
    for (int p = 0; p < o->npts; p++) pts[p] = lhrt_point1(o->pts[p]);
    lhrt_index_space_t dom;
    lhrt_index_space_create_points(P->rt, 1, pts, (uint64_t)o->npts, &dom);
    lhrt_index_launcher_t l;
    lhrt_index_launcher_create(P->rt, T_GATE, dom, &opid, sizeof opid, &l);
    for (int r = 0; r < o->nreq; r++) {
      struct sreq *q = &o->rq[r];
      if (q->part >= 0)
        lhrt_index_launcher_add_partition(l, P->parts[q->part].h, (uint32_t)q->proj, none, q->priv, q->coh, q->redop, NULL);
      else
        lhrt_index_launcher_add_region(l, P->nodes[q->node].h, none, q->priv, q->coh, q->redop, NULL);
      for (uint32_t fl = 0; fl < NF; fl++) if (q->fmask >> fl & 1) lhrt_index_launcher_add_field(l, (uint32_t)r, fl);
    }
    if (f.impl) lhrt_index_launcher_add_future(l, f);
    if (o->kind == K_IRED) st = lhrt_index_launcher_execute_reduce(ctx, l, SUM64, &o->fut);
    else st = lhrt_index_launcher_execute(ctx, l, &o->fm);
    lhrt_index_launcher_destroy(l);
    lhrt_index_space_destroy(dom);
  }
  if (f.impl) lhrt_future_destroy(f);
  if (st == LHRT_ERR_INTERFERENCE) {
    o->skipped = 1;
    o->npts = 0;
    P->rejected++;
  } else if (st) {
    test_fail(__FILE__, __LINE__, "op %d refused: %s", i, lhrt_last_error());
    describe(P, i);
    o->skipped = 1;
    o->npts = 0;
  } else {
    P->launched++;
  }
}

/* Adds the op described in ops[nops] to the program and launches it (a map: see do_map). */
static int add_op(struct sprog *P) {
  int i = P->nops++;
  struct sop *o = &P->ops[i];
  if (o->kind != K_MAP && o->kind != K_FILL && o->kind != K_COPY && o->kind != K_PCOPY && self_overlap(P, o)) {
    o->skipped = 2;
    o->npts = 0;
  }
  if (!o->skipped && o->kind != K_MAP) launch_op(P, i);
  return i;
}

/* ------------------------------------------------------------ running ---- */

/* The reads and writes of point p of op i (non-reductions in requirement order, then the
 * reductions into their buffers), checked against the model, which does the same. */
static int64_t access_point(struct sprog *P, int i, int p) {
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
        lhrt_status_t st = o->kind == K_MAP ? lhrt_mapping_get_accessor(o->map, f, &a)
                                            : lhrt_task_get_accessor(o->ctx[p], (uint32_t)r, f, &a);
        if (st) { test_fail(__FILE__, __LINE__, "op %d: accessor: %s", i, lhrt_last_error()); return res; }
        for (int x = 0; x < 32; x++) {
          if (!(s->bits >> x & 1)) continue;
          int64_t *v, *m = &P->model[s->tree][f][x];
          if (lhrt_accessor_ptr(&a, lhrt_point1(x), (void **)&v)) {
            test_fail(__FILE__, __LINE__, "op %d: accessor_ptr: %s", i, lhrt_last_error());
            return res;
          }
          if ((q->priv == LHRT_READ_ONLY || q->priv == LHRT_READ_WRITE) && *v != *m) {
            test_fail(__FILE__, __LINE__, "op %d point %d req %d field %u x %d: read %ld, model %ld", i, p, r, f, x,
                      (long)*v, (long)*m);
            describe_all(P);
            return res;
          }
          int64_t w = o->c + x;
          switch (q->priv) {
            /* unsigned: the values wrap (signed overflow is undefined; -fsanitize stops on it) */
            case LHRT_READ_ONLY: res = (int64_t)((uint64_t)res * 31 + (uint64_t)*v * (uint64_t)(x + 1)); break;
            case LHRT_READ_WRITE: *v = *m = (int64_t)((uint64_t)*v * 3 + (uint64_t)w); break;
            case LHRT_WRITE_DISCARD: *v = *m = o->c - x; break;
            default:
              if (q->redop == SUM64) *v += w;
              else if ((w = (o->c * x) % 97) > *v) *v = w;
              if (o->ctx_op >= 0 && P->ops[o->ctx_op].rq[0].priv == LHRT_REDUCE) {
                /* into the parent's buffer, which reaches the region when the parent ends */
                uint8_t *h = &P->has_pend[o->ctx_op][s->tree][f][x];
                m = &P->pend[o->ctx_op][s->tree][f][x];
                if (!*h) *m = q->redop == SUM64 ? 0 : INT64_MIN;
                *h = 1;
              }
              if (q->redop == SUM64) *m += w;
              else if (w > *m) *m = w;
          }
        }
      }
    }
  return res;
}

/* A fill's or copy's point, in the model, once nothing it must wait for is left. */
static void auto_point(struct sprog *P, int i, int p) {
  struct sop *o = &P->ops[i];
  struct snode *s = &P->nodes[o->sub[p][0]], *d = o->nreq > 1 ? &P->nodes[o->sub[p][1]] : NULL;
  for (int x = 0; x < 32; x++) {
    if (o->kind == K_FILL && (s->bits >> x & 1)) P->model[s->tree][o->sf][x] = o->c;
    if (o->kind != K_FILL && (s->bits & d->bits) >> x & 1) {
      int64_t v = P->model[s->tree][o->sf][x], *m = &P->model[d->tree][o->df][x];
      *m = o->rq[1].priv == LHRT_REDUCE ? *m + v : v;
    }
  }
  o->state[p] = S_ENDED;
}

static int is_auto(const struct sop *o) { return o->kind == K_FILL || o->kind == K_COPY || o->kind == K_PCOPY; }

/* Ends fills and copies that may run, and parents whose body and children have ended. */
static void settle(struct sprog *P) {
  for (int changed = 1; changed;) {
    changed = 0;
    for (int i = 0; i < P->nops; i++) {
      struct sop *o = &P->ops[i];
      for (int p = 0; is_auto(o) && p < o->npts; p++)
        if (o->state[p] == S_WAIT && ready_now(P, i, p)) { auto_point(P, i, p); changed = 1; }
      if (o->kind == K_NEST && o->npts && o->state[0] == S_BODY_DONE) {
        int done = 1;
        for (int j = i + 1; j < P->nops; j++)
          for (int p = 0; P->ops[j].ctx_op == i && p < P->ops[j].npts; p++) done &= P->ops[j].state[p] == S_ENDED;
        if (done) {
          o->state[0] = S_ENDED;
          changed = 1;
          for (int t = 0; t < 2; t++)
            for (int f = 0; f < NF; f++)
              for (int x = 0; x < 32; x++) {
                int64_t *m = &P->model[t][f][x], w = P->pend[i][t][f][x];
                if (!P->has_pend[i][t][f][x]) continue;
                if (o->rq[0].redop == SUM64) *m += w;
                else if (w > *m) *m = w;
              }
        }
      }
    }
  }
}

/* A parent that just started launches its children from its context. */
static void launch_children(struct sprog *P, int i) {
  for (int k = 1 + (int)srand_(P, 3); k > 0 && P->nops < MAXOPS && !test_failed; k--) {
    gen_desc(P, &P->ops[P->nops], i);
    add_op(P);
  }
}

/* Takes what the runtime says is ready; fails on a task that should still wait. */
static int take_ready(struct sprog *P, int64_t timeout_ns) {
  lhrt_ctx_t got[16];
  uint32_t n = 0;
  if (lhrt_runtime_poll_external(P->rt, timeout_ns, got, 16, &n)) {
    test_fail(__FILE__, __LINE__, "poll: %s", lhrt_last_error());
    return -1;
  }
  for (uint32_t k = 0; k < n; k++) {
    const void *args;
    uint64_t len, idx;
    lhrt_task_get_args(got[k], &args, &len);
    lhrt_task_get_index(got[k], &idx);
    int i = (int)*(const uint32_t *)args, p = (int)idx;
    struct sop *o = &P->ops[i];
    o->state[p] = S_RUN;
    o->ctx[p] = got[k];
    if (test_failed) continue; /* kept only to be ended */
    if (!ready_now(P, i, p)) {
      test_fail(__FILE__, __LINE__, "missed dependence (seed %lu): op %d point %d ready before a conflicting earlier "
                "operation ended", (unsigned long)P->seed, i, p);
      for (int a = 0; a < i && !quiet; a++)
        for (int b = 0; b < P->ops[a].npts; b++)
          if (P->ops[a].ctx_op == o->ctx_op && P->ops[a].state[b] != S_ENDED && must_order(P, a, b, i, p))
            printf("    waits for op %d point %d\n", a, b);
      describe_all(P);
      continue;
    }
    if (o->kind == K_NEST) launch_children(P, i);
  }
  if (test_failed) return -1;
  settle(P);
  return (int)n;
}

/* Waits until every task that may run now has come (lost parallelism if one does not), then
 * takes stragglers that came too early. */
static void take_all_ready(struct sprog *P) {
  double until = now_s() + 3.0;
  for (;;) {
    int mi = -1, mp = -1;
    for (int i = 0; i < P->nops; i++)
      for (int p = 0; P->ops[i].kind <= K_NEST && p < P->ops[i].npts; p++)
        if (P->ops[i].state[p] == S_WAIT && ready_now(P, i, p)) { mi = i; mp = p; }
    if (mi < 0) break;
    if (now_s() > until) {
      test_fail(__FILE__, __LINE__, "lost parallelism (seed %lu): op %d point %d not ready though every conflicting "
                "earlier operation ended", (unsigned long)P->seed, mi, mp);
      describe_all(P);
      return;
    }
    if (take_ready(P, 20000000) < 0) return;
  }
  for (int k = 0; k < 2; k++) if (take_ready(P, k ? 100000 : 0) < 0) return;
}

struct mapjob { struct sprog *P; int i, done; lhrt_status_t st; char err[256]; };

static void *map_main(void *arg) {
  struct mapjob *j = arg;
  struct sop *o = &j->P->ops[j->i];
  uint32_t fl[NF], n = 0;
  for (uint32_t f = 0; f < NF; f++) if (o->rq[0].fmask >> f & 1) fl[n++] = f;
  j->st = lhrt_region_map(j->P->top, j->P->nodes[o->rq[0].node].h, (lhrt_region_t){NULL}, o->rq[0].priv, fl, n, &o->map);
  if (j->st) snprintf(j->err, sizeof j->err, "%s", lhrt_last_error());
  __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
  return NULL;
}

/* Maps op i (every operation it must wait for has ended) on another thread: it must not block. */
static void do_map(struct sprog *P, int i, struct mapjob *j) {
  *j = (struct mapjob){P, i, 0, 0, ""};
  pthread_create(&P->mapper, NULL, map_main, j);
  P->mapping = 1;
  for (double until = now_s() + 3.0; !__atomic_load_n(&j->done, __ATOMIC_ACQUIRE) && now_s() < until;) {
    struct timespec ms = {0, 200000};
    nanosleep(&ms, NULL);
  }
  if (!__atomic_load_n(&j->done, __ATOMIC_ACQUIRE)) {
    test_fail(__FILE__, __LINE__, "lost parallelism (seed %lu): inline mapping op %d waits though every conflicting "
              "earlier operation ended", (unsigned long)P->seed, i);
    describe_all(P);
    return;
  }
  pthread_join(P->mapper, NULL);
  P->mapping = 0;
  if (j->st) { test_fail(__FILE__, __LINE__, "map op %d: %s", i, j->err); return; }
  P->ops[i].state[0] = S_RUN;
}

/* Ends one started task, parent body or mapping at random. */
static int end_one(struct sprog *P) {
  int nrun = 0, pick[MAXOPS * MAXPTS][2];
  for (int i = 0; i < P->nops; i++)
    for (int p = 0; p < P->ops[i].npts; p++)
      if (P->ops[i].state[p] == S_RUN) { pick[nrun][0] = i; pick[nrun][1] = p; nrun++; }
  if (!nrun) return 0;
  int k = (int)srand_(P, nrun), i = pick[k][0], p = pick[k][1];
  struct sop *o = &P->ops[i];
  int64_t res = o->kind == K_NEST ? i * 1000003 : access_point(P, i, p);
  if (test_failed) return 0;
  o->res[p] = res;
  o->state[p] = o->kind == K_NEST ? S_BODY_DONE : S_ENDED;
  if (o->kind == K_MAP) {
    lhrt_mapping_unmap(o->map);
  } else if (lhrt_task_complete(o->ctx[p], &res, sizeof res)) {
    test_fail(__FILE__, __LINE__, "complete: %s", lhrt_last_error());
    return 0;
  }
  settle(P);
  return 1;
}

static int running(struct sprog *P) {
  for (int i = 0; i < P->nops; i++)
    for (int p = 0; p < P->ops[i].npts; p++) if (P->ops[i].state[p] == S_RUN) return 1;
  return 0;
}

/* After a failure: ends what was started, so that the runtime can stop. */
static void abandon(struct sprog *P, struct mapjob *j) {
  for (int i = 0; i < P->nops; i++)
    for (int p = 0; p < P->ops[i].npts; p++) {
      if (P->ops[i].state[p] != S_RUN) continue;
      if (P->ops[i].kind == K_MAP) lhrt_mapping_unmap(P->ops[i].map);
      else lhrt_task_complete_failed(P->ops[i].ctx[p], "test stopped");
    }
  lhrt_runtime_stop_external(P->rt);
  if (P->mapping) {
    pthread_join(P->mapper, NULL);
    if (!j->st) lhrt_mapping_unmap(P->ops[j->i].map);
  }
}

static void check_results(struct sprog *P) {
  for (int i = 0; i < P->nops && !test_failed; i++) {
    struct sop *o = &P->ops[i];
    if (o->skipped) continue;
    for (int p = 0; p < o->npts; p++) EXPECTF(o->state[p] == S_ENDED, "op %d point %d never ended", i, p);
    if (o->kind == K_SINGLE || o->kind == K_IRED || o->kind == K_NEST) {
      int64_t v = 0, want = 0;
      for (int p = 0; p < o->npts; p++) want = (int64_t)((uint64_t)want + (uint64_t)o->res[p]);
      OK(lhrt_future_get_value(o->fut, &v, sizeof v, NULL));
      EXPECTF(v == want, "op %d future %ld, want %ld", i, (long)v, (long)want);
    }
  }
  for (int t = 0; t < 2 && !test_failed; t++) {
    uint32_t fields[NF] = {0, 1, 2};
    lhrt_mapping_t m;
    int root = 0;
    while (P->nodes[root].tree != t || P->nodes[root].up >= 0) root++;
    OK(lhrt_region_map(P->top, P->nodes[root].h, P->nodes[root].h, LHRT_READ_ONLY, fields, NF, &m));
    for (uint32_t f = 0; f < NF && !test_failed; f++) {
      lhrt_accessor_t a;
      lhrt_mapping_get_accessor(m, f, &a);
      for (int x = 0; x < P->n[t]; x++) {
        int64_t v = *(int64_t *)lhrt_accessor_at(&a, x, 0, 0);
        if (v != P->model[t][f][x]) {
          test_fail(__FILE__, __LINE__, "tree %d field %u x %d: %ld, model %ld", t, f, x, (long)v, (long)P->model[t][f][x]);
          describe_all(P);
          break;
        }
      }
    }
    lhrt_mapping_unmap(m);
  }
}

static void run_schedule(uint64_t seed) {
  struct sprog *P = calloc(1, sizeof *P);
  struct mapjob job;
  P->seed = seed;
  P->rng = seed * 0x9e3779b97f4a7c15ull + 7;
  P->rt = trt_new(2);
  P->top = trt_top(P->rt);
  OK(lhrt_task_register(P->rt, T_GATE, "gate", LHRT_PROC_JVM, NULL, NULL));
  OK(lhrt_projection_register(P->rt, P_REVERSE, reverse, NULL));
  OK(lhrt_runtime_use_external_queue(P->rt));
  build(P);
  P->hot = srand_(P, 3) == 0;
  int ntop = 4 + (int)srand_(P, 13), made = 0, pending = 0;
  struct sop next;
  while (!test_failed) {
    /* launch some more of the program: all of it when nothing runs */
    while (made < ntop && (!running(P) || srand_(P, 3)) && !test_failed && P->nops < MAXOPS) {
      if (!pending) gen_desc(P, &next, -1);
      pending = 1;
      P->ops[P->nops] = next; /* children take this slot too: the next op waits aside */
      if (next.kind == K_MAP && !ready_now(P, P->nops, 0)) break; /* after its predecessors */
      int i = add_op(P);
      made++;
      pending = 0;
      if (P->ops[i].kind == K_MAP) do_map(P, i, &job);
      settle(P);
    }
    if (test_failed) break;
    take_all_ready(P);
    if (test_failed || end_one(P)) continue;
    if (made < ntop && P->nops < MAXOPS) continue;
    break;
  }
  if (!test_failed) check_results(P);
  if (test_failed) {
    printf("  (seed %lu)\n", (unsigned long)seed);
    abandon(P, &job);
  }
  lhrt_runtime_stop_external(P->rt);
  lhrt_runtime_destroy(P->rt);
  free(P);
}

static void schedules(uint64_t first, int count) {
  int all = getenv("LHRT_SCHEDULE_ALL") != NULL, bad = 0;
  quiet = all;
  for (int s = 0; s < count && (all || !test_failed); s++) {
    if (all) fprintf(stderr, "seed %lu\n", (unsigned long)(first + (uint64_t)s));
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

/* Fewer inside the HRT (freestanding build), where its timed waits spin on a vCPU. */
TEST(schedule_random_programs_follow_legion_dependences) { schedules(1, test_small || !__STDC_HOSTED__ ? 30 : 200); }
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
