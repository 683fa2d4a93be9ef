package org.legionhrt.legion;

import java.util.ArrayList;
import java.util.List;
import org.legionhrt.legion.internal.Scratch;
import org.legionhrt.legion.internal.Values;

/**
 * The futures of an index launch, one per point. Read single values with {@link #value(Point)}
 * or {@link #value(long)}, all of them with {@link #values()}, or fold them with
 * {@link #reduce(ReductionOp)}.
 *
 * @param <T> the value type
 */
public final class FutureMap<T> implements AutoCloseable {
    private final Runtime runtime;
    private final long handle;
    private final ValueType<T> type;
    private volatile boolean closed;

    FutureMap(Runtime runtime, long handle, ValueType<T> type) {
        this.runtime = runtime;
        this.handle = handle;
        this.type = type;
    }

    private long handle() {
        runtime.checkOpen();
        if (closed) {
            throw new LegionException("future map was already closed");
        }
        return handle;
    }

    /** {@return the number of points} */
    public long size() {
        return runtime.gate.call(() -> runtime.lhrt.outLong("lhrt_future_map_get_count",
                out -> runtime.lhrt.c.futureMapGetCount(handle(), out)));
    }

    /** Waits for every point. @throws TaskFailedException if one failed */
    public void waitAll() {
        runtime.gate.run(() -> runtime.javaTasks().blocking(() -> runtime.lhrt.check(
                runtime.lhrt.c.futureMapWaitAll(handle()), "waiting for an index launch")));
    }

    /** {@return the future of point {@code p} (the caller owns it)} */
    public Future<T> get(Point p) {
        Scratch s = Scratch.get();
        long m = s.mark();
        runtime.gate.enter();
        try {
            var pt = Values.point(s, p);
            long f = runtime.lhrt.outLong("lhrt_future_map_get_future(" + p + ")",
                    out -> runtime.lhrt.c.futureMapGetFuture(handle(), pt, out));
            return new Future<>(runtime, f, type);
        } finally {
            runtime.gate.exit();
            s.reset(m);
        }
    }

    /** {@return the future of the i-th point in domain order (the caller owns it)} */
    public Future<T> get(long i) {
        long f = runtime.gate.call(() -> runtime.lhrt.outLong("lhrt_future_map_get_future_at",
                out -> runtime.lhrt.c.futureMapGetFutureAt(handle(), i, out)));
        return new Future<>(runtime, f, type);
    }

    /** {@return the value of point {@code p}, waiting for it} */
    public T value(Point p) {
        try (Future<T> f = get(p)) {
            return f.get();
        }
    }

    /** {@return the value of the i-th point, waiting for it} */
    public T value(long i) {
        try (Future<T> f = get(i)) {
            return f.get();
        }
    }

    /** {@return every point's value, in domain order} */
    public List<T> values() {
        long n = size();
        List<T> vs = new ArrayList<>((int) Math.min(n, Integer.MAX_VALUE));
        for (long i = 0; i < n; i++) {
            vs.add(value(i));
        }
        return vs;
    }

    /** {@return a future of the point values folded with {@code op} in point order} */
    public Future<T> reduce(ReductionOp<T> op) {
        op.checkRuntime(runtime);
        long f = runtime.gate.call(() -> runtime.javaTasks().blocking(() -> runtime.lhrt.outLong(
                "lhrt_future_map_reduce", out -> runtime.lhrt.c.futureMapReduce(handle(), op.id(), out))));
        return new Future<>(runtime, f, type);
    }

    /**
     * Releases the map (the values stay with the futures taken from it). Only the first close
     * releases it, also when several threads close the same map at once.
     */
    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, false, true)) {
            runtime.releaseFutureMap(handle);
        }
    }

    private static final java.lang.invoke.VarHandle CLOSED = NativeObject.flag(java.lang.invoke.MethodHandles.lookup(), "closed");
}
