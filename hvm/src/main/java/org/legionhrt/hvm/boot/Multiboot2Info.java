/*
 * The multiboot2 boot information a loader hands the kernel in EBX: total size, then 8-byte
 * aligned tags: command line (1), loader name (2), basic memory info (4), memory map (6),
 * the ACPI 2.0 RSDP (15), our HRT info tag carrying struct hrt_boot_info (0x4842: the TSC
 * rate, and the word where the kernel reports its CPUs up), and the end tag.
 */
package org.legionhrt.hvm.boot;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.legionhrt.hvm.HvmException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Writer of the multiboot2 information structure. */
public final class Multiboot2Info {
    /** What EAX holds at the kernel's entry: "loaded by a multiboot2 loader". */
    public static final int BOOT_MAGIC = 0x36d76289;
    /** Memory-map entry type: usable RAM. */
    public static final int MMAP_RAM = 1;
    /** Memory-map entry type: reserved. */
    public static final int MMAP_RESERVED = 2;
    /** The HRT info tag type (HRT_MB2_INFO_TAG, "HB"). */
    public static final int TAG_HRT = 0x4842;
    static final String LOADER_NAME = "legion-hrt hvm (Java VMM over KVM)";
    private static final int TAG_END = 0;
    private static final int TAG_CMDLINE = 1;
    private static final int TAG_LOADER = 2;
    private static final int TAG_MEMINFO = 4;
    private static final int TAG_MMAP = 6;
    private static final int TAG_ACPI_NEW = 15;
    private static final int MMAP_ENTRY = 24;

    /**
     * One memory-map entry.
     *
     * @param base first address
     * @param len  length in bytes
     * @param type MMAP_RAM or MMAP_RESERVED
     */
    public record Range(long base, long len, int type) {
    }

    /**
     * What goes into the information.
     *
     * @param cmdline    the kernel command line
     * @param ramSize    guest RAM at [0, ramSize)
     * @param rsdp       the RSDP's bytes (ACPI tag), or null for none
     * @param tscHz      the TSC rate for the HRT tag (0: the kernel calibrates)
     * @param hrtRegions regions for the HRT tag (empty: the kernel uses the memory map); a
     *                   merged region's base is its guest-physical address
     * @param hvm        the HVM's communication area and merged region for the HRT tag, or null
     */
    public record Spec(String cmdline, long ramSize, byte[] rsdp, long tscHz, List<BootInfo.Region> hrtRegions,
                       HvmServices hvm) {
        /** A spec without HVM services (a plain multiboot2 boot with the HRT tag). */
        public Spec(String cmdline, long ramSize, byte[] rsdp, long tscHz, List<BootInfo.Region> hrtRegions) {
            this(cmdline, ramSize, rsdp, tscHz, hrtRegions, null);
        }
    }

    /**
     * What a ring0 kernel needs for the HVM's services.
     *
     * @param comm        guest-physical address of the communication area (identity-mapped)
     * @param commSize    its size
     * @param mergedVa    the merged region's virtual address (the JVM's), 0 for none
     * @param mergedSize  its size
     */
    public record HvmServices(long comm, long commSize, long mergedVa, long mergedSize) {
    }

    /**
     * Where the information went.
     *
     * @param address  its guest-physical address (EBX at entry)
     * @param size     its total size
     * @param hrtInfo  the address of the struct hrt_boot_info inside it
     */
    public record Written(long address, int size, long hrtInfo) {
        /** {@return the address of hrt_boot_info.ready, which the kernel sets to the CPUs up} */
        public long readyAddress() {
            return hrtInfo + BootInfo.READY;
        }
    }

    private Multiboot2Info() {
    }

    /** {@return the memory map of a ring0 guest with {@code ramSize} bytes of RAM} (a PC's shape). */
    public static List<Range> memoryMap(long ramSize) {
        List<Range> m = new ArrayList<>();
        m.add(new Range(0, Ring0Layout.LOW_RAM_END, MMAP_RAM));
        m.add(new Range(Ring0Layout.LOW_RAM_END, 0xa0000 - Ring0Layout.LOW_RAM_END, MMAP_RESERVED));
        m.add(new Range(Ring0Layout.BIOS, Ring0Layout.BIOS_END - Ring0Layout.BIOS, MMAP_RESERVED));
        m.add(new Range(Ring0Layout.BIOS_END, ramSize - Ring0Layout.BIOS_END, MMAP_RAM));
        return m;
    }

    /**
     * Writes the information at {@link Ring0Layout#MBI} into {@code ram} (zero there).
     *
     * @throws HvmException (BAD_INPUT) when the command line is too long
     */
    public static Written write(MemorySegment ram, Spec spec) {
        byte[] cmd = (spec.cmdline() + "\0").getBytes(StandardCharsets.UTF_8);
        if (cmd.length > Layout.CMDLINE_MAX) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "command line longer than " + (Layout.CMDLINE_MAX - 1) + " bytes");
        }
        MemorySegment m = ram.asSlice(Ring0Layout.MBI, Ring0Layout.MBI_MAX);
        long at = 8;
        at = bytesTag(m, at, TAG_CMDLINE, cmd);
        at = bytesTag(m, at, TAG_LOADER, (LOADER_NAME + "\0").getBytes(StandardCharsets.US_ASCII));
        at = tag(m, at, TAG_MEMINFO, 16);
        m.set(JAVA_INT, at - 8, (int) (Ring0Layout.LOW_RAM_END >> 10));           // mem_lower, KiB from 0
        m.set(JAVA_INT, at - 4, (int) ((spec.ramSize() - Ring0Layout.BIOS_END) >> 10));   // mem_upper, KiB from 1 MiB
        List<Range> map = memoryMap(spec.ramSize());
        long mmap = at;
        at = tag(m, at, TAG_MMAP, 16 + MMAP_ENTRY * map.size());
        m.set(JAVA_INT, mmap + 8, MMAP_ENTRY);                                     // entry_size; entry_version 0
        for (int i = 0; i < map.size(); i++) {
            long e = mmap + 16 + (long) i * MMAP_ENTRY;
            m.set(JAVA_LONG, e, map.get(i).base());
            m.set(JAVA_LONG, e + 8, map.get(i).len());
            m.set(JAVA_INT, e + 16, map.get(i).type());
        }
        if (spec.rsdp() != null) {
            at = bytesTag(m, at, TAG_ACPI_NEW, spec.rsdp());
        }
        long hrt = at + 8;
        at = tag(m, at, TAG_HRT, 8 + BootInfo.SIZE);
        hrtInfo(m.asSlice(hrt, BootInfo.SIZE), spec);
        at = tag(m, at, TAG_END, 8);
        m.set(JAVA_INT, 0, (int) at);                                              // total_size; reserved 0
        return new Written(Ring0Layout.MBI, (int) at, Ring0Layout.MBI + hrt);
    }

    /** struct hrt_boot_info for a ring0 kernel: only what a loader knows better than the kernel. */
    private static void hrtInfo(MemorySegment b, Spec spec) {
        b.set(JAVA_LONG, 0, BootInfo.MAGIC);
        b.set(JAVA_INT, 8, BootInfo.VERSION);
        b.set(JAVA_INT, 12, BootInfo.SIZE);
        b.set(JAVA_INT, 16, BootInfo.PROFILE_RING0);
        // ncpus 0: the kernel finds its CPUs in the ACPI MADT, as on a PC
        b.set(JAVA_INT, 24, spec.hrtRegions().size());
        b.set(JAVA_LONG, 32, spec.tscHz());
        if (spec.hvm() != null) {
            b.set(JAVA_LONG, BootInfo.COMM, spec.hvm().comm());
            b.set(JAVA_LONG, BootInfo.COMM + 8, spec.hvm().commSize());
            b.set(JAVA_LONG, BootInfo.COMM + 16, spec.hvm().mergedVa());
            b.set(JAVA_LONG, BootInfo.COMM + 24, spec.hvm().mergedSize());
        }
        for (int i = 0; i < spec.hrtRegions().size(); i++) {
            BootInfo.Region r = spec.hrtRegions().get(i);
            b.set(JAVA_LONG, BootInfo.REGIONS + i * 24L, r.base());
            b.set(JAVA_LONG, BootInfo.REGIONS + i * 24L + 8, r.len());
            b.set(JAVA_INT, BootInfo.REGIONS + i * 24L + 16, r.type());
        }
    }

    /** Starts a tag of {@code size} bytes at {@code at}; {@return the 8-aligned offset after it}. */
    private static long tag(MemorySegment m, long at, int type, int size) {
        m.set(JAVA_INT, at, type);
        m.set(JAVA_INT, at + 4, size);
        return (at + size + 7) & ~7L;
    }

    private static long bytesTag(MemorySegment m, long at, int type, byte[] payload) {
        MemorySegment.copy(payload, 0, m, JAVA_BYTE, at + 8, payload.length);
        return tag(m, at, type, 8 + payload.length);
    }
}
