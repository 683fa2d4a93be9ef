/*
 * The ROS side of ROS->HRT calls: a ring of 64-byte slots in the communication area. A
 * caller takes a ticket, waits for its slot to be free for that lap, writes the function id
 * and arguments, publishes the sequence number, rings the doorbell of any dozing server
 * CPU, and spins for the answer (then yields, then parks), by value with no VM exit.
 * The exit path instead has the server answer with an `out` to CALL_DONE: the vCPU thread
 * publishes the slot's sequence number there and unparks the caller, so an exit-path answer
 * arrives by the exit and never sooner.
 */
package org.legionhrt.hvm.ring;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import org.legionhrt.hvm.HvmException;
import org.legionhrt.hvm.devices.Doorbells;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** ROS->HRT call client; thread safe, any number of calling threads. */
public final class CallRing implements AutoCloseable {
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final long SPIN_NANOS = 50_000;
    private static final long YIELD_NANOS = 200_000;
    /** The first and the longest park of a waiting caller: the park doubles in between. */
    private static final long PARK_NANOS = 50_000, MAX_PARK_NANOS = 1_000_000;

    private final MemorySegment comm;
    private final Doorbells bells;
    private final Liveness live;
    private final long timeoutNanos;
    private final AtomicLong tickets = new AtomicLong();
    /** Callers writing the ring (see {@link #enterWrites}), and whether it is closed. */
    private final RingWriters writes = new RingWriters();
    private final AtomicReferenceArray<Thread> exitWaiters = new AtomicReferenceArray<>(CommLayout.CALL_NSLOTS);
    private final ExecutorService async = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("hvm-call-", 0).daemon(true).factory());

    /** Creates the client over an initialised communication area. */
    public CallRing(MemorySegment comm, Doorbells bells, Liveness live, Duration timeout) {
        this.comm = comm;
        this.bells = bells;
        this.live = live;
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * Calls HRT function {@code fn} with up to four arguments and waits for its result.
     *
     * @throws HvmException BAD_INPUT for an unknown function id or too many arguments,
     *                      TIMEOUT when the HRT does not answer, or the HVM's failure
     */
    public long call(int fn, long... args) {
        return guarded(fn, args, false);
    }

    /** Like {@link #call} but the HRT answers through a VM exit (for comparison). */
    public long callExit(int fn, long... args) {
        return guarded(fn, args, true);
    }

    /** A caller racing close() finds the ring's memory gone (its arena closed): that is CLOSED. */
    private long guarded(int fn, long[] args, boolean exitPath) {
        try {
            return invoke(fn, args, exitPath);
        } catch (IllegalStateException e) {
            throw closed(fn, e);
        }
    }

    private HvmException closed(int fn, IllegalStateException e) {
        live.check();
        return new HvmException(HvmException.Kind.CLOSED, "HRT call " + fn + " after shutdown: the HVM was closed", e);
    }

    /**
     * Posts a call of HRT function {@code fn} and returns without waiting for it: the server
     * runs it in ticket order with every other call, and frees the slot itself. What it did
     * must be told through memory the caller reads later (the HRT function's business).
     *
     * @throws HvmException as {@link #call}, when the slot is not freed in time or the HVM failed
     */
    public void post(int fn, long... args) {
        try {
            publish(fn, args, CommLayout.FLAG_NO_ANSWER, System.nanoTime() + timeoutNanos);
        } catch (IllegalStateException e) {
            throw closed(fn, e);
        }
    }

    /** {@return the call's result, later}; runs {@link #call} on a pool thread. */
    public CompletableFuture<Long> callAsync(int fn, long... args) {
        live.check();
        long[] copy = args.clone();
        return CompletableFuture.supplyAsync(() -> call(fn, copy), async);
    }

    /**
     * Takes a ticket, waits until its slot is free for that lap, writes the call and publishes
     * it, and wakes a dozing server; {@return the ticket}
     */
    private long publish(int fn, long[] args, int flags, long deadline) {
        if (args.length > CommLayout.MAX_ARGS) {
            throw new HvmException(HvmException.Kind.BAD_INPUT, "HRT call " + fn + ": " + args.length
                    + " arguments, at most " + CommLayout.MAX_ARGS);
        }
        live.check();
        long t = tickets.getAndIncrement();
        int idx = (int) (t & (CommLayout.CALL_NSLOTS - 1));
        long lap = t / CommLayout.CALL_NSLOTS;
        long slot = CommLayout.CALL_SLOTS + idx * CommLayout.SLOT_SIZE;
        await(slot, 4 * lap, deadline, false, fn);
        enterWrites(fn);
        try {
            comm.set(JAVA_INT, slot + CommLayout.SLOT_FN, fn);
            comm.set(JAVA_INT, slot + CommLayout.SLOT_FLAGS, flags);
            for (int i = 0; i < CommLayout.MAX_ARGS; i++) {
                comm.set(JAVA_LONG, slot + CommLayout.SLOT_ARGS + i * 8L, i < args.length ? args[i] : 0);
            }
            if ((flags & CommLayout.FLAG_EXIT_PATH) != 0) {
                exitWaiters.set(idx, Thread.currentThread());
            }
            LONG.setVolatile(comm, slot + CommLayout.SLOT_SEQ, 4 * lap + CommLayout.POSTED);
        } finally {
            writes.exit();
        }
        wakeServers();
        return t;
    }

    /** Counts the caller among the threads writing the ring, or throws CLOSED once it is closed (see RingWriters). */
    private void enterWrites(int fn) {
        if (!writes.enter()) {
            throw interrupted(fn);
        }
    }

    private long invoke(int fn, long[] args, boolean exitPath) {
        long deadline = System.nanoTime() + timeoutNanos;
        long t = publish(fn, args, exitPath ? CommLayout.FLAG_EXIT_PATH : 0, deadline);
        int idx = (int) (t & (CommLayout.CALL_NSLOTS - 1));
        long lap = t / CommLayout.CALL_NSLOTS;
        long slot = CommLayout.CALL_SLOTS + idx * CommLayout.SLOT_SIZE;
        await(slot, 4 * lap + CommLayout.DONE, deadline, exitPath, fn);
        if (exitPath) {
            exitWaiters.set(idx, null);
        }
        int status;
        long result;
        enterWrites(fn);       // not closed yet: the answer seen was this ring's, not the next kernel's
        try {
            status = comm.get(JAVA_INT, slot + CommLayout.SLOT_STATUS);
            result = comm.get(JAVA_LONG, slot + CommLayout.SLOT_RESULT);
            LONG.setRelease(comm, slot + CommLayout.SLOT_SEQ, 4 * (lap + 1));
        } finally {
            writes.exit();
        }
        return check(fn, status, result);
    }

    private static long check(int fn, int status, long result) {
        return switch (status) {
            case CommLayout.STATUS_OK -> result;
            case CommLayout.STATUS_NO_FUNCTION -> throw new HvmException(HvmException.Kind.BAD_INPUT,
                    "unknown HRT function id " + fn + ": register it in the kernel's call server");
            default -> throw new HvmException(HvmException.Kind.GUEST_EXIT,
                    "HRT function " + fn + " failed with status " + status + ", code " + result);
        };
    }

    private void wakeServers() {
        VarHandle.fullFence();
        long mask = (long) LONG.getVolatile(comm, CommLayout.CALL_SERVER_MASK);
        while (mask != 0) {
            int cpu = Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            if (bells.dozing(cpu)) {
                bells.wake(cpu);
            }
        }
    }

    /**
     * Waits for the slot's sequence number: spin ~50 us (a polled answer takes well under a
     * microsecond), then yield for ~200 us (the host may be oversubscribed: let the vCPU run),
     * then park, 50 us first and twice as long each time up to 1 ms: a caller that waits long
     * (its call queued behind a running task) would otherwise wake 20 000 times a second and take
     * host time from the vCPUs it waits for (measured: circuit with the call server sharing CPU 0
     * 1.23-1.30 s with 50 us steps, 0.97-1.12 s with the doubling). The exit path parks at once
     * and is unparked by CALL_DONE.
     */
    private void await(long slot, long want, long deadline, boolean park, int fn) {
        long start = System.nanoTime();
        int spins = 0;
        long parkNanos = PARK_NANOS;
        long seq;
        while ((seq = (long) LONG.getAcquire(comm, slot + CommLayout.SLOT_SEQ)) != want) {
            if (!reachable(seq, want)) {
                if (writes.closed()) {          // a reboot cleared the ring under us: not the guest's garbage
                    throw interrupted(fn);
                }
                throw live.protocol(String.format("the HRT wrote %#x into the sequence word of call slot %d while HRT call"
                        + " %d waited for %#x (%s): the call ring is corrupt", seq, (slot - CommLayout.CALL_SLOTS)
                        / CommLayout.SLOT_SIZE, fn, want, (want & 3) == CommLayout.DONE ? "its answer" : "a free slot"));
            }
            if (!park && (++spins & 63) != 0) {
                Thread.onSpinWait();
                continue;
            }
            long now = System.nanoTime();
            if (park) {
                LockSupport.parkNanos(this, 200_000);
            } else if (now - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else if (now - start < YIELD_NANOS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(this, parkNanos);
                parkNanos = Math.min(parkNanos * 2, MAX_PARK_NANOS);
            }
            try {
                if (writes.closed()) {
                    throw interrupted(fn);
                }
                live.check();
            } catch (HvmException e) {
                if ((long) LONG.getAcquire(comm, slot + CommLayout.SLOT_SEQ) == want) {
                    return;       // answered just before the kernel stopped (e.g. the stop call)
                }
                throw e;
            }
            if (now - deadline > 0) {
                throw live.timeout("HRT call " + fn);
            }
        }
    }

    private static HvmException interrupted(int fn) {
        return new HvmException(HvmException.Kind.CLOSED, "HRT call " + fn + " interrupted: the HRT was rebooted or shut down");
    }

    /**
     * {@return whether a slot whose sequence word reads {@code seq} can still come to {@code want}}
     * Waiting for an answer (4 lap + DONE) the word can only be our own POSTED; waiting for the
     * slot to be free (4 lap) it can be any state of an earlier lap (callers of earlier laps of
     * this slot still at work). Anything else is garbage the guest wrote: no wait ends it.
     */
    private static boolean reachable(long seq, long want) {
        if ((want & 3) == CommLayout.DONE) {
            return seq == want - CommLayout.DONE + CommLayout.POSTED;
        }
        return Long.compareUnsigned(seq, want) < 0 && (seq & 3) != 3;
    }

    /**
     * The server answered slot {@code idx} on the exit path (its `out` to CALL_DONE, on the vCPU
     * thread): publish the answer's sequence number and unpark the caller.
     */
    public void completeExit(int idx) {
        if (idx >= 0 && idx < CommLayout.CALL_NSLOTS) {
            long seq = CommLayout.CALL_SLOTS + idx * CommLayout.SLOT_SIZE + CommLayout.SLOT_SEQ;
            long cur = (long) LONG.getVolatile(comm, seq);
            if ((cur & 3) == CommLayout.POSTED) {      // a server that published it itself is left alone
                LONG.compareAndSet(comm, seq, cur, cur + 1);
            }
            unparkExitWaiter(idx);
        }
    }

    private void unparkExitWaiter(int idx) {
        Thread t = exitWaiters.get(idx);
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Wakes every parked caller so it sees the failure or shutdown. */
    public void wakeAll() {
        for (int i = 0; i < CommLayout.CALL_NSLOTS; i++) {
            unparkExitWaiter(i);
        }
    }

    @Override
    public void close() {
        writes.close();
        async.shutdownNow();
        wakeAll();
        writes.drain();
    }
}
