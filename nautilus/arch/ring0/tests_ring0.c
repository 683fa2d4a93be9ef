/*
 * Self-tests of the ring0 profile: exceptions are delivered and resumed, the APIC timer
 * ticks on every CPU, threads are preempted, IPIs wake idle CPUs, extra ranges can be
 * mapped at chosen virtual addresses, and the TSC is sane.
 */
#include <nk/test.h>
#include <nk/thread.h>
#include <nk/cpu.h>
#include <nk/mem.h>
#include <nk/atomic.h>
#include "ring0.h"

static volatile int bp_hits;

static int bp_hook(struct trap_frame *f)
{
    bp_hits++;
    return 1;                             /* handled: iretq resumes after the int3 */
}

NK_TEST(trap_breakpoint, NK_QUICK)
{
    bp_hits = 0;
    trap_set_hook(3, bp_hook);
    __asm__ __volatile__("int3");
    __asm__ __volatile__("int3");
    trap_set_hook(3, NULL);
    NK_CHECK(bp_hits == 2, "%d of 2 breakpoints delivered", bp_hits);
    return 0;
}

static long ticks_of(void *a, int cpu)
{
    uint64_t t0 = this_cpu()->ticks;
    nk_sleep_ns(50000000);                /* 50 ms = 5 ticks at 100 Hz */
    return this_cpu()->ticks > t0 ? 0 : 1;
}

NK_TEST(apic_timer_ticks, NK_QUICK)
{
    long bad = nk_on_all_cpus(ticks_of, NULL);
    NK_CHECK(bad == 0, "%ld CPUs saw no timer interrupt in 50 ms", bad);
    return 0;
}

static volatile int spin_stop;
static volatile int other_ran;

static void *hog(void *a)
{
    while (!nk_load(&spin_stop))          /* never yields: only the timer can switch */
        arch_cpu_relax();
    return NULL;
}

static void *polite(void *a)
{
    nk_store(&other_ran, 1);
    return NULL;
}

NK_TEST(preemption, NK_QUICK)
{
    int cpu = nk_cpu_count() - 1;
    spin_stop = other_ran = 0;
    struct nk_thread *h = nk_thread_create(hog, NULL, cpu, 0);
    nk_sleep_ns(1000000);
    struct nk_thread *p = nk_thread_create(polite, NULL, cpu, 0);
    uint64_t end = arch_cycles() + nk_ns_to_cycles(1000000000ull);
    while (!nk_load(&other_ran) && arch_cycles() < end)
        nk_relax();
    nk_store(&spin_stop, 1);
    nk_thread_join(h, NULL);
    nk_thread_join(p, NULL);
    NK_CHECK(other_ran, "a thread spinning without yielding was never preempted");
    return 0;
}

static volatile uint64_t wake_t;

static void *wake_probe(void *a)
{
    nk_store(&wake_t, arch_cycles());
    return NULL;
}

NK_TEST(ipi_wakes_idle_cpu, NK_QUICK)
{
    if (nk_cpu_count() < 2)
        return 0;
    for (int i = 0; i < 20; i++) {
        nk_sleep_ns(200000);              /* let CPU 1 go idle (hlt) */
        wake_t = 0;
        uint64_t t0 = arch_cycles();
        struct nk_thread *t = nk_thread_create(wake_probe, NULL, 1, 0);
        while (!nk_load(&wake_t))
            arch_cpu_relax();
        /* without the kick CPU 1 would only wake at its next 10 ms tick */
        NK_CHECK(wake_t - t0 < nk_ns_to_cycles(5000000), "idle CPU woke after %lu cycles",
                 wake_t - t0);
        nk_thread_join(t, NULL);
    }
    return 0;
}

NK_TEST(paging_map_range, NK_QUICK)
{
    char *blk = mem_alloc_pages(10, -1);          /* 4 MiB: holds an aligned 2 MiB */
    NK_CHECK(blk, "no memory");
    uint64_t pa = ((uint64_t)blk + (2ul << 20) - 1) & ~((2ul << 20) - 1);
    uint64_t va = 0x4000000000ull;                /* 256 GiB: nothing mapped there */
    NK_CHECK(arch_map_range(va, pa, 2ul << 20, NK_MAP_WRITE) == 0, "map failed");
    volatile uint64_t *alias = (uint64_t *)va, *real = (uint64_t *)pa;
    real[100] = 0x1234abcd;
    NK_CHECK(alias[100] == 0x1234abcd, "alias reads %lx", alias[100]);
    alias[200] = 77;
    NK_CHECK(real[200] == 77, "write through the alias not seen");
    NK_CHECK(arch_map_range(va + 4096, pa, 2ul << 20, NK_MAP_WRITE) < 0, "unaligned accepted");
    mem_free_pages(blk);
    return 0;
}

NK_TEST(tsc_monotonic, NK_QUICK)
{
    uint64_t prev = arch_cycles();
    for (int i = 0; i < 10000; i++) {
        uint64_t t = arch_cycles();
        NK_CHECK(t >= prev, "tsc went back: %lu < %lu", t, prev);
        prev = t;
    }
    uint64_t hz = arch_tsc_hz();
    NK_CHECK(hz > 100000000ull && hz < 10000000000ull, "tsc_hz %lu implausible", hz);
    return 0;
}

/* Manual: a deliberate page fault, to check the panic path (register dump, backtrace,
 * every CPU stopped, exit code 2). Run with tests=crash_page_fault. */
NK_TEST(crash_page_fault, NK_MANUAL)
{
    volatile uint64_t *bad = (uint64_t *)0x7ff000000000ull;   /* never mapped */
    printk("  touching %p: the kernel must panic now\n", (void *)bad);
    return (int)*bad;
}
