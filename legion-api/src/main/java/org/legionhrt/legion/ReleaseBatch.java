package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntSupplier;
import java.util.function.LongFunction;
import org.legionhrt.legion.internal.Scratch;

/**
 * Closed handles of one kind whose native release waits until a batch is full, then goes in
 * one call (where every call is a round trip: backend hrt). A held handle is never used again;
 * the runtime's destroy frees whatever is still held. With a batch of 1 each goes at once.
 */
final class ReleaseBatch {
    /** Releases {@code n} handles at {@code handles}; {@return the native status}. */
    @FunctionalInterface
    interface ReleaseAll {
        int release(MemorySegment handles, long n);
    }

    private final Runtime runtime;
    private final String what;
    private final long[] held;
    private final LongFunction<IntSupplier> one;
    private final ReleaseAll all;
    private int n;

    /**
     * @param what the C call, for errors
     * @param size handles per batch (1: each released at once with {@code one})
     */
    ReleaseBatch(Runtime runtime, String what, int size, LongFunction<IntSupplier> one, ReleaseAll all) {
        this.runtime = runtime;
        this.what = what;
        this.held = new long[Math.max(1, size)];
        this.one = one;
        this.all = all;
    }

    void release(long handle) {
        if (held.length == 1) {
            runtime.releaseNative(one.apply(handle), what);
            return;
        }
        long[] full;
        synchronized (this) {
            held[n++] = handle;
            if (n < held.length) {
                return;
            }
            full = Arrays.copyOf(held, n);
            n = 0;
        }
        runtime.releaseNative(() -> {
            Scratch s = Scratch.get();
            long m = s.mark();
            try {
                MemorySegment handles = s.alloc(8L * full.length);
                MemorySegment.copy(full, 0, handles, JAVA_LONG, 0, full.length);
                return all.release(handles, full.length);
            } finally {
                s.reset(m);
            }
        }, what + "_all");
    }
}
