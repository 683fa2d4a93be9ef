/*
 * What the arch hands the core at boot: the command line, the memory map, the CPUs and
 * the TSC frequency, whatever the loader was (multiboot1/2 under QEMU or GRUB, or the
 * HRT boot info of our VMM).
 */
#ifndef NK_BOOT_H
#define NK_BOOT_H

#include <stdint.h>
#include <hrt/boot.h>

#define NK_MAX_CPUS     HRT_MAX_CPUS
#define NK_MAX_REGIONS  HRT_MAX_REGIONS
#define NK_CMDLINE_MAX  HRT_CMDLINE_MAX   /* all our VMM may pass: a cut line loses keys */

struct nk_region {
    uint64_t base;
    uint64_t len;
    uint32_t type;      /* enum hrt_region_type */
    uint32_t node;      /* NUMA node = buddy zone */
};

struct nk_boot {
    char cmdline[NK_CMDLINE_MAX];
    int cmdline_cut;                    /* the loader's line was longer: nk_main refuses it */
    int nregions;
    struct nk_region regions[NK_MAX_REGIONS];
    int ncpus;                          /* CPUs to run (<= NK_MAX_CPUS) */
    int ncpus_found;                    /* CPUs the firmware/VMM announced */
    uint32_t apic_ids[NK_MAX_CPUS];
    uint64_t tsc_hz;                    /* 0 = arch calibrates */
    int profile;                        /* enum hrt_profile */
    const char *loader;                 /* "multiboot1", "multiboot2", "hrt" */
    struct hrt_boot_info *hrt;          /* the VMM's boot info, or 0 */
    struct hrt_log_ring *log_ring;      /* shared-memory console, or 0 */
};

/* The parsed boot description (core/main.c owns it). */
extern struct nk_boot *nk_boot_params;

#endif /* NK_BOOT_H */
