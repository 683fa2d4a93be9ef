/*
 * The runtime's C test program (the files of tests/, its main renamed lhrt_test_main) as kernel
 * tests of the HRT image: lhrt_quick runs the quick tier, lhrt_slow the slow tier (only
 * when named). The command line's lhrt_args=a,b adds arguments (test names, --small). The
 * program's own "N passed, N failed" line comes out through the console and log ring.
 */
#include <nk/test.h>
#include <nk/cmdline.h>
#include <nk/string.h>
#include <nk/boot.h>
#include "../platform/nautilus/nk_port.h"

#define MAX_ARGS 32

int lhrt_test_main(int argc, char **argv);
void lhrt_hrt_run_constructors(void);

struct run { int argc; char *argv[MAX_ARGS + 1]; int rc; };

static char argbuf[256];

/* argv = {"lhrt_test", extra, lhrt_args...}. */
static void make_args(struct run *r, const char *extra) {
  r->argc = 0;
  r->argv[r->argc++] = "lhrt_test";
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
  r->rc = lhrt_test_main(r->argc, r->argv);
}

static int run_tier(const char *extra) {
  struct run r;
  lhrt_hrt_run_constructors();
  make_args(&r, extra);
  NK_CHECK(nkp_run_on_big_stack(run_main, &r) == 0, "no memory for the test program's stack");
  NK_CHECK(r.rc == 0, "the runtime's C tests failed (exit status %d): see the FAIL lines above", r.rc);
  return 0;
}

NK_TEST(lhrt_quick, NK_QUICK)
{
  return run_tier(NULL);
}

NK_TEST(lhrt_slow, 0)
{
  return run_tier("--slow");
}
