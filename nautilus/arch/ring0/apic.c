/*
 * Local APIC, xAPIC (MMIO) or x2APIC (MSRs) when CPUID offers it: enable, EOI, IPIs and the
 * periodic timer, whose rate is calibrated against the TSC once on the boot CPU.
 */
#include <nk/printk.h>
#include <nk/arch.h>
#include "ring0.h"

#define MSR_APIC_BASE   0x1b
#define APIC_ID         0x20
#define APIC_EOI        0xb0
#define APIC_SVR        0xf0
#define APIC_ICR_LO     0x300
#define APIC_ICR_HI     0x310
#define APIC_LVT_TIMER  0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR  0x390
#define APIC_TIMER_DIV  0x3e0
#define TIMER_PERIODIC  (1 << 17)
#define TIMER_MASKED    (1 << 16)

static volatile uint32_t *xapic;
static int x2apic;
static uint32_t ticks_per_sec;

static uint32_t rd(uint32_t reg)
{
    return x2apic ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : xapic[reg / 4];
}

static void wr(uint32_t reg, uint32_t v)
{
    if (x2apic)
        wrmsr(0x800 + (reg >> 4), v);
    else
        xapic[reg / 4] = v;
}

void apic_init_cpu(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    uint64_t base = rdmsr(MSR_APIC_BASE);
    x2apic = (r[2] >> 21) & 1;
    base |= 1 << 11;
    if (x2apic)
        base |= 1 << 10;
    wrmsr(MSR_APIC_BASE, base);
    xapic = (volatile uint32_t *)(base & ~0xfffull);
    wr(APIC_SVR, 0x100 | VEC_SPURIOUS);
}

const char *apic_mode(void)
{
    return x2apic ? "x2APIC" : "xAPIC";
}

uint32_t apic_id(void)
{
    if (!xapic && !x2apic)
        return 0;
    return x2apic ? rd(APIC_ID) : rd(APIC_ID) >> 24;
}

void apic_eoi(void)
{
    wr(APIC_EOI, 0);
}

/*
 * The x2APIC ICR is an MSR, and a WRMSR to an x2APIC register is not serializing (Intel SDM
 * vol. 3, "x2APIC register access"): the IPI may leave before this CPU's earlier stores are
 * globally visible. A kick follows the stores that put a thread on the target's run queue;
 * the target could take the IPI, still read nready 0 and halt again until its next tick (for
 * ever with its timer off). MFENCE;LFENCE before the WRMSR, as the SDM recommends, orders
 * them. An xAPIC ICR is uncached MMIO: stores stay in order, no fence needed.
 * SAFETY: ring0 only; writes MSR 0x830 (the ICR) and nothing else.
 */
static void x2apic_write_icr(uint64_t v)
{
    __asm__ __volatile__("mfence; lfence; wrmsr"
                         :: "c"(0x830), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

void apic_send_ipi(uint32_t dest, uint32_t low)
{
    if (x2apic) {
        x2apic_write_icr(((uint64_t)dest << 32) | low);
        return;
    }
    unsigned long f = arch_irq_save();
    xapic[APIC_ICR_HI / 4] = dest << 24;
    xapic[APIC_ICR_LO / 4] = low;
    while (xapic[APIC_ICR_LO / 4] & (1 << 12))     /* delivery pending */
        arch_cpu_relax();
    arch_irq_restore(f);
}

void apic_ipi_all_but_self(int vector)
{
    uint32_t low = (3u << 18) | (1u << 14) | vector;    /* all excluding self, assert */
    if (x2apic)
        x2apic_write_icr(low);
    else
        apic_send_ipi(0, low);
}

/* Count APIC timer ticks (divide by 16) over 10 ms of TSC time. */
int apic_calibrate(void)
{
    wr(APIC_TIMER_DIV, 0x3);
    wr(APIC_LVT_TIMER, TIMER_MASKED | VEC_TIMER);
    wr(APIC_TIMER_INIT, 0xffffffff);
    uint64_t end = arch_cycles() + arch_tsc_hz() / 100;
    while (arch_cycles() < end)
        arch_cpu_relax();
    uint32_t elapsed = 0xffffffff - rd(APIC_TIMER_CUR);
    wr(APIC_TIMER_INIT, 0);
    ticks_per_sec = elapsed * 100;
    printk("apic: %s, timer %u ticks/s (divide 16)\n", apic_mode(), ticks_per_sec);
    if (!ticks_per_sec) {
        printk("apic: timer does not count; no preemption\n");
        return -1;
    }
    return 0;
}

void apic_timer_stop(void)
{
    wr(APIC_LVT_TIMER, TIMER_MASKED | VEC_TIMER);
    wr(APIC_TIMER_INIT, 0);
}

void apic_timer_start(int hz)
{
    if (!ticks_per_sec)
        return;
    wr(APIC_TIMER_DIV, 0x3);
    wr(APIC_LVT_TIMER, TIMER_PERIODIC | VEC_TIMER);
    wr(APIC_TIMER_INIT, ticks_per_sec / hz);
}
