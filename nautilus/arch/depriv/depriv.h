/*
 * Internal interfaces of the deprivileged profile (not seen by the core): port I/O to our
 * VMM (every `out` is a VM exit: rare events only), the doze handshake and the idle policy
 * behind arch/hvm's spins (the call server and rings themselves are arch/hvm/).
 */
#ifndef DEPRIV_H
#define DEPRIV_H

#include <stdint.h>
#include <nk/boot.h>
#include "../hvm/hvm.h"

/* SAFETY: port I/O at CPL3 is allowed by the VMM's TSS bitmap and becomes a VM exit that
 * our VMM serves; the constraints name every operand. */
static inline void depriv_outb(uint16_t port, uint8_t v)
{
    __asm__ __volatile__("outb %0, %1" :: "a"(v), "Nd"(port) : "memory");
}

/* The VMM's boot info (valid from the first instruction; hvm_comm with it). */
extern struct hrt_boot_info *depriv_bi;

/* Park CPU `cpu` (the caller's) in the VMM until its doorbell rings, unless *seq already
 * equals want or the CPU has ready threads (seq may be NULL). The VMM bounds a doze (10 ms);
 * returns 1 if there is a reason to look for work (wake, ready threads, *seq == want). */
int depriv_doze(int cpu, volatile uint64_t *seq, uint64_t want);
/* The idle policy (idle.c): reads idle_spin_us, idle_spin_busy_us, idle_adapt, idle_stats. */
void depriv_idle_init(const char *cmdline, uint64_t tsc_hz);
/* This profile's hvm_idle_cycles (idle.c): an idle CPU spins that long before dozing on a
 * quiet host (cmdline idle_spin_us, default 1000); this one while the host is busy
 * (idle_spin_busy_us, default 300, with idle_adapt=1; else the quiet budget). Its hvm_spin_*
 * watch for the host taking this vCPU off its core (counted in gaps); with idle_adapt=1 a
 * busy host gets the shorter budget. */
uint64_t depriv_idle_busy_cycles(void);
/* With idle_stats=1: one console line per CPU (idles, gaps, dozes, kicks). */
void depriv_idle_report(void);

#endif /* DEPRIV_H */
