/*
 * The ring0 profile under our VMM: arch/hvm's services (the call server, HRT->ROS requests)
 * over the communication area the VMM's HRT tag names. An idle call server spins for the idle
 * budget (idle_spin_us, default 1000), then parks; its CPU's idle thread then announces the
 * doze in the area and halts, and the VMM rings the doorbell with an interrupt (the kick
 * vector) when it posts a call, as a device would.
 */
#include <nk/arch.h>
#include <nk/boot.h>
#include <nk/printk.h>
#include <nk/cpu.h>
#include <nk/atomic.h>
#include <nk/cmdline.h>

NK_CMDLINE_KEY(idle_spin_us, "us an idle call server spins before it parks (default 1000)");
#include <nk/string.h>
#include "../hvm/hvm.h"
#include "ring0.h"

struct hvm_comm *hvm_comm;
static uint64_t idle_cycles;

void ring0_hvm_init(struct nk_boot *b, uint64_t tsc_hz)
{
    struct hvm_comm *c = b->hrt ? (struct hvm_comm *)b->hrt->comm : NULL;   /* identity-mapped */
    if (!c || c->magic != HVM_COMM_MAGIC || c->version != HVM_COMM_VERSION)
        return;
    char v[16];
    uint64_t us = 1000;
    if (cmdline_get(b->cmdline, "idle_spin_us", v, sizeof v))
        us = nk_strtoul(v, NULL, 10);
    idle_cycles = hvm_spin_cycles(us, tsc_hz);
    hvm_comm = c;
    printk("hvm: communication area at %p\n", (void *)c);
}

/* The idle thread's halt under our VMM (interrupts off on entry, as arch_cpu_idle's): wake a
 * parked server whose call came, else announce the doze, look once more, and halt until an
 * interrupt (the VMM's doorbell, a kick from another CPU, the timer). */
void ring0_hvm_idle(void)
{
    struct nk_cpu *c = this_cpu();
    struct hvm_cpu_block *b = &hvm_comm->cpu[c->id];
    volatile uint64_t *seq = NULL;
    uint64_t want = 0;
    if (hvm_call_poll_idle(c->id, &seq, &want))
        return;
    nk_store(&b->dozing, 1);
    nk_mb();                           /* pairs with the VMM's fence between wake and dozing */
    if (!nk_load(&b->wake) && !c->nready && !(seq && nk_load(seq) == want))
        __asm__ __volatile__("sti; hlt; cli" ::: "memory");   /* SAFETY: sti's shadow makes sti;hlt atomic */
    nk_store(&b->dozing, 0);
    nk_store(&b->wake, 0);
}

void hvm_spin_begin(struct hvm_spin *s, uint64_t quiet_cycles)
{
    s->last = arch_cycles();
    s->end = quiet_cycles == UINT64_MAX ? UINT64_MAX : s->last + quiet_cycles;
    s->gaps = 0;
}

int hvm_spin_more(struct hvm_spin *s)
{
    s->last = arch_cycles();
    return s->last < s->end;
}

uint64_t hvm_idle_cycles(void)
{
    return idle_cycles;
}
