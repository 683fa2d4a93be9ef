package org.legionhrt.hvm.ring;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads writing one ring, against its close (package-private). A reboot closes a ring
 * and then clears its memory for the next kernel: a write after that (a call posted late, a slot
 * freed for its next lap, an answer stored) would land in the new kernel's ring. So a writer
 * counts itself in and checks the flag, and close waits for those counted in.
 */
final class RingWriters {
    private final AtomicInteger writers = new AtomicInteger();
    private volatile boolean closed;

    /** {@return true: the caller may write until {@link #exit}; false: the ring is closed, write nothing} */
    boolean enter() {
        writers.incrementAndGet();
        if (closed) {
            writers.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Ends a write that {@link #enter} let in. */
    void exit() {
        writers.decrementAndGet();
    }

    /** {@return whether the ring is closed} */
    boolean closed() {
        return closed;
    }

    /** Closes the ring: no write starts from now on. */
    void close() {
        closed = true;
    }

    /** Waits for the writes let in before {@link #close}: a few stores each, so they end at once. */
    void drain() {
        while (writers.get() > 0) {
            Thread.onSpinWait();
        }
    }
}
