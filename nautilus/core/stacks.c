/*
 * Guarded stacks (see nk/stacks.h). The VMM fixes the geometry (HRT_STACK_SLOT per slot, its
 * lowest HRT_STACK_GUARD bytes unmapped), so the kernel only hands slots out: one bit each in
 * a word, claimed by compare-and-swap, no lock. At most 64 slots; a larger region's rest is
 * left unused.
 */
#include <nk/stacks.h>
#include <nk/atomic.h>
#include <nk/printk.h>
#include <hrt/boot.h>

static uint64_t base;                 /* first slot (its guard page) */
static int nslots;
static volatile uint64_t used;        /* bit i: slot i is taken */

int nk_stacks_init(struct nk_boot *b)
{
    base = 0;
    nslots = 0;
    used = 0;
    for (int i = 0; i < b->nregions; i++) {
        struct nk_region *r = &b->regions[i];
        if (r->type != HRT_REGION_STACKS)
            continue;
        uint64_t n = r->len / HRT_STACK_SLOT;
        base = r->base;
        nslots = n > 64 ? 64 : (int)n;
        printk("stacks: %d guarded stacks of %lu KiB at 0x%lx\n", nslots,
               NK_GUARDED_STACK_SIZE >> 10, base);
        break;
    }
    return nslots;
}

void *nk_stack_guarded_alloc(void)
{
    for (;;) {
        uint64_t u = nk_load(&used);
        uint64_t all = nslots == 64 ? ~0ull : (1ull << nslots) - 1;
        uint64_t free = ~u & all;
        if (!free)
            return NULL;
        int i = __builtin_ctzll(free);
        if (nk_cas(&used, &u, u | (1ull << i)))
            return (void *)(base + (uint64_t)i * HRT_STACK_SLOT + HRT_STACK_GUARD);
    }
}

void nk_stack_guarded_free(void *low)
{
    uint64_t i = ((uint64_t)low - HRT_STACK_GUARD - base) / HRT_STACK_SLOT;
    __atomic_fetch_and(&used, ~(1ull << i), __ATOMIC_SEQ_CST);
}

int nk_stack_guarded_owns(const void *p)
{
    uint64_t a = (uint64_t)p;
    return nslots && a >= base && a < base + (uint64_t)nslots * HRT_STACK_SLOT;
}

int nk_stack_guarded_slots(void)
{
    return nslots;
}

int nk_stack_guarded_free_slots(void)
{
    int n = 0;
    for (uint64_t u = nk_load(&used); u; u &= u - 1)     /* no popcnt: the kernel targets any x86-64 */
        n++;
    return nslots - n;
}
