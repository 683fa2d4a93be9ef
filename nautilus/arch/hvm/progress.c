/*
 * Per-CPU progress for the VMM's watchdog (hvm_comm.h): each switch publishes the CPU's
 * switch count and whether it now runs a thread. The VMM reads the words from outside, so it
 * finds a CPU that one thread keeps (a task that never returns) without asking the kernel,
 * whose call server may be on that very CPU. Likewise a label of what each CPU runs, which
 * the VMM prints when that CPU faults (no kernel code runs after a fault at CPL3).
 */
#include <nk/cpu.h>
#include <nk/arch.h>
#include "hvm.h"

void arch_note_switch(struct nk_cpu *c, int busy)
{
    if (hvm_comm)
        hvm_comm->cpu[c->id].progress = c->switches << 1 | (busy ? 1 : 0);
}

void hvm_note_label(const char *label)
{
    if (hvm_comm)
        hvm_comm->cpu_label[this_cpu()->id] = (uint64_t)(uintptr_t)label;
}
