/*
 * The microbenchmarks, in cycles (rdtsc). Each has a twin of the same name in
 * linux/twins.c measuring the corresponding Linux primitive, with threads placed alike:
 * "remote" means CPU 1 (CPU 0 when there is only one).
 */
#include <nk/bench.h>
#include <nk/thread.h>
#include <nk/waitq.h>
#include <nk/mem.h>
#include <nk/cpu.h>
#include <nk/atomic.h>
#include <nk/printk.h>

#include <nk/bench_params.h>
#include <nk/bench_kernels.h>

#define BATCH    BENCH_CREATE_BATCH
#define CREATE_K BENCH_CREATE_K

/* A time taken on another CPU minus one taken here. The two TSCs may differ by about a tick
 * (26 cycles), so a hand-off faster than that can read negative: it counts as 0, not as a
 * wrapped 2^64. */
static inline uint64_t cross_cpu_delta(uint64_t here, uint64_t there)
{
    return there > here ? there - here : 0;
}

static int remote_cpu(void)
{
    return nk_cpu_count() > 1 ? 1 : 0;
}

/* The placement a cross-CPU benchmark reports: with one CPU its partner runs on the same one. */
static const char *across(const char *placement)
{
    return nk_cpu_count() > 1 ? placement : ",\"placement\":\"same-cpu (one CPU)\"";
}

static void *noop(void *a)
{
    return a;
}

/*
 * Creation alone: the new threads (same CPU) cannot run until we join their batch. One
 * create (~50 cycles) is two ticks of a TSC that advances in 26-cycle steps here, so each
 * sample is the mean over CREATE_K consecutive creates (one rdtsc pair around them); a batch
 * of BATCH threads is then joined. Every create is in some sample: none is dropped.
 */
NK_BENCH(thread_create)
{
    uint64_t *s = kmem_alloc(n * sizeof *s);
    struct nk_thread *t[BATCH];
    if (!s)
        return -1;
    for (int i = 0; i < n;) {
        int m = n - i < BATCH / CREATE_K ? n - i : BATCH / CREATE_K;   /* samples this batch */
        for (int j = 0; j < m; j++) {
            uint64_t t0 = arch_cycles();
            for (int k = 0; k < CREATE_K; k++)
                t[j * CREATE_K + k] = nk_thread_create(noop, NULL, my_cpu_id(), 0);
            s[i + j] = (arch_cycles() - t0) / CREATE_K;
        }
        for (int j = 0; j < m * CREATE_K; j++)
            nk_thread_join(t[j], NULL);
        i += m;
    }
    nk_bench_report("thread_create", s, n, ",\"placement\":\"same-cpu\",\"per_sample\":"
                    BENCH_STR(CREATE_K) ",\"batch\":" BENCH_STR(BATCH));
    kmem_free(s);
    return 0;
}

static volatile uint64_t first_run;

static void *stamp(void *a)
{
    nk_store(&first_run, arch_cycles_ordered());
    return NULL;
}

/* From the create call to the first instruction of the thread on the remote CPU. */
NK_BENCH(thread_create_to_run)
{
    uint64_t *s = kmem_alloc(n * sizeof *s);
    if (!s)
        return -1;
    for (int i = 0; i < n; i++) {
        first_run = 0;
        uint64_t t0 = arch_cycles_ordered();
        struct nk_thread *t = nk_thread_create(stamp, NULL, remote_cpu(), 0);
        while (!nk_load(&first_run))
            nk_relax();
        s[i] = cross_cpu_delta(t0, first_run);
        nk_thread_join(t, NULL);
    }
    nk_bench_report("thread_create_to_run", s, n, across(",\"placement\":\"remote-cpu\""));
    kmem_free(s);
    return 0;
}

static volatile int yield_stop;

static void *yielder(void *a)
{
    while (!nk_load(&yield_stop))
        nk_yield();
    return NULL;
}

struct cs_arg { uint64_t *s; int n; };

static void *cs_measure(void *p)
{
    struct cs_arg *a = p;
    for (int i = 0; i < a->n; i++) {
        uint64_t t0 = arch_cycles();
        for (int k = 0; k < BENCH_SWITCH_K; k++)
            nk_yield();                   /* to the yielder and back: two switches */
        a->s[i] = (arch_cycles() - t0) / (2 * BENCH_SWITCH_K);
    }
    nk_store(&yield_stop, 1);
    return NULL;
}

/* Two threads on the remote CPU yielding to each other; a sample is the mean switch time
 * over BENCH_SWITCH_K round trips. */
NK_BENCH(context_switch)
{
    struct cs_arg a = { kmem_alloc(n * sizeof(uint64_t)), n };
    if (!a.s)
        return -1;
    yield_stop = 0;
    int cpu = remote_cpu();
    struct nk_thread *y = nk_thread_create(yielder, NULL, cpu, 0);
    struct nk_thread *m = nk_thread_create(cs_measure, &a, cpu, 0);
    nk_thread_join(m, NULL);
    nk_thread_join(y, NULL);
    nk_bench_report("context_switch", a.s, n, ",\"placement\":\"same-cpu\",\"per_sample\":"
                    BENCH_STR(BENCH_SWITCH_K) ",\"switches_per_round_trip\":2");
    kmem_free(a.s);
    return 0;
}

static struct nk_event ev_go, ev_ack;
static volatile uint64_t woke_at;

static void *ev_waiter(void *p)
{
    int n = (int)(long)p;
    uint64_t seen = 0;
    for (int i = 0; i < n; i++) {
        seen = nk_event_wait(&ev_go, seen);
        woke_at = arch_cycles_ordered();
        nk_event_signal(&ev_ack);
    }
    return NULL;
}

/* Signal on CPU 0 -> waiter on the remote CPU running again. */
NK_BENCH(event_wakeup)
{
    uint64_t *s = kmem_alloc(n * sizeof *s), ack = 0;
    if (!s)
        return -1;
    nk_event_init(&ev_go);
    nk_event_init(&ev_ack);
    struct nk_thread *w = nk_thread_create(ev_waiter, (void *)(long)n, remote_cpu(), 0);
    for (int i = 0; i < n; i++) {
        nk_sleep_ns(2000);                /* let the waiter reach its wait */
        uint64_t t0 = arch_cycles_ordered();
        nk_event_signal(&ev_go);
        ack = nk_event_wait(&ev_ack, ack);
        s[i] = cross_cpu_delta(t0, woke_at);
    }
    nk_thread_join(w, NULL);
    nk_bench_report("event_wakeup", s, n, across(",\"placement\":\"cross-cpu\""));
    kmem_free(s);
    return 0;
}

static nk_spinlock_t cv_lock = NK_SPINLOCK_INIT;
static struct nk_condvar cv;
static volatile int cv_turn;

static void *cv_partner(void *p)
{
    int n = (int)(long)p;
    for (int i = 0; i < n; i++) {
        nk_spin_lock(&cv_lock);
        while (cv_turn != 1)
            nk_condvar_wait(&cv, &cv_lock);
        cv_turn = 0;
        nk_spin_unlock(&cv_lock);
        nk_condvar_signal(&cv);
    }
    return NULL;
}

/* Hand a turn to the remote CPU and get it back, through a condvar and its lock. */
NK_BENCH(condvar_roundtrip)
{
    uint64_t *s = kmem_alloc(n * sizeof *s);
    if (!s)
        return -1;
    nk_condvar_init(&cv);
    cv_turn = 0;
    struct nk_thread *p = nk_thread_create(cv_partner, (void *)(long)n, remote_cpu(), 0);
    for (int i = 0; i < n; i++) {
        uint64_t t0 = arch_cycles_ordered();
        nk_spin_lock(&cv_lock);
        cv_turn = 1;
        nk_condvar_signal(&cv);
        while (cv_turn != 0)
            nk_condvar_wait(&cv, &cv_lock);
        nk_spin_unlock(&cv_lock);
        s[i] = arch_cycles_ordered() - t0;
    }
    nk_thread_join(p, NULL);
    nk_bench_report("condvar_roundtrip", s, n, across(",\"placement\":\"cross-cpu\""));
    kmem_free(s);
    return 0;
}

/* Lock + unlock, averaged over BENCH_SPIN_K pairs per sample. */
NK_BENCH(spinlock_uncontended)
{
    static nk_spinlock_t l = NK_SPINLOCK_INIT;
    uint64_t *s = kmem_alloc(n * sizeof *s);
    if (!s)
        return -1;
    for (int i = 0; i < n; i++) {
        uint64_t t0 = arch_cycles();
        for (int j = 0; j < BENCH_SPIN_K; j++) {
            nk_spin_lock(&l);
            nk_spin_unlock(&l);
        }
        s[i] = (arch_cycles() - t0) / BENCH_SPIN_K;
    }
    nk_bench_report("spinlock_uncontended", s, n, ",\"per_sample\":" BENCH_STR(BENCH_SPIN_K));
    kmem_free(s);
    return 0;
}

/* One 4 KiB page from the buddy allocator and back, averaged over BENCH_PAGE_K pairs. */
NK_BENCH(buddy_alloc_free)
{
    uint64_t *s = kmem_alloc(n * sizeof *s);
    if (!s)
        return -1;
    for (int i = 0; i < n; i++) {
        uint64_t t0 = arch_cycles();
        for (int k = 0; k < BENCH_PAGE_K; k++) {
            void *p = mem_alloc_pages(0, -1);
            mem_free_pages(p);
        }
        s[i] = (arch_cycles() - t0) / BENCH_PAGE_K;
    }
    nk_bench_report("buddy_alloc_free", s, n, ",\"bytes\":4096,\"per_sample\":" BENCH_STR(BENCH_PAGE_K));
    kmem_free(s);
    return 0;
}

static volatile uint64_t alu_sink;

/* Compute, no kernel service involved: the twins run the same code natively (bench_kernels.h),
 * so the ratio tells whether guest code runs at the host's speed. One sample = one call. */
NK_BENCH(compute_alu)
{
    uint64_t *s = kmem_alloc(n * sizeof *s);
    if (!s)
        return -1;
    for (int i = 0; i < n; i++) {
        uint64_t t0 = arch_cycles();
        alu_sink = bk_alu(t0, BK_ALU_ITERS);
        s[i] = arch_cycles() - t0;
    }
    nk_bench_report("compute_alu", s, n, ",\"placement\":\"same-cpu\",\"iterations\":" BENCH_STR(BK_ALU_ITERS));
    kmem_free(s);
    return 0;
}

NK_BENCH(compute_stencil)
{
    uint64_t *s = kmem_alloc(n * sizeof *s);
    int64_t *in = kmem_alloc(2 * BK_CELLS * sizeof *in);
    if (!s || !in) {
        kmem_free(s);
        kmem_free(in);
        return -1;
    }
    int64_t *out = in + BK_CELLS;
    bk_stencil_init(in, out);
    for (int i = 0; i < n; i++) {
        uint64_t t0 = arch_cycles();
        bk_stencil(in, out);
        s[i] = arch_cycles() - t0;
    }
    nk_bench_report("compute_stencil", s, n, ",\"placement\":\"same-cpu\",\"tile\":\"" BENCH_STR(BK_TILE) "x" BENCH_STR(BK_TILE) "\"");
    kmem_free(in);
    kmem_free(s);
    return 0;
}
