/*
 * Tests of task tracing: nothing is recorded while it is off; while on, every body that ran
 * leaves exactly one record with its task, point, worker, failure and ready <= start <= end
 * inside the launch's span; drains hand records out once, in pieces of any size, across chunk
 * boundaries.
 */
#include "test.h"

enum { T_POINT = 1, T_FAILS = 2, T_JVM = 3 };

static void point_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {}
static void failing_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_task_fail(ctx, "failing on purpose");
}

/* An index launch of n points of T_POINT, waited for. */
static lhrt_status_t run_points(lhrt_runtime_t rt, uint64_t n) {
  lhrt_index_space_t dom;
  lhrt_index_launcher_t l;
  lhrt_status_t st = lhrt_index_space_create_rect(rt, lhrt_rect1(0, (int64_t)n - 1), &dom);
  if (!st) st = lhrt_index_launcher_create(rt, T_POINT, dom, NULL, 0, &l);
  if (!st) st = lhrt_index_launcher_execute(trt_top(rt), l, NULL);
  if (!st) st = lhrt_context_wait_all(trt_top(rt));
  lhrt_index_launcher_destroy(l);
  lhrt_index_space_destroy(dom);
  return st;
}

/* Drains everything, checking each record is a T_POINT body between t0 and t1; counts points. */
static int drain_points(lhrt_runtime_t rt, uint32_t piece, uint64_t t0, uint64_t t1, uint32_t *seen, uint64_t n) {
  lhrt_trace_record_t *r = malloc(piece * sizeof *r);
  uint32_t got, total = 0;
  do {
    if (lhrt_runtime_trace_drain(rt, r, piece, &got)) { free(r); return -1; }
    for (uint32_t i = 0; i < got; i++) {
      if (r[i].task_id != T_POINT || r[i].point >= n || r[i].kind != LHRT_PROC_CPU || r[i].failed ||
          r[i].worker < 0 || r[i].worker > 1 || r[i].ready_ns < t0 || r[i].start_ns < r[i].ready_ns ||
          r[i].end_ns < r[i].start_ns || r[i].end_ns > t1) {
        free(r);
        return -1;
      }
      seen[r[i].point]++;
    }
    total += got;
  } while (got == piece);
  free(r);
  return (int)total;
}

TEST(trace_records_each_body_once) {
  lhrt_runtime_t rt = trt_new(2);
  OK(lhrt_task_register(rt, T_POINT, "point", LHRT_PROC_CPU, point_task, NULL));
  OK(lhrt_task_register(rt, T_FAILS, "fails", LHRT_PROC_CPU, failing_task, NULL));
  lhrt_trace_record_t r[8];
  uint32_t got;
  OK(run_points(rt, 10));
  OK(lhrt_runtime_trace_drain(rt, r, 8, &got));
  EXPECTF(got == 0, "%u records before tracing was switched on", got);

  enum { N = 2500 };           /* more than two chunks of one worker's log */
  uint32_t *seen = calloc(N, sizeof *seen);
  uint64_t t0, t1;
  OK(lhrt_runtime_set_tracing(rt, 1));
  OK(lhrt_runtime_time_ns(rt, &t0));
  OK(run_points(rt, N));
  OK(lhrt_runtime_time_ns(rt, &t1));
  int total = drain_points(rt, 333, t0, t1, seen, N);   /* pieces that end inside chunks */
  EXPECTF(total == N, "drained %d records of %d bodies (or a bad record)", total, N);
  for (int i = 0; i < N; i++) EXPECTF(seen[i] == 1, "point %d recorded %u times", i, seen[i]);
  OK(lhrt_runtime_trace_drain(rt, r, 8, &got));
  EXPECTF(got == 0, "%u records drained twice", got);
  free(seen);

  lhrt_task_launcher_t f;
  OK(lhrt_task_launcher_create(rt, T_FAILS, NULL, 0, &f));
  OK(lhrt_task_launcher_execute(trt_top(rt), f, NULL));
  OK(lhrt_context_wait_all(trt_top(rt)));
  lhrt_task_launcher_destroy(f);
  OK(lhrt_runtime_trace_drain(rt, r, 8, &got));
  EXPECTF(got == 1 && r[0].task_id == T_FAILS && r[0].failed == 1 && r[0].point == 0,
          "%u records for one failed task (id %u, failed %u)", got, got ? r[0].task_id : 0, got ? r[0].failed : 0);

  OK(lhrt_runtime_set_tracing(rt, 0));
  OK(run_points(rt, 10));
  OK(lhrt_runtime_trace_drain(rt, r, 8, &got));
  EXPECTF(got == 0, "%u records after tracing was switched off", got);
  uint64_t lost;
  OK(lhrt_runtime_trace_lost(rt, &lost));
  EXPECT(lost == 0);
  OK(lhrt_runtime_destroy(rt));   /* undrained records are freed with the runtime */
}

TEST(trace_jvm_bodies_from_the_external_queue) {
  lhrt_runtime_t rt = trt_new(1);
  OK(lhrt_task_register(rt, T_JVM, "jvm", LHRT_PROC_JVM, NULL, NULL));
  OK(lhrt_runtime_use_external_queue(rt));
  OK(lhrt_runtime_set_tracing(rt, 1));
  lhrt_task_launcher_t l;
  OK(lhrt_task_launcher_create(rt, T_JVM, NULL, 0, &l));
  OK(lhrt_task_launcher_execute(trt_top(rt), l, NULL));
  lhrt_ctx_t t;
  uint32_t n = 0;
  OK(lhrt_runtime_poll_external(rt, 5000000000ll, &t, 1, &n));
  EXPECT(n == 1);
  OK(lhrt_task_complete(t, NULL, 0));
  OK(lhrt_context_wait_all(trt_top(rt)));
  lhrt_task_launcher_destroy(l);
  lhrt_trace_record_t r[4];
  uint32_t got;
  OK(lhrt_runtime_trace_drain(rt, r, 4, &got));
  EXPECTF(got == 1 && r[0].task_id == T_JVM && r[0].kind == LHRT_PROC_JVM && r[0].worker == -1 &&
          r[0].ready_ns && r[0].ready_ns <= r[0].start_ns && r[0].end_ns >= r[0].start_ns,
          "%u records for one JVM body (kind %u, worker %d)", got,
          got ? r[0].kind : 0, got ? r[0].worker : 0);
  OK(lhrt_runtime_stop_external(rt));
  OK(lhrt_runtime_destroy(rt));
}

TEST(trace_bad_input) {
  lhrt_runtime_t rt = trt_new(1);
  uint32_t got;
  ERR(LHRT_ERR_INVALID_ARG, lhrt_runtime_trace_drain(rt, NULL, 4, &got));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_runtime_trace_drain(rt, NULL, 0, NULL));
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_runtime_set_tracing((lhrt_runtime_t){NULL}, 1));
  OK(lhrt_runtime_trace_drain(rt, NULL, 0, &got));
  EXPECT(got == 0);
  OK(lhrt_runtime_destroy(rt));
}
