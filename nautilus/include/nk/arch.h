/*
 * The arch interface: every privileged operation the core needs, and nothing else.
 * Each directory under arch/ (ring0: IDT/LAPIC/hlt; depriv: CPL3 under our VMM) implements
 * all of these hooks; the core (threads, scheduler, sync, memory, tests) calls only them and
 * never contains a privileged instruction or an #ifdef on the profile.
 */
#ifndef NK_ARCH_H
#define NK_ARCH_H

#include <stdint.h>
#include <stddef.h>

struct nk_boot;
struct nk_cpu;

/* ---- Entry points the arch calls in the core ---------------------------------------- */

/* Boot CPU, once: b is filled by the arch (cmdline, memory regions, CPUs, tsc_hz). The
 * arch has set up a stack, the console and GS for CPU 0 is NOT yet set. Never returns. */
void nk_main(struct nk_boot *b) __attribute__((noreturn));
/* Every other CPU, once, on its own boot stack, after arch_cpu_start() began it. */
void nk_ap_main(int cpu) __attribute__((noreturn));
/* Timer interrupt (preemptive profiles only), interrupts disabled, after the EOI. */
void nk_sched_tick(void);

/* ---- Hooks the core calls in the arch ------------------------------------------------ */

/* After the core's memory allocator works (buddy, kmem), on the boot CPU: traps, page
 * tables, interrupt controller, timer calibration. 0 on success, else a negative code
 * after printing the reason. */
int arch_init(struct nk_boot *b);
/* Start CPU `cpu` (1 <= cpu < b->ncpus); it must call nk_ap_main(cpu). stack_top is a
 * stack the core allocated for its boot context (the arch may ignore it when the VMM
 * already gave one). Returns 0 once the CPU runs, or a negative code. */
int arch_cpu_start(struct nk_boot *b, int cpu, uint64_t stack_top);
/* 1 if the boot CPU may set up another CPU's area and hand it work before that CPU runs its
 * first instruction, so ready need not wait for it (depriv: the VMM gave every vCPU its GS
 * base and stack, and a vCPU the host has not run yet is no different from one it preempted);
 * 0 if each CPU must bring itself up first (ring0: its GDT, IDT, local APIC). */
int arch_cpu_setup_remote(void);
/* Per-CPU area: memory of at least NK_CPU_AREA_SIZE bytes for CPU `cpu`'s struct nk_cpu
 * (ring0: a static array; depriv: percpu_base + cpu * HRT_PERCPU_STRIDE set by the VMM). */
struct nk_cpu *arch_cpu_area(int cpu);
/* Make the calling CPU's GS base point to area (ring0: wrmsr; depriv: already done). */
void arch_cpu_activate(struct nk_cpu *area);
/* 1 if the timer preempts threads (ring0), 0 if scheduling is cooperative (depriv). */
int arch_preemptive(void);
/* Name of the profile: "ring0", "depriv". */
const char *arch_name(void);

/* Interrupt flag. On cooperative profiles these are no-ops (save returns 0). */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
void arch_irq_disable(void);

/* Idle: called with interrupts disabled by the idle thread after it saw an empty run
 * queue. Wait for a kick (or any event) with interrupts atomically re-enabled, then
 * return with them disabled again. May return spuriously. */
void arch_cpu_idle(void);
/* Make `cpu` re-check its run queue soon (ring0: an IPI; depriv: a doorbell/poll). */
void arch_cpu_kick(int cpu);
/* CPU c just switched threads (c->switches counts it); busy: the new one is not its idle
 * thread. Under our VMM this is what its watchdog reads; elsewhere nothing. */
void arch_note_switch(struct nk_cpu *c, int busy);
/* A thread spins (nk_relax) on this CPU with nothing else ready, so its idle thread cannot run:
 * do the arch's part of the idle poll here (arch/hvm: wake a parked call server whose call came;
 * one load when none is parked). */
void arch_relax_poll(void);

/* TSC frequency in Hz (from the boot info, else calibrated by arch_init). */
uint64_t arch_tsc_hz(void);

/* Console bytes out (serial COM1); called with the console lock held. */
void arch_console_write(const char *s, size_t n);

/* Stop every CPU and leave: code 0 = all passed, 1 = test failures, 2 = panic,
 * 3 = bad input. Under QEMU isa-debug-exit (port 0xf4) the exit status is 2*code+1. */
void arch_exit(int code) __attribute__((noreturn));
/* After the core printed a panic: stop every CPU and signal the VMM/QEMU (code 2). */
void arch_panic_stop(const char *msg) __attribute__((noreturn));

/* Map [pa, pa+len) at va (2 MiB aligned) in the kernel address space.
 * NK_MAP_* flags. 0 on success, -1 if unsupported (depriv: the VMM maps) or no memory. */
#define NK_MAP_WRITE   1
#define NK_MAP_NOCACHE 2
int arch_map_range(uint64_t va, uint64_t pa, uint64_t len, int flags);

/* ---- Unprivileged helpers every x86-64 profile shares (inline for the hot paths) ---- */

/* SAFETY: rdtsc is allowed at CPL3 unless CR4.TSD is set, which neither profile does. */
static inline uint64_t arch_cycles(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* The TSC read in program order: rdtsc alone may execute before earlier loads complete (a
 * waiter's stamp taken while the load that saw the wake-up was still in flight) or after later
 * stores; the fences pin it between them. For timing hand-offs between CPUs. */
static inline uint64_t arch_cycles_ordered(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* SAFETY: pause is a hint with no side effect. */
static inline void arch_cpu_relax(void)
{
    __asm__ __volatile__("pause" ::: "memory");
}

/* The calling CPU's struct nk_cpu: GS base points at it and its first field is itself.
 * SAFETY: a plain GS-relative load; both profiles set the GS base before any core code. */
static inline struct nk_cpu *arch_this_cpu(void)
{
    struct nk_cpu *c;
    __asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
    return c;
}

#endif /* NK_ARCH_H */
