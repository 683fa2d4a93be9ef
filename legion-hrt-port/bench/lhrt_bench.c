/*
 * lhrt_bench: task-launch overheads of the runtime, one JSON line per benchmark on stdout
 * (the project's format), a short table on stderr. Each figure is per task, amortised over a
 * batch of n tasks; min/median/p99/max are over the repetitions.
 *   index_launch_empty  an index launch of n empty tasks (no regions)
 *   single_launch       n single launches, each RW on one of 64 disjoint pieces (analysis on)
 *   dependent_chain     n single launches all RW on one region: a chain of dependences
 *   index_launch_pointwise  an index launch of n points, each RW on its own piece of an n-way
 *                       disjoint partition, after the same launch: point-to-point dependences
 *   external_queue_empty  an index launch of n JVM-kind tasks drained by one host thread
 *                       polling the external queue (the Java workers' path, without the JVM)
 *   launch_after_idle   one empty task per worker, launched after the runtime sat idle 100 us
 *                       (longer than a worker's spin: they sleep), launch to completion; per
 *                       launch (of IDLE_LAUNCHES), not per task: what waking the workers costs
 * Usage: lhrt_bench [--workers N] [--n N] [--reps R] [--only NAME]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include "lhrt.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "lhrt_bench: %s: %s\n", what, lhrt_last_error());
  exit(1);
}
#define CK(call) do { if (call) die(#call); } while (0)

static void empty_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {}

struct env {
  lhrt_runtime_t rt;
  lhrt_ctx_t top;
  lhrt_region_t region;
  lhrt_partition_t pieces;
  lhrt_region_t big;
  lhrt_partition_t bigparts;
  lhrt_index_space_t bigcolors;
  int workers;
  uint64_t n;
};

static double run_index_empty(struct env *e) {
  lhrt_index_space_t dom;
  CK(lhrt_index_space_create_rect(e->rt, lhrt_rect1(0, (int64_t)e->n - 1), &dom));
  lhrt_index_launcher_t l;
  CK(lhrt_index_launcher_create(e->rt, 1, dom, NULL, 0, &l));
  uint64_t t0 = now_ns();
  CK(lhrt_index_launcher_execute(e->top, l, NULL));
  CK(lhrt_context_wait_all(e->top));
  uint64_t t1 = now_ns();
  lhrt_index_launcher_destroy(l);
  lhrt_index_space_destroy(dom);
  return (double)(t1 - t0) / (double)e->n;
}

static double run_single(struct env *e) {
  lhrt_task_launcher_t l[64];
  for (int i = 0; i < 64; i++) {
    lhrt_region_t sub;
    CK(lhrt_task_launcher_create(e->rt, 1, NULL, 0, &l[i]));
    CK(lhrt_partition_get_subregion(e->pieces, lhrt_point1(i), &sub));
    CK(lhrt_task_launcher_add_region(l[i], sub, e->region, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
    CK(lhrt_task_launcher_add_field(l[i], 0, 0));
  }
  uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < e->n; i++) CK(lhrt_task_launcher_execute(e->top, l[i % 64], NULL));
  CK(lhrt_context_wait_all(e->top));
  uint64_t t1 = now_ns();
  for (int i = 0; i < 64; i++) lhrt_task_launcher_destroy(l[i]);
  return (double)(t1 - t0) / (double)e->n;
}

static double run_chain(struct env *e) {
  lhrt_task_launcher_t l;
  CK(lhrt_task_launcher_create(e->rt, 1, NULL, 0, &l));
  CK(lhrt_task_launcher_add_region(l, e->region, e->region, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  CK(lhrt_task_launcher_add_field(l, 0, 0));
  uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < e->n; i++) CK(lhrt_task_launcher_execute(e->top, l, NULL));
  CK(lhrt_context_wait_all(e->top));
  uint64_t t1 = now_ns();
  lhrt_task_launcher_destroy(l);
  return (double)(t1 - t0) / (double)e->n;
}

static double run_pointwise(struct env *e) {
  lhrt_index_launcher_t l;
  CK(lhrt_index_launcher_create(e->rt, 1, e->bigcolors, NULL, 0, &l));
  CK(lhrt_index_launcher_add_partition(l, e->bigparts, 0, e->big, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  CK(lhrt_index_launcher_add_field(l, 0, 0));
  uint64_t t0 = now_ns();
  CK(lhrt_index_launcher_execute(e->top, l, NULL));
  CK(lhrt_context_wait_all(e->top));
  uint64_t t1 = now_ns();
  lhrt_index_launcher_destroy(l);
  return (double)(t1 - t0) / (double)e->n;
}

static int poll_stop;
static void *host_poller(void *arg) {
  struct env *e = arg;
  lhrt_ctx_t batch[64];
  uint32_t n;
  while (!__atomic_load_n(&poll_stop, __ATOMIC_ACQUIRE)) {
    if (lhrt_runtime_poll_external(e->rt, 1000000, batch, 64, &n)) break;
    for (uint32_t i = 0; i < n; i++) lhrt_task_complete(batch[i], NULL, 0);
  }
  return NULL;
}

static double run_external(struct env *e) {
  lhrt_index_space_t dom;
  CK(lhrt_index_space_create_rect(e->rt, lhrt_rect1(0, (int64_t)e->n - 1), &dom));
  lhrt_index_launcher_t l;
  CK(lhrt_index_launcher_create(e->rt, 2, dom, NULL, 0, &l));
  pthread_t th;
  __atomic_store_n(&poll_stop, 0, __ATOMIC_RELEASE);
  pthread_create(&th, NULL, host_poller, e);
  uint64_t t0 = now_ns();
  CK(lhrt_index_launcher_execute(e->top, l, NULL));
  CK(lhrt_context_wait_all(e->top));
  uint64_t t1 = now_ns();
  __atomic_store_n(&poll_stop, 1, __ATOMIC_RELEASE);
  pthread_join(th, NULL);
  lhrt_index_launcher_destroy(l);
  lhrt_index_space_destroy(dom);
  return (double)(t1 - t0) / (double)e->n;
}

#define IDLE_LAUNCHES 100
#define IDLE_GAP_NS 100000

static double run_after_idle(struct env *e) {
  lhrt_index_space_t dom;
  CK(lhrt_index_space_create_rect(e->rt, lhrt_rect1(0, e->workers - 1), &dom));
  lhrt_index_launcher_t l;
  CK(lhrt_index_launcher_create(e->rt, 1, dom, NULL, 0, &l));
  uint64_t total = 0;
  for (int i = 0; i < IDLE_LAUNCHES; i++) {
    uint64_t until = now_ns() + IDLE_GAP_NS;
    while (now_ns() < until) {
    }
    uint64_t t0 = now_ns();
    CK(lhrt_index_launcher_execute(e->top, l, NULL));
    CK(lhrt_context_wait_all(e->top));
    total += now_ns() - t0;
  }
  lhrt_index_launcher_destroy(l);
  lhrt_index_space_destroy(dom);
  return (double)total / IDLE_LAUNCHES;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const char *name, double *s, int reps, struct env *e, uint64_t n) {
  qsort(s, (size_t)reps, sizeof *s, cmp_d);
  double med = reps % 2 ? s[reps / 2] : (s[reps / 2 - 1] + s[reps / 2]) / 2;
  int i99 = (int)(0.99 * (reps - 1) + 0.5);
  /* n: the samples the statistics are over (repetitions); each is a mean over `per_sample` tasks
   * or launches, so with few repetitions p99 is the largest sample */
  printf("{\"bench\":\"%s\",\"impl\":\"lhrt-linux\",\"unit\":\"ns\",\"n\":%d,\"min\":%.1f,\"median\":%.1f,"
         "\"p99\":%.1f,\"max\":%.1f,\"workers\":%d,\"per_sample\":%llu,\"per\":\"%s\"}\n",
         name, reps, s[0], med, s[i99], s[reps - 1], e->workers, (unsigned long long)n, n == e->n ? "task" : "launch");
  fflush(stdout);
  fprintf(stderr, "%-20s median %9.1f ns/%s  (min %.1f, max %.1f; %d reps x %llu, %d workers)\n", name, med,
          n == e->n ? "task" : "launch", s[0], s[reps - 1], reps, (unsigned long long)n, e->workers);
}

int main(int argc, char **argv) {
  struct env e = {0};
  int reps = 15;
  const char *only = NULL;
  e.n = 10000;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--workers") && i + 1 < argc) e.workers = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--n") && i + 1 < argc) e.n = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else {
      fprintf(stderr, "usage: lhrt_bench [--workers N] [--n N] [--reps R] [--only NAME]\n");
      return 2;
    }
  }
  if (e.workers < 0 || reps < 1 || reps > 1000 || e.n < 1) { fprintf(stderr, "lhrt_bench: bad arguments\n"); return 2; }
  lhrt_config_t cfg;
  lhrt_config_init(&cfg);
  cfg.workers = e.workers;
  CK(lhrt_runtime_create(&cfg, &e.rt));
  CK(lhrt_runtime_get_worker_count(e.rt, &e.workers));
  CK(lhrt_runtime_get_top_context(e.rt, &e.top));
  CK(lhrt_task_register(e.rt, 1, "empty", LHRT_PROC_CPU, empty_task, NULL));
  CK(lhrt_task_register(e.rt, 2, "empty_jvm", LHRT_PROC_JVM, empty_task, NULL));
  CK(lhrt_runtime_use_external_queue(e.rt));
  lhrt_index_space_t is, colors;
  lhrt_field_space_t fs;
  CK(lhrt_index_space_create_rect(e.rt, lhrt_rect1(0, 1023), &is));
  CK(lhrt_index_space_create_rect(e.rt, lhrt_rect1(0, 63), &colors));
  CK(lhrt_field_space_create(e.rt, &fs));
  CK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
  CK(lhrt_region_create(e.rt, is, fs, &e.region));
  CK(lhrt_partition_create_equal(e.top, e.region, colors, &e.pieces));
  lhrt_index_space_t bis;
  CK(lhrt_index_space_create_rect(e.rt, lhrt_rect1(0, (int64_t)e.n * 4 - 1), &bis));
  CK(lhrt_index_space_create_rect(e.rt, lhrt_rect1(0, (int64_t)e.n - 1), &e.bigcolors));
  CK(lhrt_region_create(e.rt, bis, fs, &e.big));
  CK(lhrt_partition_create_equal(e.top, e.big, e.bigcolors, &e.bigparts));
  struct { const char *name; double (*fn)(struct env *); } benches[] = {
    {"index_launch_empty", run_index_empty}, {"single_launch", run_single}, {"dependent_chain", run_chain},
    {"index_launch_pointwise", run_pointwise}, {"external_queue_empty", run_external},
    {"launch_after_idle", run_after_idle}};
  double *s = malloc(sizeof(double) * (size_t)reps);
  for (int b = 0; b < (int)(sizeof benches / sizeof benches[0]); b++) {
    if (only && strcmp(only, benches[b].name)) continue;
    for (int w = 0; w < 3; w++) benches[b].fn(&e); /* warm-up: free lists, pages, caches */
    for (int r = 0; r < reps; r++) s[r] = benches[b].fn(&e);
    report(benches[b].name, s, reps, &e, benches[b].fn == run_after_idle ? IDLE_LAUNCHES : e.n);
  }
  free(s);
  CK(lhrt_runtime_stop_external(e.rt));
  CK(lhrt_runtime_destroy(e.rt));
  return 0;
}
