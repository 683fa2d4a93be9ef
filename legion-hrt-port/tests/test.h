/*
 * A tiny self-registering test harness: TEST(name) / SLOW_TEST(name) define a test; the
 * runner (test_main.c) runs the quick tier by default, --slow the slow tier, names select
 * tests, --small shrinks sizes for sanitizer builds. Failures print "FAIL name: where: why".
 */
#ifndef LHRT_TEST_H
#define LHRT_TEST_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lhrt.h"

struct test { const char *name; void (*fn)(void); int slow; struct test *next; };
void test_register(struct test *t);
void test_fail(const char *file, int line, const char *fmt, ...);
extern int test_small;     /* sanitizer builds: smaller sizes */
extern int test_failed;    /* the current test failed */

#define TEST_(name, slow)                                                      \
  static void name(void);                                                      \
  static struct test t_##name = {#name, name, slow, NULL};                     \
  __attribute__((constructor)) static void reg_##name(void) { test_register(&t_##name); } \
  static void name(void)
#define TEST(name) TEST_(name, 0)
#define SLOW_TEST(name) TEST_(name, 1)

#define EXPECT(c) do { if (!(c)) { test_fail(__FILE__, __LINE__, "expected %s", #c); return; } } while (0)
#define EXPECTF(c, ...) do { if (!(c)) { test_fail(__FILE__, __LINE__, __VA_ARGS__); return; } } while (0)
#define OK(call) do { lhrt_status_t s_ = (call); \
  if (s_) { test_fail(__FILE__, __LINE__, "%s -> %s: %s", #call, lhrt_status_name(s_), lhrt_last_error()); return; } } while (0)
#define ERR(code, call) do { lhrt_status_t s_ = (call); \
  if (s_ != (code)) { test_fail(__FILE__, __LINE__, "%s -> %s, expected %s (%s)", #call, lhrt_status_name(s_), #code, lhrt_last_error()); return; } } while (0)

/* helpers shared by the tests */
lhrt_runtime_t trt_new(int workers);
lhrt_ctx_t trt_top(lhrt_runtime_t rt);
uint64_t trand(uint64_t *s);  /* xorshift64* */
/* A root region over the 1-D space [0, n) and a new field space with one 8-byte field. */
lhrt_status_t trt_region1(lhrt_runtime_t rt, int64_t n, lhrt_index_space_t *is, lhrt_field_space_t *fs,
                          uint32_t *fid, lhrt_region_t *r);
#endif
