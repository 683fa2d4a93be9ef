/*
 * The deprivileged profile's arch hooks (include/nk/arch.h): the kernel runs at CPL3 under
 * our VMM (hvm/), which started every CPU in long mode with its stack and GS base. So:
 * no interrupts (the irq hooks are no-ops, scheduling is cooperative), idle and kicks in
 * idle.c (an adaptive pause spin, then a doze in the VMM; a doorbell, plus a kick exit only
 * when the target dozes), console = the log ring (no exits; COM1 only before it is known).
 */
#include <nk/arch.h>
#include <nk/cpu.h>
#include <nk/printk.h>
#include <nk/string.h>
#include <nk/atomic.h>
#include <nk/cmdline.h>
#include "depriv.h"

struct hrt_boot_info *depriv_bi;
struct hvm_comm *hvm_comm;   /* arch/hvm/hvm.h */
static struct nk_boot boot;
static uint64_t tsc_hz;
static volatile int ap_go[NK_MAX_CPUS];

void depriv_start(struct hrt_boot_info *bi, uint64_t cpu) __attribute__((noreturn));

static void fill_boot(struct hrt_boot_info *bi)
{
    strncpy_z(boot.cmdline, (const char *)bi->cmdline, sizeof boot.cmdline);
    boot.cmdline_cut = strnlen((const char *)bi->cmdline, sizeof boot.cmdline) == sizeof boot.cmdline;
    /* Only RAM and the guarded stacks go to the core, as from a multiboot map; the VMM's
     * reserved low MiB, the image and the merged region stay in bi->regions for whoever needs them. */
    boot.nregions = 0;
    for (uint32_t i = 0; i < bi->nregions && i < HRT_MAX_REGIONS; i++) {
        uint32_t type = bi->regions[i].type;
        if ((type != HRT_REGION_RAM && type != HRT_REGION_STACKS) || boot.nregions == NK_MAX_REGIONS)
            continue;
        struct nk_region *r = &boot.regions[boot.nregions++];
        r->base = bi->regions[i].base;
        r->len = bi->regions[i].len;
        r->type = bi->regions[i].type;
        r->node = bi->regions[i].node;
    }
    boot.ncpus = boot.ncpus_found = (int)bi->ncpus;
    if (boot.ncpus > NK_MAX_CPUS)
        boot.ncpus = NK_MAX_CPUS;
    for (int i = 0; i < boot.ncpus; i++)
        boot.apic_ids[i] = bi->cpus[i].apic_id;
    boot.tsc_hz = bi->tsc_hz;
    boot.profile = HRT_PROFILE_DEPRIV;
    boot.loader = "hrt";
    boot.hrt = bi;
    boot.log_ring = (struct hrt_log_ring *)bi->log_ring;
}

/* Secondary CPUs wait here until arch_cpu_start releases them: spin first (boot takes a
 * millisecond or two, and a doze/wake costs a host thread wake-up), then doze. The spin is
 * cut short when the host turns out to be busy (idle.c), where it would only keep CPU 0's
 * vCPU off the host core it needs to finish booting. */
static void ap_wait(int cpu)
{
    uint64_t spin = depriv_bi->tsc_hz ? depriv_bi->tsc_hz / 200 : 10000000;   /* ~5 ms */
    while (!nk_load(&ap_go[cpu])) {
        struct hvm_spin s;
        hvm_spin_begin(&s, spin);
        while (!nk_load(&ap_go[cpu]) && hvm_spin_more(&s))
            arch_cpu_relax();
        if (!nk_load(&ap_go[cpu]))
            depriv_doze(cpu, NULL, 0);
    }
}

void depriv_start(struct hrt_boot_info *bi, uint64_t cpu)
{
    depriv_bi = bi;
    hvm_comm = (struct hvm_comm *)bi->comm;
    if (bi->magic != HRT_BOOT_MAGIC || bi->version != HRT_BOOT_VERSION)
        arch_exit(3);
    if (cpu != 0) {
        ap_wait((int)cpu);
        nk_ap_main((int)cpu);
    }
    fill_boot(bi);
    nk_main(&boot);
}

int arch_init(struct nk_boot *b)
{
    if (!hvm_comm || hvm_comm->magic != HVM_COMM_MAGIC || hvm_comm->version != HVM_COMM_VERSION) {
        printk("depriv: the VMM's communication area is missing or of another version: "
               "rebuild hvm/ and nautilus/ together\n");
        return -1;
    }
    tsc_hz = b->tsc_hz;
    if (!tsc_hz) {
        tsc_hz = 2000000000ull;
        printk("depriv: the VMM gave no TSC frequency; assuming %lu Hz\n", tsc_hz);
    }
    depriv_idle_init(b->cmdline, tsc_hz);
    return 0;
}

/* The VMM set every vCPU's GS base, stack and registers before it ran any of them, and there
 * is no per-CPU hardware to program: CPU 0 sets up the others' areas, and ready does not wait
 * for the host to schedule their threads (a late first entry cost boot up to ~9 ms here). */
int arch_cpu_setup_remote(void) { return 1; }

/* Releases a CPU whose area CPU 0 set up; it may not have run a single instruction yet. */
int arch_cpu_start(struct nk_boot *b, int cpu, uint64_t stack_top)
{
    (void)b;
    (void)stack_top;                      /* the VMM already gave each CPU its stack */
    nk_store(&ap_go[cpu], 1);
    arch_cpu_kick(cpu);
    return 0;
}

struct nk_cpu *arch_cpu_area(int cpu)
{
    return (struct nk_cpu *)(depriv_bi->percpu_base + (uint64_t)cpu * HRT_PERCPU_STRIDE);
}

void arch_cpu_activate(struct nk_cpu *area)
{
    (void)area;                           /* GS base was set by the VMM (KVM_SET_SREGS) */
}

int arch_preemptive(void) { return 0; }
const char *arch_name(void) { return "depriv"; }

/* No interrupts ever arrive at CPL3 here: the flag hooks have nothing to do. */
unsigned long arch_irq_save(void) { return 0; }
void arch_irq_restore(unsigned long flags) { (void)flags; }
void arch_irq_enable(void) { }
void arch_irq_disable(void) { }

uint64_t arch_tsc_hz(void)
{
    return tsc_hz ? tsc_hz : 1000000000ull;
}

/* Early text only: once the log ring is known the core writes there and we stay silent,
 * because each COM1 byte would be a VM exit. */
void arch_console_write(const char *s, size_t n)
{
    if (boot.log_ring)
        return;
    for (size_t i = 0; i < n; i++)
        depriv_outb(HRT_PORT_COM1, (uint8_t)s[i]);
}

void arch_exit(int code)
{
    depriv_idle_report();
    hvm_outl(HRT_PORT_EXIT, (uint32_t)code);   /* the VMM stops every vCPU */
    for (;;)
        arch_cpu_relax();
}

/* The message may live anywhere (the merged region is above 4 GiB): copy it low first. */
static char panic_msg[256];

void arch_panic_stop(const char *msg)
{
    strncpy_z(panic_msg, msg ? msg : "(no message)", sizeof panic_msg);
    hvm_outl(HRT_PORT_PANIC, (uint32_t)(uintptr_t)panic_msg);
    for (;;)
        arch_cpu_relax();
}

int arch_map_range(uint64_t va, uint64_t pa, uint64_t len, int flags)
{
    (void)va; (void)pa; (void)len; (void)flags;
    return -1;                            /* the VMM builds the only page tables */
}
