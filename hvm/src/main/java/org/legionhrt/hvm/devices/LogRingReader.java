/*
 * Consumer of the kernel's log ring (struct hrt_log_ring in boot.h): the kernel appends
 * console bytes without any VM exit; this side copies head..tail out and advances tail.
 * Polled by a VMM thread every millisecond and drained once more at shutdown.
 */
package org.legionhrt.hvm.devices;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Reads the log ring at a guest address into a {@link Console}. */
public final class LogRingReader {
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final MemorySegment ring;
    private final long size;
    private final Console console;
    private final byte[] buf = new byte[8192];
    /** Set once the guest memory is about to go away; no drain may touch it after that. */
    private boolean closed;

    /** Creates a reader of the ring whose header is at the start of {@code ring}. */
    public LogRingReader(MemorySegment ring, long dataSize, Console console) {
        this.ring = ring;
        this.size = dataSize;
        this.console = console;
    }

    /**
     * Copies every byte written since the last call to the console; {@return bytes read}. Head and
     * tail are the guest's words: a head behind the tail (or so far from it that the difference
     * wraps) is garbage, skipped by moving the tail to the head; a head more than the ring ahead
     * loses what was overwritten. Either way at most the ring's size is copied, from inside it.
     */
    public synchronized long drain() {
        if (closed) {
            return 0;
        }
        long head = (long) LONG.getAcquire(ring, 0L);
        long tail = (long) LONG.get(ring, 8L);
        long n = head - tail;                 // wraps negative for any head the guest moved back
        if (n < 0) {
            tail = head;
            n = 0;
        } else if (n > size) {
            tail = head - size;               // the kernel overwrote what we had not read
            n = size;
        }
        for (long left = n; left > 0; ) {
            int chunk = (int) Math.min(buf.length, Math.min(left, size - (tail & (size - 1))));
            MemorySegment.copy(ring, JAVA_BYTE, 32 + (tail & (size - 1)), buf, 0, chunk);
            console.ringBytes(buf, 0, chunk);
            tail += chunk;
            left -= chunk;
        }
        LONG.setRelease(ring, 8L, tail);
        return n;
    }

    /**
     * Drains one last time and refuses every later drain: the poller thread may still hold
     * this reader in its snapshot of the live rings while the VM unmaps the guest memory.
     */
    public synchronized void close() {
        drain();
        closed = true;
    }
}
