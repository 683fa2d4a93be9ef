/*
 * Buddy allocator over one contiguous RAM range. Blocks of order o are 2^o pages, aligned
 * to their size in physical address, so a block's buddy is addr ^ (PAGE << o). One metadata
 * byte per page: 0 = inside a block, FREE|o = head of a free block, USED|o = head of an
 * allocated one. The free lists link entries of a side array, one per page, not the free
 * blocks themselves: a free block's memory stays untouched until it is handed out. In the
 * HVM every first touch of a guest page is a host page fault (under PVM also a shadow-paging
 * exit, ~30 us here), and links written into every block at boot cost one each.
 */
#include <nk/mem.h>
#include <nk/printk.h>
#include <nk/string.h>

#define META_FREE 0x80
#define META_USED 0x40
#define META_ORDER(m) ((m) & 0x3f)

static inline uint64_t pidx(struct buddy_pool *p, uint64_t addr)
{
    return (addr - p->base) >> NK_PAGE_SHIFT;
}

static inline int in_pool(struct buddy_pool *p, uint64_t addr, int order)
{
    return addr >= p->base &&
           addr + (NK_PAGE_SIZE << order) <= p->base + p->npages * NK_PAGE_SIZE;
}

/* The block whose head page's link is e. */
static inline uint64_t link_addr(struct buddy_pool *p, struct nk_list *e)
{
    return p->base + ((uint64_t)(e - p->links) << NK_PAGE_SHIFT);
}

static void push_free(struct buddy_pool *p, uint64_t addr, int order)
{
    p->meta[pidx(p, addr)] = META_FREE | order;
    nk_list_add_tail(&p->free[order], &p->links[pidx(p, addr)]);
    p->nfree[order]++;
    p->free_pages += 1ull << order;
}

static void unlink_free(struct buddy_pool *p, uint64_t addr, int order)
{
    p->meta[pidx(p, addr)] = 0;
    nk_list_del(&p->links[pidx(p, addr)]);
    p->nfree[order]--;
    p->free_pages -= 1ull << order;
}

struct buddy_pool *buddy_init(uint64_t base, uint64_t len, int node)
{
    uint64_t start = (base + NK_PAGE_SIZE - 1) & ~(NK_PAGE_SIZE - 1);
    uint64_t end = (base + len) & ~(NK_PAGE_SIZE - 1);
    if (end <= start || end - start < 4 * NK_PAGE_SIZE)
        return NULL;
    uint64_t total = (end - start) >> NK_PAGE_SHIFT;
    /* pool, then a link per page (only free heads' are ever written), then a byte per page */
    uint64_t links_off = (sizeof(struct buddy_pool) + 15) & ~15ull;
    uint64_t meta_off = links_off + total * sizeof(struct nk_list);
    uint64_t metapages = (meta_off + total + NK_PAGE_SIZE - 1) >> NK_PAGE_SHIFT;
    if (metapages + 4 > total)
        return NULL;
    struct buddy_pool *p = (struct buddy_pool *)start;
    memset(p, 0, sizeof *p);
    p->links = (struct nk_list *)(start + links_off);
    p->meta = (uint8_t *)(start + meta_off);
    p->base = start + (metapages << NK_PAGE_SHIFT);
    p->npages = total - metapages;
    p->node = node;
    memset(p->meta, 0, p->npages);
    for (int o = 0; o <= BUDDY_MAX_ORDER; o++)
        nk_list_init(&p->free[o]);
    for (uint64_t a = p->base; a < p->base + p->npages * NK_PAGE_SIZE;) {
        int o = BUDDY_MAX_ORDER;
        while (o > 0 && ((a & ((NK_PAGE_SIZE << o) - 1)) || !in_pool(p, a, o)))
            o--;
        push_free(p, a, o);
        a += NK_PAGE_SIZE << o;
    }
    return p;
}

void *buddy_alloc(struct buddy_pool *p, int order)
{
    if (order < 0 || order > BUDDY_MAX_ORDER)
        return NULL;
    unsigned long f = nk_spin_lock_irq(&p->lock);
    int o = order;
    while (o <= BUDDY_MAX_ORDER && nk_list_empty(&p->free[o]))
        o++;
    if (o > BUDDY_MAX_ORDER) {
        nk_spin_unlock_irq(&p->lock, f);
        return NULL;
    }
    uint64_t a = link_addr(p, p->free[o].next);
    unlink_free(p, a, o);
    while (o > order) {          /* split: keep the low half, free the high half */
        o--;
        push_free(p, a + (NK_PAGE_SIZE << o), o);
    }
    p->meta[pidx(p, a)] = META_USED | order;
    nk_spin_unlock_irq(&p->lock, f);
    return (void *)a;
}

int buddy_owns(struct buddy_pool *p, void *addr)
{
    return in_pool(p, (uint64_t)addr, 0);
}

void buddy_free(struct buddy_pool *p, void *addr)
{
    uint64_t a = (uint64_t)addr;
    unsigned long f = nk_spin_lock_irq(&p->lock);
    uint8_t m = p->meta[pidx(p, a)];
    if (!(m & META_USED) || (a & (NK_PAGE_SIZE - 1)))
        panic("buddy_free: %p is not an allocated block (meta %x)", addr, m);
    int o = META_ORDER(m);
    p->meta[pidx(p, a)] = 0;
    while (o < BUDDY_MAX_ORDER) {
        uint64_t b = a ^ (NK_PAGE_SIZE << o);
        if (!in_pool(p, b, o) || p->meta[pidx(p, b)] != (META_FREE | o))
            break;
        unlink_free(p, b, o);
        a = a < b ? a : b;
        o++;
    }
    push_free(p, a, o);
    nk_spin_unlock_irq(&p->lock, f);
}

static int check_lists(struct buddy_pool *p)
{
    for (int o = 0; o <= BUDDY_MAX_ORDER; o++) {
        uint64_t n = 0;
        for (struct nk_list *e = p->free[o].next; e != &p->free[o]; e = e->next, n++) {
            if (e < p->links || e >= p->links + p->npages) {
                printk("buddy_check: free list %d links %p, outside the pool's links\n", o, e);
                return -1;
            }
            uint64_t a = link_addr(p, e);
            if (!in_pool(p, a, o) || (a & ((NK_PAGE_SIZE << o) - 1)) ||
                p->meta[pidx(p, a)] != (META_FREE | o)) {
                printk("buddy_check: free list %d holds bad block %lx\n", o, a);
                return -1;
            }
            if (n > p->npages) {
                printk("buddy_check: free list %d loops\n", o);
                return -1;
            }
        }
        if (n != p->nfree[o]) {
            printk("buddy_check: list %d has %lu blocks, count says %lu\n", o, n, p->nfree[o]);
            return -1;
        }
    }
    return 0;
}

int buddy_check(struct buddy_pool *p)
{
    unsigned long f = nk_spin_lock_irq(&p->lock);
    int rc = check_lists(p);
    uint64_t freep = 0, i = 0;
    while (rc == 0 && i < p->npages) {
        uint8_t m = p->meta[i];
        int o = META_ORDER(m);
        uint64_t a = p->base + i * NK_PAGE_SIZE;
        if (!(m & (META_FREE | META_USED)) || !in_pool(p, a, o) ||
            (a & ((NK_PAGE_SIZE << o) - 1))) {
            printk("buddy_check: page %lx: bad head meta %x\n", a, m);
            rc = -1;
            break;
        }
        for (uint64_t j = 1; j < (1ull << o); j++)
            if (p->meta[i + j]) {
                printk("buddy_check: block %lx order %d overlaps %lx\n", a, o,
                       a + j * NK_PAGE_SIZE);
                rc = -1;
            }
        if (m & META_FREE) {
            freep += 1ull << o;
            uint64_t b = a ^ (NK_PAGE_SIZE << o);
            if (o < BUDDY_MAX_ORDER && in_pool(p, b, o) && p->meta[pidx(p, b)] == m) {
                printk("buddy_check: free buddies %lx and %lx not merged\n", a, b);
                rc = -1;
            }
        }
        i += 1ull << o;
    }
    if (rc == 0 && freep != p->free_pages) {
        printk("buddy_check: %lu free pages found, count says %lu\n", freep, p->free_pages);
        rc = -1;
    }
    nk_spin_unlock_irq(&p->lock, f);
    return rc;
}
