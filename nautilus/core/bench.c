/*
 * Benchmark harness: runs the benchmarks registered in the nk_benches linker section
 * (command line: bench, bench=a,b, samples=N, env=NAME) and prints one JSON line each.
 */
#include <nk/bench.h>
#include <nk/printk.h>
#include <nk/cmdline.h>
#include <nk/string.h>
#include <nk/arch.h>
#include <nk/cpu.h>
#include <nk/thread.h>
#include <nk/bench_params.h>

extern const struct nk_bench __start_nk_benches[], __stop_nk_benches[];

static char env[32] = "qemu";

void nk_sort_u64(uint64_t *a, int n)
{
    for (int gap = n / 2; gap > 0; gap = gap == 2 ? 1 : gap * 5 / 11)  /* shell sort */
        for (int i = gap; i < n; i++) {
            uint64_t v = a[i];
            int j = i;
            for (; j >= gap && a[j - gap] > v; j -= gap)
                a[j] = a[j - gap];
            a[j] = v;
        }
}

/* Set while a benchmark takes its warm-up samples: they are not reported. */
static int warming_up;

void nk_bench_report(const char *name, uint64_t *s, int n, const char *extra)
{
    if (warming_up)
        return;
    nk_sort_u64(s, n);
    uint64_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += s[i];
    int p99 = (int)((long)n * 99 / 100);
    if (p99 >= n)
        p99 = n - 1;
    /* "pct": every 5th percentile (nearest rank), so plots can draw the whole distribution. */
    char pct[21 * 21 + 2];
    int at = 0;
    for (int q = 0; q <= 100; q += 5) {
        int i = q == 0 ? 0 : (int)(((long)n * q + 99) / 100) - 1;
        at += nk_snprintf(pct + at, sizeof pct - at, "%s%lu", q ? "," : "", s[i < n ? i : n - 1]);
    }
    /* Where the tail comes from: samples above twice the median (what p99/median <= 2
     * allows for 1% of them) and samples longer than a host-scale stall. */
    uint64_t stall = arch_tsc_hz() / 1000000000 * BENCH_STALL_NS + arch_tsc_hz() % 1000000000 * BENCH_STALL_NS / 1000000000;
    int over_2med = 0, over_stall = 0;
    for (int i = 0; i < n; i++) {
        over_2med += s[i] > 2 * s[n / 2];
        over_stall += s[i] > stall;
    }
    printk("{\"bench\":\"%s\",\"impl\":\"nautilus\",\"env\":\"%s\",\"unit\":\"cycles\","
           "\"n\":%d,\"min\":%lu,\"median\":%lu,\"p99\":%lu,\"max\":%lu,\"mean\":%lu,"
           "\"tsc_hz\":%lu,\"cores\":%d,\"profile\":\"%s\",\"over_2x_median\":%d,"
           "\"over_10us\":%d,\"pct\":[%s]%s}\n",
           name, env, n, s[0], s[n / 2], s[p99], s[n - 1], sum / n, arch_tsc_hz(),
           nk_cpu_count(), arch_name(), over_2med, over_stall, pct, extra);
}

NK_CMDLINE_KEY(bench, "run benchmarks: bench (all) or bench=a,b");
NK_CMDLINE_KEY(samples, "samples per benchmark (default 10000)");
NK_CMDLINE_KEY(env, "the env field of the benchmark lines");

int nk_bench_run(const char *cmdline)
{
    static char list[NK_CMDLINE_MAX];     /* any list the command line holds */
    char v[16];
    int n = BENCH_SAMPLES, failed = 0;
    list[0] = 0;
    cmdline_get(cmdline, "bench", list, sizeof list);
    if (cmdline_get(cmdline, "samples", v, sizeof v))
        n = (int)nk_strtoul(v, NULL, 10);
    if (!cmdline_get(cmdline, "env", env, sizeof env) && nk_boot_params->hrt)
        strncpy_z(env, "hvm-kvm", sizeof env);
    if (n < 1)
        n = 1;
    /* Measure a settled machine: this CPU's thread cache filled now, the others' (filled by
     * their idle loops, first touches of ~6 us each under the HVM) awaited, for at most 1 s. */
    nk_thread_cache_fill();
    for (int i = 0; i < 10000 && !nk_thread_cache_all_filled(); i++)
        nk_sleep_ns(100000);
    for (const struct nk_bench *b = __start_nk_benches; b < __stop_nk_benches; b++) {
        if (list[0] && strcmp(list, "all") && !cmdline_list_has(list, b->name))
            continue;
        warming_up = 1;
        int warm = b->fn(BENCH_WARMUP(n));
        warming_up = 0;
        if (warm < 0 || b->fn(n) < 0) {
            printk("bench %s: FAILED\n", b->name);
            failed++;
        }
    }
    printk("bench: done, %d failed\n", failed);
    return failed ? 1 : 0;
}
