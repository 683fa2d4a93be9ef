#define _GNU_SOURCE
/*
 * Test runner: runs the registered tests of one tier (or those named), prints failures and
 * the summary line "N passed, N failed"; exits 1 if any failed.
 */
#include <stdarg.h>
#include <time.h>
#include "test.h"

static struct test *tests;
int test_small, test_failed;
static const char *current;

void test_register(struct test *t) { t->next = tests; tests = t; }

void test_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stdout, "FAIL %s: %s:%d: ", current, file, line);
  vfprintf(stdout, fmt, ap);
  fprintf(stdout, "\n");
  fflush(stdout);
  va_end(ap);
  test_failed = 1;
}

lhrt_runtime_t trt_new(int workers) {
  lhrt_config_t cfg;
  lhrt_config_init(&cfg);
  cfg.workers = workers;
  lhrt_runtime_t rt = {0};
  if (lhrt_runtime_create(&cfg, &rt)) { fprintf(stdout, "cannot create runtime: %s\n", lhrt_last_error()); exit(1); }
  return rt;
}

lhrt_ctx_t trt_top(lhrt_runtime_t rt) {
  lhrt_ctx_t c;
  lhrt_runtime_get_top_context(rt, &c);
  return c;
}

lhrt_status_t trt_region1(lhrt_runtime_t rt, int64_t n, lhrt_index_space_t *is, lhrt_field_space_t *fs,
                          uint32_t *fid, lhrt_region_t *r) {
  lhrt_status_t st = lhrt_index_space_create_rect(rt, lhrt_rect1(0, n - 1), is);
  if (!st) st = lhrt_field_space_create(rt, fs);
  if (!st) st = lhrt_field_space_allocate_field(*fs, 8, LHRT_FIELD_AUTO, fid);
  if (!st) st = lhrt_region_create(rt, *is, *fs, r);
  return st;
}

uint64_t trand(uint64_t *s) {
  *s ^= *s >> 12; *s ^= *s << 25; *s ^= *s >> 27;
  return *s * 2685821657736338717ull;
}

static int by_name(const void *a, const void *b) {
  return strcmp((*(struct test *const *)a)->name, (*(struct test *const *)b)->name);
}

int main(int argc, char **argv) {
  int slow = 0, named = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--slow")) slow = 1;
    else if (!strcmp(argv[i], "--small")) test_small = 1;
    else named = 1;
  }
  struct test *arr[512];
  int n = 0;
  for (struct test *t = tests; t && n < 512; t = t->next) arr[n++] = t;
  qsort(arr, n, sizeof arr[0], by_name);
  int passed = 0, failed = 0;
  for (int i = 0; i < n; i++) {
    struct test *t = arr[i];
    int run = 0;
    if (named) { for (int k = 1; k < argc; k++) if (!strcmp(argv[k], t->name)) run = 1; }
    else run = t->slow == slow;
    if (!run) continue;
    current = t->name;
    test_failed = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    t->fn();
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    if (test_failed) failed++;
    else { passed++; fprintf(stdout, "ok   %-36s %8.1f ms\n", t->name, ms); }
    fflush(stdout);
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
