/*
 * The merged region: memory of this JVM (a 2 MiB-aligned anonymous mmap) that the HRT
 * maps at guest-virtual == its JVM address (backed by a low guest-physical range the VMM
 * picks), so pointers into it mean the same thing on both sides. Zero-copy exchange goes
 * through here.
 */
package org.legionhrt.hvm.memory;

import java.lang.foreign.MemorySegment;

import org.legionhrt.hvm.HvmException;

/** A JVM-owned region shared with the HRT at identical addresses; final and {@link AutoCloseable}. */
public final class MergedRegion implements AutoCloseable {
    private final Mapping mapping;

    private MergedRegion(Mapping mapping) {
        this.mapping = mapping;
    }

    /**
     * Maps a merged region of {@code size} bytes.
     *
     * @throws HvmException (BAD_INPUT) when size is not a positive multiple of 2 MiB
     */
    public static MergedRegion create(long size) {
        if (size <= 0 || size % Mapping.HUGE != 0) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "merged region " + size
                    + " bytes: must be a positive multiple of 2 MiB (e.g. --merged 1G)");
        }
        // Huge pages: the region holds bulk data that both sides stream through.
        Mapping m = Mapping.anonymous(size, Mapping.HUGE, true);
        if ((m.address() + size) >>> 47 != 0) {
            m.close();
            throw new HvmException(HvmException.Kind.KVM, "merged region landed above 2^47: the guest cannot map it");
        }
        return new MergedRegion(m);
    }

    /** {@return the JVM address, which is also the guest-virtual address} */
    public long address() {
        return mapping.address();
    }

    /** {@return the size in bytes} */
    public long size() {
        return mapping.size();
    }

    /** {@return the region as a segment (address() == segment().address())} */
    public MemorySegment segment() {
        return mapping.segment();
    }

    @Override
    public void close() {
        mapping.close();
    }
}
