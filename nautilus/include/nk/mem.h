/*
 * Physical memory: a buddy allocator per RAM region, regions grouped in zones (one per
 * NUMA node), and kmem (small objects in size classes, large ones straight from the buddy).
 * Memory is identity-mapped, so physical == virtual addresses.
 */
#ifndef NK_MEM_H
#define NK_MEM_H

#include <stdint.h>
#include <stddef.h>
#include <nk/list.h>
#include <nk/sync.h>
#include <nk/boot.h>

#define NK_PAGE_SIZE     4096ul
#define NK_PAGE_SHIFT    12
#define BUDDY_MAX_ORDER  20              /* 4 GiB blocks */
#define NK_MAX_ZONES     8
#define NK_MIN_MEM       (16ul << 20)   /* refuse to boot with less free RAM */

struct buddy_pool {
    uint64_t base;                      /* first managed page */
    uint64_t npages;
    uint8_t *meta;                      /* one byte per page, see buddy.c */
    struct nk_list *links;              /* one per page: free-list entries of free heads */
    struct nk_list free[BUDDY_MAX_ORDER + 1];
    uint64_t nfree[BUDDY_MAX_ORDER + 1];
    uint64_t free_pages;
    nk_spinlock_t lock;
    int node;
    struct buddy_pool *next;            /* next pool of the same zone */
};

/* Manage [base, base+len): the page metadata is carved from its start. NULL if too small. */
struct buddy_pool *buddy_init(uint64_t base, uint64_t len, int node);
void *buddy_alloc(struct buddy_pool *p, int order);
void buddy_free(struct buddy_pool *p, void *addr);
int buddy_owns(struct buddy_pool *p, void *addr);
/* Check every invariant (free lists vs metadata, alignment, no overlap, counts); 0 if ok,
 * else prints the first violation and returns -1. */
int buddy_check(struct buddy_pool *p);

/* Zones: all pools, node-local first. */
int mem_init(struct nk_boot *b);
void *mem_alloc_pages(int order, int node);   /* node -1 = the caller's */
void mem_free_pages(void *addr);
uint64_t mem_free_bytes(void);
uint64_t mem_total_bytes(void);
int mem_order_for(size_t bytes);              /* BUDDY_MAX_ORDER + 1 when no block fits */
struct buddy_pool *mem_first_pool(void);

void *kmem_alloc(size_t size);                /* 16-byte aligned, NULL when out of memory */
void *kmem_zalloc(size_t size);
void kmem_free(void *p);
size_t kmem_size(void *p);                    /* usable size of an allocation */

#endif /* NK_MEM_H */
