/*
 * The ring0 profile under our VMM: arch/hvm's services (the call server, HRT->ROS requests)
 * over the communication area the VMM's HRT tag names. A ring0 kernel's idle CPUs halt and
 * wake by interrupt, and the VMM sends none for a posted call, so a ring0 call server never
 * parks: it polls, giving way to ready threads (and the timer preempts it).
 */
#include <nk/arch.h>
#include <nk/boot.h>
#include <nk/printk.h>
#include "../hvm/hvm.h"
#include "ring0.h"

struct hvm_comm *hvm_comm;

void ring0_hvm_init(struct nk_boot *b)
{
    struct hvm_comm *c = b->hrt ? (struct hvm_comm *)b->hrt->comm : NULL;   /* identity-mapped */
    if (c && c->magic == HVM_COMM_MAGIC && c->version == HVM_COMM_VERSION) {
        hvm_comm = c;
        printk("hvm: communication area at %p\n", (void *)c);
    }
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
    return UINT64_MAX;
}
