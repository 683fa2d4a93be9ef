/*
 * Self-test harness: tests register themselves in the nk_tests linker section; the command
 * line picks them (tests=a,b / tier=quick|slow|all / tests=list). One line per test:
 *   TEST <name> PASS <ms>ms        or   TEST <name> FAIL <ms>ms <file:line: reason>
 * and a final "tests: N passed, N failed".
 */
#include <stdarg.h>
#include <nk/test.h>
#include <nk/cmdline.h>
#include <nk/string.h>
#include <nk/thread.h>
#include <nk/cpu.h>
#include <nk/mem.h>

extern const struct nk_test __start_nk_tests[], __stop_nk_tests[];

static char fail_msg[256];
static int scale_pct = 100;

void nk_test_fail(const char *file, int line, const char *fmt, ...)
{
    if (fail_msg[0])
        return;
    int n = nk_snprintf(fail_msg, sizeof fail_msg, "%s:%d: ", file, line);
    if (n >= (int)sizeof fail_msg - 1)            /* snprintf returns what it would have written */
        return;
    va_list ap;
    va_start(ap, fmt);
    nk_vsnprintf(fail_msg + n, sizeof fail_msg - n, fmt, ap);
    va_end(ap);
}

int nk_scale(int n)
{
    long v = (long)n * scale_pct / 100;
    return v < 1 ? 1 : (int)v;
}

uint64_t nk_rand(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static const struct nk_test *find(const char *name)
{
    for (const struct nk_test *t = __start_nk_tests; t < __stop_nk_tests; t++)
        if (!strcmp(t->name, name))
            return t;
    return NULL;
}

static void list_tests(void)
{
    printk("known tests:");
    for (const struct nk_test *t = __start_nk_tests; t < __stop_nk_tests; t++)
        printk(" %s", t->name);
    printk("\n");
}

/* Every name in the list must exist: a typo must not pass silently. */
static int check_names(const char *list)
{
    char name[64];
    while (*list) {
        size_t n = 0;
        while (list[n] && list[n] != ',')
            n++;
        strncpy_z(name, list, n + 1 < sizeof name ? n + 1 : sizeof name);
        if (n && !find(name)) {
            printk("nautilus: unknown test '%s'\n", name);
            list_tests();
            return -1;
        }
        list += n + (list[n] == ',');
    }
    return 0;
}

/* Length of the run of commas at the start of s. */
static size_t strspn_commas(const char *s)
{
    size_t n = 0;
    while (s[n] == ',')
        n++;
    return n;
}

static int selected(const struct nk_test *t, const char *list, int tiers)
{
    return list[0] ? cmdline_list_has(list, t->name) : (t->tier & tiers) != 0;
}

static int run_one(const struct nk_test *t)
{
    fail_msg[0] = 0;
    uint64_t t0 = arch_cycles();
    int rc = t->fn();
    uint64_t ms = (arch_cycles() - t0) / (arch_tsc_hz() / 1000);
    if (rc == 0 && !fail_msg[0]) {
        printk("TEST %s PASS %lums\n", t->name, ms);
        return 0;
    }
    printk("TEST %s FAIL %lums %s\n", t->name, ms, fail_msg[0] ? fail_msg : "returned error");
    return -1;
}

NK_CMDLINE_KEY(tests, "tests to run: tests=a,b (default: the tier's)");
NK_CMDLINE_KEY(tier, "quick, slow or all (default quick)");
NK_CMDLINE_KEY(scale, "percent of the tests' default sizes");

/* list: NK_CMDLINE_MAX bytes for the tests= value. */
static int run_selected(const char *cmdline, char *list)
{
    char tier[16] = "all", scale[16];
    list[0] = 0;
    cmdline_get(cmdline, "tests", list, NK_CMDLINE_MAX);
    cmdline_get(cmdline, "tier", tier, sizeof tier);
    if (cmdline_get(cmdline, "scale", scale, sizeof scale))
        scale_pct = (int)nk_strtoul(scale, NULL, 10);
    if (!strcmp(list, "list")) {
        list_tests();
        return 0;
    }
    if (check_names(list) < 0)
        return 3;
    /* Refused like an unknown test: a misspelt tier ran every test, and a list of commas
     * alone ran none and reported success. */
    if (list[0] && !list[strspn_commas(list)]) {
        printk("nautilus: tests='%s' names no test\n", list);
        return 3;
    }
    if (strcmp(tier, "quick") && strcmp(tier, "slow") && strcmp(tier, "all")) {
        printk("nautilus: unknown tier '%s' (quick, slow or all)\n", tier);
        return 3;
    }
    int tiers = !strcmp(tier, "quick") ? NK_QUICK : !strcmp(tier, "slow") ? NK_SLOW
                                                                          : NK_QUICK | NK_SLOW;
    int passed = 0, failed = 0;
    printk("tests: %d CPUs, scale %d%%\n", nk_cpu_count(), scale_pct);
    for (const struct nk_test *t = __start_nk_tests; t < __stop_nk_tests; t++) {
        if (!selected(t, list, tiers))
            continue;
        if (run_one(t) == 0)
            passed++;
        else
            failed++;
    }
    printk("tests: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

int nk_test_run(const char *cmdline)
{
    /* On the heap: as long as any list the command line holds (256 bytes cut it), and a test
     * may call the runner (test_runner_refuses_bad_selection) without clobbering this list. */
    char *list = kmem_alloc(NK_CMDLINE_MAX);
    if (!list) {
        printk("nautilus: no memory for the test list\n");
        return 3;
    }
    int rc = run_selected(cmdline, list);
    kmem_free(list);
    return rc;
}

struct on_cpu { long (*fn)(void *, int); void *arg; int cpu; };

static void *on_cpu_body(void *p)
{
    struct on_cpu *o = p;
    return (void *)o->fn(o->arg, o->cpu);
}

long nk_on_all_cpus(long (*fn)(void *arg, int cpu), void *arg)
{
    int n = nk_cpu_count();
    struct on_cpu o[NK_MAX_CPUS];
    struct nk_thread *t[NK_MAX_CPUS];
    long sum = 0;
    for (int i = 0; i < n; i++) {
        o[i] = (struct on_cpu){ fn, arg, i };
        t[i] = nk_thread_create(on_cpu_body, &o[i], i, 0);
        if (!t[i])
            panic("nk_on_all_cpus: cannot create a thread on CPU %d", i);
    }
    for (int i = 0; i < n; i++) {
        void *r;
        nk_thread_join(t[i], &r);
        sum += (long)r;
    }
    return sum;
}
