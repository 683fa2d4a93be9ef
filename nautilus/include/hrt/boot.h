/*
 * The HRT boot contract between our VMM (hvm/, Java) and the aerokernel.
 * hvm/.../boot/BootInfo.java mirrors this file field for field: change both together
 * and bump HRT_BOOT_VERSION. All fields are little-endian, naturally aligned, and every
 * address is a guest virtual address that equals its guest physical address (the HRT
 * is identity-mapped, the merged region included: see docs/ARCHITECTURE.md).
 */
#ifndef HRT_BOOT_H
#define HRT_BOOT_H

#include <stdint.h>

/* Multiboot2 header tag (in the image) announcing an HRT-capable kernel. */
#define HRT_MB2_HEADER_TAG   0x4854      /* "HT" */
/* Multiboot2 info tag (passed by a ring0 loader) carrying struct hrt_boot_info. */
#define HRT_MB2_INFO_TAG     0x4842      /* "HB" */

#define HRT_BOOT_MAGIC       0x544f4f4254524855ull   /* "UHRTBOOT" */
#define HRT_BOOT_VERSION     1

#define HRT_MAX_CPUS         64
#define HRT_MAX_REGIONS      32
#define HRT_PERCPU_STRIDE    4096        /* GS base of CPU i = percpu_base + i * stride */
#define HRT_CMDLINE_MAX      4096        /* command line bytes with its NUL (Layout.CMDLINE_MAX) */

/* Privilege profile the kernel was entered in. */
enum hrt_profile {
    HRT_PROFILE_RING0  = 0,   /* classic kernel: IDT, APIC, hlt, own page tables */
    HRT_PROFILE_DEPRIV = 1,   /* entered at CPL3 by our VMM: no privileged instruction */
};

/* How a CPU is started. */
enum hrt_cpu_start {
    HRT_CPU_START_SIPI   = 0, /* ring0: kernel sends INIT-SIPI-SIPI */
    HRT_CPU_START_DIRECT = 1, /* VMM starts it in long mode at entry64 */
};

enum hrt_region_type {
    HRT_REGION_RAM      = 1,  /* private memory the kernel may allocate from */
    HRT_REGION_RESERVED = 2,  /* VMM structures (page tables, GDT, boot info, rings) */
    HRT_REGION_MERGED   = 3,  /* JVM memory: base = guest-physical; mapped at merged_base */
    HRT_REGION_IMAGE    = 4,  /* the loaded kernel image */
    HRT_REGION_STACKS   = 5,  /* guarded stack slots (below): not RAM for the allocator */
};

/* A HRT_REGION_STACKS region is slots of HRT_STACK_SLOT bytes from its base; the VMM leaves
 * the lowest HRT_STACK_GUARD bytes of each unmapped, so a thread that runs off the deep end of
 * a stack there faults at once (CR2 in the guard) instead of writing whatever lies below. */
#define HRT_STACK_GUARD      0x1000ull
#define HRT_STACK_SLOT       (0x100000ull + HRT_STACK_GUARD)

/* Header tag in the image (multiboot2 header, type HRT_MB2_HEADER_TAG, size 32). */
struct hrt_header_tag {
    uint16_t type;            /* HRT_MB2_HEADER_TAG */
    uint16_t flags;           /* multiboot2: bit 0 = optional */
    uint32_t size;            /* sizeof(struct hrt_header_tag) */
    uint64_t entry64;         /* 64-bit entry: rdi = boot info, rsi = cpu index */
    uint32_t profiles;        /* bit mask of (1 << enum hrt_profile) the image supports */
    uint32_t percpu_size;     /* bytes the kernel needs at each GS base (<= stride) */
    uint64_t reserved;
};

struct hrt_region {
    uint64_t base;
    uint64_t len;
    uint32_t type;            /* enum hrt_region_type */
    uint32_t node;            /* NUMA node (zone) */
};

struct hrt_cpu {
    uint32_t apic_id;
    uint32_t start;           /* enum hrt_cpu_start */
    uint64_t stack_top;       /* initial RSP the VMM set (DIRECT), else 0 */
};

/*
 * I/O ports of the HVM. At CPL3 an `out` is a KVM_EXIT_IO the VMM serves (~8 us), so
 * hot paths never use them: they are for rare events (doze, panic, exit) only.
 */
#define HRT_PORT_COM1        0x3f8   /* 16550 transmit register */
#define HRT_PORT_EXIT        0xf4    /* 32-bit code: QEMU isa-debug-exit compatible */
#define HRT_PORT_DOZE        0x500   /* 32-bit cpu index: park until the doorbell rings */
#define HRT_PORT_PANIC       0x501   /* 32-bit address of a NUL-terminated message */
#define HRT_PORT_HYPERCALL   0x502   /* 32-bit cpu index: run that CPU's synchronous HRT->ROS call */
#define HRT_PORT_READY       0x503   /* 32-bit cpu count: all CPUs up (rings also carry it) */

/* Log ring: single producer per byte (lock in the kernel), consumer is the VMM. */
struct hrt_log_ring {
    volatile uint64_t head;   /* bytes ever written (kernel) */
    volatile uint64_t tail;   /* bytes ever consumed (VMM) */
    uint64_t size;            /* power of two; data follows this header */
    uint64_t dropped;         /* bytes lost because the VMM lagged */
    char data[];
};

struct hrt_boot_info {
    uint64_t magic;           /* HRT_BOOT_MAGIC */
    uint32_t version;         /* HRT_BOOT_VERSION */
    uint32_t size;            /* sizeof(struct hrt_boot_info) */
    uint32_t profile;         /* enum hrt_profile */
    uint32_t ncpus;
    uint32_t nregions;
    uint32_t flags;
    uint64_t tsc_hz;          /* 0 = calibrate */
    uint64_t percpu_base;     /* DEPRIV: GS base of CPU 0 (stride HRT_PERCPU_STRIDE) */
    uint64_t cmdline;         /* NUL-terminated string */
    uint64_t log_ring;        /* struct hrt_log_ring *, 0 = none */
    uint64_t comm;            /* HVM communication area (rings, doorbells): hvm/ defines it */
    uint64_t comm_size;
    uint64_t merged_base;     /* merged region: its VA, the JVM's address (its GPA: the MERGED region's base) */
    uint64_t merged_size;
    volatile uint64_t ready;  /* kernel stores the number of CPUs up; VMM polls it */
    struct hrt_region regions[HRT_MAX_REGIONS];
    struct hrt_cpu cpus[HRT_MAX_CPUS];
};

#endif /* HRT_BOOT_H */
