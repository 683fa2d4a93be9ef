/*
 * Per-CPU data. GS base points at each CPU's struct nk_cpu (first field: itself), which
 * lives in the area the arch gives (arch_cpu_area); at most NK_CPU_AREA_SIZE bytes.
 */
#ifndef NK_CPU_H
#define NK_CPU_H

#include <stdint.h>
#include <nk/arch.h>
#include <nk/list.h>
#include <nk/sync.h>
#include <nk/boot.h>

#define NK_CPU_AREA_SIZE 4096
#define NK_THR_CACHE_MAX 256        /* descriptors a CPU keeps for reuse (2 KiB of pointers) */

struct nk_thread;

struct nk_cpu {
    struct nk_cpu *self;            /* must stay first: arch_this_cpu() reads %gs:0 */
    int id;
    uint32_t apic_id;
    struct nk_thread *cur;          /* running thread */
    struct nk_thread *idle;         /* this CPU's idle thread (its boot context) */
    struct nk_thread *dead;         /* exited thread to finish after the next switch */
    nk_spinlock_t rq_lock;
    struct nk_list rq;              /* READY threads bound to this CPU */
    volatile int nready;
    int preempt_off;                /* > 0: the timer must not switch */
    volatile uint64_t ticks;        /* timer interrupts seen */
    uint64_t switches;
    uint64_t thr_seq;               /* threads created here (their ids derive from it) */
    unsigned next_cpu;              /* round robin of NK_CPU_ANY creates made here */
    int thr_cache_n;                /* free thread descriptors + stacks cached here */
    struct nk_thread *thr_cache[NK_THR_CACHE_MAX];   /* a stack: [n - 1] was freed last */
    volatile int online;
};

_Static_assert(sizeof(struct nk_cpu) <= NK_CPU_AREA_SIZE, "struct nk_cpu too large");

extern struct nk_cpu *nk_cpus[NK_MAX_CPUS];
extern volatile int nk_ncpus;          /* CPUs online */

static inline struct nk_cpu *this_cpu(void) { return arch_this_cpu(); }
static inline int my_cpu_id(void) { return arch_this_cpu()->id; }
int nk_cpu_count(void);

#endif /* NK_CPU_H */
