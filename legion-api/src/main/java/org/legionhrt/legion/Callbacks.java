package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import org.legionhrt.legion.internal.Layouts;
import org.legionhrt.legion.internal.Lhrt;
import org.legionhrt.legion.internal.Upcalls;
import org.legionhrt.legion.internal.Values;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's other calls into Java (package-private): future-ready notifications, user
 * reduction operators and user projection functors, each an upcall stub living in the
 * runtime's arena. Targets never let an exception escape.
 */
@SuppressWarnings("restricted") // restricted FFM calls: see the SAFETY comments
final class Callbacks {
    private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);

    private final Lhrt lhrt;
    private final Arena arena;
    private final MemorySegment readyStub;
    private final Map<Long, Waiter> pending = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    /** Why no future will become ready any more (the backend failed, the runtime closed), or null. */
    private volatile LegionException lost;

    /** A callback waiting for its future: {@code ready} when it is, {@code lost} when it never will be. */
    private record Waiter(Runnable ready, Consumer<LegionException> lost) {}

    Callbacks(Lhrt lhrt, Arena arena) {
        this.lhrt = lhrt;
        this.arena = arena;
        this.readyStub = Upcalls.stub(arena, this, "ready", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT));
    }

    /**
     * Runs {@code r} once future {@code f} is ready, or {@code lost} with the reason once it never
     * will be (see {@link #loseAll}); exactly one of them runs, and neither may block (r runs on a
     * runtime thread, lost on the thread that saw the failure).
     */
    void onReady(long f, Runnable r, Consumer<LegionException> lost) {
        long id = seq.incrementAndGet();
        pending.put(id, new Waiter(r, lost));
        int st = lhrt.c.futureOnReady(f, readyStub, MemorySegment.ofAddress(id));
        if (st != 0) {
            pending.remove(id);
            throw lhrt.error(st, "lhrt_future_on_ready");
        }
        LegionException why = this.lost;
        if (why != null) {
            tellLost(id, why);          // loseAll ran while this one was being registered
        }
    }

    /**
     * No future will become ready any more ({@code why}: the backend failed, or the runtime
     * closed): every callback still waiting, and any registered later, is told so. Without this
     * a CompletableFuture of a task lost with its HRT would never complete.
     */
    void loseAll(LegionException why) {
        if (lost == null) {
            lost = why;
        }
        for (Long id : pending.keySet()) {
            tellLost(id, lost);
        }
    }

    private void tellLost(long id, LegionException why) {
        Waiter w = pending.remove(id);      // the one remove that wins runs the waiter
        if (w == null) {
            return;
        }
        try {
            w.lost().accept(why);
        } catch (Throwable t) {
            LOG.error("future callback failed", t);
        }
    }

    @SuppressWarnings("unused")
    private void ready(long user, int status) {
        try {
            Waiter w = pending.remove(user);
            if (w != null) {
                w.ready().run();
            }
        } catch (Throwable t) {
            LOG.error("future callback failed", t);
        }
    }

    /** A user reduction operator's kernel: lhs[i] = op(lhs[i], rhs[i]). */
    static final class RedopKernel<T> {
        private final ValueType<T> type;
        private final long size;
        private final BinaryOperator<T> op;
        private final java.util.function.Consumer<Throwable> onFailure;

        /** {@code onFailure} tells the runtime, on the calling thread, that the operator threw. */
        RedopKernel(ValueType<T> type, long size, BinaryOperator<T> op, java.util.function.Consumer<Throwable> onFailure) {
            this.type = type;
            this.size = size;
            this.op = op;
            this.onFailure = onFailure;
        }

        @SuppressWarnings("unused")
        private void apply(MemorySegment lhs, MemorySegment rhs, long count, MemorySegment user) {
            try {
                // SAFETY: the runtime passes count elements (or one point/rect struct) valid during the callback.
                MemorySegment l = lhs.reinterpret(count * size);
                // SAFETY: the runtime passes count elements (or one point/rect struct) valid during the callback.
                MemorySegment r = rhs.reinterpret(count * size);
                for (long i = 0; i < count; i++) {
                    MemorySegment li = l.asSlice(i * size, size);
                    type.write(op.apply(type.read(li), type.read(r.asSlice(i * size, size))), li);
                }
            } catch (Throwable t) {
                try {
                    onFailure.accept(t);    // the operation that used the operator fails with t as its cause
                } catch (Throwable again) {
                    LOG.error("reduction operator failed and the failure could not be reported", t);
                }
            }
        }
    }

    /** {@return the stub of a redop kernel, to register with lhrt_redop_register} */
    MemorySegment redopStub(RedopKernel<?> k) {
        return Upcalls.stub(arena, k, "apply", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    }

    /** A user projection functor. */
    static final class ProjectionKernel {
        private final Projection.ProjectionFunction fn;
        private final java.util.function.Consumer<Throwable> onFailure;

        /** {@code onFailure} tells the runtime, on the calling thread, that the functor threw. */
        ProjectionKernel(Projection.ProjectionFunction fn, java.util.function.Consumer<Throwable> onFailure) {
            this.fn = fn;
            this.onFailure = onFailure;
        }

        @SuppressWarnings("unused")
        private int project(MemorySegment p, MemorySegment domain, MemorySegment color, MemorySegment user) {
            try {
                // SAFETY: the runtime passes count elements (or one point/rect struct) valid during the callback.
                Point pt = Values.getPoint(p.reinterpret(Layouts.POINT.byteSize()), 0);
                // SAFETY: the runtime passes count elements (or one point/rect struct) valid during the callback.
                Rect dom = Values.getRect(domain.reinterpret(Layouts.RECT.byteSize()), 0);
                // SAFETY: the runtime passes count elements (or one point/rect struct) valid during the callback.
                Values.putPoint(color.reinterpret(Layouts.POINT.byteSize()), 0, fn.project(pt, dom));
                return 0;
            } catch (Throwable t) {
                try {
                    onFailure.accept(t);    // the launch fails with t as its cause
                } catch (Throwable again) {
                    LOG.error("projection functor failed and the failure could not be reported", t);
                }
                return 1;
            }
        }
    }

    /** {@return the stub of a projection functor} */
    MemorySegment projectionStub(ProjectionKernel k) {
        return Upcalls.stub(arena, k, "project", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }
}
