package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.legionhrt.legion.internal.Scratch;
import org.legionhrt.legion.internal.Values;

/**
 * A partition of a region into subregions, one per color of its color space. Created through a
 * {@link Context} ({@link Context#partitionEqual}, {@link Context#partitionByRects},
 * {@link Context#partitionByField}, {@link Context#partitionByImage},
 * {@link Context#partitionByPreimage}, and the color-wise set operations); index launches
 * give each point the subregion of its color.
 */
public final class Partition extends NativeObject {
    /** The most colors a partition's color space may bound (the runtime's LHRT_MAX_COLORS, 2^26). */
    public static final long MAX_COLORS = 1L << 26;

    private final LogicalRegion parent;
    private final IndexSpace colors;
    private final Map<Point, LogicalRegion> subregions = new ConcurrentHashMap<>();
    private volatile Boolean disjoint;

    Partition(Runtime runtime, long handle, LogicalRegion parent) {
        super(runtime, handle, true, parent.root());
        this.parent = parent;
        long cs = runtime.gate.call(() -> runtime.lhrt.outLong("lhrt_partition_get_color_space",
                out -> runtime.lhrt.c.partitionGetColorSpace(handle, out)));
        this.colors = new IndexSpace(runtime, cs, this);
    }

    @Override
    String kind() {
        return "partition";
    }

    /** {@return the partitioned region} */
    public LogicalRegion parent() {
        return parent;
    }

    /** {@return the colors of the subregions} */
    public IndexSpace colorSpace() {
        return colors;
    }

    /** {@return whether no point is in two subregions} */
    public boolean isDisjoint() {
        Boolean d = disjoint;
        if (d == null) {
            d = runtime.gate.call(() -> runtime.lhrt.outInt("lhrt_partition_is_disjoint",
                    out -> runtime.lhrt.c.partitionIsDisjoint(handle(), out))) != 0;
            disjoint = d;
        }
        handle();
        return d;
    }

    /** {@return whether the subregions cover the parent} */
    public boolean isComplete() {
        return runtime.gate.call(() -> runtime.lhrt.outInt("lhrt_partition_is_complete",
                out -> runtime.lhrt.c.partitionIsComplete(handle(), out))) != 0;
    }

    /** {@return the subregion of color {@code c}} @throws LegionException if c is not a color */
    public LogicalRegion subregion(Point c) {
        return subregions.computeIfAbsent(c, this::lookup);
    }

    /** {@return the subregion of 1-D color {@code c}} */
    public LogicalRegion subregion(long c) {
        return subregion(new Point1(c));
    }

    private LogicalRegion lookup(Point c) {
        Scratch s = Scratch.get();
        long m = s.mark();
        runtime.gate.enter();
        try {
            MemorySegment out = s.alloc(8);
            runtime.lhrt.check(runtime.lhrt.c.partitionGetSubregion(handle(), Values.point(s, c), out),
                    "lhrt_partition_get_subregion(" + c + ")");
            long h = out.get(JAVA_LONG, 0);
            long is = runtime.lhrt.outLong("lhrt_region_get_index_space", o -> runtime.lhrt.c.regionGetIndexSpace(h, o));
            return new LogicalRegion(runtime, h, false, new IndexSpace(runtime, is, this), parent.fieldSpace(),
                    parent.root(), this);
        } finally {
            runtime.gate.exit();
            s.reset(m);
        }
    }

    /** Releases the partition handle early (it is otherwise freed with its region tree). */
    public void close() {
        release(() -> runtime.lhrt.c.partitionDestroy(rawHandle()), "lhrt_partition_destroy");
    }

    @Override
    public String toString() {
        return "Partition[" + (runtime.isClosed() ? "closed runtime" : colors.volume() + " colors") + "]";
    }
}
