/*
 * Threads: cheap, bound to a CPU, created from per-CPU descriptor+stack caches, scheduled
 * round-robin from per-CPU run queues; preempted by the timer where the arch is preemptive,
 * cooperative otherwise (every wait loop in the core yields).
 */
#ifndef NK_THREAD_H
#define NK_THREAD_H

#include <stdint.h>
#include <nk/list.h>
#include <nk/waitq.h>

struct nk_cpu;

#define NK_THREAD_STACK   (16 * 1024)   /* descriptor at the bottom, stack above it */
#define NK_CPU_ANY        (-1)          /* let the kernel pick a CPU (round robin) */
#define NK_THREAD_DETACHED 1            /* freed at exit, cannot be joined */
/* What nk_thread_create returns for a DETACHED thread: a detached thread may exit and its
 * descriptor be reused before create even returns, so the caller gets no pointer to it. The
 * address is in the unmapped page 0 (a dereference faults at once); nk_thread_join refuses it
 * without touching memory. */
#define NK_THREAD_DETACHED_HANDLE ((struct nk_thread *)0x10)

/* FREE: the descriptor sits in a cache or was given back (joined, or a detached thread's). */
enum nk_thread_state { NK_THR_READY, NK_THR_RUNNING, NK_THR_WAITING, NK_THR_EXITED, NK_THR_FREE };

typedef void *(*nk_thread_fn)(void *arg);

struct nk_thread {
    uint64_t rsp;                   /* saved stack pointer: must stay first (switch.S) */
    volatile int state;
    int cpu;
    int flags;
    uint64_t id;
    nk_thread_fn fn;
    void *arg;
    void *retval;
    struct nk_list link;            /* run queue, wait queue or cache */
    struct nk_waitq joinq;
    volatile int done;              /* stack no longer in use: safe to free */
    int libc_errno;                 /* errno of a C library linked into the kernel (the HRT's) */
    uint64_t canary;                /* last: the first word a stack overflow overwrites */
};
_Static_assert(offsetof(struct nk_thread, canary) + sizeof(uint64_t) == sizeof(struct nk_thread),
               "the canary must end the descriptor");

/* Create a thread running fn(arg) on `cpu` (or NK_CPU_ANY); enqueue it and kick the CPU.
 * Returns the thread (owned by the caller until nk_thread_join), NK_THREAD_DETACHED_HANDLE
 * for a DETACHED one, or NULL when out of memory or cpu is not online. */
struct nk_thread *nk_thread_create(nk_thread_fn fn, void *arg, int cpu, int flags);
/* Fills the calling CPU's descriptor cache: a first part on the boot CPU before ready
 * (prefill), the rest step by step in every CPU's idle loop (fill_step); fill completes it at
 * once (benchmarks of creation start from the filled cache). */
void nk_thread_cache_fill(void);
void nk_thread_cache_prefill(void);
int nk_thread_cache_all_filled(void);  /* every online CPU has finished its bring-up fill */
int nk_thread_cache_fill_step(void);   /* one block of the bring-up fill; 0 when done */
/* Wait for t to exit, store its return value, free it. 0 on success; -1, at once and with
 * nothing freed, for NULL, a detached thread, a thread another join already claimed, and a
 * joined thread whose descriptor was not reused yet. Joining a descriptor that a later create
 * reused joins that new thread: a thread must be joined exactly once. */
int nk_thread_join(struct nk_thread *t, void **retval);
void nk_thread_exit(void *retval) __attribute__((noreturn));
void nk_yield(void);
/* Busy-wait step: yield if another thread is ready here, else pause. Use in every spin. */
void nk_relax(void);
void nk_sleep_ns(uint64_t ns);
struct nk_thread *nk_thread_self(void);

/* Scheduler internals shared with waitq/condvar/event. */
void nk_sched_block(void);          /* irqs off, state already WAITING: switch away */
void nk_sched_wake(struct nk_thread *t);
void nk_sched_init_cpu(struct nk_cpu *c, int id);
void nk_sched_idle_loop(void) __attribute__((noreturn));
void nk_preempt_disable(void);
void nk_preempt_enable(void);
/* ns -> TSC cycles, at most NK_CYCLES_MAX: "now + nk_ns_to_cycles(any ns)" never wraps (the
 * TSC counts from reset, far below 2^62), so a huge timeout means "practically forever". */
#define NK_CYCLES_MAX (1ull << 62)
uint64_t nk_ns_to_cycles(uint64_t ns);

#endif /* NK_THREAD_H */
