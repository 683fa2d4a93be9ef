/*
 * The runtime's C programs as kernel tests of the HRT image. Tests (the files of tests/,
 * main renamed lhrt_test_main): lhrt_quick runs the quick tier, lhrt_slow the slow tier
 * (only when named); their own "N passed, N failed" line comes out through the console and
 * log ring. Benchmarks (bench/lhrt_bench.c, main renamed lhrt_bench_main): lhrt_bench (only
 * when named) prints the same JSON lines as on Linux, with "impl":"lhrt-hrt". The command
 * line's lhrt_args=a,b adds arguments (test names, --small; --workers,2,--reps,5).
 */
#include <nk/test.h>
#include <nk/cmdline.h>
#include <nk/string.h>
#include <nk/boot.h>
#include <nk/thread.h>
#include "../platform/nautilus/nk_port.h"

#define MAX_ARGS 32

int lhrt_test_main(int argc, char **argv);
int lhrt_bench_main(int argc, char **argv);
extern int lhrt_hrt_bench_output;
void lhrt_hrt_run_constructors(void);

struct run { int (*main)(int, char **); int argc; char *argv[MAX_ARGS + 1]; int rc; };

static char argbuf[256];

NK_CMDLINE_KEY(lhrt_args, "arguments of the runtime's test or bench program, comma-separated");

/* argv = {"lhrt_test", extra, lhrt_args...}. */
static void make_args(struct run *r, const char *prog, const char *extra) {
  r->argc = 0;
  r->argv[r->argc++] = (char *)prog;
  if (extra) r->argv[r->argc++] = (char *)extra;
  if (!cmdline_get(nk_boot_params->cmdline, "lhrt_args", argbuf, sizeof argbuf)) argbuf[0] = 0;
  for (char *p = argbuf; *p && r->argc < MAX_ARGS;) {
    r->argv[r->argc++] = p;
    while (*p && *p != ',') p++;
    if (*p) *p++ = 0;
  }
  r->argv[r->argc] = NULL;
}

static void run_main(void *p) {
  struct run *r = p;
  r->rc = r->main(r->argc, r->argv);
}

static int run_program(int (*main)(int, char **), const char *prog, const char *extra) {
  struct run r;
  lhrt_hrt_run_constructors();
  r.main = main;
  make_args(&r, prog, extra);
  NK_CHECK(nkp_run_on_big_stack(run_main, &r) == 0, "no memory for %s's stack", prog);
  NK_CHECK(r.rc == 0, "%s failed (exit status %d): see the lines above", prog, r.rc);
  return 0;
}

static int run_tier(const char *extra) {
  return run_program(lhrt_test_main, "lhrt_test", extra);
}

int *__errno_location(void);

/* Sets errno, gives way to the other thread of its CPU, reads it back; NULL if it was kept. */
static void *errno_keeper(void *arg) {
  int base = (int)(long)arg;
  for (int i = 0; i < 100; i++) {
    *__errno_location() = base + i;
    nk_yield();
    if (*__errno_location() != base + i) return (void *)1;
  }
  return NULL;
}

/* The HRT libc's errno is per thread: two threads of one CPU interleaved keep their own. */
static int check_errno_per_thread(void) {
  struct nk_thread *a = nk_thread_create(errno_keeper, (void *)1000l, 0, 0);
  struct nk_thread *b = nk_thread_create(errno_keeper, (void *)2000l, 0, 0);
  void *ra = (void *)1, *rb = (void *)1;
  if (a) nk_thread_join(a, &ra);
  if (b) nk_thread_join(b, &rb);
  NK_CHECK(a && b, "cannot create the errno threads");
  NK_CHECK(!ra && !rb, "errno is not per thread: a thread read another's value");
  return 0;
}

/* The runtime's quick tier, after a check of the HRT libc's per-thread state. */
NK_TEST(lhrt_quick, NK_QUICK)
{
  int rc = check_errno_per_thread();
  return rc ? rc : run_tier(NULL);
}

NK_TEST(lhrt_slow, 0)
{
  return run_tier("--slow");
}

NK_TEST(lhrt_bench, 0)
{
  lhrt_hrt_bench_output = 1;
  int rc = run_program(lhrt_bench_main, "lhrt_bench", NULL);
  lhrt_hrt_bench_output = 0;
  return rc;
}
