/*
 * SMP bring-up: copy the trampoline below 1 MiB, then INIT-SIPI-SIPI each AP in turn; the AP
 * loads the IDT, enables its LAPIC and timer and enters the core (nk_ap_main).
 */
#include <nk/string.h>
#include <nk/printk.h>
#include <nk/arch.h>
#include <nk/atomic.h>
#include "ring0.h"

#define TRAMP_BASE 0x8000
#define TIMER_HZ   100

extern char ap_tramp_start[], ap_tramp_end[], ap_tramp_cr3[], ap_tramp_stack[], ap_tramp_cpu[];
extern char boot_pml4[];

volatile int ring0_ap_up;

static void *tramp(char *sym)
{
    return (void *)(TRAMP_BASE + (sym - ap_tramp_start));
}

void ring0_ap_main(int cpu) __attribute__((noreturn));
void ring0_ap_main(int cpu)
{
    idt_load();
    write_cr3(ring0_cr3);
    apic_init_cpu();
    apic_timer_start(TIMER_HZ);
    nk_store(&ring0_ap_up, 1);
    nk_ap_main(cpu);
}

/* An AP loads its own IDT, page tables and local APIC: it must run before it takes work. */
int arch_cpu_setup_remote(void) { return 0; }

int arch_cpu_start(struct nk_boot *b, int cpu, uint64_t stack_top)
{
    uint32_t id = b->apic_ids[cpu];
    memcpy((void *)TRAMP_BASE, ap_tramp_start, ap_tramp_end - ap_tramp_start);
    *(uint64_t *)tramp(ap_tramp_cr3) = (uint64_t)boot_pml4;   /* < 4 GiB, maps the tramp */
    *(uint64_t *)tramp(ap_tramp_stack) = stack_top;
    *(uint32_t *)tramp(ap_tramp_cpu) = cpu;
    ring0_ap_up = 0;
    apic_send_ipi(id, 0x4500);                      /* INIT, assert */
    pit_delay_us(10000);
    for (int i = 0; i < 2 && !nk_load(&ring0_ap_up); i++) {
        apic_send_ipi(id, 0x4600 | (TRAMP_BASE >> 12));   /* SIPI */
        pit_delay_us(200);
    }
    uint64_t end = arch_cycles() + arch_tsc_hz();          /* 1 s */
    while (!nk_load(&ring0_ap_up))
        if (arch_cycles() > end)
            return -1;
    return 0;
}
