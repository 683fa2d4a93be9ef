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
     * Maps a merged region of {@code size} bytes on ordinary 4 KiB host pages; see
     * {@link #create(long, boolean)}.
     *
     * @throws HvmException (BAD_INPUT) when size is not a positive multiple of 2 MiB
     */
    public static MergedRegion create(long size) {
        return create(size, false);
    }

    /**
     * Maps a merged region of {@code size} bytes, asking the host for transparent huge pages
     * when {@code hugePages}. They are not the default: on a 16-core Intel host whose KVM is PVM,
     * the stencil's kernels ran 2.2-2.7x slower on data in a huge-page-backed merged region than
     * in a 4 KiB-backed one (1.1 vs 2.4-3.0 GFLOPS, linux 3.5-4.8), while on the 2-core AMD host
     * huge pages gained only ~6% (0.46 vs 0.49 s).
     *
     * @throws HvmException (BAD_INPUT) when size is not a positive multiple of 2 MiB
     */
    public static MergedRegion create(long size, boolean hugePages) {
        if (size <= 0 || size % Mapping.HUGE != 0) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "merged region " + size
                    + " bytes: must be a positive multiple of 2 MiB (e.g. --merged 1G)");
        }
        Mapping m = Mapping.anonymous(size, Mapping.HUGE, hugePages);
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
