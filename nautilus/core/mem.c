/*
 * Zones: every RAM region of the boot map becomes a buddy pool; pools are grouped by NUMA
 * node, and allocation tries the caller's node first, then the others.
 */
#include <nk/mem.h>
#include <nk/printk.h>
#include <nk/cpu.h>

static struct buddy_pool *zones[NK_MAX_ZONES];
static uint64_t total_bytes;

/* Stops at BUDDY_MAX_ORDER + 1 (no pool has such a block, so the allocation fails): past
 * 2^63 bytes PAGE << o wrapped to 0 and the loop never ended. */
int mem_order_for(size_t bytes)
{
    int o = 0;
    while (o <= BUDDY_MAX_ORDER && (NK_PAGE_SIZE << o) < bytes)
        o++;
    return o;
}

int mem_init(struct nk_boot *b)
{
    int npools = 0;
    if (b->nregions == 0) {
        printk("nautilus: no memory map from the loader; boot with a multiboot loader "
               "that passes one (QEMU -kernel, GRUB) or give the HRT boot info regions\n");
        return -1;
    }
    for (int i = 0; i < b->nregions; i++) {
        struct nk_region *r = &b->regions[i];
        if (r->type != HRT_REGION_RAM)
            continue;
        int node = r->node < NK_MAX_ZONES ? r->node : 0;
        struct buddy_pool *p = buddy_init(r->base, r->len, node);
        if (!p)
            continue;
        p->next = zones[node];
        zones[node] = p;
        total_bytes += p->free_pages * NK_PAGE_SIZE;
        npools++;
    }
    if (total_bytes < NK_MIN_MEM) {
        printk("nautilus: too little memory: %lu KiB usable, need at least %lu MiB; "
               "give the machine more RAM (QEMU -m 512M)\n",
               total_bytes >> 10, NK_MIN_MEM >> 20);
        return -1;
    }
    printk("mem: %d pools, %lu MiB free\n", npools, total_bytes >> 20);
    return 0;
}

static void *zone_alloc(int node, int order)
{
    for (struct buddy_pool *p = zones[node]; p; p = p->next) {
        void *a = buddy_alloc(p, order);
        if (a)
            return a;
    }
    return NULL;
}

void *mem_alloc_pages(int order, int node)
{
    if (node < 0 || node >= NK_MAX_ZONES)
        node = 0;
    void *a = zone_alloc(node, order);
    for (int n = 0; !a && n < NK_MAX_ZONES; n++)
        if (n != node)
            a = zone_alloc(n, order);
    return a;
}

void mem_free_pages(void *addr)
{
    for (int n = 0; n < NK_MAX_ZONES; n++)
        for (struct buddy_pool *p = zones[n]; p; p = p->next)
            if (buddy_owns(p, addr)) {
                buddy_free(p, addr);
                return;
            }
    panic("mem_free_pages: %p belongs to no pool", addr);
}

uint64_t mem_free_bytes(void)
{
    uint64_t s = 0;
    for (int n = 0; n < NK_MAX_ZONES; n++)
        for (struct buddy_pool *p = zones[n]; p; p = p->next)
            s += p->free_pages * NK_PAGE_SIZE;
    return s;
}

uint64_t mem_total_bytes(void)
{
    return total_bytes;
}

struct buddy_pool *mem_first_pool(void)
{
    for (int n = 0; n < NK_MAX_ZONES; n++)
        if (zones[n])
            return zones[n];
    return NULL;
}
