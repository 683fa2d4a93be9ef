/*
 * Self-tests of threads and the scheduler: create/join, binding, many threads across CPUs,
 * yield ping-pong, sleep, detached threads, joins refused (detached, twice), per-CPU data.
 */
#include <nk/test.h>
#include <nk/thread.h>
#include <nk/cpu.h>
#include <nk/atomic.h>
#include <nk/mem.h>

static void *ret_arg(void *a)
{
    return a;
}

static void *exits_early(void *a)
{
    nk_thread_exit(a);
}

static void *where_am_i(void *a)
{
    (void)a;
    return (void *)(long)my_cpu_id();
}

NK_TEST(thread_create_join, NK_QUICK)
{
    for (int i = 0; i < 100; i++) {
        struct nk_thread *t = nk_thread_create(ret_arg, (void *)(long)(i + 7), NK_CPU_ANY, 0);
        NK_CHECK(t, "create %d failed", i);
        void *r;
        NK_CHECK(nk_thread_join(t, &r) == 0 && r == (void *)(long)(i + 7), "join %d: %p", i, r);
    }
    void *r;
    struct nk_thread *t = nk_thread_create(exits_early, (void *)5l, NK_CPU_ANY, 0);
    NK_CHECK(t && nk_thread_join(t, &r) == 0 && r == (void *)5l, "nk_thread_exit value %p", r);
    NK_CHECK(nk_thread_create(ret_arg, NULL, nk_cpu_count(), 0) == NULL,
             "creating on a CPU that is not online must fail");
    return 0;
}

NK_TEST(thread_bound, NK_QUICK)
{
    for (int c = 0; c < nk_cpu_count(); c++) {
        struct nk_thread *t = nk_thread_create(where_am_i, NULL, c, 0);
        void *r;
        NK_CHECK(t && nk_thread_join(t, &r) == 0, "cpu %d", c);
        NK_CHECK((long)r == c, "thread bound to CPU %d ran on %ld", c, (long)r);
    }
    return 0;
}

static long many_worker(void *arg, int cpu)
{
    int n = *(int *)arg;
    long ok = 0;
    struct nk_thread *batch[16];
    for (int i = 0; i < n; i += 16) {
        int k = n - i < 16 ? n - i : 16;
        for (int j = 0; j < k; j++)
            batch[j] = nk_thread_create(ret_arg, (void *)(long)(i + j), (cpu + j) % nk_cpu_count(), 0);
        for (int j = 0; j < k; j++) {
            void *r;
            if (batch[j] && nk_thread_join(batch[j], &r) == 0 && r == (void *)(long)(i + j))
                ok++;
        }
    }
    return ok;
}

NK_TEST(thread_many, NK_SLOW)
{
    int per_cpu = nk_scale(10000) / nk_cpu_count();
    uint64_t free0 = mem_free_bytes();
    long ok = nk_on_all_cpus(many_worker, &per_cpu);
    NK_CHECK(ok == (long)per_cpu * nk_cpu_count(), "%ld of %d threads ran and joined", ok,
             per_cpu * nk_cpu_count());
    /* stacks go back to per-CPU caches, bounded: at most 256 x 16 KiB per CPU */
    NK_CHECK(free0 - mem_free_bytes() <= (uint64_t)nk_cpu_count() * 256 * NK_THREAD_STACK,
             "threads leaked memory");
    printk("  %ld threads created and joined on %d CPUs\n", ok, nk_cpu_count());
    return 0;
}

static volatile int pp_turn;
static volatile int pp_bad;

static void *pingpong(void *arg)
{
    int me = (int)(long)arg, rounds = nk_scale(2000);
    for (int i = 0; i < rounds; i++) {
        while (pp_turn != me)
            nk_yield();
        pp_turn = !me;
    }
    return NULL;
}

NK_TEST(thread_yield_pingpong, NK_QUICK)
{
    pp_turn = 0;
    struct nk_thread *a = nk_thread_create(pingpong, (void *)0, 1 % nk_cpu_count(), 0);
    struct nk_thread *b = nk_thread_create(pingpong, (void *)1, 1 % nk_cpu_count(), 0);
    NK_CHECK(a && b, "create");
    nk_thread_join(a, NULL);
    nk_thread_join(b, NULL);
    NK_CHECK(!pp_bad, "bad turn");
    return 0;
}

NK_TEST(thread_sleep, NK_QUICK)
{
    uint64_t t0 = arch_cycles();
    nk_sleep_ns(2000000);
    uint64_t dt = arch_cycles() - t0;
    NK_CHECK(dt >= nk_ns_to_cycles(2000000), "slept %lu cycles, want >= 2 ms", dt);
    return 0;
}

static volatile int detached_ran;

static void *detached_body(void *a)
{
    (void)a;
    nk_fetch_add(&detached_ran, 1);
    return NULL;
}

NK_TEST(thread_detached, NK_QUICK)
{
    detached_ran = 0;
    for (int i = 0; i < 50; i++)
        NK_CHECK(nk_thread_create(detached_body, NULL, NK_CPU_ANY, NK_THREAD_DETACHED), "create");
    uint64_t end = arch_cycles() + nk_ns_to_cycles(2000000000ull);
    while (nk_load(&detached_ran) < 50 && arch_cycles() < end)
        nk_relax();
    NK_CHECK(detached_ran == 50, "%d of 50 detached threads ran", detached_ran);
    struct nk_thread *t = nk_thread_create(detached_body, NULL, 0, NK_THREAD_DETACHED);
    NK_CHECK(t, "create");
    return 0;
}

/* A detached thread's descriptor goes back to its CPU's cache at exit, and the cache is LIFO:
 * the next create there reuses it. Joining the detached thread's handle read flags from that
 * reused descriptor, joined (and freed) the new thread instead and returned 0; a second join
 * of a joined thread freed its descriptor twice (two later creates then shared it). Both must
 * be refused with -1, and the new thread must stay joinable by its owner. */
static volatile int refused_ran;

static void *refused_body(void *a)
{
    (void)a;
    nk_store(&refused_ran, 1);
    return NULL;
}

NK_TEST(thread_join_refused, NK_QUICK)
{
    struct nk_cpu *c = this_cpu();          /* threads are bound: this stays our CPU */
    int before = c->thr_cache_n, want = before ? before : 1;
    refused_ran = 0;
    struct nk_thread *d = nk_thread_create(refused_body, NULL, my_cpu_id(), NK_THREAD_DETACHED);
    NK_CHECK(d, "create");
    uint64_t end = arch_cycles() + nk_ns_to_cycles(2000000000ull);
    while ((!nk_load(&refused_ran) || c->thr_cache_n < want) && arch_cycles() < end)
        nk_yield();                         /* it exits and is freed on this CPU */
    NK_CHECK(refused_ran && c->thr_cache_n >= want, "the detached thread did not finish");
    struct nk_thread *j = nk_thread_create(ret_arg, (void *)42l, my_cpu_id(), 0);
    NK_CHECK(j, "create");
    void *rv = NULL;
    int rc = nk_thread_join(d, &rv);
    NK_CHECK(rc == -1, "joining a detached thread returned %d (it joined %s)", rc,
             (struct nk_thread *)d == j ? "the thread that reused its descriptor" : "something");
    rc = nk_thread_join(j, &rv);
    NK_CHECK(rc == 0 && rv == (void *)42l, "join of the new thread: %d, %p", rc, rv);
    rc = nk_thread_join(j, &rv);
    NK_CHECK(rc == -1, "a second join of a joined thread returned %d", rc);
    NK_CHECK(nk_thread_join(NULL, NULL) == -1, "joining NULL was not refused");
    return 0;
}

static volatile int hold_released;

static void *held(void *a)
{
    uint64_t end = arch_cycles() + nk_ns_to_cycles(2000000000ull);
    while (!nk_load(&hold_released) && arch_cycles() < end)
        nk_relax();
    return a;
}

static void *joiner(void *t)
{
    void *rv = NULL;
    return (void *)(long)(nk_thread_join(t, &rv) == 0 && rv == (void *)7l ? 1 : -1);
}

/* Two joins of one running thread: both waited and both freed it. The first claims it, the
 * second is refused at once. */
NK_TEST(thread_join_claimed_once, NK_QUICK)
{
    hold_released = 0;
    int other = 1 % nk_cpu_count();
    struct nk_thread *h = nk_thread_create(held, (void *)7l, other, 0);
    NK_CHECK(h, "create");
    struct nk_thread *a = nk_thread_create(joiner, h, other, 0);
    NK_CHECK(a, "create");
    uint64_t end = arch_cycles() + nk_ns_to_cycles(2000000000ull);
    while (!nk_load(&h->joinq.nwaiters) && arch_cycles() < end)
        nk_relax();                         /* the first joiner blocks on h */
    int waiting = nk_load(&h->joinq.nwaiters);
    int rc = nk_thread_join(h, NULL);
    nk_store(&hold_released, 1);
    void *ra = NULL;
    nk_thread_join(a, &ra);
    NK_CHECK(waiting == 1, "the first joiner never blocked");
    NK_CHECK(rc == -1, "a second join of a claimed thread returned %d", rc);
    NK_CHECK(ra == (void *)1l, "the first join did not get the thread's value");
    return 0;
}

static long percpu_check(void *arg, int cpu)
{
    struct nk_cpu *c = this_cpu();
    return (c->self == c && c->id == cpu && nk_cpus[cpu] == c && c->cur == nk_thread_self()) ? 0 : 1;
}

NK_TEST(percpu_gs, NK_QUICK)
{
    long bad = nk_on_all_cpus(percpu_check, NULL);
    NK_CHECK(bad == 0, "%ld CPUs see wrong per-CPU data through GS", bad);
    for (int i = 0; i < nk_cpu_count(); i++)
        for (int j = i + 1; j < nk_cpu_count(); j++)
            NK_CHECK(nk_cpus[i]->apic_id != nk_cpus[j]->apic_id, "CPUs %d and %d share APIC id", i, j);
    return 0;
}

NK_TEST(smp_online, NK_QUICK)
{
    NK_CHECK(nk_cpu_count() == nk_boot_params->ncpus, "%d of %d CPUs online", nk_cpu_count(),
             nk_boot_params->ncpus);
    for (int i = 0; i < nk_cpu_count(); i++)
        NK_CHECK(nk_cpus[i] && nk_cpus[i]->online, "CPU %d not online", i);
    return 0;
}

/* Timeouts of any length: a huge one must not wrap to a short one (the port hands its timed
 * waits' int64 ns here), and the conversion must grow with ns (1e16 ns overflowed ns * MHz). */
NK_TEST(time_ns_to_cycles_huge, NK_QUICK)
{
    uint64_t hz = arch_tsc_hz(), day = nk_ns_to_cycles(86400ull * 1000000000ull);
    NK_CHECK(day / 86400 >= hz - hz / 1000 && day / 86400 <= hz + hz / 1000,
             "one day is %lu cycles at %lu Hz", day, hz);
    uint64_t big = nk_ns_to_cycles(10000000000000000ull);            /* 1e16 ns: ~116 days */
    NK_CHECK(big / 10000000 >= hz - hz / 1000, "1e16 ns gave %lu cycles (%lu/s, want %lu)",
             big, big / 10000000, hz);
    uint64_t max = nk_ns_to_cycles(UINT64_MAX), now = arch_cycles();
    NK_CHECK(max >= big, "UINT64_MAX ns gave %lu cycles, fewer than 1e16 ns (%lu)", max, big);
    NK_CHECK(now + max > now, "now + cycles(UINT64_MAX ns) wraps past 2^64");
    NK_CHECK(nk_ns_to_cycles(INT64_MAX) >= big, "INT64_MAX ns gave %lu cycles",
             nk_ns_to_cycles(INT64_MAX));
    return 0;
}

/* The stack grows down onto the descriptor: its first 8 bytes below the stack must be the
 * canary, so that the smallest overflow is caught at the next switch (libc_errno sat there,
 * above the canary, and an overflow of up to 8 bytes went unseen). */
NK_TEST(thread_canary_is_top, NK_QUICK)
{
    struct nk_thread *t = nk_thread_self();
    uint64_t *lowest_stack_word = (uint64_t *)((char *)t + sizeof *t);
    NK_CHECK(lowest_stack_word - 1 == &t->canary, "the canary is %lu bytes below the stack",
             (uint64_t)((char *)lowest_stack_word - (char *)&t->canary));
    return 0;
}
