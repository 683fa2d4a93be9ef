package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.ADDRESS;
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
    private Point point;
    private MemorySegment args;
    private int regionCount = -1;
    private Arena arena;
    private PhysicalRegion[] regions;
    private boolean done;

    TaskContext(Runtime runtime, long ctx, int taskId, String taskName) {
        super(runtime, ctx);
        this.taskId = taskId;
        this.taskName = taskName;
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
        if (point == null) {
            info();
        }
        return point;
    }

    /** Point, arguments and region count in one call (a round trip each on backend hrt). */
    private void info() {
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment id = s.alloc(8);
            MemorySegment p = s.alloc(Layouts.POINT.byteSize());
            MemorySegment ptr = s.alloc(8);
            MemorySegment len = s.alloc(8);
            MemorySegment nreq = s.alloc(8);
            runtime.lhrt.check(runtime.lhrt.c.taskGetInfo(live(), id, p, ptr, len, nreq), "lhrt_task_get_info");
            point = Values.getPoint(p, 0);
            regionCount = nreq.get(JAVA_INT, 0);
            long n = len.get(JAVA_LONG, 0);
            // A copy of the task's own: on hrt the bytes were pulled into a ring that later calls reuse.
            // SAFETY: lhrt_task_get_info gives len bytes, readable until the next call.
            args = n == 0 ? MemorySegment.ofArray(new byte[0]).asReadOnly()
                    : arena().allocate(n, 16).copyFrom(ptr.get(ADDRESS, 0).reinterpret(n)).asReadOnly();
        } finally {
            s.reset(m);
        }
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
            info();
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
        if (regionCount < 0) {
            info();
        }
        return regionCount;
    }

    /** {@return the physical region of requirement {@code i} (this point's subregion)} */
    public PhysicalRegion region(int i) {
        if (regions == null) {
            regions = new PhysicalRegion[regionCount()];
        }
        if (i < 0 || i >= regions.length) {
            throw new LegionException("task " + taskName + " has " + regions.length + " region requirements, not " + (i + 1));
        }
        if (regions[i] == null) {
            long h = runtime.lhrt.outLong("lhrt_task_get_region", out -> runtime.lhrt.c.taskGetRegion(live(), i, out));
            regions[i] = PhysicalRegion.ofTask(this, i, runtime.regionOf(h));
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
        if (arena != null) {
            arena.close();
        }
    }
}
