/*
 * The guest's memory: private RAM at GPA == VA [0, mem) and, optionally, the merged region
 * at VA == its JVM address (its GPA is the VMM's choice, see Hvm). Translates guest-virtual
 * addresses to host segments so the VMM can build page tables, boot info and rings, and read
 * panic messages.
 */
package org.legionhrt.hvm.memory;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import org.legionhrt.hvm.HvmException;

/** Guest-physical memory of one HVM; final and {@link AutoCloseable} (unmaps private RAM). */
public final class GuestMemory implements AutoCloseable {
    /**
     * The low RAM a boot touches (the VMM's structures, the kernel image, the allocator's
     * metadata and the first blocks it hands out, which each CPU's thread cache takes at
     * bring-up), always backed by transparent huge pages: two 2 MiB faults instead of hundreds
     * of 4 KiB ones, each of which is a host fault and, under PVM, a shadow-paging exit of the
     * guest. Boot to ready 8.6 -> 6.5 ms median in 60 paired boots on a loaded 2-core host.
     */
    public static final long BOOT_WORKING_SET = 2 * Mapping.HUGE;

    private final Mapping ram;
    private final MergedRegion merged;

    private GuestMemory(Mapping ram, MergedRegion merged) {
        this.ram = ram;
        this.merged = merged;
    }

    /**
     * Maps {@code size} bytes of private RAM (all of it on transparent huge pages if asked,
     * else the first {@link #BOOT_WORKING_SET}); the merged region (may be null) stays owned
     * by the caller.
     *
     * @throws HvmException (BAD_INPUT) when size is not a positive multiple of 2 MiB, or when
     *                      the merged region overlaps [0, size)
     */
    public static GuestMemory create(long size, MergedRegion merged, boolean hugePages) {
        if (size < 4 * Mapping.HUGE || size % Mapping.HUGE != 0) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "guest memory " + size
                    + " bytes: must be a multiple of 2 MiB and at least 8 MiB (e.g. --mem 256M)");
        }
        if (merged != null && merged.address() < size) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, String.format(
                    "merged region at %#x overlaps guest memory [0, %#x): lower --mem", merged.address(), size));
        }
        Mapping ram = Mapping.anonymous(size, Mapping.HUGE, hugePages);
        if (!hugePages) {
            ram.adviseHugePages(0, Math.min(size, BOOT_WORKING_SET));
        }
        return new GuestMemory(ram, merged);
    }

    /** {@return the private RAM size} */
    public long size() {
        return ram.size();
    }

    /** {@return the host address backing GPA 0} */
    public long hostAddress() {
        return ram.address();
    }

    /** {@return a view of private RAM, indexed by guest-physical address} */
    public MemorySegment ram() {
        return ram.segment();
    }

    /** {@return the merged region, or null} */
    public MergedRegion merged() {
        return merged;
    }

    /**
     * {@return a view of {@code len} bytes at guest address {@code gpa}} in RAM or the merged region.
     *
     * @throws HvmException (BAD_INPUT) when the range is outside guest memory
     */
    public MemorySegment slice(long gpa, long len) {
        if (gpa >= 0 && len >= 0 && gpa + len <= ram.size()) {
            return ram.segment().asSlice(gpa, len);
        }
        if (merged != null && gpa >= merged.address() && gpa + len <= merged.address() + merged.size()) {
            return merged.segment().asSlice(gpa - merged.address(), len);
        }
        throw new HvmException(HvmException.Kind.BAD_INPUT,
                String.format("guest range [%#x, +%#x) is outside guest memory", gpa, len));
    }

    /** {@return the NUL-terminated string at {@code gpa}, at most {@code max} bytes, or a placeholder} */
    public String string(long gpa, int max) {
        try {
            long avail = gpa < ram.size() ? Math.min(max, ram.size() - gpa) : max;
            MemorySegment s = slice(gpa, avail);
            int n = 0;
            while (n < avail && s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, n) != 0) {
                n++;
            }
            return new String(s.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        } catch (HvmException e) {
            return String.format("<bad string address %#x>", gpa);
        }
    }

    /**
     * {@return {@code s} with control characters as '?' and no trailing blanks}: guest text (a
     * panic message, a CPU label) goes into a one-line reason, where a line break would forge a
     * line of the report and an escape would reach the user's terminal.
     */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.stripTrailing().codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }

    /** Returns private RAM to zero (MADV_DONTNEED: pages refault as zero; KVM is notified). */
    public void clear() {
        int rc = org.legionhrt.hvm.internal.Sys.madvise(ram.address(), ram.size(), org.legionhrt.hvm.internal.Sys.MADV_DONTNEED);
        if (rc != 0) {
            throw new HvmException(HvmException.Kind.KVM, "madvise(MADV_DONTNEED) of guest RAM failed: errno " + rc);
        }
    }

    @Override
    public void close() {
        ram.close();
    }
}
