/*
 * Thread life cycle: create (descriptor + stack from a per-CPU cache, initial frame built
 * by hand, enqueue, kick), start, exit, join, sleep.
 */
#include <nk/cpu.h>
#include <nk/thread.h>
#include <nk/mem.h>
#include <nk/printk.h>
#include <nk/atomic.h>

#define NK_CANARY        0x5354434b43414e41ull
#define THR_STACK_ORDER  2              /* 16 KiB */
#define THR_CACHE_FILL   64             /* descriptors each CPU caches at bring-up (1 MiB) */
#define THR_BOOT_FILL    16             /* ... of which the boot CPU caches before ready */
#define THR_FILL_MIN_FREE (64ull << 20) /* ... when at least this much memory is free */
#define THR_JOIN_CLAIMED (1 << 30)      /* flags: a join owns this thread (set under joinq) */

void nk_thread_entry(void);
void nk_sched_finish(struct nk_cpu *c);
void nk_sched_enqueue(struct nk_thread *t, int wake);

/*
 * A descriptor from this CPU's cache (else the buddy allocator) and a fresh id. Nothing here
 * is shared with other CPUs and nothing is a locked instruction: a lock prefix right after the
 * first stores into a descriptor whose line is not in L1 would wait for that miss to complete
 * (it drains the store buffer), which made a few percent of creates 5-10x slower.
 * Ids are unique without a global counter: a per-CPU sequence number times NK_MAX_CPUS plus
 * the creating CPU's index (never 0, which is the idle threads' id).
 */
static struct nk_thread *thr_alloc(uint64_t *id)
{
    unsigned long f = arch_irq_save();
    struct nk_cpu *c = this_cpu();
    struct nk_thread *t = c->thr_cache_n ? c->thr_cache[--c->thr_cache_n] : NULL;
    *id = ++c->thr_seq * NK_MAX_CPUS + (uint64_t)c->id;
    arch_irq_restore(f);
    return t ? t : mem_alloc_pages(THR_STACK_ORDER, -1);
}

void nk_thread_free(struct nk_thread *t)
{
    t->state = NK_THR_FREE;               /* a late second join sees it while nothing reused t */
    unsigned long f = arch_irq_save();
    struct nk_cpu *c = this_cpu();
    if (c->thr_cache_n < NK_THR_CACHE_MAX) {
        /* LIFO: the next create reuses the block freed last, still in this CPU's cache. */
        c->thr_cache[c->thr_cache_n++] = t;
        t = NULL;
    }
    arch_irq_restore(f);
    if (t)
        mem_free_pages(t);
}

/* Writes the lines a create writes (descriptor, initial frame): the block's first use then
 * finds them mapped and cached instead of paying first-touch faults and misses. */
static void thr_touch(struct nk_thread *t)
{
    t->state = NK_THR_EXITED;
    t->done = 0;
    uint64_t *top = (uint64_t *)((char *)t + NK_THREAD_STACK);
    top[-1] = 0;
    top[-9] = 0;
}

/*
 * Adds one block to this CPU's descriptor cache while its bring-up fill is unfinished, so that
 * creation never takes the buddy allocator's path in the common case, not even for the first
 * threads a runtime starts. Runs on the CPU itself, so the blocks come from its own memory
 * node. Returns 0 once the fill is done (then never allocates again: a CPU's cache only grows
 * by frees later). The boot CPU caches THR_BOOT_FILL before the kernel reports ready, and every
 * CPU fills the rest in its idle loop: each first touch of a block is a host page fault under
 * the HVM (~5 us), and the fills used to delay ready by their whole length.
 */
static volatile char filled[NK_MAX_CPUS];   /* written by its own CPU only */

int nk_thread_cache_fill_step(void)
{
    struct nk_cpu *c = this_cpu();
    if (filled[c->id])
        return 0;
    struct nk_thread *t = c->thr_cache_n < THR_CACHE_FILL && mem_free_bytes() > THR_FILL_MIN_FREE
                          ? mem_alloc_pages(THR_STACK_ORDER, -1) : NULL;
    if (!t) {
        filled[c->id] = 1;
        return 0;
    }
    thr_touch(t);
    nk_thread_free(t);
    return 1;
}

void nk_thread_cache_fill(void)
{
    while (nk_thread_cache_fill_step())
        ;
}

int nk_thread_cache_all_filled(void)
{
    for (int i = 0; i < nk_ncpus; i++)
        if (!filled[i])
            return 0;
    return 1;
}

/* The boot CPU's part before ready: enough for a runtime's first threads; the rest of its fill
 * happens in its idle loop like the other CPUs' (each block costs ~6 us of first-touch exits
 * under PVM: the whole fill was ~0.38 ms of every boot). */
void nk_thread_cache_prefill(void)
{
    while (this_cpu()->thr_cache_n < THR_BOOT_FILL && nk_thread_cache_fill_step())
        ;
}

/* Initial frame popped by nk_switch, then "returns" into nk_thread_entry with r12 = t. */
static void build_frame(struct nk_thread *t)
{
    uint64_t *top = (uint64_t *)((char *)t + NK_THREAD_STACK);
    uint64_t *sp = top - 3;               /* rsp is 16-aligned after the final ret */
    *sp = (uint64_t)nk_thread_entry;
    *--sp = 0;                            /* rbp */
    *--sp = 0;                            /* rbx */
    *--sp = (uint64_t)t;                  /* r12 */
    *--sp = 0;                            /* r13 */
    *--sp = 0;                            /* r14 */
    *--sp = 0;                            /* r15 */
    t->rsp = (uint64_t)sp;
}

struct nk_thread *nk_thread_create(nk_thread_fn fn, void *arg, int cpu, int flags)
{
    int n = nk_ncpus;
    if (cpu == NK_CPU_ANY)                /* round robin, per creating CPU (no shared line) */
        cpu = (int)((this_cpu()->next_cpu++ + (unsigned)my_cpu_id()) % (unsigned)n);
    if (cpu < 0 || cpu >= n)
        return NULL;
    uint64_t id;
    struct nk_thread *t = thr_alloc(&id);
    if (!t)
        return NULL;
    t->state = NK_THR_READY;
    t->cpu = cpu;
    t->flags = flags & NK_THREAD_DETACHED;   /* the only flag a caller sets */
    t->id = id;
    t->fn = fn;
    t->arg = arg;
    t->retval = NULL;
    t->done = 0;
    t->canary = NK_CANARY;
    t->libc_errno = 0;
    nk_waitq_init(&t->joinq);
    build_frame(t);
    nk_sched_enqueue(t, 0);
    /* t may already have run, exited and been freed (and reused) if it is detached. */
    return flags & NK_THREAD_DETACHED ? NK_THREAD_DETACHED_HANDLE : t;
}

/* Called by nk_thread_entry on the new stack, interrupts still disabled. */
void nk_thread_start(struct nk_thread *t) __attribute__((noreturn));
void nk_thread_start(struct nk_thread *t)
{
    nk_sched_finish(this_cpu());
    arch_irq_enable();
    nk_thread_exit(t->fn(t->arg));
}

void nk_thread_exit(void *retval)
{
    arch_irq_disable();
    struct nk_cpu *c = this_cpu();
    struct nk_thread *t = c->cur;
    t->retval = retval;
    t->state = NK_THR_EXITED;
    c->dead = t;
    nk_sched_block();
    panic("nk_thread_exit: thread %lu resumed after exit", t->id);
}

static int is_done(void *arg)
{
    return ((struct nk_thread *)arg)->done;
}

/* Claims t for this join under its join queue's lock: the first join of a live thread wins;
 * a detached one (its own nk_thread_self, say), a claimed one or a freed descriptor is refused.
 * The detached handle is refused without a look at memory: its thread may be long gone. */
static int join_claim(struct nk_thread *t)
{
    if (!t || t == NK_THREAD_DETACHED_HANDLE)
        return 0;
    unsigned long f = nk_spin_lock_irq(&t->joinq.lock);
    int ok = t->state != NK_THR_FREE && !(t->flags & (NK_THREAD_DETACHED | THR_JOIN_CLAIMED));
    if (ok)
        t->flags |= THR_JOIN_CLAIMED;
    nk_spin_unlock_irq(&t->joinq.lock, f);
    return ok;
}

int nk_thread_join(struct nk_thread *t, void **retval)
{
    if (!join_claim(t))
        return -1;
    nk_waitq_wait(&t->joinq, is_done, t);
    if (retval)
        *retval = t->retval;
    nk_thread_free(t);
    return 0;
}

struct nk_thread *nk_thread_self(void)
{
    return this_cpu()->cur;
}

/* Exact and saturating: ns * (hz / 1e6) wrapped past 2^64 from ~7e15 ns (81 days at 2.6 GHz),
 * so a long timeout (the port passes int64 ns of its timed waits) became a short one. Whole
 * seconds and the rest apart keep every product in range (rest * hz < 1e9 * 18 GHz). */
uint64_t nk_ns_to_cycles(uint64_t ns)
{
    uint64_t hz = arch_tsc_hz(), s = ns / 1000000000ull, rest = ns % 1000000000ull;
    if (s >= NK_CYCLES_MAX / hz)
        return NK_CYCLES_MAX;
    uint64_t c = s * hz + rest * hz / 1000000000ull;
    return c < NK_CYCLES_MAX ? c : NK_CYCLES_MAX;
}

void nk_sleep_ns(uint64_t ns)
{
    uint64_t end = arch_cycles() + nk_ns_to_cycles(ns);
    while (arch_cycles() < end)
        nk_relax();
}
