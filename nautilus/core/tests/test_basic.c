/*
 * Self-tests of the basics: formatting, strings, the command line, the boot description.
 */
#include <nk/test.h>
#include <nk/string.h>
#include <nk/cmdline.h>
#include <nk/boot.h>
#include <nk/arch.h>
#include <nk/thread.h>

NK_TEST(printk_format, NK_QUICK)
{
    char b[64];
    nk_snprintf(b, sizeof b, "%d %u %x %5s|%-3d|%03d %lx %c%%", -42, 7u, 0xbeefu, "ab", 1, 7,
                0x123456789abul, 'z');
    NK_CHECK(!strcmp(b, "-42 7 beef    ab|1  |007 123456789ab z%"), "got '%s'", b);
    int n = nk_snprintf(b, 4, "%s", "abcdef");
    NK_CHECK(n == 6 && !strcmp(b, "abc"), "truncation: n=%d '%s'", n, b);
    nk_snprintf(b, sizeof b, "%ld %p", -9223372036854775807L - 1, (void *)0x10);
    NK_CHECK(!strcmp(b, "-9223372036854775808 0x10"), "got '%s'", b);
    return 0;
}

NK_TEST(string_ops, NK_QUICK)
{
    char a[32], b[32];
    memset(a, 'x', sizeof a);
    NK_CHECK(a[31] == 'x', "memset");
    memcpy(b, "hello world", 12);
    NK_CHECK(!strcmp(b, "hello world") && strlen(b) == 11, "memcpy/strlen");
    memmove(b + 2, b, 6);
    NK_CHECK(!memcmp(b, "hehello rld", 11), "memmove overlap: '%s'", b);
    NK_CHECK(strcmp("abc", "abd") < 0 && strncmp("abcx", "abcy", 3) == 0, "strcmp");
    NK_CHECK(nk_strtoul("0x1f", NULL, 0) == 31 && nk_strtoul("123", NULL, 10) == 123,
             "strtoul");
    return 0;
}

NK_TEST(cmdline_parse, NK_QUICK)
{
    char v[32];
    const char *c = "/boot/img tests=a,b tier=quick bench flag2=";
    NK_CHECK(cmdline_get(c, "tests", v, sizeof v) && !strcmp(v, "a,b"), "tests='%s'", v);
    NK_CHECK(cmdline_get(c, "bench", v, sizeof v) && v[0] == 0, "bare word");
    NK_CHECK(!cmdline_get(c, "tier2", v, sizeof v), "prefix must not match");
    NK_CHECK(!cmdline_get(c, "test", v, sizeof v), "prefix of a key must not match");
    NK_CHECK(cmdline_list_has("a,bb,c", "bb") && !cmdline_list_has("a,bb,c", "b"), "list");
    /* Registered keys pass (a path is skipped); the first unregistered one is named. */
    NK_CHECK(!cmdline_unknown_key("/boot/img tests=a,b tier=quick bench  scale=50", v, sizeof v),
             "a registered key was refused: '%s'", v);
    NK_CHECK(cmdline_unknown_key("tests=a tset=b tier=x", v, sizeof v) && !strcmp(v, "tset"),
             "the typo was not named: '%s'", v);
    NK_CHECK(cmdline_unknown_key("bench benchx", v, sizeof v) && !strcmp(v, "benchx"), "bare '%s'", v);
    NK_CHECK(cmdline_unknown_key("=5", v, sizeof v) && v[0] == 0, "an empty key must be refused");
    return 0;
}

NK_TEST(boot_info, NK_QUICK)
{
    struct nk_boot *b = nk_boot_params;
    NK_CHECK(b->nregions > 0, "no memory regions");
    for (int i = 0; i < b->nregions; i++)
        NK_CHECK(b->regions[i].len > 0 && b->regions[i].base >= 0x100000,
                 "region %d: base %lx len %lx", i, b->regions[i].base, b->regions[i].len);
    NK_CHECK(b->ncpus >= 1 && b->ncpus <= NK_MAX_CPUS, "ncpus %d", b->ncpus);
    NK_CHECK(arch_tsc_hz() > 100000000ull, "tsc_hz %lu implausible", arch_tsc_hz());
    return 0;
}

/* Manual: never returns, to check that runners time out and report the last lines. */
NK_TEST(hang_forever, NK_MANUAL)
{
    printk("  hanging on purpose\n");
    for (;;)
        nk_relax();
    return 0;
}

/* Manual: a broken invariant in the core panics (message, backtrace, exit code 2). */
NK_TEST(crash_assert, NK_MANUAL)
{
    int answer = 41;
    NK_ASSERT(answer == 42);
    return 0;
}

/* A NULL pointer the compiler cannot see is NULL (else it may emit a trap of its own). */
static volatile uint64_t *opaque_null(uint64_t offset)
{
    uint64_t a = offset;
    __asm__ __volatile__("" : "+r"(a));
    return (volatile uint64_t *)a;
}

/* Manual: page 0 is unmapped in both profiles (depriv: the VMM's tables, Layout.NULL_GUARD;
 * ring0: paging_guard_null), so reading a NULL struct's field faults at once, CR2 = its offset. */
NK_TEST(crash_null_read, NK_MANUAL)
{
    /* SAFETY: not safe, on purpose: the fault must end the kernel with the state. */
    return (int)*opaque_null(0x10);
}

/* Manual: a write through NULL faults too, instead of landing in page 0 (the VMM's structures
 * start at 0x1000; ring0's BIOS data area would be overwritten). */
NK_TEST(crash_null_write, NK_MANUAL)
{
    /* SAFETY: not safe, on purpose, as above. */
    *opaque_null(0) = 0x6e756c6c;
    return 0;
}

/* Every conversion gcc's format check accepts must consume its arguments: an unknown flag or a
 * precision used to print literally and take no argument, shifting every later one (a %s then
 * read an integer as a pointer). */
NK_TEST(printk_format_flags, NK_QUICK)
{
    char b[96];
    nk_snprintf(b, sizeof b, "%#lx|%#x|%.3s|%.*s|%*d|%-*d|%+d|% d|%.3d|%5.1s|%s", 255ul, 0u,
                "abcdef", 2, "xyz", 4, 7, 3, 8, 5, 6, 42, "pq", "end");
    NK_CHECK(!strcmp(b, "0xff|0|abc|xy|   7|8  |+5| 6|042|    p|end"), "got '%s'", b);
    nk_snprintf(b, sizeof b, "%hhx %hd %05d %-5d| %#06x %s", (unsigned char)0xff, (short)-3, -42,
                -42, 0xffu, "ok");
    NK_CHECK(!strcmp(b, "ff -3 -0042 -42  | 0x00ff ok"), "got '%s'", b);
    return 0;
}

/* A selection that names nothing runnable is bad input (exit code 3), not a pass: a misspelt
 * tier ran every test, and tests=, ran none and reported success. */
NK_TEST(test_runner_refuses_bad_selection, NK_QUICK)
{
    NK_CHECK(nk_test_run("tests=printk_format tier=quik") == 3, "an unknown tier was accepted");
    NK_CHECK(nk_test_run("tests=,") == 3, "tests=, (no name) was accepted");
    NK_CHECK(nk_test_run("tests=, tier=slow") == 3, "tests=, tier=slow was accepted");
    return 0;
}

/* Only the key decides whether a word is the image path: a misspelt key whose value holds a
 * '/' (a file argument) was skipped as a path and its default kept without a word. */
NK_TEST(cmdline_unknown_key_with_path_value, NK_QUICK)
{
    char v[32];
    NK_CHECK(cmdline_unknown_key("/boot/img tests=a envv=/data/x", v, sizeof v) && !strcmp(v, "envv"),
             "a misspelt key with a path value passed: '%s'", v);
    NK_CHECK(!cmdline_unknown_key("target/native/nautilus-ring0.elf env=/x tests=a", v, sizeof v),
             "the image path or a registered key with a path value was refused: '%s'", v);
    return 0;
}

/* A value longer than the caller's buffer is cut, and the caller and the console are told: a
 * cut number is another number (idle_spin_us's 16-byte buffer took 15 digits of 16). */
NK_TEST(cmdline_value_cut_is_told, NK_QUICK)
{
    char v[4];
    NK_CHECK(cmdline_get("a=1 key=123456 b=2", "key", v, sizeof v) == 2 && !strcmp(v, "123"), "cut: '%s'", v);
    NK_CHECK(cmdline_get("key=123", "key", v, sizeof v) == 1 && !strcmp(v, "123"), "exact fit: '%s'", v);
    NK_CHECK(cmdline_get("key", "key", v, sizeof v) == 1 && !v[0], "no value: '%s'", v);
    return 0;
}
