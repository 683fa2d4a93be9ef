/*
 * Kernel page tables: identity map of all RAM (and at least the 4 GiB below, where the
 * APIC and firmware tables live) with 1 GiB pages where CPUID offers them, else 2 MiB;
 * the APIC window uncached, page 0 left out (paging_guard_null). arch_map_range adds
 * mappings at chosen virtual addresses.
 */
#include <nk/mem.h>
#include <nk/string.h>
#include <nk/printk.h>
#include <nk/arch.h>
#include "ring0.h"

#define PTE_P    1ull
#define PTE_W    2ull
#define PTE_PWT  8ull
#define PTE_PCD  16ull
#define PTE_PS   128ull
#define ADDR(e)  ((e) & 0x000ffffffffff000ull)
#define GIB      (1ull << 30)
#define MIB2     (2ull << 20)
#define APIC_WINDOW 0xfec00000ull        /* IOAPIC, then LAPIC at 0xfee00000, up to 4 GiB */

uint64_t ring0_cr3;
static uint64_t *pml4;
static int gib_pages;
static nk_spinlock_t map_lock = NK_SPINLOCK_INIT;

static uint64_t *new_table(void)
{
    uint64_t *t = mem_alloc_pages(0, -1);
    if (t)
        memset(t, 0, NK_PAGE_SIZE);
    return t;
}

/* Entry at `level` (3 = PML4 .. 1 = PD) for va, creating the next table if absent. */
static uint64_t *next_level(uint64_t *table, uint64_t va, int shift)
{
    uint64_t *e = &table[(va >> shift) & 511];
    if (!(*e & PTE_P)) {
        uint64_t *t = new_table();
        if (!t)
            return NULL;
        *e = (uint64_t)t | PTE_P | PTE_W;
    } else if (*e & PTE_PS) {
        return NULL;                      /* a large page is in the way */
    }
    return (uint64_t *)ADDR(*e);
}

static int map_one(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
    uint64_t *pdpt = next_level(pml4, va, 39);
    if (!pdpt)
        return -1;
    if (size == GIB) {
        pdpt[(va >> 30) & 511] = pa | flags | PTE_P | PTE_PS;
        return 0;
    }
    uint64_t *pd = next_level(pdpt, va, 30);
    if (!pd)
        return -1;
    pd[(va >> 21) & 511] = pa | flags | PTE_P | PTE_PS;
    return 0;
}

int paging_init(struct nk_boot *b)
{
    uint32_t r[4];
    cpuid(0x80000001, 0, r);
    gib_pages = (r[3] >> 26) & 1;
    uint64_t top = 4 * GIB;
    for (int i = 0; i < b->nregions; i++)
        if (b->regions[i].type == HRT_REGION_RAM && b->regions[i].base + b->regions[i].len > top)
            top = b->regions[i].base + b->regions[i].len;
    pml4 = new_table();
    if (!pml4)
        return -1;
    uint64_t step = gib_pages ? GIB : MIB2;
    for (uint64_t a = 0; a < top; a += step) {
        /* The IOAPIC / LAPIC window uncached. Its GiB goes in 2 MiB pages: as one 1 GiB page
         * it was mapped write-back, device registers and all. */
        int window = a + step > APIC_WINDOW && a < 4 * GIB;
        uint64_t size = window ? MIB2 : step;
        for (uint64_t b = a; b < a + step; b += size) {
            uint64_t fl = PTE_W | (b + size > APIC_WINDOW && b < 4 * GIB ? PTE_PCD | PTE_PWT : 0);
            if (map_one(b, b, size, fl) < 0)
                return -1;
        }
    }
    /* The merged region: at the JVM's address (boot info merged_base) over its guest-physical
     * base; a loader that gives no merged_base means VA == PA. Both 2 MiB-aligned. */
    uint64_t va = b->hrt ? b->hrt->merged_base : 0;
    for (int i = 0; i < b->nregions; i++) {
        struct nk_region *r = &b->regions[i];
        if (r->type != HRT_REGION_MERGED)
            continue;
        uint64_t lo = r->base & ~(MIB2 - 1), hi = (r->base + r->len + MIB2 - 1) & ~(MIB2 - 1);
        uint64_t at = va ? (va & ~(MIB2 - 1)) : lo;
        for (uint64_t a = lo; a < hi; a += MIB2, at += MIB2)
            if ((va || a >= top) && map_one(at, a, MIB2, PTE_W) < 0)
                return -1;
    }
    ring0_cr3 = (uint64_t)pml4;
    write_cr3(ring0_cr3);
    printk("paging: identity map of %lu GiB with %s pages\n", top >> 30,
           gib_pages ? "1 GiB" : "2 MiB");
    return 0;
}

/* Unmaps page 0, so a NULL dereference faults (#PF, cr2 = the field's offset) instead of
 * reading the real-mode vector table or writing the BIOS data area. The first 2 MiB become
 * 4 KiB pages (splitting a first 1 GiB page into 2 MiB ones on the way). Called after the ACPI
 * scan, the last reader of page 0 (the EBDA pointer at 0x40e); the APs load these tables. */
int paging_guard_null(void)
{
    uint64_t *pdpt = (uint64_t *)ADDR(pml4[0]), *pd;
    if (pdpt[0] & PTE_PS) {
        if (!(pd = new_table()))
            return -1;
        uint64_t fl = pdpt[0] & (PTE_W | PTE_PCD | PTE_PWT);
        for (uint64_t i = 0; i < 512; i++)
            pd[i] = i * MIB2 | fl | PTE_P | PTE_PS;
        pdpt[0] = (uint64_t)pd | PTE_P | PTE_W;
    } else {
        pd = (uint64_t *)ADDR(pdpt[0]);
    }
    uint64_t *pt = new_table();
    if (!pt)
        return -1;
    uint64_t fl = pd[0] & (PTE_W | PTE_PCD | PTE_PWT);
    for (uint64_t i = 1; i < 512; i++)    /* entry 0 stays not present */
        pt[i] = i * NK_PAGE_SIZE | fl | PTE_P;
    pd[0] = (uint64_t)pt | PTE_P | PTE_W;
    write_cr3(ring0_cr3);
    return 0;
}

int arch_map_range(uint64_t va, uint64_t pa, uint64_t len, int flags)
{
    if ((va | pa | len) & (MIB2 - 1))
        return -1;
    uint64_t fl = (flags & NK_MAP_WRITE ? PTE_W : 0) |
                  (flags & NK_MAP_NOCACHE ? PTE_PCD | PTE_PWT : 0);
    int rc = 0;
    unsigned long f = nk_spin_lock_irq(&map_lock);
    for (uint64_t off = 0; off < len && rc == 0; off += MIB2)
        rc = map_one(va + off, pa + off, MIB2, fl);
    write_cr3(ring0_cr3);                 /* flush this CPU's TLB; new entries only */
    nk_spin_unlock_irq(&map_lock, f);
    return rc;
}
