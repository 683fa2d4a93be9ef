package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import org.legionhrt.legion.internal.Scratch;

/**
 * The value a task will produce. {@link #get()} waits for it (inside a task, without blocking
 * the worker pool); a failed task makes it throw {@link TaskFailedException}. Futures can be
 * passed to other launches as arguments, turned into a {@link CompletableFuture}, and closed to
 * release the runtime's reference early (all are released with the runtime).
 *
 * @param <T> the value type
 */
@SuppressWarnings("restricted") // restricted FFM calls: see the SAFETY comments
public final class Future<T> implements AutoCloseable {
    private final Runtime runtime;
    private final long handle;
    private final ValueType<T> type;
    private volatile boolean closed;      // set once, by CLOSED's compareAndSet: one close releases
    private volatile boolean fetched;
    private T value;

    Future(Runtime runtime, long handle, ValueType<T> type) {
        this.runtime = runtime;
        this.handle = handle;
        this.type = type;
    }

    long handleFor(Runtime rt) {
        if (rt != runtime) {
            throw new LegionException("future belongs to another runtime");
        }
        return handle();
    }

    long handle() {
        runtime.checkOpen();
        if (closed) {
            throw new LegionException("future was already closed");
        }
        return handle;
    }

    /** {@return the value type} */
    public ValueType<T> type() {
        return type;
    }

    /** {@return the value, waiting for it} @throws TaskFailedException if the task failed */
    public T get() {
        if (fetched) {
            return value;
        }
        return runtime.gate.call(this::fetch);
    }

    /** {@return the value, waiting for it: {@link #get} past the gate} */
    private T fetch() {
        if (fetched) {
            return value;
        }
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment ptr = s.alloc(8);
            MemorySegment size = s.alloc(8);
            runtime.javaTasks().blocking(() -> runtime.lhrt.check(runtime.lhrt.c.futureGetPointer(handle(), ptr, size),
                    "waiting for a future"));
            long n = size.get(JAVA_LONG, 0);
            MemorySegment p = ptr.get(ADDRESS, 0);
            // SAFETY: the runtime's value of `size` bytes at this address lives as long as the future handle.
            T v = type.read(n == 0 ? MemorySegment.NULL.reinterpret(0) : p.reinterpret(n));
            synchronized (this) {
                value = v;
                fetched = true;
            }
            return v;
        } finally {
            s.reset(m);
        }
    }

    /** Waits until the value exists. @throws TaskFailedException if the task failed */
    public void await() {
        runtime.gate.run(() -> runtime.javaTasks().blocking(() -> runtime.lhrt.check(runtime.lhrt.c.futureWait(handle()),
                "waiting for a future")));
    }

    /** {@return whether the value (or failure) is there} */
    public boolean isReady() {
        return runtime.gate.call(() -> runtime.lhrt.outInt("lhrt_future_is_ready",
                out -> runtime.lhrt.c.futureIsReady(handle(), out))) != 0;
    }

    /**
     * {@return a CompletableFuture completed (on a pool thread, never a runtime worker) with the
     * value, or exceptionally with the task's failure, or with the {@link LegionException} of the
     * backend's failure or of the runtime's close when either comes first}
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        long clone = runtime.gate.call(() -> runtime.lhrt.outLong("lhrt_future_clone",
                out -> runtime.lhrt.c.futureClone(handle(), out)));
        Future<T> own = new Future<>(runtime, clone, type);
        // The value is read in the callback itself, on the runtime thread that made it ready (the
        // runtime cannot be destroyed under it); only completing the CompletableFuture, which runs
        // the user's stages, and releasing the clone move to a pool thread. It reads past the
        // gate: the runtime is not closed while its callbacks run, and is often closing then.
        runtime.gate.run(() -> runtime.callbacks().onReady(clone, () -> {
            T v = null;
            Throwable err = null;
            try {
                v = own.fetch();
            } catch (Throwable t) {
                err = t;
            }
            settle(own, cf, v, err);
        }, lost -> settle(own, cf, null, lost)));    // the backend failed or the runtime closed first
        return cf;
    }

    /** Releases {@code own} and completes {@code cf} with {@code value} or {@code failure}, on a pool thread. */
    private static <T> void settle(Future<T> own, CompletableFuture<T> cf, T value, Throwable failure) {
        // The common pool itself, even where its parallelism is 1 (there, plain runAsync starts
        // a thread per task: on backend hrt each would take a call block of the merged region).
        CompletableFuture.runAsync(() -> {
            try {
                own.close();
            } finally {
                if (failure != null) {
                    cf.completeExceptionally(failure);
                } else {
                    cf.complete(value);
                }
            }
        }, java.util.concurrent.ForkJoinPool.commonPool());
    }

    /**
     * Releases this handle (the value stays alive while other handles or tasks use it). Only the
     * first close releases it, also when several threads close the same future at once.
     */
    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, false, true)) {
            runtime.releaseFuture(handle);
        }
    }

    private static final java.lang.invoke.VarHandle CLOSED = NativeObject.flag(java.lang.invoke.MethodHandles.lookup(), "closed");

    @Override
    public String toString() {
        return "Future[" + type + (fetched ? "=" + value : "") + "]";
    }
}
