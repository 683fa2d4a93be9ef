/*
 * Where the VMM puts what a multiboot2 loader and a PC firmware leave in low memory for a
 * ring0 kernel (docs/ARCHITECTURE.md, "ring0 boot"): a flat GDT, the multiboot2 information,
 * the ACPI tables in the BIOS area. 0x8000 stays free for the kernel's AP trampoline.
 */
package org.legionhrt.hvm.boot;

/** Guest-physical addresses of the ring0 boot structures. */
public final class Ring0Layout {
    /** The boot GDT: null, flat 32-bit code (0x08), flat data (0x10). */
    public static final long GDT = 0x1000;
    /** Selector of the flat 32-bit code segment CS is loaded with. */
    public static final int CODE32 = 0x08;
    /** Selector of the flat data segment DS, ES, FS, GS and SS are loaded with. */
    public static final int DATA32 = 0x10;
    /**
     * ESP at entry: the spec leaves it undefined (the kernel sets up its own stack), so it
     * points at free low memory below the AP trampoline's page rather than at nothing.
     */
    public static final long ENTRY_STACK = 0x7000;
    /** The multiboot2 information structure (8-byte aligned, as the spec asks). */
    public static final long MBI = 0x10000;
    /** Room for it, up to the conventional-memory top. */
    public static final long MBI_MAX = 0x10000;
    /** Top of conventional memory: [0, here) is RAM in the memory map (640 KiB less an EBDA's KiB). */
    public static final long LOW_RAM_END = 0x9fc00;
    /** The BIOS area, reserved in the memory map; the RSDP and the ACPI tables live here. */
    public static final long BIOS = 0xe0000;
    /** The end of the BIOS area: 1 MiB. */
    public static final long BIOS_END = 0x100000;
    /** Where the local APICs answer; guest RAM must end below the IOAPIC at 0xfec00000. */
    public static final long LAPIC = 0xfee00000L;
    /** The in-kernel IOAPIC. */
    public static final long IOAPIC = 0xfec00000L;
    /** The most RAM a ring0 guest may have: below 3 GiB keeps the APIC window out of the memory slot. */
    public static final long MAX_RAM = 3L << 30;
    /** The interrupt vector a ring0 nautilus wakes from an idle halt on (VEC_KICK, arch/ring0/ring0.h). */
    public static final int KICK_VECTOR = 33;

    private Ring0Layout() {
    }
}
