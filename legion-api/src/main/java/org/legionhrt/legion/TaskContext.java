package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.legionhrt.legion.internal.Layouts;
import org.legionhrt.legion.internal.Scratch;
import org.legionhrt.legion.internal.Values;

/**
 * The context of a running Java task: its point, arguments, physical regions and future
 * arguments, and (as a {@link Context}) the launches it makes. Valid only while the task runs,
 * on the thread that runs it; accessors taken from it are closed when the task ends.
 */
@SuppressWarnings("restricted") // restricted FFM calls: see the SAFETY comments
public final class TaskContext extends Context {
    private final int taskId;
    private final String taskName;
    /** The task's snapshot (lhrt_task_get_snapshot), this context's own heap copy; fetched on first need. */
    private MemorySegment snapshot;
    private Point point;
    private MemorySegment args;
    private Arena arena;
    private PhysicalRegion[] regions;
    private boolean done;
    /** Inline mappings made by the body: closed (Java side) when the task ends. */
    private final java.util.List<PhysicalRegion> mappings = new java.util.ArrayList<>();
    /** This thread's body mark before the task began (see CallGate.enterBody). */
    private final Runtime outerBody;

    /** A context for task {@code ctx}; {@code snapshot}: its snapshot if the caller has one (else null). */
    TaskContext(Runtime runtime, long ctx, int taskId, String taskName, MemorySegment snapshot) {
        super(runtime, ctx);
        this.taskId = taskId;
        this.taskName = taskName;
        this.snapshot = snapshot;
        // made on the thread that runs the body, which finish() ends on: its calls are the
        // runtime's pending work, let in while the runtime closes
        this.outerBody = CallGate.enterBody(runtime);
    }

    /**
     * {@return a heap copy of task {@code ctx}'s snapshot}: its id, point, arguments and per
     * region requirement the region, its spaces and accessors, from one call (one round trip
     * on backend hrt, where a body with one region asked seven times before).
     */
    static MemorySegment fetchSnapshot(Runtime runtime, long ctx) {
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            long cap = SNAPSHOT_GUESS;
            for (;;) {
                MemorySegment buf = s.alloc(cap);
                MemorySegment size = s.alloc(8);
                runtime.lhrt.check(runtime.lhrt.c.taskGetSnapshot(ctx, buf, cap, size), "lhrt_task_get_snapshot");
                long n = size.get(JAVA_LONG, 0);
                if (n <= cap) {
                    return ownCopy(buf, n);
                }
                cap = n;
            }
        } finally {
            s.reset(m);
        }
    }

    /** What a snapshot of a task with a few regions and small arguments takes (larger ones: two calls). */
    static final long SNAPSHOT_GUESS = 2048;

    /** {@return a heap copy of the first {@code n} bytes of snapshot {@code buf}} */
    static MemorySegment ownCopy(MemorySegment buf, long n) {
        // long[]-backed: 8-aligned like the C struct, so aligned reads work on the copy
        return MemorySegment.ofArray(new long[(int) ((n + 7) / 8)]).copyFrom(buf.asSlice(0, n));
    }

    private MemorySegment snapshot() {
        if (snapshot == null) {
            snapshot = fetchSnapshot(runtime, live());
        }
        return snapshot;
    }

    private long live() {
        return handle();
    }

    /** {@return the task's context handle} @throws LegionException once the task has ended */
    @Override
    long handle() {
        if (done) {
            throw new LegionException("task context of " + taskName + " used after the task ended");
        }
        return super.handle();
    }

    /** {@return the task's id} */
    public int taskId() {
        return taskId;
    }

    /** {@return the task's name} */
    public String taskName() {
        return taskName;
    }

    /** {@return the task's point in its index launch ((0) for single tasks)} */
    public Point point() {
        live();
        if (point == null) {
            point = Values.getPoint(snapshot(), Layouts.S_POINT);
        }
        return point;
    }

    /** {@return coordinate 0 of the task's point (the index of a 1-D launch)} */
    public long index() {
        return point().coord(0);
    }

    /** {@return the worker running the task, -1 off the runtime's pool} */
    public int worker() {
        return runtime.lhrt.outInt("lhrt_task_get_worker", out -> runtime.lhrt.c.taskGetWorker(live(), out));
    }

    /** {@return the argument bytes, a read-only view valid while the task runs} */
    public MemorySegment args() {
        live();
        if (args == null) {
            MemorySegment snap = snapshot();
            long n = snap.get(JAVA_LONG, Layouts.S_ARGLEN);
            // native memory of the task's own, as before: callers may hand it to native code
            args = n == 0 ? MemorySegment.ofArray(new byte[0]).asReadOnly()
                    : arena().allocate(n, 16).copyFrom(snap.asSlice(snap.get(JAVA_LONG, Layouts.S_ARGS), n)).asReadOnly();
        }
        return args;
    }

    /** {@return the arguments decoded by {@code type}} */
    public <A> A args(ValueType<A> type) {
        return type.read(args());
    }

    /** {@return the number of region requirements} */
    public int regionCount() {
        live();
        return snapshot().get(JAVA_INT, Layouts.S_NREGIONS);
    }

    /** {@return the physical region of requirement {@code i} (this point's subregion)} */
    public PhysicalRegion region(int i) {
        if (regions == null) {
            regions = new PhysicalRegion[regionCount()];
        }
        if (i < 0 || i >= regions.length) {
            throw new LegionException("task " + taskName + " has no region " + i + ": it was launched with "
                    + regions.length + " region requirement" + (regions.length == 1 ? "" : "s")
                    + (regions.length == 0 ? "" : " (0.." + (regions.length - 1) + ")"));
        }
        if (regions[i] == null) {
            MemorySegment snap = snapshot();
            MemorySegment r = snap.asSlice(snap.get(JAVA_LONG, Layouts.S_REGIONS) + i * Layouts.SNAPSHOT_REGION.byteSize(),
                    Layouts.SNAPSHOT_REGION.byteSize());
            LogicalRegion lr = runtime.regionOf(r.get(JAVA_LONG, Layouts.SR_REGION), r.get(JAVA_INT, Layouts.SR_TREE),
                    r.get(JAVA_LONG, Layouts.SR_INDEX_SPACE), r.get(JAVA_LONG, Layouts.SR_FIELD_SPACE));
            long n = r.get(JAVA_INT, Layouts.SR_NACCESSORS);
            regions[i] = PhysicalRegion.ofTask(this, i, lr,
                    snap.asSlice(r.get(JAVA_LONG, Layouts.SR_ACCESSORS), n * Layouts.ACCESSOR.byteSize()));
        }
        return regions[i];
    }

    /** {@return the number of future arguments} */
    public int futureCount() {
        return runtime.lhrt.outInt("lhrt_task_get_future_count", out -> runtime.lhrt.c.taskGetFutureCount(live(), out));
    }

    /** {@return future argument {@code i} decoded by {@code type}} */
    public <T> T futureValue(int i, ValueType<T> type) {
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment size = s.alloc(8);
            MemorySegment buf = s.alloc(256);
            runtime.lhrt.check(runtime.lhrt.c.taskGetFutureValue(live(), i, buf, 256, size), "lhrt_task_get_future_value");
            long n = size.get(JAVA_LONG, 0);
            if (n > 256) {
                buf = s.alloc(n);
                runtime.lhrt.check(runtime.lhrt.c.taskGetFutureValue(live(), i, buf, n, size), "lhrt_task_get_future_value");
            }
            return type.read(buf.asSlice(0, n));
        } finally {
            s.reset(m);
        }
    }

    /** The task's arena (created on first use): accessor views die with it. */
    Arena arena() {
        if (arena == null) {
            arena = Arena.ofConfined();
        }
        return arena;
    }

    long taskHandle() {
        return live();
    }

    /** Ends the context: views into the task's data become unusable. */
    void finish() {
        done = true;
        CallGate.exitBody(outerBody);
        if (arena != null) {
            arena.close();
        }
        for (PhysicalRegion m : mappings) {
            m.closeAtTaskEnd();
        }
    }

    /** A task's inline mappings end with it (the runtime unmaps them at the task's end). */
    @Override
    void own(PhysicalRegion mapping) {
        mappings.add(mapping);
    }
}
