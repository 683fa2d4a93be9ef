/*
 * The deprivileged profile's idle policy: an idle CPU spins with `pause` for a while (1 ms),
 * then dozes in the VMM (its vCPU thread parks) until a doorbell. Every spin watches for the
 * host taking its vCPU off the core (a jump in the TSC between two iterations) and counts it;
 * with idle_adapt=1 such a gap also shortens the spins for a while (give the host core back
 * to the partner vCPU). Measured on an oversubscribed 2-core PVM host that made the cross-CPU
 * tails worse, not better (a doorbell costs the waker's exit 0.1-0.4 ms and the dozer's
 * wake-up as much there), so it is off by default. The first spin after boot also tells the
 * VMM that the kernel is ready.
 */
#include <nk/arch.h>
#include <nk/cpu.h>
#include <nk/printk.h>
#include <nk/string.h>
#include <nk/atomic.h>
#include <nk/cmdline.h>
#include "depriv.h"

/* Spin before a doze on a quiet host (cmdline idle_spin_us): a doze costs the waker a VM exit
 * and the dozer a host thread wake-up, so the spin covers the gaps of a busy workload. */
#define SPIN_US_QUIET   1000
/* ... and, with idle_adapt=1, while the host is busy (idle_spin_busy_us): a spinning vCPU
 * may hold the host core its partner is waiting for. */
#define SPIN_US_BUSY    300
/* A TSC jump this long inside a spin loop (one iteration: ~0.1 us) means the host ran
 * something else on this vCPU's core; host interrupts and short exits stay well below it. */
#define GAP_US          50
/* The host counts as busy for this long after the last gap any CPU saw. */
#define BUSY_HOLD_MS    100

static uint64_t spin_quiet, spin_busy, gap_cycles, hold_cycles;
static int adapt, stats;

/* The TSC of the last gap seen by any CPU (0: none yet); written at most once per gap. */
static volatile uint64_t busy_since __attribute__((aligned(64)));

/* Per-CPU counters for idle_stats (written by their own CPU only). */
static struct idle_count {
    uint64_t idles, gaps, busy_spins, dozes, kicks, kick_exits;
    uint64_t kick_exit_cycles;          /* the waker's side of a doorbell: its exit */
    uint64_t wakes, wake_cycles, wake_max, wakes_over_10us;   /* the dozer's: kick -> running */
} __attribute__((aligned(64))) counts[NK_MAX_CPUS];

/* When CPU i was last kicked by exit (guest-private; for the wake-latency counters). */
static struct {
    volatile uint64_t tsc;
} __attribute__((aligned(64))) kicked_at[NK_MAX_CPUS];

NK_CMDLINE_KEY(idle_spin_us, "us an idle CPU spins before it dozes (default 1000)");
NK_CMDLINE_KEY(idle_spin_busy_us, "the spin while the host is busy, with idle_adapt=1 (default 300)");
NK_CMDLINE_KEY(idle_adapt, "1: shorten spins after the host took a vCPU away");
NK_CMDLINE_KEY(idle_stats, "1: print per-CPU idle counts at exit");

void depriv_idle_init(const char *cmdline, uint64_t tsc_hz)
{
    char v[16];
    uint64_t per_us = tsc_hz / 1000000;
    uint64_t quiet = SPIN_US_QUIET, busy = SPIN_US_BUSY;
    if (cmdline_get(cmdline, "idle_spin_us", v, sizeof v))
        quiet = nk_strtoul(v, NULL, 10);
    if (cmdline_get(cmdline, "idle_spin_busy_us", v, sizeof v))
        busy = nk_strtoul(v, NULL, 10);
    if (cmdline_get(cmdline, "idle_adapt", v, sizeof v))
        adapt = (int)nk_strtoul(v, NULL, 10);
    if (cmdline_get(cmdline, "idle_stats", v, sizeof v))
        stats = (int)nk_strtoul(v, NULL, 10);
    spin_quiet = hvm_spin_cycles(quiet, tsc_hz);
    spin_busy = hvm_spin_cycles(busy < quiet ? busy : quiet, tsc_hz);
    gap_cycles = per_us * GAP_US;
    hold_cycles = per_us * 1000 * BUSY_HOLD_MS;
}

static int host_busy(uint64_t now)
{
    uint64_t t = nk_load(&busy_since);
    return adapt && t && now - t < hold_cycles;
}

uint64_t hvm_idle_cycles(void)
{
    return spin_quiet;
}

uint64_t depriv_idle_busy_cycles(void)
{
    return adapt ? spin_busy : spin_quiet;
}

void hvm_spin_begin(struct hvm_spin *s, uint64_t quiet_cycles)
{
    s->last = arch_cycles();
    s->end = s->last + (host_busy(s->last) && spin_busy < quiet_cycles ? spin_busy : quiet_cycles);
    s->gaps = 0;
}

/* Set once the VMM was told that every CPU is up (HRT_PORT_READY): then boot() returns at
 * once instead of polling boot_info.ready, and the boot thread stops taking host time from
 * the vCPUs. Told by the first CPU that spins after ready, which costs that CPU one exit. */
static volatile int ready_told;

static void tell_ready(void)
{
    uint64_t n = nk_load(&depriv_bi->ready);
    if (n && !nk_xchg(&ready_told, 1))
        hvm_outl(HRT_PORT_READY, (uint32_t)n);
}

/* Called once per spin iteration: 1 while the budget lasts. A gap is counted; with
 * idle_adapt=1 it also marks the host busy and cuts this spin to the busy budget from now. */
int hvm_spin_more(struct hvm_spin *s)
{
    if (!ready_told)
        tell_ready();
    uint64_t now = arch_cycles();
    if (gap_cycles && now - s->last > gap_cycles) {
        s->gaps++;
        if (adapt) {
            if (now - nk_load(&busy_since) > gap_cycles)
                nk_store(&busy_since, now);
            if (s->end > now + spin_busy)
                s->end = now + spin_busy;
        }
    }
    s->last = now;
    return now < s->end;
}

/* The doze handshake: announce, re-check, then exit; a waker sets wake before it looks at
 * dozing, so one of the two always sees the other (both sides use full fences). */
int depriv_doze(int cpu, volatile uint64_t *seq, uint64_t want)
{
    struct hvm_cpu_block *b = &hvm_comm->cpu[cpu];
    struct nk_cpu *c = nk_cpus[cpu];
    nk_store(&b->dozing, 1);
    nk_mb();
    if (!nk_load(&b->wake) && !(c && c->nready) && !(seq && nk_load(seq) == want)) {
        struct idle_count *k = &counts[cpu];
        k->dozes++;
        hvm_outl(HRT_PORT_DOZE, (uint32_t)cpu);
        uint64_t at = nk_xchg(&kicked_at[cpu].tsc, 0);
        if (at) {
            uint64_t d = arch_cycles() - at;
            d = d > (1ull << 62) ? 0 : d;           /* TSC skew between vCPUs */
            k->wakes++;
            k->wake_cycles += d;
            k->wake_max = d > k->wake_max ? d : k->wake_max;
            k->wakes_over_10us += d > gap_cycles / 5;
        }
    }
    nk_store(&b->dozing, 0);
    int woken = nk_load(&b->wake) || (c && c->nready) || (seq && nk_load(seq) == want);
    nk_store(&b->wake, 0);
    return woken;
}

/* Idle: spin watching the run queue, the doorbell and a parked call server's slot, then
 * doze in the VMM until a kick or the ROS rings (a posted call wakes a dozing server CPU). */
static uint8_t quiet[NK_MAX_CPUS];        /* the last doze ran out with nothing to do */

void arch_cpu_idle(void)
{
    struct nk_cpu *c = this_cpu();
    struct hvm_cpu_block *b = &hvm_comm->cpu[c->id];
    struct idle_count *k = &counts[c->id];
    volatile uint64_t *seq = NULL;
    uint64_t want = 0;
    struct hvm_spin s;
    /* After a doze that simply ran out (the VMM bounds each one), doze again at once:
     * spinning again would burn the host core every time on a CPU that stays idle. */
    hvm_spin_begin(&s, quiet[c->id] ? 0 : spin_quiet);
    k->idles++;
    k->busy_spins += s.end - s.last < spin_quiet && !quiet[c->id];
    for (;;) {
        if (c->nready || b->wake || hvm_call_poll_idle(c->id, &seq, &want)) {
            b->wake = 0;
            quiet[c->id] = 0;
            k->gaps += s.gaps;
            return;
        }
        if (!hvm_spin_more(&s))
            break;
        arch_cpu_relax();
    }
    k->gaps += s.gaps;
    quiet[c->id] = !depriv_doze(c->id, seq, want);
}

void arch_cpu_kick(int cpu)
{
    struct hvm_cpu_block *b = &hvm_comm->cpu[cpu];
    struct idle_count *k = &counts[my_cpu_id()];
    nk_store(&b->wake, 1);
    nk_mb();
    k->kicks++;
    if (nk_load(&b->dozing)) {
        uint64_t t0 = arch_cycles();
        nk_store(&kicked_at[cpu].tsc, t0);
        hvm_outl(HVM_PORT_KICK, (uint32_t)cpu);
        k->kick_exits++;
        k->kick_exit_cycles += arch_cycles() - t0;
    }
}

/* With idle_stats=1 on the command line: one console line per CPU at exit. */
void depriv_idle_report(void)
{
    if (!stats)
        return;
    for (int i = 0; i < nk_cpu_count(); i++) {
        struct idle_count *k = &counts[i];
        uint64_t per_us = arch_tsc_hz() / 1000000;
        printk("idle cpu %d: %lu idles (%lu with the busy spin), %lu gaps, %lu dozes, "
               "%lu kicks (%lu by exit, mean exit %lu us); %lu woken by exit: mean %lu us, "
               "max %lu us, %lu over 10 us\n", i, k->idles, k->busy_spins, k->gaps, k->dozes,
               k->kicks, k->kick_exits, k->kick_exits ? k->kick_exit_cycles / k->kick_exits / per_us : 0,
               k->wakes, k->wakes ? k->wake_cycles / k->wakes / per_us : 0, k->wake_max / per_us,
               k->wakes_over_10us);
    }
}
