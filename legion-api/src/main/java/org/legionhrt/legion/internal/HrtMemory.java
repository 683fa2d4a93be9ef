// The merged region of an HRT backend as an allocator: every buffer the API hands to the runtime
// inside the HVM (call frames, staging for arguments, region instances) must live here, because
// the merged region is the only JVM memory the HRT sees, at the same addresses as Java.
package org.legionhrt.legion.internal;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;
import org.legionhrt.legion.LegionException;

/** A first-fit allocator over one merged region (internal; thread safe). */
final class HrtMemory {
    private final MemorySegment region;
    /** Free blocks: offset to size, coalesced on free. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    /** Offsets from here on were never handed out: still the zeros of the fresh mapping. */
    private long pristine;

    HrtMemory(MemorySegment region) {
        this.region = region;
        free.put(0L, region.byteSize());
    }

    /**
     * {@return whether [address, address + size) lies inside the merged region} Sizes come from
     * the guest too, so no sum may wrap: a size near 2^63 made address + size negative and passed.
     */
    boolean contains(long address, long size) {
        long off = address - region.address();
        return size >= 0 && address >= region.address() && off <= region.byteSize() && size <= region.byteSize() - off;
    }

    /** {@return {@code size} bytes aligned to {@code align} (a power of two), not zeroed} */
    synchronized MemorySegment allocate(long size, long align) {
        long need = Math.max(16, (size + 15) & ~15L);
        long base = region.address();
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            long off = e.getKey(), len = e.getValue();
            long at = ((base + off + align - 1) & -align) - base;
            if (at + need <= off + len) {
                free.remove(off);
                if (at > off) {
                    free.put(off, at - off);
                }
                if (at + need < off + len) {
                    free.put(at + need, off + len - at - need);
                }
                pristine = Math.max(pristine, at + need);
                return region.asSlice(at, need);
            }
        }
        throw new LegionException("backend hrt: the merged region (" + (region.byteSize() >> 20)
                + " MiB) has no room for " + size + " more bytes; raise the runtime's memory size");
    }

    /**
     * {@return {@code size} zeroed bytes aligned to {@code align}} Only what was handed out
     * before is cleared, so a big block (the instance arena) is not touched page by page.
     */
    synchronized MemorySegment allocateZeroed(long size, long align) {
        long before = pristine;
        MemorySegment s = allocate(size, align);
        long off = s.address() - region.address();
        if (off < before) {
            s.asSlice(0, Math.min(before - off, s.byteSize())).fill((byte) 0);
        }
        return s;
    }

    /** Returns a block from {@link #allocate}. */
    synchronized void free(MemorySegment s) {
        long off = s.address() - region.address(), len = s.byteSize();
        Map.Entry<Long, Long> next = free.ceilingEntry(off);
        if (next != null && next.getKey() == off + len) {
            len += next.getValue();
            free.remove(next.getKey());
        }
        Map.Entry<Long, Long> prev = free.floorEntry(off);
        if (prev != null && prev.getKey() + prev.getValue() == off) {
            off = prev.getKey();
            len += prev.getValue();
        }
        free.put(off, len);
    }
}
