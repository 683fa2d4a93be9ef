/*
 * Self-tests of the ring0 profile: exceptions are delivered and resumed, page 0 is not
 * mapped, the APIC timer ticks on every CPU, threads are preempted, IPIs wake idle CPUs,
 * extra ranges can be mapped at chosen virtual addresses, and the TSC is sane.
 */
#include <nk/test.h>
#include <nk/thread.h>
#include <nk/cpu.h>
#include <nk/mem.h>
#include <nk/atomic.h>
#include <nk/string.h>
#include "ring0.h"

static volatile int pf_hits;
static volatile uint64_t pf_cr2, pf_err;

/* Resume after the 3-byte `movq (%rax), %rax` with rax = a marker. */
static int pf_hook(struct trap_frame *f)
{
    pf_hits++;
    pf_cr2 = read_cr2();
    pf_err = f->error;
    f->rip += 3;
    f->rax = 0xfeed;
    return 1;
}

/* Loads from addr with pf_hook catching a fault; returns what rax held after. */
static uint64_t hooked_load(uint64_t addr)
{
    uint64_t v = addr;
    pf_hits = 0;
    trap_set_hook(14, pf_hook);
    __asm__ __volatile__(".byte 0x48, 0x8b, 0x00" : "+a"(v) :: "memory");  /* movq (%rax),%rax */
    trap_set_hook(14, NULL);
    return v;
}

/* A page fault is delivered with its address and error code, and the kernel resumes.
 * (A #PF rather than int3: KVM on PVM hosts cannot emulate int3 in guest ring 0.) */
NK_TEST(trap_page_fault_fixup, NK_QUICK)
{
    uint64_t v = hooked_load(0x7ff000001000ull);
    NK_CHECK(pf_hits == 1, "%d page faults delivered, want 1", pf_hits);
    NK_CHECK(v == 0xfeed, "did not resume after the faulting load (rax %lx)", v);
    NK_CHECK(pf_cr2 == 0x7ff000001000ull, "cr2 %lx", pf_cr2);
    NK_CHECK((pf_err & 1) == 0 && (pf_err & 2) == 0, "error code %lx: want not-present read", pf_err);
    return 0;
}

/* Page 0 is left out of the kernel's tables (paging_guard_null): a NULL struct's field read
 * faults with cr2 = the offset, while the rest of the first 2 MiB stays mapped. */
NK_TEST(paging_null_guard, NK_QUICK)
{
    uint64_t v = hooked_load(0x10);
    NK_CHECK(pf_hits == 1 && v == 0xfeed, "reading NULL->field did not fault (%d faults)", pf_hits);
    NK_CHECK(pf_cr2 == 0x10, "cr2 %lx, want 0x10", pf_cr2);
    hooked_load(0x1000);
    NK_CHECK(pf_hits == 0, "page 1 (0x1000) faulted too: only page 0 may be left out");
    hooked_load(0x1ff000);
    NK_CHECK(pf_hits == 0, "the last page of the first 2 MiB faulted");
    return 0;
}

static long ticks_of(void *a, int cpu)
{
    uint64_t t0 = this_cpu()->ticks;
    nk_sleep_ns(50000000);                /* 50 ms = 5 ticks at 100 Hz */
    return this_cpu()->ticks > t0 ? 0 : 1;
}

NK_TEST(apic_timer_ticks, NK_QUICK)
{
    long bad = nk_on_all_cpus(ticks_of, NULL);
    NK_CHECK(bad == 0, "%ld CPUs saw no timer interrupt in 50 ms", bad);
    return 0;
}

static volatile int spin_stop;
static volatile int other_ran;

static void *hog(void *a)
{
    while (!nk_load(&spin_stop))          /* never yields: only the timer can switch */
        arch_cpu_relax();
    return NULL;
}

static void *polite(void *a)
{
    nk_store(&other_ran, 1);
    return NULL;
}

NK_TEST(preemption, NK_QUICK)
{
    int cpu = nk_cpu_count() - 1;
    spin_stop = other_ran = 0;
    struct nk_thread *h = nk_thread_create(hog, NULL, cpu, 0);
    nk_sleep_ns(1000000);
    struct nk_thread *p = nk_thread_create(polite, NULL, cpu, 0);
    uint64_t end = arch_cycles() + nk_ns_to_cycles(1000000000ull);
    while (!nk_load(&other_ran) && arch_cycles() < end)
        nk_relax();
    nk_store(&spin_stop, 1);
    nk_thread_join(h, NULL);
    nk_thread_join(p, NULL);
    NK_CHECK(other_ran, "a thread spinning without yielding was never preempted");
    return 0;
}

static volatile uint64_t wake_t;

static void *wake_probe(void *a)
{
    nk_store(&wake_t, arch_cycles());
    return NULL;
}

static void *timer_off(void *a)
{
    apic_timer_stop();
    return NULL;
}

static void *timer_on(void *a)
{
    apic_timer_start(100);
    return NULL;
}

/* With CPU 1's timer stopped, only the kick IPI can end its hlt: a thread created there
 * must still run. (Latency is not asserted: the host may deschedule a vCPU for ms.) */
NK_TEST(ipi_wakes_idle_cpu, NK_QUICK)
{
    if (nk_cpu_count() < 2)
        return 0;
    nk_thread_join(nk_thread_create(timer_off, NULL, 1, 0), NULL);
    int woke = 0;
    for (int i = 0; i < 20; i++) {
        nk_sleep_ns(200000);              /* let CPU 1 go idle (hlt) */
        wake_t = 0;
        struct nk_thread *t = nk_thread_create(wake_probe, NULL, 1, 0);
        uint64_t end = arch_cycles() + nk_ns_to_cycles(2000000000ull);
        while (!nk_load(&wake_t) && arch_cycles() < end)
            arch_cpu_relax();
        woke += wake_t != 0;
        if (!wake_t)
            break;
        nk_thread_join(t, NULL);
    }
    if (woke == 20)
        nk_thread_join(nk_thread_create(timer_on, NULL, 1, 0), NULL);
    NK_CHECK(woke == 20, "an idle CPU without timer was not woken by the kick (%d of 20)", woke);
    return 0;
}

NK_TEST(paging_map_range, NK_QUICK)
{
    char *blk = mem_alloc_pages(10, -1);          /* 4 MiB: holds an aligned 2 MiB */
    NK_CHECK(blk, "no memory");
    uint64_t pa = ((uint64_t)blk + (2ul << 20) - 1) & ~((2ul << 20) - 1);
    uint64_t va = 0x4000000000ull;                /* 256 GiB: nothing mapped there */
    NK_CHECK(arch_map_range(va, pa, 2ul << 20, NK_MAP_WRITE) == 0, "map failed");
    volatile uint64_t *alias = (uint64_t *)va, *real = (uint64_t *)pa;
    real[100] = 0x1234abcd;
    NK_CHECK(alias[100] == 0x1234abcd, "alias reads %lx", alias[100]);
    alias[200] = 77;
    NK_CHECK(real[200] == 77, "write through the alias not seen");
    NK_CHECK(arch_map_range(va + 4096, pa, 2ul << 20, NK_MAP_WRITE) < 0, "unaligned accepted");
    mem_free_pages(blk);
    return 0;
}

NK_TEST(tsc_monotonic, NK_QUICK)
{
    uint64_t prev = arch_cycles();
    for (int i = 0; i < 10000; i++) {
        uint64_t t = arch_cycles();
        NK_CHECK(t >= prev, "tsc went back: %lu < %lu", t, prev);
        prev = t;
    }
    uint64_t hz = arch_tsc_hz();
    NK_CHECK(hz > 100000000ull && hz < 10000000000ull, "tsc_hz %lu implausible", hz);
    return 0;
}

/* Manual: a deliberate page fault, to check the panic path (register dump, backtrace,
 * every CPU stopped, exit code 2). Run with tests=crash_page_fault. */
NK_TEST(crash_page_fault, NK_MANUAL)
{
    volatile uint64_t *bad = (uint64_t *)0x7ff000000000ull;   /* never mapped */
    printk("  touching %p: the kernel must panic now\n", (void *)bad);
    return (int)*bad;
}

/* Multiboot2 parsing on a synthetic info block (QEMU -kernel only exercises multiboot1):
 * cmdline tag, memory map tag with RAM below 1 MiB, across the image and above it. */
NK_TEST(multiboot2_parse, NK_QUICK)
{
    static uint32_t info[64] __attribute__((aligned(8)));
    static struct nk_boot b;
    extern char __bss_end[];
    uint32_t *p = info + 2;
    *p++ = 1; *p++ = 8 + 12;                              /* cmdline tag */
    __builtin_memcpy(p, "tests=x a=1", 12);
    p += 4;                                                /* 20 bytes, padded to 24 */
    uint32_t *mm = p;
    *p++ = 6; *p++ = 16 + 3 * 24; *p++ = 24; *p++ = 0;    /* mmap tag, 3 entries */
    uint64_t ents[3][3] = {
        { 0, 0x9fc00, 1 },                                 /* low RAM: never used */
        { 0x100000, 0x1000000, 1 },                        /* holds the image */
        { 0x2000000, 0x1000000, 2 },                       /* reserved */
    };
    __builtin_memcpy(p, ents, sizeof ents);
    p = mm + (16 + 3 * 24) / 4;
    *p++ = 0; *p++ = 8;                                    /* end tag */
    info[0] = (uint32_t)((char *)p - (char *)info);
    NK_CHECK(mb_parse(0x36d76289, (uint32_t)(uint64_t)info, &b) == 0, "rejected");
    NK_CHECK(!strcmp(b.loader, "multiboot2"), "loader %s", b.loader);
    NK_CHECK(!strcmp(b.cmdline, "tests=x a=1"), "cmdline '%s'", b.cmdline);
    NK_CHECK(b.nregions == 1, "%d regions, want 1", b.nregions);
    NK_CHECK(b.regions[0].base == (uint64_t)__bss_end && b.regions[0].base + b.regions[0].len == 0x1100000,
             "region %lx+%lx must start after the image", b.regions[0].base, b.regions[0].len);
    NK_CHECK(mb_parse(0x12345678, 0, &b) < 0, "a bad magic was accepted");
    return 0;
}

/* The HRT info tag of a ring0 loader overrides command line, regions, CPUs and tsc_hz. */
NK_TEST(hrt_info_tag_parse, NK_QUICK)
{
    static uint32_t info[4 + (8 + sizeof(struct hrt_boot_info) + 8) / 4] __attribute__((aligned(8)));
    static struct nk_boot b;
    static const char cmd[] = "tests=y";
    struct hrt_boot_info *h = (struct hrt_boot_info *)(info + 4);
    info[2] = HRT_MB2_INFO_TAG;
    info[3] = 8 + sizeof *h;
    memset(h, 0, sizeof *h);
    h->magic = HRT_BOOT_MAGIC;
    h->version = HRT_BOOT_VERSION;
    h->tsc_hz = 2000000000ull;
    h->cmdline = (uint64_t)cmd;
    h->nregions = 2;
    h->regions[0] = (struct hrt_region){ 0x4000000, 0x1000000, HRT_REGION_RAM, 1 };
    h->regions[1] = (struct hrt_region){ 0x7f0000000000ull, 0x400000, HRT_REGION_MERGED, 0 };
    h->ncpus = 2;
    h->cpus[0].apic_id = 4;
    h->cpus[1].apic_id = 6;
    uint32_t *end = info + 2 + (info[3] + 7) / 8 * 2;
    end[0] = 0;
    end[1] = 8;
    info[0] = (uint32_t)((char *)(end + 2) - (char *)info);
    NK_CHECK(mb_parse(0x36d76289, (uint32_t)(uint64_t)info, &b) == 0, "rejected");
    NK_CHECK(b.hrt == h && b.tsc_hz == 2000000000ull, "tag not used (tsc %lu)", b.tsc_hz);
    NK_CHECK(!strcmp(b.cmdline, "tests=y"), "cmdline '%s'", b.cmdline);
    NK_CHECK(b.nregions == 2 && b.regions[0].base == 0x4000000 && b.regions[0].node == 1 &&
             b.regions[1].type == HRT_REGION_MERGED, "regions: %d", b.nregions);
    NK_CHECK(b.ncpus == 2 && b.apic_ids[1] == 6, "cpus %d", b.ncpus);
    return 0;
}

/* A command line as long as our VMM passes (Layout.CMDLINE_MAX: 4095 bytes and the NUL)
 * arrives whole: it was cut at 511 bytes, so a long tests= list lost its tail (a cut at a
 * comma dropped tests silently, one inside a name refused a valid list). */
NK_TEST(hrt_info_long_cmdline, NK_QUICK)
{
    static uint32_t info[4 + (8 + sizeof(struct hrt_boot_info) + 8) / 4] __attribute__((aligned(8)));
    static struct nk_boot b;
    static char cmd[4096];
    struct hrt_boot_info *h = (struct hrt_boot_info *)(info + 4);
    memcpy(cmd, "env=", 4);
    memset(cmd + 4, 'x', sizeof cmd - 4);
    cmd[sizeof cmd - 2] = 'Z';
    cmd[sizeof cmd - 1] = 0;
    info[2] = HRT_MB2_INFO_TAG;
    info[3] = 8 + sizeof *h;
    memset(h, 0, sizeof *h);
    h->magic = HRT_BOOT_MAGIC;
    h->version = HRT_BOOT_VERSION;
    h->cmdline = (uint64_t)cmd;
    uint32_t *end = info + 2 + (info[3] + 7) / 8 * 2;
    end[0] = 0;
    end[1] = 8;
    info[0] = (uint32_t)((char *)(end + 2) - (char *)info);
    NK_CHECK(mb_parse(0x36d76289, (uint32_t)(uint64_t)info, &b) == 0, "rejected");
    NK_CHECK(!strcmp(b.cmdline, cmd), "a %lu-byte command line arrived as %lu bytes",
             sizeof cmd - 1, strlen(b.cmdline));
    NK_CHECK(!b.cmdline_cut, "a line that fits was marked cut");
    static char longer[sizeof cmd + 1];   /* one byte too many: refused by nk_main, not cut */
    memset(longer, 'y', sizeof longer - 1);
    h->cmdline = (uint64_t)longer;
    NK_CHECK(mb_parse(0x36d76289, (uint32_t)(uint64_t)info, &b) == 0 && b.cmdline_cut,
             "a %lu-byte command line was not marked cut", sizeof longer - 1);
    return 0;
}

/* MADT entries: an enabled local APIC and x2APIC are CPUs to start; one that is only "online
 * capable" (ACPI 6.3: a CPU that may be hot-added later, absent now; QEMU's maxcpus) is not:
 * counting it sent INIT-SIPI to nobody and refused to boot ("CPU n did not start"). */
NK_TEST(acpi_madt_online_capable, NK_QUICK)
{
    static uint8_t madt[44 + 4 * 8 + 16] __attribute__((aligned(8)));
    static struct nk_boot b;
    memset(madt, 0, sizeof madt);
    memcpy(madt, "APIC", 4);
    *(uint32_t *)(madt + 4) = sizeof madt;
    static const uint8_t lapic[4][8] = {
        { 0, 8, 0, 0, 1, 0, 0, 0 },       /* processor 0, APIC 0: enabled */
        { 0, 8, 1, 2, 2, 0, 0, 0 },       /* APIC 2: online capable only (absent) */
        { 0, 8, 2, 4, 0, 0, 0, 0 },       /* APIC 4: unusable */
        { 0, 8, 3, 6, 1, 0, 0, 0 },       /* APIC 6: enabled */
    };
    memcpy(madt + 44, lapic, sizeof lapic);
    uint8_t *x2 = madt + 44 + sizeof lapic;          /* x2APIC 0x100: online capable only */
    x2[0] = 9;
    x2[1] = 16;
    *(uint32_t *)(x2 + 4) = 0x100;
    *(uint32_t *)(x2 + 8) = 2;
    acpi_madt_cpus(madt, &b);
    NK_CHECK(b.ncpus_found == 2 && b.ncpus == 2 && b.apic_ids[0] == 0 && b.apic_ids[1] == 6,
             "%d CPUs (ids %u %u %u): want the 2 enabled ones, 0 and 6", b.ncpus_found,
             b.apic_ids[0], b.apic_ids[1], b.apic_ids[2]);
    return 0;
}

/* One CPU per APIC id, none at a broadcast id, and only whole entries: a CPU listed as a
 * local APIC twice and again as an x2APIC was started three times (INIT to a running CPU);
 * APIC 0xff (the xAPIC broadcast) would have sent INIT to every CPU; an 4-byte local APIC
 * entry took its flags from the next entry, and an x2APIC entry cut by the table's length
 * was read past the table. */
NK_TEST(acpi_madt_duplicates_and_bounds, NK_QUICK)
{
    static uint8_t madt[44 + 5 * 8 + 16 + 4 + 12 + 16] __attribute__((aligned(8)));
    static struct nk_boot b;
    memset(madt, 0, sizeof madt);
    memset(&b, 0, sizeof b);
    memcpy(madt, "APIC", 4);
    static const uint8_t lapic[5][8] = {
        { 0, 8, 0, 0, 1, 0, 0, 0 },       /* processor 0, APIC 0: enabled */
        { 0, 8, 1, 0, 1, 0, 0, 0 },       /* APIC 0 again */
        { 0, 8, 2, 0xff, 1, 0, 0, 0 },    /* APIC 0xff: the broadcast id */
        { 0, 8, 3, 1, 1, 0, 0, 0 },       /* APIC 1: enabled */
        { 0, 8, 4, 1, 1, 0, 0, 0 },       /* APIC 1 again */
    };
    uint8_t *q = madt + 44;
    memcpy(q, lapic, sizeof lapic);
    q += sizeof lapic;
    q[0] = 9; q[1] = 16;                  /* x2APIC 0, enabled: the local APIC 0 once more */
    *(uint32_t *)(q + 4) = 0;
    *(uint32_t *)(q + 8) = 1;
    q += 16;
    q[0] = 0; q[1] = 4; q[3] = 3;         /* a local APIC 3 entry too short for its flags ... */
    q += 4;
    q[0] = 1; q[1] = 12;                  /* ... which an IOAPIC entry (byte 0: 1) would give */
    q += 12;
    q[0] = 9; q[1] = 16;                  /* x2APIC 5, enabled, but the table ends in it */
    *(uint32_t *)(q + 4) = 5;
    *(uint32_t *)(q + 8) = 1;
    *(uint32_t *)(madt + 4) = (uint32_t)(q + 12 - madt);
    acpi_madt_cpus(madt, &b);
    NK_CHECK(b.ncpus_found == 2 && b.ncpus == 2 && b.apic_ids[0] == 0 && b.apic_ids[1] == 1,
             "%d CPUs (ids %u %u %u %u): want 2, APIC 0 and 1", b.ncpus_found, b.apic_ids[0],
             b.apic_ids[1], b.apic_ids[2], b.apic_ids[3]);
    return 0;
}

/* The boot CPU goes to slot 0; a MADT that does not list it (firmware bugs do this) used to
 * leave another CPU's id in slot 0, so CPU 0's kicks went to a CPU never started. */
NK_TEST(acpi_boot_cpu_first, NK_QUICK)
{
    static struct nk_boot b;
    memset(&b, 0, sizeof b);
    b.ncpus = b.ncpus_found = 3;
    b.apic_ids[0] = 4; b.apic_ids[1] = 2; b.apic_ids[2] = 6;
    acpi_boot_cpu_first(&b, 2);
    NK_CHECK(b.ncpus == 3 && b.apic_ids[0] == 2 && b.apic_ids[1] == 4 && b.apic_ids[2] == 6,
             "listed: %d CPUs, ids %u %u %u; want 3: 2 4 6", b.ncpus, b.apic_ids[0], b.apic_ids[1], b.apic_ids[2]);
    acpi_boot_cpu_first(&b, 9);
    NK_CHECK(b.ncpus == 4 && b.ncpus_found == 4 && b.apic_ids[0] == 9 && b.apic_ids[3] == 2,
             "unlisted: %d CPUs, ids %u .. %u; want 4: 9 4 6 2", b.ncpus, b.apic_ids[0], b.apic_ids[3]);
    b.ncpus = NK_MAX_CPUS;
    acpi_boot_cpu_first(&b, 11);
    NK_CHECK(b.ncpus == NK_MAX_CPUS && b.apic_ids[0] == 11, "full: %d CPUs, slot 0 APIC %u", b.ncpus, b.apic_ids[0]);
    return 0;
}

/* The page-table entry that maps va in the kernel tables (its level: 3 = 1 GiB, 2 = 2 MiB,
 * 1 = 4 KiB), or 0 if unmapped. */
static uint64_t pte_of(uint64_t va, int *level)
{
    uint64_t *t = (uint64_t *)(ring0_cr3 & ~0xfffull);
    for (int l = 4, shift = 39; l >= 1; l--, shift -= 9) {
        uint64_t e = t[(va >> shift) & 511];
        if (!(e & 1))
            return 0;
        if (l == 1 || (l <= 3 && (e & 0x80))) {
            *level = l;
            return e;
        }
        t = (uint64_t *)(e & 0x000ffffffffff000ull);
    }
    return 0;
}

/* The IOAPIC and LAPIC windows are mapped uncached (PCD|PWT) with 2 MiB and with 1 GiB pages:
 * with 1 GiB pages (CPUID pdpe1gb, e.g. -cpu max or host) the GiB below 4 GiB was write-back,
 * device registers included, and only MTRRs kept it right. */
NK_TEST(paging_apic_window_uncached, NK_QUICK)
{
    static const uint64_t mmio[] = { 0xfec00000ull, 0xfee00000ull };
    for (int i = 0; i < 2; i++) {
        int level = 0;
        uint64_t e = pte_of(mmio[i], &level);
        NK_CHECK(e, "%lx is not mapped", mmio[i]);
        NK_CHECK((e & 0x18) == 0x18, "%lx mapped cacheable (entry %lx, level %d)", mmio[i], e, level);
    }
    int level = 0;
    uint64_t ram = pte_of(0x40000000ull, &level);  /* 1 GiB: ordinary memory stays cached */
    NK_CHECK(ram && !(ram & 0x18), "1 GiB mapped uncached (entry %lx)", ram);
    return 0;
}

/* A multiboot2 tag or memory-map entry size of 0 (a broken loader) must end the walk, not
 * loop on the same tag for ever (the boot hung before printing anything). */
NK_TEST(multiboot2_zero_sizes, NK_QUICK)
{
    static uint32_t info[32] __attribute__((aligned(8)));
    static struct nk_boot b;
    memset(info, 0, sizeof info);
    memset(&b, 0, sizeof b);
    info[0] = sizeof info;
    info[2] = 1; info[3] = 0;                              /* cmdline tag of size 0 */
    NK_CHECK(mb_parse(0x36d76289, (uint32_t)(uint64_t)info, &b) == 0, "rejected");
    memset(info, 0, sizeof info);
    info[0] = sizeof info;
    info[2] = 6; info[3] = 16 + 24; info[4] = 0;          /* mmap tag, entry size 0 */
    NK_CHECK(mb_parse(0x36d76289, (uint32_t)(uint64_t)info, &b) == 0 && b.nregions == 0,
             "%d regions from an empty map", b.nregions);
    return 0;
}
