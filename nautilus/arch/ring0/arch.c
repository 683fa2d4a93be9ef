/*
 * The ring0 profile's arch hooks (include/nk/arch.h) and its C entry ring0_boot: serial,
 * multiboot parsing, then the core. arch_init sets up traps, paging, the PICs (masked),
 * the TSC and APIC timer calibration, and finds the CPUs in the ACPI MADT.
 */
#include <nk/arch.h>
#include <nk/cpu.h>
#include <nk/printk.h>
#include <nk/string.h>
#include "ring0.h"
#include "../hvm/hvm.h"

#define MSR_GS_BASE 0xc0000101
#define EXIT_PORT   0xf4
#define TIMER_HZ    100

uint64_t ring0_tsc_hz;
static struct nk_boot boot;
static char cpu_areas[NK_MAX_CPUS][NK_CPU_AREA_SIZE] __attribute__((aligned(4096)));

void ring0_boot(uint32_t magic, uint32_t info) __attribute__((noreturn));
void ring0_boot(uint32_t magic, uint32_t info)
{
    serial_init();
    if (mb_parse(magic, info, &boot) < 0)
        arch_exit(3);
    if (!boot.hrt || !boot.hrt->ncpus)
        boot.ncpus = boot.ncpus_found = 1;
    nk_main(&boot);
}

static void pic_disable(void)
{
    outb(0x20, 0x11); outb(0xa0, 0x11);   /* ICW1: init */
    outb(0x21, 0xf0); outb(0xa1, 0xf8);   /* ICW2: vectors out of the exception range */
    outb(0x21, 0x04); outb(0xa1, 0x02);
    outb(0x21, 0x01); outb(0xa1, 0x01);
    outb(0x21, 0xff); outb(0xa1, 0xff);   /* mask everything: we use the LAPIC only */
}

int arch_init(struct nk_boot *b)
{
    idt_init();
    pic_disable();
    if (paging_init(b) < 0) {
        printk("nautilus: out of memory building page tables\n");
        return -1;
    }
    ring0_tsc_hz = b->tsc_hz ? b->tsc_hz : pit_calibrate_tsc();
    ring0_hvm_init(b, ring0_tsc_hz);
    apic_init_cpu();
    if (b->hrt && b->hrt->ncpus)
        printk("hrt: %d CPUs from the HRT boot info\n", b->ncpus);
    else if (acpi_find_cpus(b) < 0) {
        printk("acpi: no MADT; running on the boot CPU only\n");
        b->apic_ids[0] = apic_id();
    }
    if (paging_guard_null() < 0) {
        printk("nautilus: out of memory building page tables\n");
        return -1;
    }
    acpi_boot_cpu_first(b, apic_id());
    nk_cpus[0]->apic_id = b->apic_ids[0];
    apic_calibrate();
    apic_timer_start(TIMER_HZ);
    return 0;
}

struct nk_cpu *arch_cpu_area(int cpu)
{
    return (struct nk_cpu *)cpu_areas[cpu];
}

void arch_cpu_activate(struct nk_cpu *area)
{
    wrmsr(MSR_GS_BASE, (uint64_t)area);
}

int arch_preemptive(void) { return 1; }
const char *arch_name(void) { return "ring0"; }

/* SAFETY (irq hooks): pushf/popf/cli/sti only change RFLAGS.IF; "memory" keeps the
 * compiler from moving accesses across them. */
unsigned long arch_irq_save(void)
{
    unsigned long f;
    __asm__ __volatile__("pushfq; popq %0; cli" : "=r"(f) :: "memory");
    return f;
}

void arch_irq_restore(unsigned long f)
{
    if (f & 0x200)
        __asm__ __volatile__("sti" ::: "memory");
}

void arch_irq_enable(void) { __asm__ __volatile__("sti" ::: "memory"); }
void arch_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }

void arch_cpu_idle(void)
{
    if (hvm_comm) {
        ring0_hvm_idle();
        return;
    }
    /* SAFETY: sti's one-instruction shadow makes sti;hlt atomic: a kick that arrives
     * after the run-queue check still ends the hlt. */
    __asm__ __volatile__("sti; hlt; cli" ::: "memory");
}

void arch_cpu_kick(int cpu)
{
    apic_send_ipi(nk_cpus[cpu]->apic_id, VEC_KICK);
}

uint64_t arch_tsc_hz(void)
{
    return ring0_tsc_hz ? ring0_tsc_hz : 1000000000ull;
}

void arch_console_write(const char *s, size_t n)
{
    serial_write(s, n);
}

static void stop_others(void)
{
    if (nk_ncpus > 1)
        apic_ipi_all_but_self(VEC_HALT);
}

void arch_exit(int code)
{
    arch_irq_disable();
    stop_others();
    outl(EXIT_PORT, code);                /* QEMU isa-debug-exit: status 2*code+1 */
    for (;;)
        __asm__ __volatile__("cli; hlt");
}

void arch_panic_stop(const char *msg)
{
    (void)msg;
    arch_exit(2);
}
