package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.legionhrt.legion.internal.Layouts;
import org.legionhrt.legion.internal.Lhrt;
import org.legionhrt.legion.internal.Scratch;
import org.legionhrt.legion.internal.Values;

/**
 * An immutable set of points of one dimension: dense (a rectangle) or sparse (a union of
 * rectangles or a list of points). Index spaces name the rows of regions and the points of index
 * launches. Created by {@link Runtime#indexSpace(Rect)} and friends; owned ones may be closed
 * early, all are freed with the runtime. Iterating yields points in the runtime's order
 * (rectangles in order, dimension 0 fastest).
 */
public final class IndexSpace extends NativeObject implements Iterable<Point>, AutoCloseable {

    IndexSpace(Runtime runtime, long handle, boolean owned) {
        super(runtime, handle, owned);
    }

    /** A borrowed space that dies with {@code owner}. */
    IndexSpace(Runtime runtime, long handle, NativeObject owner) {
        super(runtime, handle, false, owner);
    }

    @Override
    String kind() {
        return "index space";
    }

    private Lhrt c() {
        return runtime.lhrt;
    }

    /** {@return the number of dimensions} */
    public int dim() {
        return runtime.gate.call(() -> c().outInt("lhrt_index_space_get_dim",
                out -> c().c.indexSpaceGetDim(handle(), out)));
    }

    /** {@return the number of points} */
    public long volume() {
        return runtime.gate.call(() -> c().outLong("lhrt_index_space_get_volume",
                out -> c().c.indexSpaceGetVolume(handle(), out)));
    }

    /** {@return the bounding rectangle} */
    public Rect bounds() {
        Scratch s = Scratch.get();
        long m = s.mark();
        runtime.gate.enter();
        try {
            MemorySegment r = s.alloc(Layouts.RECT.byteSize());
            c().check(c().c.indexSpaceGetBounds(handle(), r), "lhrt_index_space_get_bounds");
            return Values.getRect(r, 0);
        } finally {
            runtime.gate.exit();
            s.reset(m);
        }
    }

    /**
     * {@return the space as disjoint, sorted rectangles (one for a dense space)} Fetched
     * {@value #RECTS_PER_CALL} per call and kept: an index space never changes.
     */
    public List<Rect> rects() {
        List<Rect> known = rects;
        if (known != null) {
            handle();                       // still a live space
            return known;
        }
        List<Rect> rs = rectsOf(runtime, handle());
        rects = rs;
        return rects;
    }

    /** {@return the rectangles of the space with handle {@code h} (as {@link #rects()}, uncached)} */
    static List<Rect> rectsOf(Runtime runtime, long h) {
        Lhrt c = runtime.lhrt;
        List<Rect> rs = new ArrayList<>();
        Scratch s = Scratch.get();
        long m = s.mark();
        runtime.gate.enter();
        try {
            MemorySegment buf = s.alloc(Layouts.RECT.byteSize() * RECTS_PER_CALL);
            MemorySegment n = s.alloc(8);
            long got;
            do {
                c.check(c.c.indexSpaceGetRects(h, rs.size(), buf, RECTS_PER_CALL, n), "lhrt_index_space_get_rects");
                got = n.get(JAVA_LONG, 0);
                for (int i = 0; i < got; i++) {
                    rs.add(Values.getRect(buf, i * Layouts.RECT.byteSize()));
                }
            } while (got == RECTS_PER_CALL);
        } finally {
            runtime.gate.exit();
            s.reset(m);
        }
        return List.copyOf(rs);
    }

    /** Rectangles per lhrt_index_space_get_rects call: 64 of 56 bytes. */
    private static final int RECTS_PER_CALL = 64;
    private volatile List<Rect> rects;

    /** {@return whether the space is exactly its bounding rectangle} */
    public boolean isDense() {
        return volume() == bounds().volume();
    }

    /** {@return whether {@code p} is in the space} @throws LegionException if p has another dimension */
    public boolean contains(Point p) {
        Scratch s = Scratch.get();
        long m = s.mark();
        runtime.gate.enter();
        try {
            MemorySegment out = s.alloc(4);
            c().check(c().c.indexSpaceContains(handle(), Values.point(s, p), out), "lhrt_index_space_contains");
            return out.get(JAVA_INT, 0) != 0;
        } finally {
            runtime.gate.exit();
            s.reset(m);
        }
    }

    /** {@return the i-th point in iteration order} @throws LegionException if i >= volume() */
    public Point point(long i) {
        Scratch s = Scratch.get();
        long m = s.mark();
        runtime.gate.enter();
        try {
            MemorySegment p = s.alloc(Layouts.POINT.byteSize());
            c().check(c().c.indexSpaceGetPoint(handle(), i, p), "lhrt_index_space_get_point");
            return Values.getPoint(p, 0);
        } finally {
            runtime.gate.exit();
            s.reset(m);
        }
    }

    /** {@return the points of this space, in iteration order} */
    public List<Point> points() {
        List<Point> ps = new ArrayList<>();
        for (Rect r : rects()) {
            forEachPoint(r, ps::add);
        }
        return ps;
    }

    @Override
    public Iterator<Point> iterator() {
        return new Iterator<>() {
            private final Iterator<Point> it = points().iterator();

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Point next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                return it.next();
            }
        };
    }

    /** {@return a new space: the points in this or {@code other}} */
    public IndexSpace union(IndexSpace other) {
        long o = other.handleFor(runtime);
        return runtime.gate.call(() -> new IndexSpace(runtime, c().outLong("lhrt_index_space_union",
                out -> c().c.indexSpaceUnion(handle(), o, out)), true));
    }

    /** {@return a new space: the points in both} */
    public IndexSpace intersection(IndexSpace other) {
        long o = other.handleFor(runtime);
        return runtime.gate.call(() -> new IndexSpace(runtime, c().outLong("lhrt_index_space_intersection",
                out -> c().c.indexSpaceIntersection(handle(), o, out)), true));
    }

    /** {@return a new space: the points in this and not in {@code other}} */
    public IndexSpace difference(IndexSpace other) {
        long o = other.handleFor(runtime);
        return runtime.gate.call(() -> new IndexSpace(runtime, c().outLong("lhrt_index_space_difference",
                out -> c().c.indexSpaceDifference(handle(), o, out)), true));
    }

    /** Destroys the space now if this object owns it (no-op for borrowed spaces). */
    @Override
    public void close() {
        release(() -> runtime.lhrt.c.indexSpaceDestroy(rawHandle()), "lhrt_index_space_destroy");
    }

    /** Calls {@code f} for every point of {@code r}, dimension 0 fastest. */
    static void forEachPoint(Rect r, java.util.function.Consumer<Point> f) {
        if (r.isEmpty()) {
            return;
        }
        switch (r.dim()) {
            case 1 -> {
                for (long x = r.lo(0); x <= r.hi(0); x++) {
                    f.accept(new Point1(x));
                }
            }
            case 2 -> {
                for (long y = r.lo(1); y <= r.hi(1); y++) {
                    for (long x = r.lo(0); x <= r.hi(0); x++) {
                        f.accept(new Point2(x, y));
                    }
                }
            }
            default -> {
                for (long z = r.lo(2); z <= r.hi(2); z++) {
                    for (long y = r.lo(1); y <= r.hi(1); y++) {
                        for (long x = r.lo(0); x <= r.hi(0); x++) {
                            f.accept(new Point3(x, y, z));
                        }
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return runtime.isClosed() ? "IndexSpace[closed runtime]" : "IndexSpace" + rects();
    }
}
