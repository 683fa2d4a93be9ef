/*
 * Microbenchmarks: NK_BENCH(name) registers a benchmark in linker section nk_benches; each
 * one measures samples in cycles and reports them with nk_bench_report, which prints one
 * JSON line per ../shared/CONVENTIONS.md ("impl":"nautilus", "env", "tsc_hz").
 */
#ifndef NK_BENCH_H
#define NK_BENCH_H

#include <stdint.h>

struct nk_bench {
    const char *name;
    int (*fn)(int n);           /* n = samples to take; 0 on success */
};

#define NK_BENCH(bname)                                                            \
    static int nk_bench_fn_##bname(int n);                                        \
    static const struct nk_bench nk_bench_desc_##bname                            \
        __attribute__((used, section("nk_benches"), aligned(8))) =                \
        { #bname, nk_bench_fn_##bname };                                          \
    static int nk_bench_fn_##bname(int n)

/* Sort samples in place and print the JSON line; extra is "" or ',"k":v...'. */
void nk_bench_report(const char *name, uint64_t *samples, int n, const char *extra);
int nk_bench_run(const char *cmdline);
void nk_sort_u64(uint64_t *a, int n);

#endif /* NK_BENCH_H */
