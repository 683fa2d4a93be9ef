/*
 * ACPI, only as far as finding the CPUs: RSDP (EBDA and BIOS area), RSDT/XSDT, MADT local
 * APIC (and x2APIC) entries.
 */
#include <nk/string.h>
#include <nk/printk.h>
#include "ring0.h"

struct sdt_hdr {
    char sig[4];
    uint32_t len;
    uint8_t rev, sum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static uint8_t *scan(uint64_t base, uint64_t len)
{
    for (uint64_t p = base; p + 20 <= base + len; p += 16) {
        if (memcmp((void *)p, "RSD PTR ", 8))
            continue;
        uint8_t s = 0;
        for (int i = 0; i < 20; i++)
            s += ((uint8_t *)p)[i];
        if (!s)
            return (uint8_t *)p;
    }
    return NULL;
}

/* A root table shorter than its header has no entries (its length minus the header wrapped
 * to a huge count). */
static struct sdt_hdr *find_table(uint8_t *rsdp, const char *sig)
{
    int xsdt = rsdp[15] >= 2 && *(uint64_t *)(rsdp + 24);
    struct sdt_hdr *root = (struct sdt_hdr *)(xsdt ? *(uint64_t *)(rsdp + 24)
                                                   : (uint64_t)*(uint32_t *)(rsdp + 16));
    int esz = xsdt ? 8 : 4;
    uint32_t n = root->len > sizeof *root ? (root->len - (uint32_t)sizeof *root) / esz : 0;
    uint8_t *ents = (uint8_t *)(root + 1);
    for (uint32_t i = 0; i < n; i++) {
        struct sdt_hdr *t = (struct sdt_hdr *)(xsdt ? *(uint64_t *)(ents + i * 8)
                                                    : (uint64_t)*(uint32_t *)(ents + i * 4));
        if (!memcmp(t->sig, sig, 4))
            return t;
    }
    return NULL;
}

/*
 * One CPU per APIC id. Firmware may list a CPU twice (a local APIC and an x2APIC entry for the
 * same id, or a repeated entry): counted twice, the second start sent INIT to a CPU already
 * running (a reset under it) or to the boot CPU itself. The ids 0xff and 0xffffffff are the
 * broadcast addresses, no CPU's: an INIT there would reach every CPU.
 */
static void add_cpu(struct nk_boot *b, uint32_t id, uint32_t flags, uint32_t broadcast)
{
    /* Enabled only: "online capable" alone (bit 1) is a CPU that may be hot-added later and
     * is absent now (QEMU -smp n,maxcpus=m); starting it failed and refused the boot. */
    if (!(flags & 1) || id == broadcast)
        return;
    int known = b->ncpus_found < NK_MAX_CPUS ? b->ncpus_found : NK_MAX_CPUS;
    for (int i = 0; i < known; i++)
        if (b->apic_ids[i] == id)
            return;
    if (b->ncpus_found < NK_MAX_CPUS)
        b->apic_ids[b->ncpus_found] = id;
    b->ncpus_found++;
}

int acpi_find_cpus(struct nk_boot *b)
{
    volatile uint16_t *bda_ebda = (volatile uint16_t *)(uintptr_t)0x40e;
    uint64_t ebda = (uint64_t)*bda_ebda << 4;
    uint8_t *rsdp = ebda ? scan(ebda, 1024) : NULL;
    if (!rsdp)
        rsdp = scan(0xe0000, 0x20000);
    struct sdt_hdr *madt = rsdp ? find_table(rsdp, "APIC") : NULL;
    if (!madt)
        return -1;
    acpi_madt_cpus(madt, b);
    return 0;
}

/* Entries are read only where they fit whole in the table and are as long as their type
 * needs: a short or truncated one was read past its end (the flags from the next entry). */
void acpi_madt_cpus(const void *table, struct nk_boot *b)
{
    const struct sdt_hdr *madt = table;
    const uint8_t *p = (const uint8_t *)madt + 44, *end = (const uint8_t *)madt + madt->len;
    b->ncpus_found = 0;
    for (; p + 2 <= end && p[1] >= 2 && p[1] <= end - p; p += p[1]) {
        if (p[0] == 0 && p[1] >= 8)
            add_cpu(b, p[3], *(uint32_t *)(p + 4), 0xff);
        else if (p[0] == 9 && p[1] >= 16)
            add_cpu(b, *(uint32_t *)(p + 4), *(uint32_t *)(p + 8), 0xffffffffu);
    }
    b->ncpus = b->ncpus_found < NK_MAX_CPUS ? b->ncpus_found : NK_MAX_CPUS;
}

/* The boot CPU must be index 0. A firmware table that leaves it out (seen in the wild) would
 * make slot 0 another CPU's id, and kicks meant for CPU 0 would go to a CPU never started:
 * the boot CPU then takes slot 0 and the CPU there moves to the end, or is dropped when full. */
void acpi_boot_cpu_first(struct nk_boot *b, uint32_t me)
{
    for (int i = 0; i < b->ncpus; i++)
        if (b->apic_ids[i] == me) {
            b->apic_ids[i] = b->apic_ids[0];
            b->apic_ids[0] = me;
            return;
        }
    printk("acpi: the boot CPU (APIC %u) is not in the MADT; adding it\n", me);
    b->ncpus_found++;
    if (b->ncpus == 0)
        b->ncpus = 1;
    else if (b->ncpus < NK_MAX_CPUS)
        b->apic_ids[b->ncpus++] = b->apic_ids[0];
    else
        printk("acpi: no slot left for APIC %u: that CPU stays unused\n", b->apic_ids[0]);
    b->apic_ids[0] = me;
}
