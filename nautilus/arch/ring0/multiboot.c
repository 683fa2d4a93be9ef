/*
 * Multiboot1 and multiboot2 information -> struct nk_boot: command line, memory map (minus
 * the first MiB and the image), and the HRT info tag if a loader passed one.
 * Everything is copied, so the loader's structures may be reused as free RAM afterwards.
 */
#include <nk/boot.h>
#include <nk/string.h>
#include <nk/printk.h>
#include "ring0.h"

#define MB1_BOOT_MAGIC 0x2badb002
#define MB2_BOOT_MAGIC 0x36d76289

extern char __load_start[], __bss_end[];

/* A line that does not fit is noted (nk_main refuses it): a cut one would lose its last keys
 * or, worse, end a value early (scale=100 cut to scale=10) without a word said. */
static void set_cmdline(struct nk_boot *b, const char *s)
{
    strncpy_z(b->cmdline, s, sizeof b->cmdline);
    b->cmdline_cut = strnlen(s, sizeof b->cmdline) == sizeof b->cmdline;
}

/* Add RAM [base, base+len) minus [0, 1 MiB) and the image. */
static void add_ram(struct nk_boot *b, uint64_t base, uint64_t len)
{
    uint64_t end = base + len, lo = 0x100000, img_end = (uint64_t)__bss_end;
    if (base < lo)
        base = lo;
    if (base < img_end && end > (uint64_t)__load_start)
        base = img_end;
    if (end <= base || b->nregions >= NK_MAX_REGIONS)
        return;
    b->regions[b->nregions++] = (struct nk_region){ base, end - base, HRT_REGION_RAM, 0 };
}

static void mb1_parse(uint32_t info, struct nk_boot *b)
{
    uint32_t *mbi = (uint32_t *)(uint64_t)info;
    uint32_t flags = mbi[0];
    if (flags & (1 << 2))
        set_cmdline(b, (const char *)(uint64_t)mbi[4]);
    if (!(flags & (1 << 6)))
        return;
    uint64_t p = mbi[12], end = p + mbi[11];
    while (p < end) {
        uint32_t size = *(uint32_t *)p;
        uint64_t base = *(uint64_t *)(p + 4), len = *(uint64_t *)(p + 12);
        if (*(uint32_t *)(p + 20) == 1)
            add_ram(b, base, len);
        p += size + 4;
    }
}

static void mb2_mmap(uint8_t *tag, struct nk_boot *b)
{
    uint32_t size = *(uint32_t *)(tag + 4), esize = *(uint32_t *)(tag + 8);
    if (esize < 24)                       /* base, len, type: a 0 looped on one entry */
        return;
    for (uint8_t *e = tag + 16; e + esize <= tag + size; e += esize)
        if (*(uint32_t *)(e + 16) == 1)
            add_ram(b, *(uint64_t *)e, *(uint64_t *)(e + 8));
}

static void mb2_parse(uint32_t info, struct nk_boot *b)
{
    uint8_t *p = (uint8_t *)(uint64_t)info + 8, *end = p - 8 + *(uint32_t *)(uint64_t)info;
    while (p < end) {
        uint32_t type = *(uint32_t *)p, size = *(uint32_t *)(p + 4);
        if (type == 0 || size < 8)        /* end; a size below the header looped for ever */
            break;
        if (type == 1)
            set_cmdline(b, (const char *)p + 8);
        else if (type == 6)
            mb2_mmap(p, b);
        else if (type == HRT_MB2_INFO_TAG)
            b->hrt = (struct hrt_boot_info *)(p + 8);
        p += (size + 7) & ~7u;
    }
}

/* A ring0 loader's HRT info tag overrides the multiboot view: its command line, its
 * regions (RAM for the buddy, the merged region to map), its CPUs and TSC frequency. */
static void hrt_apply(struct hrt_boot_info *h, struct nk_boot *b)
{
    b->tsc_hz = h->tsc_hz;
    b->log_ring = (struct hrt_log_ring *)h->log_ring;
    if (h->cmdline)
        set_cmdline(b, (const char *)h->cmdline);
    if (h->nregions)
        b->nregions = 0;
    for (uint32_t i = 0; i < h->nregions && i < HRT_MAX_REGIONS; i++) {
        struct hrt_region *r = &h->regions[i];
        int before = b->nregions;
        if (r->type == HRT_REGION_RAM)
            add_ram(b, r->base, r->len);
        else if (r->type == HRT_REGION_MERGED && b->nregions < NK_MAX_REGIONS)
            b->regions[b->nregions++] = (struct nk_region){ r->base, r->len, r->type, r->node };
        if (b->nregions > before)
            b->regions[before].node = r->node;
    }
    if (h->ncpus) {
        b->ncpus_found = (int)h->ncpus;
        b->ncpus = h->ncpus < NK_MAX_CPUS ? (int)h->ncpus : NK_MAX_CPUS;
        for (int i = 0; i < b->ncpus; i++)
            b->apic_ids[i] = h->cpus[i].apic_id;
    }
}

int mb_parse(uint32_t magic, uint32_t info, struct nk_boot *b)
{
    b->profile = HRT_PROFILE_RING0;
    if (magic == MB1_BOOT_MAGIC) {
        b->loader = "multiboot1";
        mb1_parse(info, b);
    } else if (magic == MB2_BOOT_MAGIC) {
        b->loader = "multiboot2";
        mb2_parse(info, b);
    } else {
        printk("nautilus: unknown boot magic %x: boot this image with a multiboot1/2 "
               "loader (QEMU -kernel, GRUB)\n", magic);
        return -1;
    }
    if (b->hrt && b->hrt->magic == HRT_BOOT_MAGIC && b->hrt->version == HRT_BOOT_VERSION)
        hrt_apply(b->hrt, b);
    else
        b->hrt = NULL;
    return 0;
}
