// Per-thread scratch memory for out-parameters and small by-value structs of native calls:
// a bump allocator with mark/reset, so nested use (a Java task run inline inside a native call
// made by this thread) never overwrites an outer call's memory, and hot paths allocate nothing.
package org.legionhrt.legion.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A thread's scratch stack (internal). Use: {@code long m = s.mark(); try {…} finally {s.reset(m);}}. */
public final class Scratch {
    private static final long SIZE = 64 * 1024;
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final MemorySegment mem = Arena.ofAuto().allocate(SIZE, 64);
    private long top;

    private Scratch() {}

    /** {@return this thread's scratch stack} */
    public static Scratch get() {
        return LOCAL.get();
    }

    /** {@return the current top, to give back to {@link #reset}} */
    public long mark() {
        return top;
    }

    /** Frees everything allocated since {@code mark}. */
    public void reset(long mark) {
        top = mark;
    }

    /** {@return {@code size} bytes, 16-aligned, zeroed; heap memory of an arena when the stack is full} */
    public MemorySegment alloc(long size) {
        long at = (top + 15) & ~15L;
        if (at + size > SIZE) {
            // Rare (huge argument buffers): fall back to GC-managed native memory.
            return Arena.ofAuto().allocate(Math.max(size, 1), 16);
        }
        top = at + size;
        MemorySegment s = mem.asSlice(at, size);
        s.fill((byte) 0);
        return s;
    }
}
