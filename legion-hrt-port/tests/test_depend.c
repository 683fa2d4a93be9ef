/*
 * Dependence analysis against sequential execution: random programs (random region trees with
 * disjoint and aliased partitions, random privileges and fields, single and index launches,
 * reductions, fills, nested launches) run once with every launch in flight at once and once
 * waiting for each launch before the next (program order). Region contents and every future
 * must match bit for bit.
 */
#include "test.h"

#define T_RAND 100
#define T_NEST 101
#define MAXR 3

static uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

struct rargs { uint64_t opid; uint32_t nreq; uint32_t nf[MAXR]; uint32_t fid[MAXR][3]; };

static int64_t lin(const int64_t *x) { return x[0] * 1000 + x[1]; }

/* Calls fn on every point of requirement r's region for this task. */
static void each(lhrt_ctx_t ctx, uint32_t r, lhrt_accessor_t *a, void (*fn)(lhrt_accessor_t *, int64_t *, uint64_t *),
                 uint64_t *h) {
  lhrt_region_t reg;
  lhrt_index_space_t is;
  uint64_t nr;
  lhrt_task_get_region(ctx, r, &reg);
  lhrt_region_get_index_space(reg, &is);
  lhrt_index_space_get_rect_count(is, &nr);
  for (uint64_t k = 0; k < nr; k++) {
    lhrt_rect_t rc;
    lhrt_index_space_get_rect(is, k, &rc);
    for (int64_t y = rc.lo[1]; y <= (rc.dim > 1 ? rc.hi[1] : 0); y++)
      for (int64_t x = rc.lo[0]; x <= rc.hi[0]; x++) {
        int64_t p[3] = {x, y, 0};
        fn(a, p, h);
      }
  }
}

static void rd(lhrt_accessor_t *a, int64_t *p, uint64_t *h) {
  *h = mix(*h ^ *(uint64_t *)lhrt_accessor_at(a, p[0], p[1], 0) ^ (uint64_t)lin(p));
}
static void wr_rw(lhrt_accessor_t *a, int64_t *p, uint64_t *h) {
  uint64_t *v = lhrt_accessor_at(a, p[0], p[1], 0);
  *v = mix(*v ^ *h ^ (uint64_t)lin(p));
}
static void wr_wd(lhrt_accessor_t *a, int64_t *p, uint64_t *h) {
  *(uint64_t *)lhrt_accessor_at(a, p[0], p[1], 0) = mix(*h + (uint64_t)lin(p));
}
static void wr_red(lhrt_accessor_t *a, int64_t *p, uint64_t *h) {
  *(int64_t *)lhrt_accessor_at(a, p[0], p[1], 0) += (int64_t)(mix(*h ^ (uint64_t)lin(p)) & 0xffff);
}

static void rand_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  const struct rargs *ra = args;
  lhrt_point_t pt;
  lhrt_task_get_point(ctx, &pt);
  uint64_t h = mix(ra->opid * 7919 + (uint64_t)lin(pt.x));
  for (int pass = 0; pass < 2; pass++) {
    for (uint32_t r = 0; r < ra->nreq; r++) {
      for (uint32_t k = 0; k < ra->nf[r]; k++) {
        lhrt_accessor_t a;
        if (lhrt_task_get_accessor(ctx, r, ra->fid[r][k], &a)) { lhrt_task_fail(ctx, lhrt_last_error()); return; }
        if (pass == 0 && (a.privilege == LHRT_READ_ONLY || a.privilege == LHRT_READ_WRITE)) each(ctx, r, &a, rd, &h);
        if (pass == 1 && a.privilege == LHRT_READ_WRITE) each(ctx, r, &a, wr_rw, &h);
        if (pass == 1 && a.privilege == LHRT_WRITE_DISCARD) each(ctx, r, &a, wr_wd, &h);
        if (pass == 1 && a.privilege == LHRT_REDUCE) each(ctx, r, &a, wr_red, &h);
      }
    }
  }
  lhrt_task_return(ctx, &h, sizeof h);
}

/* A parent task with RW on requirement 0 (a region with partition user->part) that launches an
 * index launch over that partition and a single task on the whole region, then waits. */
struct nargs { uint64_t opid; lhrt_partition_t part; uint32_t fid; uint32_t priv; };
static void nest_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  const struct nargs *na = args;
  lhrt_runtime_t rt = {user};
  lhrt_region_t reg;
  lhrt_task_get_region(ctx, 0, &reg);
  lhrt_index_space_t colors;
  lhrt_partition_get_color_space(na->part, &colors);
  struct rargs ra = {na->opid * 3 + 1, 1, {1}, {{na->fid}}};
  uint32_t redop = na->priv == LHRT_REDUCE ? LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64) : 0;
  lhrt_index_launcher_t il;
  lhrt_index_launcher_create(rt, T_RAND, colors, &ra, sizeof ra, &il);
  lhrt_index_launcher_add_partition(il, na->part, 0, reg, na->priv, LHRT_EXCLUSIVE, redop, NULL);
  lhrt_index_launcher_add_field(il, 0, na->fid);
  lhrt_future_t f;
  if (lhrt_index_launcher_execute_reduce(ctx, il, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64), &f)) {
    lhrt_task_fail(ctx, lhrt_last_error());
    lhrt_index_launcher_destroy(il);
    return;
  }
  ra.opid = na->opid * 3 + 2;
  lhrt_task_launcher_t tl;
  lhrt_task_launcher_create(rt, T_RAND, &ra, sizeof ra, &tl);
  lhrt_task_launcher_add_region(tl, reg, reg, na->priv, LHRT_EXCLUSIVE, redop, NULL);
  lhrt_task_launcher_add_field(tl, 0, na->fid);
  if (lhrt_task_launcher_execute(ctx, tl, NULL)) lhrt_task_fail(ctx, lhrt_last_error());
  uint64_t v = 0;
  lhrt_future_get_value(f, &v, sizeof v, NULL); /* a wait inside a task */
  lhrt_task_return(ctx, &v, sizeof v);
  lhrt_future_destroy(f);
  lhrt_index_launcher_destroy(il);
  lhrt_task_launcher_destroy(tl);
}

struct prog {
  lhrt_runtime_t rt;
  lhrt_ctx_t top;
  int nroots;
  lhrt_region_t roots[2];
  lhrt_partition_t parts[12];
  int nparts;
  lhrt_region_t nodes[48];
  int nnodes;
  lhrt_future_t futs[256];
  int nfuts;
  lhrt_future_map_t fms[64];
  int nfms;
  uint64_t status_hash;
  int sequential;
};

static void add_node(struct prog *P, lhrt_region_t r) { if (P->nnodes < 48) P->nodes[P->nnodes++] = r; }

static void add_part(struct prog *P, lhrt_partition_t p) {
  P->parts[P->nparts++] = p;
  lhrt_index_space_t cs;
  uint64_t v;
  lhrt_partition_get_color_space(p, &cs);
  lhrt_index_space_get_volume(cs, &v);
  for (uint64_t i = 0; i < v; i++) {
    lhrt_point_t c;
    lhrt_region_t s;
    lhrt_index_space_get_point(cs, i, &c);
    if (!lhrt_partition_get_subregion(p, c, &s)) add_node(P, s);
  }
}

static void build_trees(struct prog *P, uint64_t *rng) {
  P->nroots = 1 + (int)(trand(rng) % 2);
  for (int t = 0; t < P->nroots; t++) {
    int dim = 1 + (int)(trand(rng) % 2);
    int64_t n = 16 + (int64_t)(trand(rng) % 48);
    lhrt_rect_t b = dim == 1 ? lhrt_rect1(0, n - 1) : lhrt_rect2(0, 0, n / 4, 3);
    lhrt_index_space_t is;
    lhrt_field_space_t fs;
    lhrt_index_space_create_rect(P->rt, b, &is);
    lhrt_field_space_create(P->rt, &fs);
    for (uint32_t f = 0; f < 3; f++) lhrt_field_space_allocate_field(fs, 8, f, NULL);
    lhrt_region_create(P->rt, is, fs, &P->roots[t]);
    add_node(P, P->roots[t]);
    /* an equal (disjoint) partition, 2..6 pieces */
    lhrt_index_space_t colors;
    lhrt_index_space_create_rect(P->rt, lhrt_rect1(0, 1 + (int64_t)(trand(rng) % 5)), &colors);
    lhrt_partition_t eq;
    lhrt_partition_create_equal(P->top, P->roots[t], colors, &eq);
    add_part(P, eq);
    /* an aliased (or accidentally disjoint) partition from random rectangles */
    int k = 2 + (int)(trand(rng) % 3);
    lhrt_colored_rect_t items[4];
    for (int i = 0; i < k; i++) {
      items[i].color = lhrt_point1(i);
      int64_t lo0 = (int64_t)(trand(rng) % (uint64_t)(b.hi[0] + 1)), hi0 = lo0 + (int64_t)(trand(rng) % 12);
      items[i].rect = dim == 1 ? lhrt_rect1(lo0, hi0) : lhrt_rect2(lo0, (int64_t)(trand(rng) % 4), hi0, 3);
    }
    lhrt_index_space_t c2;
    lhrt_index_space_create_rect(P->rt, lhrt_rect1(0, k - 1), &c2);
    lhrt_partition_t al;
    lhrt_partition_create_by_rects(P->top, P->roots[t], c2, items, (uint64_t)k, LHRT_PART_COMPUTE, &al);
    add_part(P, al);
    /* a second level: subregion 0 of the equal partition, split in two */
    lhrt_region_t s0;
    lhrt_partition_get_subregion(eq, lhrt_point1(0), &s0);
    lhrt_index_space_t c3;
    lhrt_index_space_create_rect(P->rt, lhrt_rect1(0, 1), &c3);
    lhrt_partition_t sub;
    lhrt_partition_create_equal(P->top, s0, c3, &sub);
    add_part(P, sub);
    if (dim == 2) { /* 2-D blocks: index launches over a 2-D domain */
      lhrt_index_space_t c4;
      lhrt_partition_t blocks;
      lhrt_index_space_create_rect(P->rt, lhrt_rect2(0, 0, 1, 1), &c4);
      lhrt_partition_create_equal(P->top, P->roots[t], c4, &blocks);
      add_part(P, blocks);
    }
  }
}

static int dbg;
static void note(struct prog *P, lhrt_status_t st) {
  if (dbg) printf("  op status %d %s\n", st, st ? lhrt_last_error() : "");
  P->status_hash = mix(P->status_hash ^ (uint64_t)st);
}

static uint32_t rand_priv(uint64_t *rng, int index_aliased) {
  static const uint32_t all[] = {LHRT_READ_ONLY, LHRT_READ_WRITE, LHRT_WRITE_DISCARD, LHRT_REDUCE};
  if (index_aliased) return trand(rng) % 2 ? LHRT_READ_ONLY : LHRT_REDUCE;
  return all[trand(rng) % 4];
}

static void rand_fields(uint64_t *rng, struct rargs *ra, uint32_t r) {
  uint32_t f0 = (uint32_t)(trand(rng) % 3);
  ra->nf[r] = 1 + (uint32_t)(trand(rng) % 2);
  ra->fid[r][0] = f0;
  ra->fid[r][1] = (f0 + 1 + (uint32_t)(trand(rng) % 2)) % 3;
}

static void keep_future(struct prog *P, lhrt_future_t f) {
  if (P->sequential) lhrt_future_wait(f);
  if (P->nfuts < 256) P->futs[P->nfuts++] = f;
  else lhrt_future_destroy(f);
}

static void op_single(struct prog *P, uint64_t *rng, uint64_t opid) {
  struct rargs ra = {opid, 1 + (uint32_t)(trand(rng) % 2)};
  lhrt_task_launcher_t l;
  lhrt_task_launcher_create(P->rt, T_RAND, NULL, 0, &l);
  for (uint32_t r = 0; r < ra.nreq; r++) {
    lhrt_region_t n = P->nodes[trand(rng) % (uint64_t)P->nnodes];
    uint32_t priv = rand_priv(rng, 0);
    lhrt_task_launcher_add_region(l, n, (lhrt_region_t){NULL}, priv, LHRT_EXCLUSIVE,
                                  priv == LHRT_REDUCE ? LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64) : 0, NULL);
    rand_fields(rng, &ra, r);
    for (uint32_t k = 0; k < ra.nf[r]; k++) lhrt_task_launcher_add_field(l, r, ra.fid[r][k]);
  }
  lhrt_task_launcher_set_args(l, &ra, sizeof ra);
  if (dbg) printf("  single nreq %u\n", ra.nreq);
  lhrt_future_t f;
  lhrt_status_t st = lhrt_task_launcher_execute(P->top, l, &f);
  note(P, st);
  if (!st) keep_future(P, f);
  lhrt_task_launcher_destroy(l);
}

static void op_index(struct prog *P, uint64_t *rng, uint64_t opid, int reduce) {
  lhrt_partition_t p = P->parts[trand(rng) % (uint64_t)P->nparts];
  int32_t disjoint;
  lhrt_partition_is_disjoint(p, &disjoint);
  lhrt_index_space_t colors;
  lhrt_partition_get_color_space(p, &colors);
  struct rargs ra = {opid, 1 + (uint32_t)(trand(rng) % 2)};
  lhrt_index_launcher_t l;
  lhrt_index_launcher_create(P->rt, T_RAND, colors, NULL, 0, &l);
  uint32_t priv = rand_priv(rng, !disjoint);
  lhrt_index_launcher_add_partition(l, p, 0, (lhrt_region_t){NULL}, priv, LHRT_EXCLUSIVE,
                                    priv == LHRT_REDUCE ? LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64) : 0, NULL);
  rand_fields(rng, &ra, 0);
  for (uint32_t k = 0; k < ra.nf[0]; k++) lhrt_index_launcher_add_field(l, 0, ra.fid[0][k]);
  if (ra.nreq > 1) { /* a read of a whole region by every point */
    lhrt_region_t n = P->roots[trand(rng) % (uint64_t)P->nroots];
    lhrt_index_launcher_add_region(l, n, n, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL);
    rand_fields(rng, &ra, 1);
    for (uint32_t k = 0; k < ra.nf[1]; k++) lhrt_index_launcher_add_field(l, 1, ra.fid[1][k]);
  }
  lhrt_index_launcher_set_args(l, &ra, sizeof ra);
  if (dbg) printf("  index part %p disjoint %d priv %u fields %u:%u,%u nreq %u f2 %u:%u,%u\n", p.impl, disjoint, priv,
                  ra.nf[0], ra.fid[0][0], ra.fid[0][1], ra.nreq, ra.nf[1], ra.fid[1][0], ra.fid[1][1]);
  lhrt_status_t st;
  if (reduce) {
    lhrt_future_t f;
    st = lhrt_index_launcher_execute_reduce(P->top, l, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64), &f);
    if (!st) keep_future(P, f);
  } else {
    lhrt_future_map_t fm;
    st = lhrt_index_launcher_execute(P->top, l, &fm);
    if (!st && P->sequential) lhrt_future_map_wait_all(fm);
    if (!st && P->nfms < 64) P->fms[P->nfms++] = fm;
    else if (!st) lhrt_future_map_destroy(fm);
  }
  note(P, st);
  lhrt_index_launcher_destroy(l);
}

static void op_fill(struct prog *P, uint64_t *rng) {
  lhrt_region_t n = P->nodes[trand(rng) % (uint64_t)P->nnodes];
  int64_t v = (int64_t)(trand(rng) % 1000);
  note(P, lhrt_region_fill(P->top, n, (lhrt_region_t){NULL}, (uint32_t)(trand(rng) % 3), &v, 8));
  if (P->sequential) lhrt_context_wait_all(P->top);
}

/* A region copy between two random nodes, or a partition copy between two random partitions
 * (often refused: other dimensions, missing colors, aliasing - the statuses are compared too);
 * one or two field pairs, folded with a sum one time in three. */
static void op_copy(struct prog *P, uint64_t *rng) {
  uint32_t src[2], dst[2], n = 1 + (uint32_t)(trand(rng) % 2);
  for (uint32_t k = 0; k < n; k++) src[k] = (uint32_t)(trand(rng) % 3);
  dst[0] = (uint32_t)(trand(rng) % 3);
  dst[1] = (dst[0] + 1) % 3;
  uint32_t redop = trand(rng) % 3 == 0 ? LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64) : 0;
  lhrt_status_t st;
  if (trand(rng) % 2) {
    lhrt_region_t a = P->nodes[trand(rng) % (uint64_t)P->nnodes], b = P->nodes[trand(rng) % (uint64_t)P->nnodes];
    st = lhrt_region_copy(P->top, a, (lhrt_region_t){NULL}, b, (lhrt_region_t){NULL}, src, dst, n, redop);
  } else {
    lhrt_partition_t a = P->parts[trand(rng) % (uint64_t)P->nparts], b = P->parts[trand(rng) % (uint64_t)P->nparts];
    st = lhrt_partition_copy(P->top, a, (lhrt_region_t){NULL}, b, (lhrt_region_t){NULL}, src, dst, n, redop);
  }
  if (dbg) printf("  copy n %u redop %u\n", n, redop);
  note(P, st);
  if (P->sequential) lhrt_context_wait_all(P->top);
}

static void op_nest(struct prog *P, uint64_t *rng, uint64_t opid) {
  /* the first root's equal partition; RW, or REDUCE all the way down (nested reduction buffers) */
  struct nargs na = {opid, P->parts[0], (uint32_t)(trand(rng) % 3), trand(rng) % 2 ? LHRT_READ_WRITE : LHRT_REDUCE};
  lhrt_task_launcher_t l;
  lhrt_task_launcher_create(P->rt, T_NEST, &na, sizeof na, &l);
  lhrt_task_launcher_add_region(l, P->roots[0], P->roots[0], na.priv, LHRT_EXCLUSIVE,
                                na.priv == LHRT_REDUCE ? LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64) : 0, NULL);
  lhrt_task_launcher_add_field(l, 0, na.fid);
  lhrt_future_t f;
  lhrt_status_t st = lhrt_task_launcher_execute(P->top, l, &f);
  note(P, st);
  if (!st) keep_future(P, f);
  lhrt_task_launcher_destroy(l);
}

/* Runs program `seed`; returns a hash of all region contents, futures and statuses. */
static uint64_t run_program(uint64_t seed, int sequential, int workers) {
  struct prog P;
  memset(&P, 0, sizeof P);
  P.sequential = sequential;
  P.rt = trt_new(workers);
  lhrt_runtime_get_top_context(P.rt, &P.top);
  lhrt_task_register(P.rt, T_RAND, "rand", LHRT_PROC_CPU, rand_task, NULL);
  lhrt_task_register(P.rt, T_NEST, "nest", LHRT_PROC_CPU, nest_task, P.rt.impl);
  uint64_t rng = seed * 0x2545f4914f6cdd1dull + 1;
  build_trees(&P, &rng);
  int nops = 10 + (int)(trand(&rng) % 30);
  if (getenv("LHRT_DEBUG_NOPS")) nops = atoi(getenv("LHRT_DEBUG_NOPS"));
  for (int i = 0; i < nops; i++) {
    uint64_t k = trand(&rng) % 23;
    if (dbg) printf("op %d kind %lu futs %d fms %d\n", i, (unsigned long)k, P.nfuts, P.nfms);
    if (k < 8) op_single(&P, &rng, (uint64_t)i);
    else if (k < 14) op_index(&P, &rng, (uint64_t)i, 0);
    else if (k < 16) op_index(&P, &rng, (uint64_t)i, 1);
    else if (k < 19) op_fill(&P, &rng);
    else if (k < 20) op_nest(&P, &rng, (uint64_t)i);
    else op_copy(&P, &rng);
  }
  uint64_t h = P.status_hash;
  for (int i = 0; i < P.nfuts; i++) {
    uint64_t v = 0, size = 0;
    lhrt_status_t st = lhrt_future_get_value(P.futs[i], &v, sizeof v, &size);
    h = mix(h ^ v ^ size ^ (uint64_t)st);
    if (dbg) printf("  fut %d = %016lx st %d\n", i, (unsigned long)v, st);
  }
  for (int i = 0; i < P.nfms; i++) {
    uint64_t n = 0;
    lhrt_future_map_get_count(P.fms[i], &n);
    for (uint64_t j = 0; j < n; j++) {
      lhrt_future_t f;
      uint64_t v = 0;
      lhrt_future_map_get_future_at(P.fms[i], j, &f);
      lhrt_future_get_value(f, &v, sizeof v, NULL);
      lhrt_future_destroy(f);
      h = mix(h ^ v);
      if (dbg) printf("  fm %d[%lu] = %016lx\n", i, (unsigned long)j, (unsigned long)v);
    }
  }
  for (int t = 0; t < P.nroots; t++) {
    uint32_t fields[3] = {0, 1, 2};
    lhrt_mapping_t m;
    lhrt_status_t st = lhrt_region_map(P.top, P.roots[t], P.roots[t], LHRT_READ_ONLY, fields, 3, &m);
    h = mix(h ^ (uint64_t)st);
    if (st) continue;
    for (uint32_t f = 0; f < 3; f++) {
      lhrt_accessor_t a;
      lhrt_mapping_get_accessor(m, f, &a);
      for (int64_t y = a.bounds.lo[1]; y <= (a.bounds.dim > 1 ? a.bounds.hi[1] : 0); y++)
        for (int64_t x = a.bounds.lo[0]; x <= a.bounds.hi[0]; x++) {
          h = mix(h ^ *(uint64_t *)lhrt_accessor_at(&a, x, y, 0));
          if (dbg) printf("  r%d f%u (%ld,%ld) = %016lx\n", t, f, (long)x, (long)y, *(unsigned long *)lhrt_accessor_at(&a, x, y, 0));
        }
    }
    lhrt_mapping_unmap(m);
  }
  lhrt_runtime_destroy(P.rt);
  return h;
}

static void random_programs(int count, uint64_t base) {
  for (int i = 0; i < count; i++) {
    uint64_t seed = base + (uint64_t)i;
    uint64_t want = run_program(seed, 1, 1);
    uint64_t got = run_program(seed, 0, 2);
    EXPECTF(got == want, "program %lu: parallel result %016lx differs from sequential %016lx", (unsigned long)seed,
            (unsigned long)got, (unsigned long)want);
    uint64_t again = run_program(seed, 0, 3);
    EXPECTF(again == want, "program %lu (3 workers): %016lx differs from sequential %016lx", (unsigned long)seed,
            (unsigned long)again, (unsigned long)want);
  }
}

TEST(depend_debug_one) {
  const char *e = getenv("LHRT_DEBUG_SEED");
  if (!e) return;
  dbg = 1;
  int w = getenv("LHRT_DEBUG_W") ? atoi(getenv("LHRT_DEBUG_W")) : 0;
  run_program(strtoull(e, NULL, 0), w == 0, w ? w : 1);
}

TEST(depend_random_programs_vs_sequential) { random_programs(test_small ? 100 : 1000, 1); }
SLOW_TEST(depend_random_programs_vs_sequential_10k) { random_programs(10000, 100000); }
