/*
 * Self-tests. NK_TEST(name, tier) defines a test function and drops a descriptor in the
 * linker section nk_tests, so there is no central list. Tiers: quick, slow, manual. The command line
 * selects them: tests=a,b (by name), tier=quick|slow|all (default all).
 * A test returns 0 on success; NK_CHECK records the first failure (file, line, reason).
 */
#ifndef NK_TEST_H
#define NK_TEST_H

#include <stdint.h>
#include <nk/printk.h>

/* NK_MANUAL tests (e.g. deliberate crashes) run only when named in tests=. */
enum nk_tier { NK_QUICK = 1, NK_SLOW = 2, NK_MANUAL = 4 };

struct nk_test {
    const char *name;
    int (*fn)(void);
    int tier;
};

#define NK_TEST(tname, ttier)                                                      \
    static int nk_test_fn_##tname(void);                                          \
    static const struct nk_test nk_test_desc_##tname                              \
        __attribute__((used, section("nk_tests"), aligned(8))) =                  \
        { #tname, nk_test_fn_##tname, ttier };                                    \
    static int nk_test_fn_##tname(void)

void nk_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define NK_CHECK(c, ...) do { if (!(c)) {                                          \
        nk_test_fail(__FILE__, __LINE__, __VA_ARGS__); return -1; } } while (0)

/* Run the tests the command line selects; returns the process exit code (0/1/3). */
int nk_test_run(const char *cmdline);
/* Scale an iteration count: the command line's scale=N percent (default 100). */
int nk_scale(int n);
/* Run fn(arg, cpu) in one thread per online CPU and join them; sum of return values. */
long nk_on_all_cpus(long (*fn)(void *arg, int cpu), void *arg);
uint64_t nk_rand(uint64_t *state);

#endif /* NK_TEST_H */
