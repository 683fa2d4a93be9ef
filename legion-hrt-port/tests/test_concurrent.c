/*
 * Launches into the top-level context from two host threads at once (README: "the top-level
 * context may be shared"). An index launch's points are made lazily, by whoever needs one
 * first: here often the other thread's dependence analysis, taking a point as a predecessor
 * while the launching thread releases the points.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>
#include "test.h"

#define T_NOP 310
#define P_FLIP 11
#define NCOL 1024

static void nop_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {}

static int32_t flip(const lhrt_point_t *p, const lhrt_rect_t *d, lhrt_point_t *c, void *u) {
  *c = lhrt_point1(d->lo[0] + d->hi[0] - p->x[0]);
  return 0;
}

struct racer {
  lhrt_runtime_t rt;
  lhrt_ctx_t top;
  lhrt_partition_t p;
  lhrt_index_space_t dom;
  uint32_t proj;
  int n, done;
  lhrt_status_t st;
};

static void *racer_main(void *a) {
  struct racer *r = a;
  lhrt_index_launcher_t l;
  lhrt_index_launcher_create(r->rt, T_NOP, r->dom, NULL, 0, &l);
  lhrt_index_launcher_add_partition(l, r->p, r->proj, (lhrt_region_t){NULL}, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL);
  lhrt_index_launcher_add_field(l, 0, 0);
  for (int i = 0; i < r->n && !r->st; i++) r->st = lhrt_index_launcher_execute(r->top, l, NULL);
  lhrt_index_launcher_destroy(l);
  __atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
  return NULL;
}

static int wait_flag(int *flag, int seconds) {
  for (int k = 0; k < seconds * 1000 && !__atomic_load_n(flag, __ATOMIC_ACQUIRE); k++) {
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

/* Two threads launch writers of one partition, one pointwise and one through a projection that
 * walks the colors backwards (so its analysis meets the other's release from the far end). A
 * point whose hold was dropped twice, or never, never runs: then nothing after it does. */
static void race_lazy_points(int n) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  OK(lhrt_task_register(rt, T_NOP, "nop", LHRT_PROC_CPU, nop_task, NULL));
  OK(lhrt_projection_register(rt, P_FLIP, flip, NULL));
  lhrt_index_space_t is, cs;
  lhrt_field_space_t fs;
  lhrt_region_t r;
  lhrt_partition_t p;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, NCOL - 1), &is));
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, NCOL - 1), &cs));
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
  OK(lhrt_region_create(rt, is, fs, &r));
  OK(lhrt_partition_create_equal(top, r, cs, &p));
  struct racer a = {rt, top, p, cs, 0, n, 0, 0}, b = {rt, top, p, cs, P_FLIP, n, 0, 0};
  pthread_t ta, tb;
  pthread_create(&ta, NULL, racer_main, &a);
  pthread_create(&tb, NULL, racer_main, &b);
  /* when a point is lost the launches go on, ever slower (nothing retires), so wait with a limit */
  if (!wait_flag(&a.done, 60) || !wait_flag(&b.done, 60)) {
    test_fail(__FILE__, __LINE__, "%d launches from two threads did not finish in a minute: a point was never released", 2 * n);
    printf("%d passed, %d failed\n", 0, 1);
    exit(1); /* the runtime cannot be stopped with a point that never runs */
  }
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  OK(a.st);
  OK(b.st);
  lhrt_task_launcher_t tl;
  lhrt_future_t f;
  OK(lhrt_task_launcher_create(rt, T_NOP, NULL, 0, &tl));
  OK(lhrt_task_launcher_add_region(tl, r, r, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_task_launcher_add_field(tl, 0, 0));
  OK(lhrt_task_launcher_execute(top, tl, &f));
  int32_t ready = 0;
  for (int k = 0; k < 20000 && !ready; k++) {
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
    OK(lhrt_future_is_ready(f, &ready));
  }
  if (!ready) {
    test_fail(__FILE__, __LINE__, "a reader after %d launches from two threads never ran: a point was never released", 2 * n);
    printf("%d passed, %d failed\n", 0, 1);
    exit(1);
  }
  OK(lhrt_future_destroy(f));
  OK(lhrt_task_launcher_destroy(tl));
  OK(lhrt_runtime_destroy(rt));
}

/* Host builds only: inside the HRT threads are scheduled cooperatively and sleeps spin, so the
 * two launching threads take turns rather than race (and a timed wait there holds a vCPU). */
TEST(shared_top_context_releases_every_lazy_point) {
  if (!__STDC_HOSTED__) return;
  int n = getenv("LHRT_RACE_N") ? atoi(getenv("LHRT_RACE_N")) : test_small ? 50 : 300;
  race_lazy_points(n);
}
SLOW_TEST(shared_top_context_releases_every_lazy_point_long) {
  for (int k = 0; k < 10 && !test_failed; k++) race_lazy_points(1000);
}
