/*
 * One anonymous host mapping, aligned as asked (2 MiB, so KVM and the host can back it
 * with huge pages and the guest can map it with 2 MiB pages). The owner unmaps it exactly
 * once; a segment view is handed out for Java access.
 */
package org.legionhrt.hvm.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.legionhrt.hvm.HvmException;
import org.legionhrt.hvm.internal.Sys;
import org.legionhrt.hvm.internal.SysException;

/** An aligned anonymous mmap; final and {@link AutoCloseable} (munmap on close). */
public final class Mapping implements AutoCloseable {
    /** 2 MiB: the guest page size and the alignment of every region. */
    public static final long HUGE = 2L << 20;

    private final long address;
    private final long size;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    private boolean closed;

    private Mapping(long address, long size) {
        this.address = address;
        this.size = size;
        this.segment = Sys.segment(address, size, arena);
    }

    /**
     * Maps {@code size} bytes of zeroed anonymous memory at an address aligned to {@code align},
     * asking for transparent huge pages when {@code hugePages}: then a first touch faults in
     * 2 MiB at once (under PVM every 4 KiB first touch is a ~10 us exit), but each such fault
     * zeroes 2 MiB and may compact memory, which slows a boot.
     *
     * @throws HvmException when the host refuses the mapping
     */
    public static Mapping anonymous(long size, long align, boolean hugePages) {
        long span = size + align;
        try {
            long raw = Sys.mmap(0, span, Sys.PROT_READ | Sys.PROT_WRITE,
                    Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS | Sys.MAP_NORESERVE, -1, 0);
            long aligned = (raw + align - 1) & -align;
            if (aligned > raw) {
                Sys.munmap(raw, aligned - raw);
            }
            long tail = raw + span - (aligned + size);
            if (tail > 0) {
                Sys.munmap(aligned + size, tail);
            }
            if (hugePages) {
                Sys.madvise(aligned, size, Sys.MADV_HUGEPAGE);
            }
            return new Mapping(aligned, size);
        } catch (SysException e) {
            throw new HvmException(HvmException.Kind.KVM, "cannot map " + size + " bytes of guest memory: "
                    + e.getMessage() + " (lower --mem/--merged or raise the process's memory limits)", e);
        }
    }

    /**
     * Asks for transparent huge pages on [offset, offset + len) of this mapping (2 MiB aligned;
     * best effort: a host without THP simply keeps 4 KiB pages).
     */
    public void adviseHugePages(long offset, long len) {
        if (offset < 0 || len < 0 || offset + len > size || offset % HUGE != 0 || len % HUGE != 0) {
            throw new IllegalArgumentException(String.format("[%#x, +%#x) is not a 2 MiB aligned part of this mapping", offset, len));
        }
        Sys.madvise(address + offset, len, Sys.MADV_HUGEPAGE);
    }

    /** {@return the host virtual address} */
    public long address() {
        return address;
    }

    /** {@return the size in bytes} */
    public long size() {
        return size;
    }

    /** {@return a view of the whole mapping; accesses after close throw IllegalStateException} */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();               // every later access throws instead of faulting
        try {
            Sys.munmap(address, size);
        } catch (SysException e) {
            throw new HvmException(HvmException.Kind.KVM, "munmap of guest memory failed: " + e.getMessage(), e);
        }
    }
}
