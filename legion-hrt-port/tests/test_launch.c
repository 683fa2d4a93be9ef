/*
 * Launch features: index launches with projections, REDUCE privileges and result reductions,
 * future maps, nested launches and waits inside tasks, JVM-kind tasks through the external
 * executor (inline and deferred completion), mappers, work stealing, simultaneous coherence,
 * native variants by symbol, user reduction operators, callbacks, privilege errors.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include "test.h"

enum { F_X = 0, F_Y = 1, F_ACC = 2 };
enum { T_INIT = 1, T_DAXPY, T_ADD1, T_PSUM, T_PARENT, T_CHILD, T_JVM, T_SPIN, T_SIM, T_BADCHILD, T_MAPIN, T_SQUARE };

struct daxpy { double a; };

static void each_1d(lhrt_ctx_t ctx, uint32_t req, int64_t *lo, int64_t *hi) {
  lhrt_region_t r;
  lhrt_index_space_t is;
  lhrt_rect_t b;
  lhrt_task_get_region(ctx, req, &r);
  lhrt_region_get_index_space(r, &is);
  lhrt_index_space_get_bounds(is, &b);
  *lo = b.lo[0];
  *hi = b.hi[0];
}

static void init_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_accessor_t x, y;
  lhrt_task_get_accessor(ctx, 0, F_X, &x);
  lhrt_task_get_accessor(ctx, 0, F_Y, &y);
  int64_t lo, hi;
  each_1d(ctx, 0, &lo, &hi);
  for (int64_t i = lo; i <= hi; i++) {
    *(double *)lhrt_accessor_at(&x, i, 0, 0) = (double)i;
    *(double *)lhrt_accessor_at(&y, i, 0, 0) = 1.0;
  }
}

static void daxpy_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  const struct daxpy *d = args;
  lhrt_accessor_t x, y;
  lhrt_task_get_accessor(ctx, 0, F_X, &x);
  lhrt_task_get_accessor(ctx, 1, F_Y, &y);
  int64_t lo, hi;
  each_1d(ctx, 1, &lo, &hi);
  for (int64_t i = lo; i <= hi; i++)
    *(double *)lhrt_accessor_at(&y, i, 0, 0) += d->a * *(double *)lhrt_accessor_at(&x, i, 0, 0);
}

/* REDUCE sum on F_ACC of the whole region: adds 1 everywhere; returns its point as int64. */
static void add1_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_accessor_t a;
  lhrt_task_get_accessor(ctx, 0, F_ACC, &a);
  for (int64_t i = a.bounds.lo[0]; i <= a.bounds.hi[0]; i++) *(int64_t *)lhrt_accessor_at(&a, i, 0, 0) += 1;
  lhrt_point_t p;
  uint64_t index;
  lhrt_index_space_t dom;
  lhrt_task_get_point(ctx, &p);
  lhrt_task_get_index(ctx, &index);
  lhrt_task_get_domain(ctx, &dom);
  int64_t v = (index == (uint64_t)p.x[0] && dom.impl) ? p.x[0] : -1;
  lhrt_task_return(ctx, &v, 8);
}

static void psum_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_accessor_t y;
  lhrt_task_get_accessor(ctx, 0, F_Y, &y);
  int64_t lo, hi;
  each_1d(ctx, 0, &lo, &hi);
  double s = 0;
  for (int64_t i = lo; i <= hi; i++) s += *(double *)lhrt_accessor_at(&y, i, 0, 0);
  lhrt_task_return(ctx, &s, sizeof s);
}

struct world { lhrt_runtime_t rt; lhrt_ctx_t top; lhrt_region_t r; lhrt_partition_t p; lhrt_index_space_t colors; };

static void make_world(struct world *w, int workers, int64_t n, int64_t pieces) {
  w->rt = trt_new(workers);
  w->top = trt_top(w->rt);
  lhrt_index_space_t is;
  lhrt_field_space_t fs;
  lhrt_index_space_create_rect(w->rt, lhrt_rect1(0, n - 1), &is);
  lhrt_index_space_create_rect(w->rt, lhrt_rect1(0, pieces - 1), &w->colors);
  lhrt_field_space_create(w->rt, &fs);
  lhrt_field_space_allocate_field(fs, 8, F_X, NULL);
  lhrt_field_space_allocate_field(fs, 8, F_Y, NULL);
  lhrt_field_space_allocate_field(fs, 8, F_ACC, NULL);
  lhrt_region_create(w->rt, is, fs, &w->r);
  lhrt_partition_create_equal(w->top, w->r, w->colors, &w->p);
  lhrt_task_register(w->rt, T_INIT, "init", LHRT_PROC_CPU, init_task, NULL);
  lhrt_task_register(w->rt, T_DAXPY, "daxpy", LHRT_PROC_CPU, daxpy_task, NULL);
  lhrt_task_register(w->rt, T_ADD1, "add1", LHRT_PROC_CPU, add1_task, NULL);
  lhrt_task_register(w->rt, T_PSUM, "psum", LHRT_PROC_CPU, psum_task, NULL);
}

TEST(index_launch_daxpy_reduce) {
  struct world w;
  make_world(&w, 2, 1000, 8);
  lhrt_index_launcher_t init, dx, add, ps;
  OK(lhrt_index_launcher_create(w.rt, T_INIT, w.colors, NULL, 0, &init));
  OK(lhrt_index_launcher_add_partition(init, w.p, 0, w.r, LHRT_WRITE_DISCARD, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(init, 0, F_X));
  OK(lhrt_index_launcher_add_field(init, 0, F_Y));
  OK(lhrt_index_launcher_execute(w.top, init, NULL));
  struct daxpy d = {2.0};
  OK(lhrt_index_launcher_create(w.rt, T_DAXPY, w.colors, &d, sizeof d, &dx));
  OK(lhrt_index_launcher_add_partition(dx, w.p, 0, w.r, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(dx, 0, F_X));
  OK(lhrt_index_launcher_add_partition(dx, w.p, 0, w.r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(dx, 1, F_Y));
  OK(lhrt_index_launcher_execute(w.top, dx, NULL));
  /* every point reduces into the whole region: same-operator reductions commute */
  OK(lhrt_index_launcher_create(w.rt, T_ADD1, w.colors, NULL, 0, &add));
  OK(lhrt_index_launcher_add_region(add, w.r, w.r, LHRT_REDUCE, LHRT_EXCLUSIVE, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64), NULL));
  OK(lhrt_index_launcher_add_field(add, 0, F_ACC));
  lhrt_future_map_t fm;
  OK(lhrt_index_launcher_execute(w.top, add, &fm));
  OK(lhrt_index_launcher_create(w.rt, T_PSUM, w.colors, NULL, 0, &ps));
  OK(lhrt_index_launcher_add_partition(ps, w.p, 0, w.r, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(ps, 0, F_Y));
  lhrt_future_t total;
  OK(lhrt_index_launcher_execute_reduce(w.top, ps, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_DOUBLE), &total));
  double sum = 0;
  OK(lhrt_future_get_value(total, &sum, sizeof sum, NULL));
  EXPECTF(sum == 1000.0 + 2.0 * 999 * 1000 / 2, "sum %f", sum);
  uint64_t cnt;
  OK(lhrt_future_map_get_count(fm, &cnt));
  EXPECT(cnt == 8);
  lhrt_future_t f5, fr;
  OK(lhrt_future_map_get_future(fm, lhrt_point1(5), &f5));
  int64_t v;
  OK(lhrt_future_get_value(f5, &v, 8, NULL));
  EXPECT(v == 5);
  OK(lhrt_future_map_reduce(fm, LHRT_REDOP(LHRT_RED_MAX, LHRT_TYPE_INT64), &fr));
  OK(lhrt_future_get_value(fr, &v, 8, NULL));
  EXPECT(v == 7);
  ERR(LHRT_ERR_REDOP, lhrt_future_map_reduce(fm, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT32), &fr));
  uint32_t f = F_ACC;
  lhrt_mapping_t m;
  OK(lhrt_region_map(w.top, w.r, w.r, LHRT_READ_ONLY, &f, 1, &m));
  lhrt_accessor_t a;
  OK(lhrt_mapping_get_accessor(m, F_ACC, &a));
  for (int64_t i = 0; i < 1000; i++) EXPECTF(*(int64_t *)lhrt_accessor_at(&a, i, 0, 0) == 8, "acc[%ld]", (long)i);
  OK(lhrt_mapping_unmap(m));
  /* writes from every point to one region, or to an aliased partition, are refused */
  lhrt_index_launcher_t bad;
  OK(lhrt_index_launcher_create(w.rt, T_INIT, w.colors, NULL, 0, &bad));
  OK(lhrt_index_launcher_add_region(bad, w.r, w.r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(bad, 0, F_X));
  ERR(LHRT_ERR_INTERFERENCE, lhrt_index_launcher_execute(w.top, bad, NULL));
  OK(lhrt_runtime_destroy(w.rt));
}

/* The one-call launches do what the launcher calls do, with the same errors. */
TEST(one_call_launches) {
  struct world w;
  make_world(&w, 2, 1000, 8);
  uint32_t xy[] = {F_X, F_Y}, x[] = {F_X}, y[] = {F_Y};
  lhrt_launch_req_t init_req = {.partition = w.p, .parent = w.r, .privilege = LHRT_WRITE_DISCARD,
                                .coherence = LHRT_EXCLUSIVE, .nfields = 2, .fields = xy};
  lhrt_launch_t init = {.task_id = T_INIT, .kind = LHRT_KIND_ANY, .domain = w.colors, .nreqs = 1, .reqs = &init_req};
  OK(lhrt_index_launch(w.top, &init, NULL));
  struct daxpy d = {2.0};
  lhrt_launch_req_t dx_reqs[2] = {
    {.partition = w.p, .parent = w.r, .privilege = LHRT_READ_ONLY, .coherence = LHRT_EXCLUSIVE, .nfields = 1, .fields = x},
    {.partition = w.p, .parent = w.r, .privilege = LHRT_READ_WRITE, .coherence = LHRT_EXCLUSIVE, .nfields = 1, .fields = y}};
  lhrt_launch_t dx = {.task_id = T_DAXPY, .kind = LHRT_PROC_CPU, .args = &d, .arglen = sizeof d, .domain = w.colors,
                      .nreqs = 2, .reqs = dx_reqs};
  lhrt_future_map_t fm;
  OK(lhrt_index_launch(w.top, &dx, &fm));
  uint64_t cnt;
  OK(lhrt_future_map_get_count(fm, &cnt));
  EXPECT(cnt == 8);
  lhrt_launch_req_t ps_req = {.partition = w.p, .parent = w.r, .privilege = LHRT_READ_ONLY, .coherence = LHRT_EXCLUSIVE,
                              .nfields = 1, .fields = y};
  lhrt_launch_t ps = {.task_id = T_PSUM, .kind = LHRT_KIND_ANY, .domain = w.colors, .nreqs = 1, .reqs = &ps_req};
  lhrt_future_t total, whole;
  OK(lhrt_index_launch_reduce(w.top, &ps, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_DOUBLE), &total));
  /* a single task on the whole region, after (and waiting for) the reduced future */
  lhrt_launch_req_t all = {.region = w.r, .parent = w.r, .privilege = LHRT_READ_ONLY, .coherence = LHRT_EXCLUSIVE,
                           .nfields = 1, .fields = y};
  lhrt_launch_t one = {.task_id = T_PSUM, .kind = LHRT_KIND_ANY, .nreqs = 1, .reqs = &all, .nfutures = 1,
                       .futures = &total};
  OK(lhrt_task_launch(w.top, &one, &whole));
  double s1 = 0, s2 = 0;
  OK(lhrt_future_get_value(total, &s1, sizeof s1, NULL));
  OK(lhrt_future_get_value(whole, &s2, sizeof s2, NULL));
  EXPECTF(s1 == 1000.0 + 2.0 * 999 * 1000 / 2 && s2 == s1, "sums %f %f", s1, s2);
  /* errors: the launcher API's, and the description's own */
  lhrt_launch_req_t part = ps_req;
  lhrt_launch_t bad = {.task_id = T_PSUM, .kind = LHRT_KIND_ANY, .nreqs = 1, .reqs = &part};
  ERR(LHRT_ERR_INVALID_ARG, lhrt_task_launch(w.top, &bad, NULL));
  EXPECT(strstr(lhrt_last_error(), "names a partition") != NULL);
  bad.reqs = NULL;
  ERR(LHRT_ERR_INVALID_ARG, lhrt_index_launch(w.top, &bad, NULL));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_task_launch(w.top, NULL, NULL));
  lhrt_launch_t unknown = {.task_id = 999, .kind = LHRT_KIND_ANY};
  ERR(LHRT_ERR_NOT_FOUND, lhrt_task_launch(w.top, &unknown, NULL));
  lhrt_launch_req_t racy = {.region = w.r, .parent = w.r, .privilege = LHRT_READ_WRITE, .coherence = LHRT_EXCLUSIVE,
                            .nfields = 1, .fields = x};
  lhrt_launch_t interfere = {.task_id = T_INIT, .kind = LHRT_KIND_ANY, .domain = w.colors, .nreqs = 1, .reqs = &racy};
  ERR(LHRT_ERR_INTERFERENCE, lhrt_index_launch(w.top, &interfere, NULL));
  uint32_t nofield[] = {77};
  lhrt_launch_req_t missing = {.region = w.r, .parent = w.r, .privilege = LHRT_READ_ONLY, .coherence = LHRT_EXCLUSIVE,
                               .nfields = 1, .fields = nofield};
  lhrt_launch_t nf = {.task_id = T_PSUM, .kind = LHRT_KIND_ANY, .nreqs = 1, .reqs = &missing};
  ERR(LHRT_ERR_UNKNOWN_FIELD, lhrt_task_launch(w.top, &nf, NULL));
  OK(lhrt_runtime_destroy(w.rt));
}

static int32_t reverse_proj(const lhrt_point_t *p, const lhrt_rect_t *dom, lhrt_point_t *c, void *user) {
  *c = lhrt_point1(dom->hi[0] - p->x[0]);
  return 0;
}

static void mark_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_accessor_t x;
  lhrt_point_t p;
  lhrt_task_get_point(ctx, &p);
  lhrt_task_get_accessor(ctx, 0, F_X, &x);
  for (int64_t i = x.bounds.lo[0]; i <= x.bounds.hi[0]; i++) *(double *)lhrt_accessor_at(&x, i, 0, 0) = (double)p.x[0];
}

TEST(projection_functor) {
  struct world w;
  make_world(&w, 2, 40, 4);
  OK(lhrt_projection_register(w.rt, 7, reverse_proj, NULL));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_projection_register(w.rt, 7, reverse_proj, NULL));
  OK(lhrt_task_register(w.rt, 50, "mark", LHRT_PROC_CPU, mark_task, NULL));
  lhrt_index_launcher_t l;
  OK(lhrt_index_launcher_create(w.rt, 50, w.colors, NULL, 0, &l));
  OK(lhrt_index_launcher_add_partition(l, w.p, 7, w.r, LHRT_WRITE_DISCARD, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(l, 0, F_X));
  OK(lhrt_index_launcher_execute(w.top, l, NULL));
  uint32_t f = F_X;
  lhrt_mapping_t m;
  lhrt_accessor_t a;
  OK(lhrt_region_map(w.top, w.r, w.r, LHRT_READ_ONLY, &f, 1, &m));
  OK(lhrt_mapping_get_accessor(m, F_X, &a));
  for (int64_t i = 0; i < 40; i++) EXPECT(*(double *)lhrt_accessor_at(&a, i, 0, 0) == (double)(3 - i / 10));
  OK(lhrt_mapping_unmap(m));
  OK(lhrt_runtime_destroy(w.rt));
}

/* ---------------------------------------------------------- nesting and waits ---- */

static void child_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  int64_t v;
  memcpy(&v, args, 8);
  v += 1;
  lhrt_task_return(ctx, &v, 8);
}

/* Launches a child (or, at depth > 0, another parent), waits for it inside the task. */
static void parent_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  int64_t depth;
  memcpy(&depth, args, 8);
  lhrt_runtime_t rt = {user};
  int64_t arg = depth - 1;
  lhrt_task_launcher_t l;
  lhrt_task_launcher_create(rt, depth > 0 ? T_PARENT : T_CHILD, &arg, 8, &l);
  lhrt_future_t f;
  int64_t v = -100;
  if (lhrt_task_launcher_execute(ctx, l, &f)) { lhrt_task_fail(ctx, lhrt_last_error()); lhrt_task_launcher_destroy(l); return; }
  lhrt_future_get_value(f, &v, 8, NULL);
  lhrt_future_destroy(f);
  lhrt_task_launcher_destroy(l);
  v += 10;
  lhrt_task_return(ctx, &v, 8);
}

TEST(nested_waits_do_not_deadlock) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  OK(lhrt_task_register(rt, T_PARENT, "parent", LHRT_PROC_CPU, parent_task, rt.impl));
  OK(lhrt_task_register(rt, T_CHILD, "child", LHRT_PROC_CPU, child_task, NULL));
  lhrt_future_t fs[16];
  for (int i = 0; i < 16; i++) {
    int64_t depth = i % 4;
    lhrt_task_launcher_t l;
    OK(lhrt_task_launcher_create(rt, T_PARENT, &depth, 8, &l));
    OK(lhrt_task_launcher_execute(top, l, &fs[i]));
    OK(lhrt_task_launcher_destroy(l));
  }
  for (int i = 0; i < 16; i++) {
    int64_t v;
    OK(lhrt_future_get_value(fs[i], &v, 8, NULL));
    int64_t depth = i % 4;
    EXPECTF(v == 10 * (depth + 1), "parent %d depth %ld: %ld", i, (long)depth, (long)v);
  }
  OK(lhrt_runtime_destroy(rt));
}

static void bad_child_parent(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_runtime_t rt = {user};
  lhrt_region_t mine, other;
  lhrt_task_get_region(ctx, 0, &mine);
  memcpy(&other, args, sizeof other);
  int64_t codes[3];
  lhrt_task_launcher_t l;
  lhrt_task_launcher_create(rt, T_CHILD, NULL, 0, &l);
  lhrt_task_launcher_add_region(l, mine, mine, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL); /* parent has RO */
  lhrt_task_launcher_add_field(l, 0, F_X);
  codes[0] = lhrt_task_launcher_execute(ctx, l, NULL);
  lhrt_task_launcher_destroy(l);
  lhrt_task_launcher_create(rt, T_CHILD, NULL, 0, &l);
  lhrt_task_launcher_add_region(l, other, other, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL); /* not under the parent */
  lhrt_task_launcher_add_field(l, 0, F_X);
  codes[1] = lhrt_task_launcher_execute(ctx, l, NULL);
  lhrt_task_launcher_destroy(l);
  lhrt_task_launcher_create(rt, T_CHILD, NULL, 0, &l);
  lhrt_task_launcher_add_region(l, mine, mine, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL);
  lhrt_task_launcher_add_field(l, 0, F_Y); /* a field the parent lacks */
  codes[2] = lhrt_task_launcher_execute(ctx, l, NULL);
  lhrt_task_launcher_destroy(l);
  lhrt_task_return(ctx, codes, sizeof codes);
}

TEST(nested_privilege_errors) {
  struct world w;
  make_world(&w, 2, 100, 4);
  OK(lhrt_task_register(w.rt, T_BADCHILD, "bad", LHRT_PROC_CPU, bad_child_parent, w.rt.impl));
  OK(lhrt_task_register(w.rt, T_CHILD, "child", LHRT_PROC_CPU, child_task, NULL));
  lhrt_region_t s0, s1;
  OK(lhrt_partition_get_subregion(w.p, lhrt_point1(0), &s0));
  OK(lhrt_partition_get_subregion(w.p, lhrt_point1(1), &s1));
  lhrt_task_launcher_t l;
  OK(lhrt_task_launcher_create(w.rt, T_BADCHILD, &s1, sizeof s1, &l));
  OK(lhrt_task_launcher_add_region(l, s0, w.r, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_task_launcher_add_field(l, 0, F_X));
  lhrt_future_t f;
  OK(lhrt_task_launcher_execute(w.top, l, &f));
  int64_t codes[3];
  OK(lhrt_future_get_value(f, codes, sizeof codes, NULL));
  EXPECTF(codes[0] == LHRT_ERR_PRIVILEGE && codes[1] == LHRT_ERR_NOT_UNDER_PARENT && codes[2] == LHRT_ERR_PRIVILEGE,
          "codes %ld %ld %ld", (long)codes[0], (long)codes[1], (long)codes[2]);
  OK(lhrt_runtime_destroy(w.rt));
}

/* ------------------------------------------------------------- JVM kind ---- */

struct host { pthread_mutex_t mu; pthread_cond_t cv; lhrt_ctx_t q[4096]; int head, tail, stop, inline_mode; int calls; };

static void jvm_body(lhrt_ctx_t t) {
  lhrt_point_t p;
  lhrt_task_get_point(t, &p);
  lhrt_accessor_t x;
  if (!lhrt_task_get_accessor(t, 0, F_X, &x))
    for (int64_t i = x.bounds.lo[0]; i <= x.bounds.hi[0]; i++) *(double *)lhrt_accessor_at(&x, i, 0, 0) = -1.0 * (double)p.x[0];
  if (p.x[0] == 13) { lhrt_task_complete_failed(t, "java exception: NPE"); return; }
  int64_t v = p.x[0] * 3;
  lhrt_task_complete(t, &v, 8);
}

static void executor(void *hostp, lhrt_ctx_t task, uint32_t task_id, void *vuser) {
  struct host *h = hostp;
  __atomic_add_fetch(&h->calls, 1, __ATOMIC_RELAXED);
  if (h->inline_mode) { jvm_body(task); return; }
  pthread_mutex_lock(&h->mu);
  h->q[h->tail++ % 4096] = task;
  pthread_cond_signal(&h->cv);
  pthread_mutex_unlock(&h->mu);
}

static void *host_worker(void *arg) {
  struct host *h = arg;
  for (;;) {
    pthread_mutex_lock(&h->mu);
    while (h->head == h->tail && !h->stop) pthread_cond_wait(&h->cv, &h->mu);
    if (h->head == h->tail && h->stop) { pthread_mutex_unlock(&h->mu); return NULL; }
    lhrt_ctx_t t = h->q[h->head++ % 4096];
    pthread_mutex_unlock(&h->mu);
    jvm_body(t);
  }
}

static void never_runs(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {}

static lhrt_runtime_t poll_rt;
static void *poller(void *arg) {
  lhrt_ctx_t batch[16];
  uint32_t n;
  while (!lhrt_runtime_poll_external(poll_rt, 50000000, batch, 16, &n))
    for (uint32_t i = 0; i < n; i++) { __atomic_add_fetch(&((struct host *)arg)->calls, 1, __ATOMIC_RELAXED); jvm_body(batch[i]); }
  return NULL; /* LHRT_ERR_STATE after lhrt_runtime_stop_external */
}

static void jvm_round(int inline_mode) {
  struct world w;
  make_world(&w, 2, 200, 20);
  static struct host h;
  memset(&h, 0, sizeof h);
  pthread_mutex_init(&h.mu, NULL);
  pthread_cond_init(&h.cv, NULL);
  h.inline_mode = inline_mode;
  pthread_t th[2];
  poll_rt = w.rt;
  if (inline_mode == 2) OK(lhrt_runtime_use_external_queue(w.rt));
  for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, inline_mode == 2 ? poller : host_worker, &h);
  lhrt_task_launcher_t tl;
  OK(lhrt_task_register(w.rt, T_JVM, "java", LHRT_PROC_JVM, never_runs, NULL));
  OK(lhrt_task_launcher_create(w.rt, T_JVM, NULL, 0, &tl));
  if (inline_mode != 2) {
    ERR(LHRT_ERR_UNSUPPORTED, lhrt_task_launcher_execute(w.top, tl, NULL)); /* no executor yet */
    OK(lhrt_runtime_set_external_executor(w.rt, executor, &h));
  }
  lhrt_index_launcher_t l;
  OK(lhrt_index_launcher_create(w.rt, T_JVM, w.colors, NULL, 0, &l));
  OK(lhrt_index_launcher_add_partition(l, w.p, 0, w.r, LHRT_WRITE_DISCARD, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(l, 0, F_X));
  lhrt_future_map_t fm;
  OK(lhrt_index_launcher_execute(w.top, l, &fm));
  for (int i = 0; i < 20; i++) {
    lhrt_future_t f;
    int64_t v = 0;
    OK(lhrt_future_map_get_future_at(fm, (uint64_t)i, &f));
    lhrt_status_t st = lhrt_future_get_value(f, &v, 8, NULL);
    if (i == 13) { EXPECT(st == LHRT_ERR_TASK_FAILED && strstr(lhrt_last_error(), "NPE")); }
    else { EXPECTF(!st && v == 3 * i, "point %d: %d %ld", i, st, (long)v); }
    OK(lhrt_future_destroy(f));
  }
  ERR(LHRT_ERR_TASK_FAILED, lhrt_future_map_wait_all(fm));
  uint32_t fx = F_X;
  lhrt_mapping_t m;
  ERR(LHRT_ERR_TASK_FAILED, lhrt_region_map(w.top, w.r, w.r, LHRT_READ_ONLY, &fx, 1, &m)); /* poisoned by point 13 */
  EXPECT(h.calls == 20);
  OK(lhrt_runtime_stop_external(w.rt));
  pthread_mutex_lock(&h.mu);
  h.stop = 1;
  pthread_cond_broadcast(&h.cv);
  pthread_mutex_unlock(&h.mu);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  OK(lhrt_runtime_destroy(w.rt));
}

TEST(jvm_kind_external_executor) {
  jvm_round(1);                      /* upcall runs the body inline */
  if (!test_failed) jvm_round(0);    /* upcall queues to host threads */
  if (!test_failed) jvm_round(2);    /* host threads poll the runtime's queue */
}

/* REDUCE folds into an AoS instance element by element: its x stride is the whole record, so
 * a row is not packed (it was applied as one, summing into and over the neighbouring fields). */
TEST(reduce_into_an_aos_region) {
  struct world w;
  make_world(&w, 2, 64, 4);
  lhrt_memory_t sys;
  OK(lhrt_memory_get_system(w.rt, &sys));
  OK(lhrt_region_set_layout(w.r, LHRT_LAYOUT_AOS, sys));
  double minus1 = -1.0;
  int64_t zero = 0;
  OK(lhrt_region_fill(w.top, w.r, w.r, F_X, &minus1, sizeof minus1));
  OK(lhrt_region_fill(w.top, w.r, w.r, F_Y, &minus1, sizeof minus1));
  OK(lhrt_region_fill(w.top, w.r, w.r, F_ACC, &zero, sizeof zero));
  lhrt_index_launcher_t add;
  OK(lhrt_index_launcher_create(w.rt, T_ADD1, w.colors, NULL, 0, &add));
  OK(lhrt_index_launcher_add_region(add, w.r, w.r, LHRT_REDUCE, LHRT_EXCLUSIVE, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64), NULL));
  OK(lhrt_index_launcher_add_field(add, 0, F_ACC));
  OK(lhrt_index_launcher_execute(w.top, add, NULL));
  uint32_t fields[3] = {F_X, F_Y, F_ACC};
  lhrt_mapping_t m;
  lhrt_accessor_t x, y, acc;
  OK(lhrt_region_map(w.top, w.r, w.r, LHRT_READ_ONLY, fields, 3, &m));
  OK(lhrt_mapping_get_accessor(m, F_X, &x));
  OK(lhrt_mapping_get_accessor(m, F_Y, &y));
  OK(lhrt_mapping_get_accessor(m, F_ACC, &acc));
  EXPECTF(acc.stride[0] == 24, "AoS record stride %ld, want 24", (long)acc.stride[0]);
  int bad = 0;
  for (int64_t i = 0; i < 64; i++)
    bad += *(int64_t *)lhrt_accessor_at(&acc, i, 0, 0) != 4 || *(double *)lhrt_accessor_at(&x, i, 0, 0) != -1.0 ||
           *(double *)lhrt_accessor_at(&y, i, 0, 0) != -1.0;
  EXPECTF(bad == 0, "%d of 64 points wrong (want acc 4, x and y untouched -1)", bad);
  OK(lhrt_mapping_unmap(m));
  OK(lhrt_index_launcher_destroy(add));
  OK(lhrt_runtime_destroy(w.rt));
}

/* ------------------------------------------------------ mapper and stealing ---- */

struct mstats { int selects, slices, layouts; };
static int32_t m_select(void *u, const lhrt_task_info_t *info) { ((struct mstats *)u)->selects++; return 1; }
static void m_slice(void *u, const lhrt_task_info_t *info, lhrt_slicing_t *s) {
  ((struct mstats *)u)->slices++;
  s->spread = 0; /* everything to worker 0: others must steal */
  s->first_worker = 0;
  s->grain = 1;
}
static void m_layout(void *u, lhrt_region_t root, uint64_t mask, lhrt_layout_t *l) {
  ((struct mstats *)u)->layouts++;
  l->layout = LHRT_LAYOUT_AOS;
}

static void spin_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  struct timespec ts = {0, 200000};
  nanosleep(&ts, NULL);
  int32_t wk;
  lhrt_task_get_worker(ctx, &wk);
  int64_t v = wk;
  lhrt_task_return(ctx, &v, 8);
}

TEST(mapper_hooks_and_work_stealing) {
  struct world w;
  make_world(&w, 2, 100, 4);
  static struct mstats ms;
  memset(&ms, 0, sizeof ms);
  lhrt_mapper_t m = {&ms, m_select, NULL, m_layout, m_slice};
  OK(lhrt_runtime_set_mapper(w.rt, &m));
  OK(lhrt_task_register(w.rt, T_SPIN, "spin", LHRT_PROC_CPU, spin_task, NULL));
  lhrt_index_space_t dom;
  OK(lhrt_index_space_create_rect(w.rt, lhrt_rect1(0, 63), &dom));
  lhrt_index_launcher_t l;
  OK(lhrt_index_launcher_create(w.rt, T_SPIN, dom, NULL, 0, &l));
  lhrt_future_map_t fm;
  OK(lhrt_index_launcher_execute(w.top, l, &fm));
  int used[2] = {0, 0};
  for (int i = 0; i < 64; i++) {
    lhrt_future_t f;
    int64_t v = -1;
    OK(lhrt_future_map_get_future_at(fm, (uint64_t)i, &f));
    OK(lhrt_future_get_value(f, &v, 8, NULL));
    EXPECT(v == 0 || v == 1);
    used[v]++;
    OK(lhrt_future_destroy(f));
  }
  EXPECTF(used[0] > 0 && used[1] > 0, "workers used: %d and %d (stealing)", used[0], used[1]);
  EXPECT(ms.slices == 1);
  lhrt_task_launcher_t tl;
  lhrt_future_t f;
  OK(lhrt_task_launcher_create(w.rt, T_SPIN, NULL, 0, &tl));
  OK(lhrt_task_launcher_add_region(tl, w.r, w.r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_task_launcher_add_field(tl, 0, F_X));
  OK(lhrt_task_launcher_execute(w.top, tl, &f));
  OK(lhrt_future_wait(f));
  EXPECT(ms.selects >= 1 && ms.layouts == 1);
  uint32_t fx = F_X;
  lhrt_mapping_t map;
  lhrt_accessor_t a;
  OK(lhrt_region_map(w.top, w.r, w.r, LHRT_READ_ONLY, &fx, 1, &map));
  OK(lhrt_mapping_get_accessor(map, F_X, &a));
  EXPECT(a.stride[0] == 24); /* AoS: all three fields interleaved */
  OK(lhrt_runtime_destroy(w.rt));
}

/* ---------------------------------------------------------- simultaneous ---- */

static int sim_flag;
static void sim_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  int64_t role;
  memcpy(&role, args, 8);
  int64_t ok = 1;
  if (role == 0) { /* waits for the second task, which must run concurrently */
    for (int i = 0; i < 20000 && !__atomic_load_n(&sim_flag, __ATOMIC_ACQUIRE); i++) usleep(100);
    ok = __atomic_load_n(&sim_flag, __ATOMIC_ACQUIRE);
  } else {
    __atomic_store_n(&sim_flag, 1, __ATOMIC_RELEASE);
  }
  lhrt_task_return(ctx, &ok, 8);
}

TEST(simultaneous_coherence_runs_concurrently) {
  struct world w;
  make_world(&w, 2, 10, 2);
  sim_flag = 0;
  OK(lhrt_task_register(w.rt, T_SIM, "sim", LHRT_PROC_CPU, sim_task, NULL));
  lhrt_future_t f[2];
  for (int64_t role = 0; role < 2; role++) {
    lhrt_task_launcher_t l;
    OK(lhrt_task_launcher_create(w.rt, T_SIM, &role, 8, &l));
    OK(lhrt_task_launcher_add_region(l, w.r, w.r, LHRT_READ_WRITE, LHRT_SIMULTANEOUS, 0, NULL));
    OK(lhrt_task_launcher_add_field(l, 0, F_X));
    OK(lhrt_task_launcher_execute(w.top, l, &f[role]));
  }
  int64_t ok;
  OK(lhrt_future_get_value(f[0], &ok, 8, NULL));
  EXPECT(ok == 1);
  OK(lhrt_runtime_destroy(w.rt));
}

/* -------------------------------------------------- symbols, redops, callbacks ---- */

void lhrt_test_native_variant(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  int64_t v = 4242;
  lhrt_task_return(ctx, &v, 8);
}

static void absmax(void *lhs, const void *rhs, uint64_t n, void *user) {
  int64_t *a = lhs;
  const int64_t *b = rhs;
  for (uint64_t i = 0; i < n; i++) {
    int64_t x = b[i] < 0 ? -b[i] : b[i];
    if (x > a[i]) a[i] = x;
  }
}

static void cb(void *user, lhrt_status_t st) { __atomic_store_n((int *)user, st == LHRT_OK ? 1 : 2, __ATOMIC_RELEASE); }

TEST(native_symbol_user_redop_callbacks) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  OK(lhrt_task_register_native_symbol(rt, 77, "native", NULL, "lhrt_test_native_variant", NULL));
  ERR(LHRT_ERR_NOT_FOUND, lhrt_task_register_native_symbol(rt, 78, "x", NULL, "no_such_symbol_here", NULL));
  ERR(LHRT_ERR_NOT_FOUND, lhrt_task_register_native_symbol(rt, 78, "x", "/no/such/lib.so", "f", NULL));
  lhrt_task_launcher_t l;
  lhrt_future_t f;
  OK(lhrt_task_launcher_create(rt, 77, NULL, 0, &l));
  OK(lhrt_task_launcher_execute(top, l, &f));
  static int fired;
  fired = 0;
  OK(lhrt_future_on_ready(f, cb, &fired));
  int64_t v;
  OK(lhrt_future_get_value(f, &v, 8, NULL));
  EXPECT(v == 4242);
  for (int i = 0; i < 1000 && !__atomic_load_n(&fired, __ATOMIC_ACQUIRE); i++) usleep(1000);
  EXPECT(fired == 1);
  int64_t zero = 0;
  ERR(LHRT_ERR_INVALID_ARG, lhrt_redop_register(rt, 5, 8, &zero, absmax, absmax, NULL));
  OK(lhrt_redop_register(rt, LHRT_REDOP_USER + 1, 8, &zero, absmax, absmax, NULL));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_redop_register(rt, LHRT_REDOP_USER + 1, 8, &zero, absmax, absmax, NULL));
  lhrt_future_t vals[3];
  int64_t xs[3] = {-7, 3, 5};
  for (int i = 0; i < 3; i++) OK(lhrt_future_from_value(rt, &xs[i], 8, &vals[i]));
  /* fold through a user operator: launch over 3 points returning their arg */
  lhrt_index_space_t dom;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 2), &dom));
  OK(lhrt_task_register(rt, 79, "neg", LHRT_PROC_CPU, spin_task, NULL));
  lhrt_index_launcher_t il;
  OK(lhrt_index_launcher_create(rt, 77, dom, NULL, 0, &il));
  lhrt_future_t r;
  OK(lhrt_index_launcher_execute_reduce(top, il, LHRT_REDOP_USER + 1, &r));
  OK(lhrt_future_get_value(r, &v, 8, NULL));
  EXPECT(v == 4242);
  OK(lhrt_runtime_destroy(rt));
}

/* ------------------------------------------------------- inline map in a task ---- */

static void map_inside(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_region_t r;
  lhrt_task_get_region(ctx, 0, &r);
  uint32_t f = F_Y;
  lhrt_mapping_t m;
  int64_t code = lhrt_region_map(ctx, r, r, LHRT_READ_WRITE, &f, 1, &m);
  if (!code) {
    lhrt_accessor_t a;
    lhrt_mapping_get_accessor(m, F_Y, &a);
    *(double *)lhrt_accessor_at(&a, a.bounds.lo[0], 0, 0) = 99.0;
    /* left mapped on purpose: the runtime unmaps at the end of the task */
  }
  lhrt_task_return(ctx, &code, 8);
}

TEST(inline_mapping_inside_task) {
  struct world w;
  make_world(&w, 2, 10, 2);
  OK(lhrt_task_register(w.rt, T_MAPIN, "mapin", LHRT_PROC_CPU, map_inside, NULL));
  lhrt_task_launcher_t l;
  OK(lhrt_task_launcher_create(w.rt, T_MAPIN, NULL, 0, &l));
  OK(lhrt_task_launcher_add_region(l, w.r, w.r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_task_launcher_add_field(l, 0, F_Y));
  lhrt_future_t f;
  OK(lhrt_task_launcher_execute(w.top, l, &f));
  int64_t code = -1;
  OK(lhrt_future_get_value(f, &code, 8, NULL));
  EXPECT(code == 0);
  uint32_t fy = F_Y;
  lhrt_mapping_t m;
  lhrt_accessor_t a;
  OK(lhrt_region_map(w.top, w.r, w.r, LHRT_READ_ONLY, &fy, 1, &m));
  OK(lhrt_mapping_get_accessor(m, F_Y, &a));
  EXPECT(*(double *)lhrt_accessor_at(&a, 0, 0, 0) == 99.0);
  ERR(LHRT_ERR_UNKNOWN_FIELD, lhrt_mapping_get_accessor(m, F_X, &a));
  OK(lhrt_runtime_destroy(w.rt)); /* unmaps m */
}

TEST(external_stop_fails_queued_tasks) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  OK(lhrt_task_register(rt, T_JVM, "java", LHRT_PROC_JVM, NULL, NULL));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_task_register(rt, T_JVM, "java", LHRT_PROC_CPU, NULL, NULL));
  OK(lhrt_runtime_use_external_queue(rt));
  lhrt_task_launcher_t l;
  lhrt_future_t f;
  OK(lhrt_task_launcher_create(rt, T_JVM, NULL, 0, &l));
  OK(lhrt_task_launcher_execute(top, l, &f));
  lhrt_ctx_t got[4];
  uint32_t n = 0;
  for (int i = 0; i < 100 && !n; i++) OK(lhrt_runtime_poll_external(rt, 0, got, 0, &n)); /* max 0: peek nothing */
  OK(lhrt_runtime_stop_external(rt));
  ERR(LHRT_ERR_TASK_FAILED, lhrt_future_wait(f));
  EXPECTF(strstr(lhrt_last_error(), "stopped"), "%s", lhrt_last_error());
  ERR(LHRT_ERR_STATE, lhrt_runtime_poll_external(rt, 0, got, 4, &n));
  lhrt_future_t g;
  OK(lhrt_task_launcher_execute(top, l, &g)); /* queued after stop: fails at once */
  ERR(LHRT_ERR_TASK_FAILED, lhrt_future_wait(g));
  OK(lhrt_runtime_destroy(rt)); /* does not hang */
}

/* A poller that pays per call takes a queued JVM task with its snapshot: bad buffers are
 * refused before a task is taken, a small one gets only the size, and the task still ends. */
TEST(external_poll_with_snapshot) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  OK(lhrt_task_register(rt, T_JVM, "java", LHRT_PROC_JVM, NULL, NULL));
  OK(lhrt_runtime_use_external_queue(rt));
  char args[300];
  for (int i = 0; i < (int)sizeof args; i++) args[i] = (char)(i * 13 + 5);
  lhrt_task_launcher_t l;
  lhrt_future_t f[2];
  OK(lhrt_task_launcher_create(rt, T_JVM, args, sizeof args, &l));
  OK(lhrt_task_launcher_execute(top, l, &f[0]));
  OK(lhrt_task_launcher_execute(top, l, &f[1]));
  uint64_t buf[64], size = 0;
  lhrt_ctx_t t;
  uint32_t n = 7;
  ERR(LHRT_ERR_INVALID_ARG, lhrt_runtime_poll_external_snapshot(rt, -1, &t, NULL, 64, &size, &n));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_runtime_poll_external_snapshot(rt, -1, &t, (char *)buf + 4, 64, &size, &n));
  for (int k = 0; k < 2; k++) {   /* both tasks are still queued: the refused polls took none */
    OK(lhrt_runtime_poll_external_snapshot(rt, -1, &t, buf, k ? sizeof buf : 64, &size, &n));
    EXPECT(n == 1 && size > 64 && size <= sizeof buf);
    if (!k) OK(lhrt_task_get_snapshot(t, buf, sizeof buf, &size));   /* too small: ask again */
    const lhrt_task_snapshot_t *h = (const lhrt_task_snapshot_t *)buf;
    EXPECT(h->task_id == T_JVM && h->nregions == 0 && h->arglen == sizeof args);
    EXPECT(!memcmp((const char *)buf + h->args_offset, args, sizeof args));
    int64_t v = 40 + k;
    OK(lhrt_task_complete(t, &v, sizeof v));
  }
  OK(lhrt_runtime_poll_external_snapshot(rt, 0, &t, buf, sizeof buf, &size, &n));
  EXPECT(n == 0 && size == 0);
  for (int k = 0; k < 2; k++) {
    int64_t v = 0;
    OK(lhrt_future_get_value(f[k], &v, sizeof v, NULL));
    EXPECT(v == 40 || v == 41);
    OK(lhrt_future_destroy(f[k]));
  }
  OK(lhrt_task_launcher_destroy(l));
  OK(lhrt_runtime_stop_external(rt));
  OK(lhrt_runtime_destroy(rt));
}

/* Returns x * x (1-D) or x * 1000 + y (2-D) for its point, after a little work. */
static void square_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_point_t p;
  lhrt_task_get_point(ctx, &p);
  volatile int64_t s = 0;
  for (int k = 0; k < 200; k++) s += k;
  int64_t v = (p.dim == 1 ? p.x[0] * p.x[0] : p.x[0] * 1000 + p.x[1]) + (s - 19900);
  lhrt_task_return(ctx, &v, 8);
}

/* An index launch's points are made when first needed (launch.c, launch_point): a future
 * taken before its point ran (made by the getter, on one worker that cannot have reached it)
 * and those made by the worker give the same values, in 1-D and 2-D, with fmap reduce. */
TEST(points_made_on_first_use) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  OK(lhrt_task_register(rt, T_SQUARE, "square", LHRT_PROC_CPU, square_task, NULL));
  lhrt_index_space_t dom, dom2;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(5, 20004), &dom));
  OK(lhrt_index_space_create_rect(rt, lhrt_rect2(0, 0, 99, 49), &dom2));
  lhrt_index_launcher_t l, l2;
  OK(lhrt_index_launcher_create(rt, T_SQUARE, dom, NULL, 0, &l));
  OK(lhrt_index_launcher_create(rt, T_SQUARE, dom2, NULL, 0, &l2));
  lhrt_future_map_t fm, fm2;
  OK(lhrt_index_launcher_execute(top, l, &fm));
  OK(lhrt_index_launcher_execute(top, l2, &fm2));
  lhrt_future_t f;
  int64_t v;
  OK(lhrt_future_map_get_future_at(fm, 19999, &f));
  OK(lhrt_future_get_value(f, &v, 8, NULL));
  EXPECTF(v == 20004LL * 20004, "last point returned %ld", (long)v);
  OK(lhrt_future_destroy(f));
  for (uint64_t i = 0; i < 20000; i += 997) {
    OK(lhrt_future_map_get_future_at(fm, i, &f));
    OK(lhrt_future_get_value(f, &v, 8, NULL));
    EXPECTF(v == (int64_t)(i + 5) * (int64_t)(i + 5), "point %lu returned %ld", i, (long)v);
    OK(lhrt_future_destroy(f));
  }
  OK(lhrt_future_map_get_future(fm2, lhrt_point2(42, 17), &f));
  OK(lhrt_future_get_value(f, &v, 8, NULL));
  EXPECTF(v == 42017, "2-D point (42,17) returned %ld", (long)v);
  OK(lhrt_future_destroy(f));
  int64_t want = 0, sum = 0;
  for (int64_t x = 5; x <= 20004; x++) want += x * x;
  OK(lhrt_future_map_reduce(fm, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64), &f));
  OK(lhrt_future_get_value(f, &sum, 8, NULL));
  EXPECTF(sum == want, "sum of squares %ld, expected %ld", (long)sum, (long)want);
  OK(lhrt_future_destroy(f));
  OK(lhrt_future_map_destroy(fm));
  OK(lhrt_future_map_destroy(fm2));
  OK(lhrt_index_launcher_destroy(l));
  OK(lhrt_index_launcher_destroy(l2));
  OK(lhrt_index_space_destroy(dom));
  OK(lhrt_index_space_destroy(dom2));
  OK(lhrt_runtime_destroy(rt));
}
