/*
 * Self-tests of memory: buddy (basic, random with invariants after every step, exhaustion
 * on a private pool), kmem size classes, and concurrent allocation from every CPU.
 */
#include <nk/test.h>
#include <nk/mem.h>
#include <nk/stacks.h>
#include <nk/printk.h>
#include <hrt/boot.h>
#include <nk/string.h>
#include <nk/cpu.h>

/* A private pool carved from the main allocator, so exhaustion cannot starve the kernel. */
static struct buddy_pool *private_pool(void **backing, int order)
{
    *backing = mem_alloc_pages(order, -1);
    return *backing ? buddy_init((uint64_t)*backing, NK_PAGE_SIZE << order, 0) : NULL;
}

NK_TEST(buddy_basic, NK_QUICK)
{
    void *back;
    struct buddy_pool *p = private_pool(&back, 10);
    NK_CHECK(p, "no memory for a private pool");
    uint64_t free0 = p->free_pages;
    void *a = buddy_alloc(p, 0), *b = buddy_alloc(p, 3), *c = buddy_alloc(p, 5);
    NK_CHECK(a && b && c, "alloc failed");
    NK_CHECK(((uint64_t)b & ((NK_PAGE_SIZE << 3) - 1)) == 0, "order-3 block %p unaligned", b);
    NK_CHECK(((uint64_t)c & ((NK_PAGE_SIZE << 5) - 1)) == 0, "order-5 block %p unaligned", c);
    NK_CHECK(p->free_pages == free0 - 1 - 8 - 32, "free count %lu", p->free_pages);
    NK_CHECK(buddy_check(p) == 0, "invariants after alloc");
    buddy_free(p, b);
    buddy_free(p, a);
    buddy_free(p, c);
    NK_CHECK(p->free_pages == free0, "free count not restored: %lu vs %lu", p->free_pages, free0);
    NK_CHECK(buddy_check(p) == 0, "invariants after free");
    NK_CHECK(buddy_alloc(p, BUDDY_MAX_ORDER) == NULL, "impossible order succeeded");
    mem_free_pages(back);
    return 0;
}

NK_TEST(buddy_random, NK_QUICK)
{
    enum { SLOTS = 64 };
    void *back, *slot[SLOTS] = { 0 };
    struct buddy_pool *p = private_pool(&back, 11);
    NK_CHECK(p, "no memory for a private pool");
    uint64_t free0 = p->free_pages, seed = 42;
    int steps = nk_scale(3000);
    for (int i = 0; i < steps; i++) {
        int s = nk_rand(&seed) % SLOTS;
        if (slot[s]) {
            NK_CHECK(*(uint64_t *)slot[s] == (uint64_t)slot[s], "block %p corrupted", slot[s]);
            buddy_free(p, slot[s]);
            slot[s] = NULL;
        } else {
            slot[s] = buddy_alloc(p, nk_rand(&seed) % 6);
            if (slot[s])
                *(uint64_t *)slot[s] = (uint64_t)slot[s];
        }
        NK_CHECK(buddy_check(p) == 0, "invariants broken at step %d", i);
    }
    for (int s = 0; s < SLOTS; s++)
        if (slot[s])
            buddy_free(p, slot[s]);
    NK_CHECK(p->free_pages == free0 && buddy_check(p) == 0, "not fully merged back");
    mem_free_pages(back);
    return 0;
}

NK_TEST(buddy_exhaust, NK_QUICK)
{
    void *back;
    struct buddy_pool *p = private_pool(&back, 8);
    NK_CHECK(p, "no memory for a private pool");
    uint64_t free0 = p->free_pages, n = 0;
    void *first = NULL, *a;
    while ((a = buddy_alloc(p, 0))) {         /* chain the pages through themselves */
        *(void **)a = first;
        first = a;
        n++;
    }
    NK_CHECK(n == free0 && p->free_pages == 0, "got %lu of %lu pages", n, free0);
    while (first) {
        a = *(void **)first;
        buddy_free(p, first);
        first = a;
    }
    NK_CHECK(p->free_pages == free0 && buddy_check(p) == 0, "not restored after exhaustion");
    mem_free_pages(back);
    return 0;
}

NK_TEST(kmem_sizes, NK_QUICK)
{
    static const size_t sizes[] = { 1, 15, 16, 17, 100, 500, 1000, 2032, 2048, 5000, 70000 };
    void *p[11];
    uint64_t free0 = mem_free_bytes();
    for (int i = 0; i < 11; i++) {
        p[i] = kmem_alloc(sizes[i]);
        NK_CHECK(p[i], "kmem_alloc(%lu) failed", sizes[i]);
        NK_CHECK(((uint64_t)p[i] & 15) == 0, "%p not 16-byte aligned", p[i]);
        NK_CHECK(kmem_size(p[i]) >= sizes[i], "usable %lu < %lu", kmem_size(p[i]), sizes[i]);
        memset(p[i], i + 1, sizes[i]);
    }
    for (int i = 0; i < 11; i++) {
        unsigned char *b = p[i];
        NK_CHECK(b[0] == i + 1 && b[sizes[i] - 1] == i + 1, "object %d overwritten", i);
        kmem_free(p[i]);
    }
    void *z = kmem_zalloc(3000);
    NK_CHECK(z && ((char *)z)[2999] == 0, "kmem_zalloc");
    kmem_free(z);
    NK_CHECK(mem_free_bytes() + (64 << 10) >= free0, "big allocations leaked");
    return 0;
}

static long kmem_worker(void *arg, int cpu)
{
    uint64_t seed = cpu + 1;
    void *slot[32] = { 0 };
    int rounds = nk_scale(4000);
    long bad = 0;
    for (int i = 0; i < rounds; i++) {
        int s = nk_rand(&seed) % 32;
        if (slot[s]) {
            bad += *(uint64_t *)slot[s] != (uint64_t)slot[s];
            kmem_free(slot[s]);
            slot[s] = NULL;
        } else if ((slot[s] = kmem_alloc(16 + nk_rand(&seed) % 3000))) {
            *(uint64_t *)slot[s] = (uint64_t)slot[s];
        }
    }
    for (int s = 0; s < 32; s++)
        kmem_free(slot[s]);
    return bad;
}

NK_TEST(kmem_smp_stress, NK_SLOW)
{
    long bad = nk_on_all_cpus(kmem_worker, NULL);
    NK_CHECK(bad == 0, "%ld objects corrupted by concurrent allocation", bad);
    NK_CHECK(buddy_check(mem_first_pool()) == 0, "main pool invariants");
    return 0;
}

NK_TEST(mem_zones, NK_QUICK)
{
    struct buddy_pool *p = mem_first_pool();
    NK_CHECK(p && p->npages > 0, "no pool");
    NK_CHECK(mem_total_bytes() >= NK_MIN_MEM, "total %lu", mem_total_bytes());
    void *a = mem_alloc_pages(4, 0), *b = mem_alloc_pages(4, 7);
    NK_CHECK(a && b, "node-local or fallback allocation failed");
    mem_free_pages(a);
    mem_free_pages(b);
    return 0;
}

/* The VMM's guarded stacks (deprivileged profile): every slot once, each writable end to end,
 * then none left, then all back. Without the region (QEMU, ring0) there is nothing to test. */
NK_TEST(stacks_guarded, NK_QUICK)
{
    int n = nk_stack_guarded_slots();
    if (!n) {
        printk("  no guarded stack region (not booted by our VMM): nothing to check\n");
        return 0;
    }
    char *got[64];
    for (int i = 0; i < n; i++) {
        got[i] = nk_stack_guarded_alloc();
        NK_CHECK(got[i] && nk_stack_guarded_owns(got[i]), "slot %d of %d: %p", i, n, got[i]);
        NK_CHECK(((uint64_t)got[i] - HRT_STACK_GUARD) % NK_PAGE_SIZE == 0, "slot %d not page aligned", i);
        for (int j = 0; j < i; j++)
            NK_CHECK(got[j] != got[i], "slots %d and %d are the same", j, i);
        got[i][0] = 1;                                   /* both ends are mapped */
        got[i][NK_GUARDED_STACK_SIZE - 1] = 1;
    }
    NK_CHECK(!nk_stack_guarded_alloc(), "a slot beyond the %d", n);
    NK_CHECK(nk_stack_guarded_free_slots() == 0, "free %d", nk_stack_guarded_free_slots());
    for (int i = 0; i < n; i++)
        nk_stack_guarded_free(got[i]);
    NK_CHECK(nk_stack_guarded_free_slots() == n, "free %d of %d", nk_stack_guarded_free_slots(), n);
    return 0;
}

/* Manual: a write just below a guarded stack lands in its guard page, unmapped by the VMM, so
 * the kernel stops at once with CR2 there (a thread that overflowed would fault the same way). */
NK_TEST(crash_stack_guard, NK_MANUAL)
{
    char *s = nk_stack_guarded_alloc();
    NK_CHECK(s, "no guarded stacks: boot with our VMM in the deprivileged profile");
    /* SAFETY: not safe, on purpose: the fault must end the kernel with the state. */
    *(volatile char *)(s - 8) = 1;
    return 0;
}

/* A size whose header pushes it past SIZE_MAX must fail, not wrap into a small class. */
NK_TEST(kmem_size_overflow, NK_QUICK)
{
    static const size_t huge[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 15, SIZE_MAX - 8 };
    for (int i = 0; i < 4; i++) {
        void *p = kmem_alloc(huge[i]);
        NK_CHECK(p == NULL, "kmem_alloc(0x%lx) returned %p (usable %lu bytes)", huge[i], p,
                 p ? kmem_size(p) : 0);
    }
    NK_CHECK(kmem_zalloc(SIZE_MAX - 7) == NULL, "kmem_zalloc(SIZE_MAX - 7) succeeded");
    return 0;
}

/* Sizes no buddy order can hold: an order above BUDDY_MAX_ORDER (so the allocation fails),
 * quickly, also past 2^63 where PAGE << order wraps to 0 (that loop never ended). */
NK_TEST(mem_order_huge, NK_QUICK)
{
    NK_CHECK(mem_order_for(0) == 0 && mem_order_for(1) == 0 && mem_order_for(4096) == 0 &&
             mem_order_for(4097) == 1 && mem_order_for(NK_PAGE_SIZE << BUDDY_MAX_ORDER) ==
             BUDDY_MAX_ORDER, "orders of small sizes");
    static const size_t huge[] = { (NK_PAGE_SIZE << BUDDY_MAX_ORDER) + 1, (size_t)1 << 62,
                                   ((size_t)1 << 63) + 1, SIZE_MAX - 4096, SIZE_MAX };
    for (int i = 0; i < 5; i++)
        NK_CHECK(mem_order_for(huge[i]) > BUDDY_MAX_ORDER, "mem_order_for(0x%lx) = %d",
                 huge[i], mem_order_for(huge[i]));
    NK_CHECK(kmem_alloc(((size_t)1 << 63) + 1) == NULL, "kmem_alloc(2^63 + 1) succeeded");
    NK_CHECK(mem_alloc_pages(mem_order_for(SIZE_MAX), -1) == NULL, "an impossible order allocated");
    return 0;
}

/* Pools whose ends are not aligned to any large order (as RAM regions after the image are):
 * every page can be handed out, nothing outside is, and everything merges back. */
NK_TEST(buddy_unaligned_edges, NK_QUICK)
{
    void *back = mem_alloc_pages(9, -1);                  /* 2 MiB to carve from */
    NK_CHECK(back, "no memory");
    static const uint64_t offs[][2] = { { 3 * 4096 + 100, 300 * 4096 + 7 }, { 4096, 511 * 4096 },
                                        { 17 * 4096, 129 * 4096 }, { 0, 37 * 4096 + 4095 } };
    for (int k = 0; k < 4; k++) {
        uint64_t base = (uint64_t)back + offs[k][0], len = offs[k][1];
        struct buddy_pool *p = buddy_init(base, len, 0);
        NK_CHECK(p, "pool %d refused", k);
        uint64_t free0 = p->free_pages, lo = p->base, hi = p->base + p->npages * NK_PAGE_SIZE;
        NK_CHECK(lo >= base && hi <= base + len && free0 == p->npages, "pool %d bounds", k);
        for (int o = 9; o >= 0; o--) {                    /* largest blocks first, then smaller */
            void *a;
            while ((a = buddy_alloc(p, o))) {
                uint64_t x = (uint64_t)a;
                NK_CHECK(x >= lo && x + (NK_PAGE_SIZE << o) <= hi && !(x & ((NK_PAGE_SIZE << o) - 1)),
                         "pool %d: order %d block %lx outside [%lx, %lx) or unaligned", k, o, x, lo, hi);
                *(uint64_t *)a = 0;
            }
        }
        NK_CHECK(p->free_pages == 0 && buddy_check(p) == 0, "pool %d: %lu pages left", k, p->free_pages);
        /* free everything by walking the metadata: each USED head */
        for (uint64_t i = 0; i < p->npages; i++)
            if (p->meta[i] & 0x40)
                buddy_free(p, (void *)(p->base + i * NK_PAGE_SIZE));
        NK_CHECK(p->free_pages == free0 && buddy_check(p) == 0, "pool %d not merged back", k);
    }
    mem_free_pages(back);
    return 0;
}
