/*
 * Self-tests of the deprivileged profile: CPL3 really (CS RPL 3), the per-CPU areas the VMM
 * gave are where GS points, FS points at a block with a canary, a kick wakes a dozing CPU,
 * the idle spin notices the host taking its vCPU away, the console goes through the log ring;
 * and manual-tier entries run only when named: deliberate crashes (a wild address, NULL read
 * and write, a panic) for the VMM's failure tests (hvm_serve is arch/hvm's).
 */
#include <nk/test.h>
#include <nk/thread.h>
#include <nk/cpu.h>
#include <nk/atomic.h>
#include <nk/printk.h>
#include <nk/string.h>
#include "depriv.h"

NK_TEST(depriv_cpl3, NK_QUICK)
{
    uint16_t cs;
    __asm__ __volatile__("mov %%cs, %0" : "=r"(cs));
    NK_CHECK((cs & 3) == 3, "running at CPL %d, expected 3", cs & 3);
    return 0;
}

NK_TEST(depriv_percpu_areas, NK_QUICK)
{
    struct nk_cpu *c = this_cpu();
    NK_CHECK(c == arch_cpu_area(c->id), "GS base %p is not CPU %d's area %p", (void *)c, c->id,
             (void *)arch_cpu_area(c->id));
    NK_CHECK((uint64_t)c == depriv_bi->percpu_base + (uint64_t)c->id * HRT_PERCPU_STRIDE,
             "per-CPU area not at percpu_base + id * stride");
    return 0;
}

static volatile uint64_t woke_at;

static void *note_wakeup(void *arg)
{
    (void)arg;
    nk_store(&woke_at, arch_cycles());
    return NULL;
}

/* The other CPU has had time to doze; a thread enqueued there must run anyway (kick). */
NK_TEST(depriv_kick_wakes_dozing_cpu, NK_QUICK)
{
    if (nk_cpu_count() < 2)
        return 0;
    int other = (my_cpu_id() + 1) % nk_cpu_count();
    nk_sleep_ns(2000000);                 /* 2 ms: far past the idle spin */
    woke_at = 0;
    uint64_t t0 = arch_cycles();
    struct nk_thread *t = nk_thread_create(note_wakeup, NULL, other, 0);
    NK_CHECK(t != NULL, "cannot create a thread on CPU %d", other);
    nk_thread_join(t, NULL);
    NK_CHECK(woke_at >= t0, "the thread on CPU %d never ran", other);
    return 0;
}

/* A TSC jump inside a spin (the host ran something else on this vCPU's core) is counted;
 * with idle_adapt=1 it also cuts the spin to the busy budget, and the next one too. */
NK_TEST(depriv_spin_sees_host_gap, NK_QUICK)
{
    uint64_t quiet = hvm_idle_cycles(), busy = depriv_idle_busy_cycles();
    struct hvm_spin s;
    hvm_spin_begin(&s, quiet);
    s.last -= arch_tsc_hz() / 1000;       /* as if the last iteration ran 1 ms ago */
    hvm_spin_more(&s);
    NK_CHECK(s.gaps == 1, "a 1 ms jump counted as %lu gaps, expected 1", s.gaps);
    if (busy >= quiet)
        return 0;                         /* not adaptive (the default): nothing else changes */
    NK_CHECK(s.end - s.last <= busy, "the spin was not cut to the busy budget");
    struct hvm_spin next;
    hvm_spin_begin(&next, quiet);
    NK_CHECK(next.end - next.last == busy, "the next spin got %lu cycles, expected the busy %lu",
             next.end - next.last, busy);
    return 0;
}

NK_TEST(depriv_console_uses_log_ring, NK_QUICK)
{
    struct hrt_log_ring *r = (struct hrt_log_ring *)depriv_bi->log_ring;
    NK_CHECK(r != NULL, "no log ring from the VMM");
    uint64_t before = r->head;
    printk("depriv: log ring check\n");
    NK_CHECK(r->head == before + 23, "log ring head moved by %lu, expected 23", r->head - before);
    return 0;
}

/* The VMM's FS block (hvm/…/boot/Tcb): what a Linux-built module finds at %fs:0 (the thread
 * pointer, never NULL now that page 0 is unmapped) and %fs:0x28 (its stack-protector canary). */
NK_TEST(depriv_fs_block, NK_QUICK)
{
    uint64_t self, guard;
    __asm__ __volatile__("mov %%fs:0, %0" : "=r"(self));
    __asm__ __volatile__("mov %%fs:0x28, %0" : "=r"(guard));
    NK_CHECK(self >= 0x1000 && self < 0x100000, "%%fs:0 is %#lx, not a block in low memory", self);
    NK_CHECK(guard != 0 && (guard & 0xff) == 0, "canary %#lx: zero, or its low byte is not", guard);
    return 0;
}

/* Deliberate failures for the VMM's containment tests (manual: only when named). */
NK_TEST(crash_page_fault, NK_MANUAL)
{
    /* SAFETY: not safe at all, on purpose: an access above guest memory, which no page table
     * maps, so the CPU faults at CPL3 and the VMM must report a triple fault with the state. */
    volatile uint64_t *p = (volatile uint64_t *)0x7fff00000000ull;
    return (int)*p;
}

NK_TEST(crash_panic, NK_MANUAL)
{
    panic("crash_panic: deliberate panic for the VMM's tests");
}

/* The kernel sees the VMM's whole command line (up to Layout.CMDLINE_MAX - 1 = 4095 bytes): it
 * kept 511, so a long tests= list lost its tail (boot with a long --cmdline to exercise it). */
NK_TEST(depriv_cmdline_whole, NK_QUICK)
{
    const char *vmm = (const char *)depriv_bi->cmdline;
    NK_CHECK(!strcmp(nk_boot_params->cmdline, vmm), "the VMM passed %lu bytes, the kernel kept %lu",
             strlen(vmm), strlen(nk_boot_params->cmdline));
    return 0;
}

/* An absurd spin budget (here 15 digits of microseconds: years) is capped at a minute, so idle
 * CPUs still doze and give their host cores back. */
NK_TEST(depriv_idle_spin_capped, NK_QUICK)
{
    uint64_t hz = arch_tsc_hz(), per_us = hz / 1000000;
    char line[64];
    nk_snprintf(line, sizeof line, "idle_spin_us=%lu", (unsigned long)(~0ull / per_us + 1));
    depriv_idle_init(line, hz);
    uint64_t got = hvm_idle_cycles();
    depriv_idle_init(nk_boot_params->cmdline, hz);          /* the boot's own policy again */
    NK_CHECK(got == hvm_spin_cycles(HVM_SPIN_MAX_US, hz), "%s gave %lu cycles", line, (unsigned long)got);
    return 0;
}
