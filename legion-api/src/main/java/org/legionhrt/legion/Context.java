package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import org.legionhrt.legion.internal.Layouts;
import org.legionhrt.legion.internal.Scratch;
import org.legionhrt.legion.internal.Values;

/**
 * Where launches are made from: the top-level context of a {@link Runtime} (host threads) or a
 * running task's {@link TaskContext}. Launches, partitioning, fills and inline mappings are
 * operations of a context because the runtime orders them in that context's program order.
 */
public sealed class Context permits TaskContext {
    /**
     * The parent-region argument of fills, copies and inline mappings: none, so that the runtime
     * checks privileges from the region itself - right at top level and inside a task that holds
     * only a subregion (the region tree's root is not under that task's requirements).
     */
    private static final long NO_PARENT = 0L;
    final Runtime runtime;
    private final long ctx;

    Context(Runtime runtime, long ctx) {
        this.runtime = runtime;
        this.ctx = ctx;
    }

    long handle() {
        runtime.checkOpen();
        return ctx;
    }

    /** {@return the runtime} */
    public Runtime runtime() {
        return runtime;
    }

    /** {@return the launched task's future} */
    public <R> Future<R> execute(TaskLauncher<R> launcher) {
        return runtime.gate.call(() -> Launches.execute(this, launcher));
    }

    /** {@return the future map of the index launch} */
    public <R> FutureMap<R> execute(IndexLauncher<R> launcher) {
        long fm = runtime.gate.call(() -> Launches.executeIndex(this, launcher,
                (d, out) -> runtime.lhrt.c.indexLaunch(handle(), d, out)));
        return new FutureMap<>(runtime, fm, launcher.task.resultType());
    }

    /** Index-launches and waits for all points, dropping their results. @throws TaskFailedException if a point failed */
    public void executeAndWait(IndexLauncher<?> launcher) {
        try (FutureMap<?> fm = execute(launcher)) {
            fm.waitAll();
        }
    }

    /** {@return one future: the point results folded with {@code op} in point order} */
    public <R> Future<R> executeReduce(IndexLauncher<R> launcher, ReductionOp<R> op) {
        op.checkRuntime(runtime);
        long f = runtime.gate.call(() -> Launches.executeIndex(this, launcher,
                (d, out) -> runtime.lhrt.c.indexLaunchReduce(handle(), d, op.id(), out)));
        return new Future<>(runtime, f, launcher.task.resultType());
    }

    /** Waits until every launch made from this context (and their descendants) completed. */
    public void waitAll() {
        runtime.gate.run(() -> runtime.javaTasks().blocking(() -> runtime.lhrt.check(
                runtime.lhrt.c.contextWaitAll(handle()), "lhrt_context_wait_all")));
    }

    // ---------------------------------------------------------------- partitions

    /** {@return {@code parent} split into equal blocks, one per color of {@code colors}} */
    public Partition partitionEqual(LogicalRegion parent, IndexSpace colors) {
        long p = runtime.gate.call(() -> runtime.lhrt.outLong("lhrt_partition_create_equal",
                out -> runtime.lhrt.c.partitionCreateEqual(
                        handle(), parent.handleFor(runtime), colors.handleFor(runtime), out)));
        return new Partition(runtime, p, parent);
    }

    /** {@return {@code parent} split into {@code pieces} equal blocks, colors 0..pieces-1} */
    public Partition partitionEqual(LogicalRegion parent, long pieces) {
        return partitionEqual(parent, runtime.indexSpace(Rect1.of(0, pieces - 1)));
    }

    /**
     * {@return a partition by coloring: subregion c is the union of the rectangles mapped to c}
     *
     * @param coloring rectangles (of the parent's dimension) per color of {@code colors}
     * @param kind     what the partition asserts, or COMPUTE to have it checked
     */
    public Partition partitionByRects(LogicalRegion parent, IndexSpace colors,
                                      Map<? extends Point, ? extends List<? extends Rect>> coloring, PartitionKind kind) {
        long n = coloring.values().stream().mapToLong(List::size).sum();
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            long sz = Layouts.COLORED_RECT.byteSize();
            MemorySegment items = s.alloc(Math.max(1, n) * sz);
            long i = 0;
            for (var e : coloring.entrySet()) {
                for (Rect r : e.getValue()) {
                    Values.putPoint(items, i * sz, e.getKey());
                    Values.putRect(items, i * sz + Layouts.POINT.byteSize(), r);
                    i++;
                }
            }
            long p = runtime.gate.call(() -> runtime.lhrt.outLong("lhrt_partition_create_by_rects",
                    out -> runtime.lhrt.c.partitionCreateByRects(handle(), parent.handleFor(runtime),
                            colors.handleFor(runtime), items, n, kind.code(), out)));
            return new Partition(runtime, p, parent);
        } finally {
            s.reset(m);
        }
    }

    /**
     * {@return a partition by field: point p of {@code parent} goes to the color stored in its
     * {@code colorField} (an INT field for 1-D colors, a POINT field otherwise)}
     */
    public Partition partitionByField(LogicalRegion parent, Field colorField, IndexSpace colors) {
        parent.checkField(colorField);
        long p = runtime.gate.call(() -> runtime.javaTasks().blocking(() -> runtime.lhrt.outLong(
                "lhrt_partition_create_by_field",
                out -> runtime.lhrt.c.partitionCreateByField(handle(), parent.handleFor(runtime), colorField.id(),
                        colors.handleFor(runtime), out))));
        return new Partition(runtime, p, parent);
    }

    /**
     * {@return the image of {@code source} through {@code pointerField}: subregion c of
     * {@code parent} holds the points that the elements of {@code source[c]} point to}
     *
     * @param pointerField a field of {@code source}'s region holding points of {@code parent}
     */
    public Partition partitionByImage(LogicalRegion parent, Partition source, Field pointerField, PartitionKind kind) {
        source.parent().checkField(pointerField);
        long p = runtime.gate.call(() -> runtime.javaTasks().blocking(() -> runtime.lhrt.outLong(
                "lhrt_partition_create_by_image",
                out -> runtime.lhrt.c.partitionCreateByImage(handle(), parent.handleFor(runtime),
                        source.handleFor(runtime), pointerField.id(), kind.code(), out))));
        return new Partition(runtime, p, parent);
    }

    /**
     * {@return the preimage of {@code target} through {@code pointerField}: subregion c of
     * {@code parent} holds the points whose pointer lands in {@code target[c]}}
     *
     * @param pointerField a field of {@code parent} holding points of {@code target}'s region
     */
    public Partition partitionByPreimage(LogicalRegion parent, Partition target, Field pointerField, PartitionKind kind) {
        parent.checkField(pointerField);
        long p = runtime.gate.call(() -> runtime.javaTasks().blocking(() -> runtime.lhrt.outLong(
                "lhrt_partition_create_by_preimage",
                out -> runtime.lhrt.c.partitionCreateByPreimage(handle(), parent.handleFor(runtime),
                        target.handleFor(runtime), pointerField.id(), kind.code(), out))));
        return new Partition(runtime, p, parent);
    }

    /** {@return color-wise a ∪ b (same parent region; a's colors)} */
    public Partition partitionUnion(Partition a, Partition b, PartitionKind kind) {
        long p = runtime.gate.call(() -> runtime.lhrt.outLong("lhrt_partition_create_by_union",
                out -> runtime.lhrt.c.partitionCreateByUnion(
                        handle(), a.handleFor(runtime), b.handleFor(runtime), kind.code(), out)));
        return new Partition(runtime, p, a.parent());
    }

    /** {@return color-wise a ∩ b (same parent region; a's colors)} */
    public Partition partitionIntersection(Partition a, Partition b, PartitionKind kind) {
        long p = runtime.gate.call(() -> runtime.lhrt.outLong("lhrt_partition_create_by_intersection",
                out -> runtime.lhrt.c.partitionCreateByIntersection(
                        handle(), a.handleFor(runtime), b.handleFor(runtime), kind.code(), out)));
        return new Partition(runtime, p, a.parent());
    }

    /** {@return color-wise a − b (same parent region; a's colors)} */
    public Partition partitionDifference(Partition a, Partition b, PartitionKind kind) {
        long p = runtime.gate.call(() -> runtime.lhrt.outLong("lhrt_partition_create_by_difference",
                out -> runtime.lhrt.c.partitionCreateByDifference(
                        handle(), a.handleFor(runtime), b.handleFor(runtime), kind.code(), out)));
        return new Partition(runtime, p, a.parent());
    }

    // ---------------------------------------------------------------- fills and mappings

    /** Fills {@code field} of {@code region} with {@code v} (deferred, ordered like a write-discard task). */
    public void fill(LogicalRegion region, Field field, double v) {
        requireType(field, FieldType.DOUBLE);
        fillRaw(region, field, 8, seg -> seg.set(JAVA_DOUBLE_UNALIGNED, 0, v));
    }

    /** Fills a FLOAT field. */
    public void fill(LogicalRegion region, Field field, float v) {
        requireType(field, FieldType.FLOAT);
        fillRaw(region, field, 4, seg -> seg.set(JAVA_FLOAT_UNALIGNED, 0, v));
    }

    /** Fills an INT field. */
    public void fill(LogicalRegion region, Field field, int v) {
        requireType(field, FieldType.INT);
        fillRaw(region, field, 4, seg -> seg.set(JAVA_INT_UNALIGNED, 0, v));
    }

    /** Fills a LONG (or POINT1) field. */
    public void fill(LogicalRegion region, Field field, long v) {
        if (field.type().size() != 8 || field.type() == FieldType.DOUBLE) {
            throw new LegionException(field + " is not a long field");
        }
        fillRaw(region, field, 8, seg -> seg.set(JAVA_LONG_UNALIGNED, 0, v));
    }

    /** Fills any field with the raw bytes {@code value} (exactly the field's size). */
    public void fill(LogicalRegion region, Field field, byte[] value) {
        if (value.length != field.type().size()) {
            throw new LegionException("fill value of " + value.length + " bytes for a " + field.type().size() + "-byte field");
        }
        fillRaw(region, field, value.length, seg -> MemorySegment.copy(MemorySegment.ofArray(value), 0, seg, 0, value.length));
    }

    private void fillRaw(LogicalRegion region, Field field, int size, java.util.function.Consumer<MemorySegment> put) {
        region.checkField(field);
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment v = s.alloc(size);
            put.accept(v);
            runtime.gate.run(() -> runtime.lhrt.check(runtime.lhrt.c.regionFill(handle(), region.handleFor(runtime),
                    NO_PARENT, field.id(), v, size), "lhrt_region_fill"));
        } finally {
            s.reset(m);
        }
    }

    /**
     * Issues a copy (deferred, ordered like a task that reads the source and writes or reduces
     * into the destination). Inside a task, the task's own requirements must grant both.
     */
    public void copy(Copy copy) {
        int n = copy.sourceFields().size();
        int redop = 0;
        if (copy.reduction() != null) {
            copy.reduction().checkRuntime(runtime);
            redop = copy.reduction().id();
        }
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment from = s.alloc(4L * n), to = s.alloc(4L * n);
            for (int i = 0; i < n; i++) {
                from.setAtIndex(JAVA_INT, i, copy.sourceFields().get(i).id());
                to.setAtIndex(JAVA_INT, i, copy.destinationFields().get(i).id());
            }
            runtime.gate.enter();
            try {
                issue(copy, from, to, n, redop);
            } finally {
                runtime.gate.exit();
            }
        } finally {
            s.reset(m);
        }
    }

    /** The copy's native call (scratch arrays {@code from}, {@code to} of its fields). */
    private void issue(Copy copy, MemorySegment from, MemorySegment to, int n, int redop) {
        if (copy.isIndexCopy()) {
            runtime.lhrt.check(runtime.lhrt.c.partitionCopy(handle(), copy.sourcePartition().handleFor(runtime),
                    NO_PARENT, copy.destinationPartition().handleFor(runtime), NO_PARENT, from, to, n, redop),
                    "lhrt_partition_copy");
        } else {
            runtime.lhrt.check(runtime.lhrt.c.regionCopy(handle(), copy.source().handleFor(runtime), NO_PARENT,
                    copy.destination().handleFor(runtime), NO_PARENT, from, to, n, redop), "lhrt_region_copy");
        }
    }

    /** Keeps an inline mapping made here until it is closed: the runtime closes what is left open at its own close. */
    void own(PhysicalRegion mapping) {
        runtime.keepMapping(mapping);
    }

    static void requireType(Field f, FieldType t) {
        if (f.type().numeric() != t.numeric() || f.type().size() != t.size()) {
            throw new LegionException(f + " is a " + f.type().name() + " field, not " + t.name());
        }
    }

    /**
     * Maps {@code region} here and now: waits for earlier conflicting work and returns a view to
     * read (READ_ONLY) or write (READ_WRITE, WRITE_DISCARD). Close it to unmap; later launches
     * touching the region wait until then.
     */
    public PhysicalRegion map(LogicalRegion region, Privilege privilege, Field... fields) {
        if (privilege.mode() == Privilege.Mode.REDUCE) {
            throw new LegionException("inline mappings take READ_ONLY, READ_WRITE or WRITE_DISCARD");
        }
        for (Field f : fields) {
            region.checkField(f);
        }
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment fids = s.alloc(4L * Math.max(1, fields.length));
            for (int i = 0; i < fields.length; i++) {
                fids.setAtIndex(JAVA_INT, i, fields[i].id());
            }
            runtime.gate.enter();
            try {
                long h = runtime.javaTasks().blocking(() -> runtime.lhrt.outLong("lhrt_region_map",
                        out -> runtime.lhrt.c.regionMap(handle(), region.handleFor(runtime), NO_PARENT,
                                privilege.mode().code(), fids, fields.length, out)));
                PhysicalRegion pr = PhysicalRegion.ofMapping(runtime, region, h, privilege);
                own(pr);                    // before the call ends: close() unmaps what calls in flight mapped
                return pr;
            } finally {
                runtime.gate.exit();
            }
        } finally {
            s.reset(m);
        }
    }
}
