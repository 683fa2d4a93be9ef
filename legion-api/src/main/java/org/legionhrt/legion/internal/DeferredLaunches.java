package org.legionhrt.legion.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.legionhrt.hvm.Hvm;
import org.legionhrt.hvm.HvmException;
import org.legionhrt.legion.LegionException;

/**
 * Backend hrt's deferred launches (RuntimeConfig.hrtDeferredLaunches): a task or index launch is
 * posted on the call ring on a block of its own and its caller gets a stand-in handle that
 * later calls trade for the real one: odd (real handles are even: slot and generation,
 * legion-hrt-port/src/handle.c), unique, and far
 * above any count or index passed as a long. Posted calls run in ring order before any later
 * call, as the backend starts one call server; before a thread's next call other than a
 * release, its posted launches must have run, and a failure among them is thrown there (a
 * release never throws it: that would drop the batch it sends).
 * Internal to {@link HrtCalls}, which routes every call through {@link #before}.
 */
final class DeferredLaunches {
    /** Posted launches not yet known to have run, at most; their blocks' staging per launch. */
    private static final int MAX_IN_FLIGHT = 32;
    private static final long POST_STAGING = 16 << 10;
    private static final long STAND_BASE = 0x5ead_0000_0000_0001L;
    /** Calls that only release handles: they need not wait for the thread's posted launches. */
    private static final Set<String> RELEASES = Set.of("lhrt_future_destroy", "lhrt_future_destroy_all",
            "lhrt_future_map_destroy", "lhrt_future_map_destroy_all");

    private final HrtCalls calls;
    private final Hvm hvm;
    private final HrtMemory mem;
    private final Map<Long, Posted> posted = new ConcurrentHashMap<>();
    private final AtomicLong stands = new AtomicLong();
    private final java.util.ArrayDeque<Posted> inFlight = new java.util.ArrayDeque<>();      // guarded by itself
    private final java.util.ArrayDeque<CallBlock> postBlocks = new java.util.ArrayDeque<>();  // guarded by inFlight
    /**
     * Posted launches that failed, by the thread that posted them, not yet told to it; weakly
     * keyed, so a thread that ended without another call is not kept alive by its failure.
     */
    private final Map<Thread, LegionException> unreported =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    /** Whether any posted launch ever failed: until then no call needs the map's lock. */
    private volatile boolean anyFailed;

    DeferredLaunches(HrtCalls calls, Hvm hvm, HrtMemory mem) {
        this.calls = calls;
        this.hvm = hvm;
        this.mem = mem;
    }

    /** A posted launch: its block (frame, staged descriptor and out cell) until it ran. */
    private static final class Posted {
        final long stand;            // what the caller holds
        final CallBlock block;
        final long cell;             // where the launch writes the real handle
        final String name;
        final Thread owner = Thread.currentThread();
        boolean settled;             // guarded by this
        long handle;
        LegionException failure;

        Posted(long stand, CallBlock block, long cell, String name) {
            this.stand = stand;
            this.block = block;
            this.cell = cell;
            this.name = name;
        }
    }

    /**
     * Deferred mode's part of a call: before any other call of a thread, that thread's posted
     * launches must have run and a failure among them is thrown (so a launch's error comes from
     * its thread's next call); then stand-in handles among the arguments become real ones, and
     * a launch is posted. {@return the call's result when it was handled here, else null}
     */
    Object before(HrtCalls.Call c, Object[] a) {
        boolean launch = HrtCalls.LAUNCHES.contains(c.name());    // (ctx, lhrt_launch_t, [redop,] out)
        boolean release = RELEASES.contains(c.name());
        if (!launch && !release) {       // a release may run behind them: ring order
            settleOwn();
        }
        // Nor does a release throw the thread's failure: a batch (other threads' handles among
        // them) would be dropped, held until the runtime ends, and Future.close throw a launch's error.
        LegionException u = anyFailed && !release ? unreported.remove(Thread.currentThread()) : null;
        if (u != null) {
            throw u;
        }
        if (c.name().equals("lhrt_future_map_destroy_all") || c.name().equals("lhrt_future_destroy_all")) {
            return destroyAll(c, a);
        }
        if (launch) {
            tradeFutureArguments((MemorySegment) a[1]);
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] instanceof Long v && v >= STAND_BASE) {
                Posted p = posted.get(v);
                if (p != null) {
                    if (c.name().equals("lhrt_future_map_destroy") || c.name().equals("lhrt_future_destroy")) {
                        posted.remove(v);
                        if (settle(p).failure != null) {
                            return 0;                      // the launch failed: no map to destroy
                        }
                    }
                    a[i] = handleOf(p);
                }
            }
        }
        return launch ? invokePosted(c, a) : null;
    }

    /**
     * Futures a launch takes as arguments may be stand-ins of posted launches: they become the
     * real handles in the launch's description (the caller's, made for this one call).
     */
    private void tradeFutureArguments(MemorySegment launch) {
        int n = launch.get(JAVA_INT, Layouts.L_NFUTURES);
        long at = launch.get(JAVA_LONG, Layouts.L_FUTURES);
        if (n <= 0 || at == 0) {
            return;
        }
        MemorySegment fs = MemorySegment.ofAddress(at).reinterpret(8L * n);
        for (int k = 0; k < n; k++) {
            long f = fs.getAtIndex(JAVA_LONG, k);
            Posted p = f >= STAND_BASE ? posted.get(f) : null;
            if (p != null) {
                fs.setAtIndex(JAVA_LONG, k, handleOf(p));
            }
        }
    }

    /** Waits until this thread's posted launches ran. */
    private void settleOwn() {
        java.util.List<Posted> mine = new java.util.ArrayList<>();
        Thread me = Thread.currentThread();
        synchronized (inFlight) {
            for (Posted p : inFlight) {
                if (p.owner == me) {
                    mine.add(p);
                }
            }
        }
        for (Posted p : mine) {
            settle(p);
        }
    }

    /** A batch of future maps to release: stand-ins traded, those of failed launches left out. */
    private Object destroyAll(HrtCalls.Call c, Object[] a) {
        MemorySegment hs = (MemorySegment) a[0];
        long n = (Long) a[1];
        java.util.List<Long> keep = new java.util.ArrayList<>();
        for (long i = 0; i < n; i++) {
            long h = hs.getAtIndex(JAVA_LONG, i);
            Posted p = h >= STAND_BASE ? posted.remove(h) : null;
            if (p == null) {
                keep.add(h);
            } else if (settle(p).failure == null) {
                keep.add(p.handle);
            }
        }
        a[0] = MemorySegment.ofArray(keep.stream().mapToLong(Long::longValue).toArray());
        a[1] = (long) keep.size();
        return null;
    }

    /** {@return the real handle of a posted launch} @throws LegionException its failure */
    private long handleOf(Posted p) {
        settle(p);
        if (p.failure != null) {
            unreported.remove(p.owner, p.failure);
            throw p.failure;
        }
        return p.handle;
    }

    /** Posts a launch on a block of its own; the caller's out gets a stand-in handle (a future or future map). */
    private Object invokePosted(HrtCalls.Call c, Object[] a) {
        CallBlock b = postBlock();
        try {
            return calls.invoke(c, a, b, false, 0);
        } catch (RuntimeException e) {
            recycle(b);
            throw e;
        }
    }

    /** The last step of a posted call: in place of waiting for the answer. */
    Object post(HrtCalls.Call c, Object[] a, CallBlock b, MemorySegment f) {
        MemorySegment out = (MemorySegment) a[a.length - 1];
        long cell = 0;
        for (int i = 0; i < b.to.size(); i++) {
            if (b.to.get(i) == out) {
                cell = b.from.get(i).address();
            }
        }
        if (cell == 0) {
            throw new LegionException("backend hrt: " + c.name() + "'s result was not staged");
        }
        f.set(JAVA_INT, HrtCalls.OFF_DONE, 0);
        long stand = STAND_BASE + 2 * stands.getAndIncrement();
        String what = c.name() + " (task " + calls.taskName(((MemorySegment) a[1]).get(JAVA_INT, Layouts.L_TASK_ID)) + ")";
        Posted p = new Posted(stand, b, cell, what);
        posted.put(stand, p);
        synchronized (inFlight) {
            inFlight.add(p);
        }
        out.set(JAVA_LONG, 0, stand);
        try {
            hvm.post(HrtCalls.FN_CALL_POSTED, f.address());
        } catch (HvmException e) {
            throw calls.lost(c.name(), e);
        }
        calls.calls.incrementAndGet();
        return 0;
    }

    /**
     * {@return a block for one posted call} Settles finished ones first; waits for the oldest
     * when too many run. Settles outside the inFlight lock: settle takes a launch's lock, then
     * inFlight's.
     */
    private CallBlock postBlock() {
        java.util.List<Posted> done = new java.util.ArrayList<>();
        synchronized (inFlight) {
            for (Posted p : inFlight) {
                if (!ran(p)) {
                    break;
                }
                done.add(p);
            }
            if (inFlight.size() - done.size() >= MAX_IN_FLIGHT) {
                done.add(inFlight.stream().skip(done.size()).findFirst().orElseThrow());   // the oldest: wait for it
            }
        }
        for (Posted p : done) {
            settle(p);
        }
        synchronized (inFlight) {
            CallBlock b = postBlocks.poll();
            return b != null ? b : new CallBlock(mem, POST_STAGING, 0, true);
        }
    }

    private static boolean ran(Posted p) {
        return (int) HrtCalls.DONE.getVolatile(p.block.frame, HrtCalls.OFF_DONE) != 0;
    }

    /**
     * Waits until posted launch {@code p} ran (spin, then park, looking whether the HVM failed),
     * takes its handle or failure, and gives its block back. {@return p}
     */
    private Posted settle(Posted p) {
        synchronized (p) {
            if (p.settled) {
                return p;
            }
            long start = System.nanoTime(), park = 50_000;
            while (!ran(p)) {
                if (System.nanoTime() - start < HrtCalls.ASYNC_SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                calls.checkAlive(p.name);
                java.util.concurrent.locks.LockSupport.parkNanos(this, park);
                park = Math.min(2 * park, 1_000_000);
            }
            MemorySegment f = p.block.frame;
            int st = (int) f.get(JAVA_LONG, HrtCalls.OFF_RAX);
            if (st != 0) {
                String why = f.asSlice(HrtCalls.OFF_ERR, 256).getString(0);
                p.failure = new LegionException(st, "backend hrt: a deferred " + p.name + " failed: " + why,
                        calls.causes.apply(why));
                anyFailed = true;
                unreported.putIfAbsent(p.owner, p.failure);
            } else {
                p.handle = MemorySegment.ofAddress(p.cell).reinterpret(8).get(JAVA_LONG, 0);
            }
            p.settled = true;
            synchronized (inFlight) {
                inFlight.remove(p);
            }
            recycle(p.block);
            return p;
        }
    }

    private void recycle(CallBlock b) {
        b.reset();
        synchronized (inFlight) {
            postBlocks.add(b);
        }
    }
}
