/*
 * Where the VMM puts its structures in the guest's reserved first MiB (docs/ARCHITECTURE.md,
 * "Memory map"), and the selectors of the GDT it builds. The deprivileged kernel finds all
 * of it through the boot info; the numbers are fixed only so a reader can look at them.
 */
package org.legionhrt.hvm.boot;

/** Guest-physical addresses and sizes of the VMM's structures. */
public final class Layout {
    /**
     * Guest-virtual [0, NULL_GUARD) is not mapped, so a NULL dereference faults (the VM ends with
     * the state, CR2 = the address); the rest of the first 2 MiB is mapped with 4 KiB pages.
     * Guest-physical page 0 holds nothing.
     */
    public static final long NULL_GUARD = 0x1000;
    /** Page-table pages: PML4 first, then PDPTs, PDs and the first 2 MiB's 4 KiB table as needed. */
    public static final long PAGE_TABLES = 0x1000;
    /** Room for page-table pages (64 pages: 4 KiB each). */
    public static final long PAGE_TABLES_END = 0x41000;
    /** GDT (7 entries). */
    public static final long GDT = 0x41000;
    /**
     * The 64-bit TSS with an all-zero I/O permission bitmap (0x68 + 8 KiB + 1): CPL3 port I/O
     * is checked against it (PVM forces IOPL 0), so every port must be allowed there.
     */
    public static final long TSS = 0x42000;
    /**
     * End of the structures the guest may read but not write: page tables, GDT and TSS
     * ([{@link #PAGE_TABLES}, READ_ONLY_END) is mapped without the R/W bit).
     */
    public static final long READ_ONLY_END = 0x45000;
    /** struct hrt_boot_info. */
    public static final long BOOT_INFO = 0x45000;
    /** The kernel command line (NUL-terminated, at most 4 KiB). */
    public static final long CMDLINE = 0x46000;
    /** Maximum command-line length including the NUL. */
    public static final int CMDLINE_MAX = 4096;
    /** Per-CPU areas: GS base of CPU i is PERCPU + i * 4096. */
    public static final long PERCPU = 0x47000;
    /** Stride of per-CPU areas (HRT_PERCPU_STRIDE). */
    public static final long PERCPU_STRIDE = 4096;
    /** The HVM communication area (doorbells, call ring, request ring): see ring.CommLayout. */
    public static final long COMM = 0x87000;
    /** Size of the communication area. */
    public static final long COMM_SIZE = 0xC000;
    /** struct hrt_log_ring header, data follows. */
    public static final long LOG_RING = 0x93000;
    /** Log-ring data size (a power of two). */
    public static final long LOG_RING_DATA = 0x20000;
    /**
     * The block every vCPU's FS base points at (see {@link Tcb}): Linux-built code reads its
     * stack canary at %fs:0x28.
     */
    public static final long TCB = 0xB4000;
    /** Where the kernel image may start. */
    public static final long IMAGE_MIN = 0x100000;
    /** Initial stack per CPU, carved from the top of RAM. */
    public static final long STACK_SIZE = 16 * 1024;

    /** GDT selector of the 64-bit DPL-3 code segment, RPL 3. */
    public static final int USER_CS = 0x20 | 3;
    /** GDT selector of the DPL-3 data segment, RPL 3. */
    public static final int USER_DS = 0x18 | 3;
    /** GDT selector of the TSS. */
    public static final int TSS_SEL = 0x28;

    private Layout() {
    }
}
