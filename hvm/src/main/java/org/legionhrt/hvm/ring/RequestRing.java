/*
 * The ROS side of HRT->ROS requests. HRT threads post requests into a ring of 64-byte slots
 * (tickets taken with an atomic add in the guest); Java server threads take tickets in
 * order, wait for the slot to be posted (spin, then park briefly), run the registered
 * handler and publish the result. The synchronous path runs a handler on the vCPU thread
 * from the per-CPU block when the HRT exits through the hypercall port. A sequence word no
 * lap can reach (the guest's garbage) ends the HVM as a protocol failure.
 */
package org.legionhrt.hvm.ring;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Serves HRT->ROS requests with registered {@link RosHandler}s; thread safe. */
public final class RequestRing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRing.class);
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final long SPIN_NANOS = 200_000;
    private static final long PARK_NANOS = 10_000_000;

    private final MemorySegment comm;
    private final Map<Integer, RosHandler> handlers;
    private final Liveness live;
    private final AtomicLong tickets = new AtomicLong();
    /** How often each kind of bad request was logged (see {@link #warn}). */
    private final ConcurrentHashMap<String, AtomicLong> warned = new ConcurrentHashMap<>();
    private static final int WARN_REPEATS = 3, WARN_KEYS = 64;
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Server threads storing an answer, and whether the ring is closed (see {@link #close}). */
    private final RingWriters writes = new RingWriters();

    /** Creates the server over an initialised communication area; {@code live} ends the HVM on garbage. */
    public RequestRing(MemorySegment comm, Map<Integer, RosHandler> handlers, Liveness live) {
        this.comm = comm;
        this.handlers = Map.copyOf(handlers);
        this.live = live;
    }

    /** Starts {@code n} server threads (none when no handler is registered). */
    public void start(int n) {
        if (handlers.isEmpty()) {
            return;
        }
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofPlatform().name("hvm-req-" + i).daemon(true).start(this::serve));
        }
    }

    private void serve() {
        try {
            serveUntilClosed();
        } catch (IllegalStateException e) {
            LOG.debug("request ring closed under a server thread: {}", e.toString());
        }
    }

    private void serveUntilClosed() {
        while (!writes.closed()) {
            long t = tickets.getAndIncrement();
            int idx = (int) (t & (CommLayout.REQ_NSLOTS - 1));
            long lap = t / CommLayout.REQ_NSLOTS;
            long slot = CommLayout.REQ_SLOTS + idx * CommLayout.SLOT_SIZE;
            if (!awaitPosted(slot, 4 * lap + CommLayout.POSTED)) {
                return;
            }
            long[] out = ask(slot + CommLayout.SLOT_FN, slot + CommLayout.SLOT_ARGS);
            if (!writes.enter()) {
                return;         // a reboot clears the ring for the next kernel: this answer is no one's there
            }
            try {
                store(slot + CommLayout.SLOT_STATUS, slot + CommLayout.SLOT_RESULT, out);
                LONG.setRelease(comm, slot + CommLayout.SLOT_SEQ, 4 * lap + CommLayout.DONE);
            } finally {
                writes.exit();
            }
        }
    }

    /**
     * Waits for the slot to be posted: spins ~200 us, then parks (and never spins again). A parked thread counts itself
     * in ros_parked (then re-checks, full fence between), so the HRT, which checks the count
     * after posting, exits to the ROS_WAKE port only when someone must be woken.
     */
    private boolean awaitPosted(long slot, long want) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (!posted(slot, want)) {
            if (writes.closed()) {
                return false;
            }
            long seq = (long) LONG.getAcquire(comm, slot + CommLayout.SLOT_SEQ);
            if (!reachable(seq, want)) {
                // No lap of this slot comes after garbage: this thread would wait for good, and
                // with it every later request, while the HRT waits for their answers.
                live.protocol(String.format("the HRT wrote %#x into the sequence word of request slot %d while a ROS"
                        + " thread waited for %#x: the request ring is corrupt", seq,
                        (slot - CommLayout.REQ_SLOTS) / CommLayout.SLOT_SIZE, want));
                return false;
            }
            if (System.nanoTime() - spinUntil < 0) {
                Thread.onSpinWait();
                continue;
            }
            INT.getAndAdd(comm, CommLayout.REQ_ROS_PARKED, 1);
            try {
                VarHandle.fullFence();
                if (!posted(slot, want) && !writes.closed()) {
                    LockSupport.parkNanos(this, PARK_NANOS);
                }
            } finally {
                INT.getAndAdd(comm, CommLayout.REQ_ROS_PARKED, -1);
            }
            // no new spin after a park: a park that ended with nothing posted was a timeout or a
            // spurious wake, and spinning again after each would keep ~2.4% of a host core busy
        }
        return true;
    }

    /**
     * {@return whether the slot's word {@code seq} can still come to {@code want} (4 lap + POSTED)}:
     * any state of an earlier lap (the HRT not yet done with it, or another ROS thread serving
     * it) or the free state of this lap can; a later lap or state 3 cannot.
     */
    private static boolean reachable(long seq, long want) {
        return seq == want || Long.compareUnsigned(seq, want) < 0 && (seq & 3) != 3;   // == : posted since the caller looked
    }

    private boolean posted(long slot, long want) {
        return (long) LONG.getAcquire(comm, slot + CommLayout.SLOT_SEQ) == want;
    }

    /** Unparks every server thread (the HRT posted while they were parked). */
    public void wakeAll() {
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
    }

    /** {@return {status, result}} of handler {@code fn} on {@code args}. */
    private long[] run(int fn, long[] args) {
        RosHandler h = handlers.get(fn);
        if (h == null) {
            warn("HRT asked for unregistered ROS handler " + Integer.toUnsignedString(fn), "unregistered " + fn);
            return new long[] {CommLayout.STATUS_NO_FUNCTION, 0};
        }
        try {
            return new long[] {CommLayout.STATUS_OK, h.handle(args)};
        } catch (RuntimeException | Error e) {
            // An Error too (an OutOfMemoryError for a size the guest asked for): on the ring it
            // would end the thread that serves every later request, and the HRT would wait for
            // this answer for good; on the exit path it would end the vCPU's thread.
            warn("ROS handler " + fn + " failed: " + e, "failed " + fn);
            return new long[] {CommLayout.STATUS_FAILED, -1};
        }
    }

    /**
     * Logs {@code message} at WARN the first {@link #WARN_REPEATS} times per {@code key} (for at
     * most {@link #WARN_KEYS} keys), then at DEBUG: the guest chooses how often, and a loop of
     * bad requests must not flood the log (one line per request before).
     */
    private void warn(String message, String key) {
        AtomicLong n = warned.get(key);
        if (n == null && warned.size() < WARN_KEYS) {
            n = warned.computeIfAbsent(key, k -> new AtomicLong());
        }
        long seen = n == null ? Long.MAX_VALUE : n.incrementAndGet();
        if (seen < WARN_REPEATS) {
            LOG.warn("{}", message);
        } else if (seen == WARN_REPEATS) {
            LOG.warn("{} (and so on: further ones at DEBUG)", message);
        } else {
            LOG.debug("{}", message);
        }
    }

    /** Serves CPU {@code cpu}'s synchronous request (hypercall port), on the vCPU thread. */
    public void serveSync(int cpu) {
        long b = CommLayout.CPU + cpu * CommLayout.CPU_STRIDE;
        store(b + CommLayout.CPU_SYNC_STATUS, b + CommLayout.CPU_SYNC_RESULT, ask(b + CommLayout.CPU_SYNC_FN,
                b + CommLayout.CPU_SYNC_ARGS));
    }

    /** {@return {status, result}} of the request whose fields sit at these comm-area offsets. */
    private long[] ask(long fnAt, long argsAt) {
        int fn = comm.get(JAVA_INT, fnAt);
        long[] args = new long[CommLayout.MAX_ARGS];
        for (int i = 0; i < args.length; i++) {
            args[i] = comm.get(JAVA_LONG, argsAt + i * 8L);
        }
        return run(fn, args);
    }

    private void store(long statusAt, long resultAt, long[] out) {
        comm.set(JAVA_INT, statusAt, (int) out[0]);
        comm.set(JAVA_LONG, resultAt, out[1]);
    }

    /**
     * Stops the server threads: each ends at its next look, or after the handler it runs (a
     * handler may take longer than the 2 s this waits for it; it then writes nothing here, as a
     * reboot clears this memory for the next kernel right after). Returns once no thread writes.
     */
    @Override
    public void close() {
        writes.close();
        for (Thread t : threads) {
            LockSupport.unpark(t);
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        writes.drain();
    }
}
