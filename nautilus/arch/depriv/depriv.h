/*
 * Internal interfaces of the deprivileged profile (not seen by the core): port I/O to our
 * VMM (every `out` is a VM exit: rare events only), the communication area, the doze
 * handshake, and the call server started by the hvm_serve pseudo-test.
 */
#ifndef DEPRIV_H
#define DEPRIV_H

#include <stdint.h>
#include <nk/boot.h>
#include "hvm_comm.h"

/* SAFETY: port I/O at CPL3 is allowed by the VMM's TSS bitmap and becomes a VM exit that
 * our VMM serves; the constraints name every operand. */
static inline void depriv_outb(uint16_t port, uint8_t v)
{
    __asm__ __volatile__("outb %0, %1" :: "a"(v), "Nd"(port) : "memory");
}

static inline void depriv_outl(uint16_t port, uint32_t v)
{
    __asm__ __volatile__("outl %0, %1" :: "a"(v), "Nd"(port) : "memory");
}

/* The VMM's boot info and communication area (valid from the first instruction). */
extern struct hrt_boot_info *depriv_bi;
extern struct hvm_comm *depriv_comm;

/* Park CPU `cpu` (the caller's) in the VMM until its doorbell rings, unless *seq already
 * equals want or the CPU has ready threads (seq may be NULL). The VMM bounds a doze (10 ms);
 * returns 1 if there is a reason to look for work (wake, ready threads, *seq == want). */
int depriv_doze(int cpu, volatile uint64_t *seq, uint64_t want);
/* The idle policy (idle.c): reads idle_spin_us, idle_spin_busy_us, idle_adapt, idle_stats. */
void depriv_idle_init(const char *cmdline, uint64_t tsc_hz);
/* Cycles an idle CPU spins before dozing on a quiet host (cmdline idle_spin_us, default 1000). */
uint64_t depriv_idle_cycles(void);
/* ... and while the host is busy (idle_spin_busy_us, default 300, with idle_adapt=1; else the
 * quiet budget). */
uint64_t depriv_idle_busy_cycles(void);
/* A bounded spin that watches for the host taking this vCPU off its core (counted in gaps):
 * begin with the budget for a quiet host (with idle_adapt=1 a busy host gets the shorter busy
 * budget), then call more() once per iteration until it returns 0. Restart it after running
 * anything long in between. */
struct depriv_spin {
    uint64_t last, end, gaps;
};
void depriv_spin_begin(struct depriv_spin *s, uint64_t quiet_cycles);
int depriv_spin_more(struct depriv_spin *s);
/* With idle_stats=1: one console line per CPU (idles, gaps, dozes, kicks). */
void depriv_idle_report(void);

/* Serve ROS->HRT calls on the calling thread until a stop call; returns 0. */
int depriv_call_serve(void);
/* For CPU `cpu`'s idle thread: if a call server parked on this CPU has its call (or must
 * stop), wake it and return 1; else return 0 and, when one is parked, the slot it waits
 * for in *seq / *want (so a doze can re-check it). */
int depriv_call_poll_idle(int cpu, volatile uint64_t **seq, uint64_t *want);

#endif /* DEPRIV_H */
