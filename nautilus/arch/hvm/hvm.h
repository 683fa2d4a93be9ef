/*
 * The HVM services shared by every profile that our VMM boots (arch/hvm/): the ROS->HRT call
 * server and the HRT->ROS requests over the communication area. What they need from the
 * profile: the area itself, port output (each `out` is a VM exit), and a bounded idle spin;
 * what they give it: the server loop and the hook its idle thread polls.
 */
#ifndef HVM_H
#define HVM_H

#include <stdint.h>
#include "hvm_comm.h"

/* The VMM's communication area; NULL where no such VMM booted us (QEMU, bare metal). */
extern struct hvm_comm *hvm_comm;

/* SAFETY: ports our VMM serves; at CPL3 the VMM's TSS bitmap allows them, at ring 0 they are
 * plain port writes. The constraints name every operand. */
static inline void hvm_outl(uint16_t port, uint32_t v)
{
    __asm__ __volatile__("outl %0, %1" :: "a"(v), "Nd"(port) : "memory");
}

/* A bounded spin (the profile's idle policy): begin with a budget of cycles, then call more()
 * once per iteration until it returns 0. */
struct hvm_spin {
    uint64_t last, end, gaps;
};
void hvm_spin_begin(struct hvm_spin *s, uint64_t quiet_cycles);
int hvm_spin_more(struct hvm_spin *s);
/* Cycles an idle CPU spins before it parks (dozes); a profile that cannot be woken from a
 * park by the VMM returns UINT64_MAX, so its call servers poll for good. */
uint64_t hvm_idle_cycles(void);
/* A spin budget from the command line (idle_spin_us=...) in cycles, capped at a minute: a
 * larger one (a typo's extra digits) would keep idle vCPUs from ever dozing, each holding a
 * host core for good; the cap also keeps the product from wrapping at any TSC rate. */
#define HVM_SPIN_MAX_US 60000000ull
static inline uint64_t hvm_spin_cycles(uint64_t us, uint64_t tsc_hz)
{
    return tsc_hz / 1000000 * (us < HVM_SPIN_MAX_US ? us : HVM_SPIN_MAX_US);
}

/* Labels what the calling CPU runs from now (a string that outlives the label; NULL: nothing)
 * for the VMM's failure reports; nothing where no VMM booted us. */
void hvm_note_label(const char *label);

/* Serve ROS->HRT calls on the calling thread until a stop call; returns 0 (-1: no VMM). */
int hvm_call_serve(void);
/* For CPU `cpu`'s idle thread: if a call server parked on this CPU has its call (or must
 * stop), wake it and return 1; else return 0 and, when one is parked, the slot it waits
 * for in *seq / *want (so a doze can re-check it). */
int hvm_call_poll_idle(int cpu, volatile uint64_t **seq, uint64_t *want);

#endif /* HVM_H */
