package org.legionhrt.legion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.legionhrt.legion.internal.Layouts;
import org.legionhrt.legion.internal.Scratch;

/**
 * A region's data where a task (or an inline mapping) can touch it: typed accessors per field.
 * A task's physical regions live until the task ends; an inline mapping until {@link #close()}.
 * Accessors check bounds and privileges; their views are confined to the thread that runs the
 * task (or, for mappings, usable from any thread until unmapped).
 */
public final class PhysicalRegion implements AutoCloseable {
    private final Runtime runtime;
    private final TaskContext task;
    private final int req;
    private final long mapping;
    private final LogicalRegion region;
    private final Arena mappingArena;
    private volatile boolean closed;
    /** A task region's accessors by field id, all fetched by the first request (one call, not one per field). */
    private java.util.Map<Integer, MemorySegment> taskAccessors;

    /** The sparse points of the region (see {@link #members}), and the space they are of. */
    private volatile SparsePoints members;

    /** A task region's accessors from the task's snapshot (lhrt_accessor_t each); null: a mapping's. */
    private final MemorySegment snapshotAccessors;

    private PhysicalRegion(Runtime runtime, TaskContext task, int req, long mapping, LogicalRegion region,
                           MemorySegment snapshotAccessors) {
        this.runtime = runtime;
        this.task = task;
        this.req = req;
        this.mapping = mapping;
        this.region = region;
        this.snapshotAccessors = snapshotAccessors;
        this.mappingArena = task == null ? Arena.ofShared() : null;
    }

    /** Requirement {@code req} of task {@code t}: region {@code r}, its fields' {@code accessors} from the snapshot. */
    static PhysicalRegion ofTask(TaskContext t, int req, LogicalRegion r, MemorySegment accessors) {
        return new PhysicalRegion(t.runtime, t, req, 0, r, accessors);
    }

    static PhysicalRegion ofMapping(Runtime rt, LogicalRegion r, long h, Privilege p) {
        return new PhysicalRegion(rt, null, -1, h, r, null);
    }

    /** {@return the logical region this is a view of} */
    public LogicalRegion logicalRegion() {
        return region;
    }

    /** {@return an accessor of DOUBLE field f} */
    public DoubleAccessor doubleField(Field f) {
        AccessorView v = view(f, FieldType.DOUBLE);
        return new DoubleAccessor(v, redop(v));
    }

    /** {@return an accessor of FLOAT field f} */
    public FloatAccessor floatField(Field f) {
        AccessorView v = view(f, FieldType.FLOAT);
        return new FloatAccessor(v, redop(v));
    }

    /** {@return an accessor of INT field f} */
    public IntAccessor intField(Field f) {
        AccessorView v = view(f, FieldType.INT);
        return new IntAccessor(v, redop(v));
    }

    /** {@return an accessor of LONG (or POINT1) field f} */
    public LongAccessor longField(Field f) {
        AccessorView v = view(f, f.type() == FieldType.POINT1 ? null : FieldType.LONG);
        return new LongAccessor(v, redop(v));
    }

    /** {@return a byte-level accessor of any field} */
    public RawAccessor field(Field f) {
        return new RawAccessor(view(f, null));
    }

    private ReductionOp<?> redop(AccessorView v) {
        return v.mode() == Privilege.Mode.REDUCE ? runtime.reduction(v.redop()) : null;
    }

    private AccessorView view(Field f, FieldType want) {
        if (closed) {
            throw unmapped();
        }
        if (region != null) {
            region.checkField(f);
        }
        if (want != null) {
            Context.requireType(f, want);
        }
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment acc = s.alloc(Layouts.ACCESSOR.byteSize());
            if (task != null) {
                MemorySegment fetched = taskAccessors().get(f.id());
                if (fetched != null) {
                    return AccessorView.decode(fetched, f, task.arena(), this::members);
                }
                // not among the requirement's fields (or the batch failed): the single call names the problem
                runtime.lhrt.check(runtime.lhrt.c.taskGetAccessor(task.taskHandle(), req, f.id(), acc),
                        "accessor of " + f + " in requirement " + req + " of task " + task.taskName());
                return AccessorView.decode(acc, f, task.arena(), this::members);
            }
            runtime.gate.enter();
            try {
                runtime.checkOpen();
                runtime.lhrt.check(runtime.lhrt.c.mappingGetAccessor(mapping, f.id(), acc), "accessor of " + f);
                return AccessorView.decode(acc, f, mappingArena, this::members);
            } catch (IllegalStateException e) {
                throw unmapped();           // by another thread meanwhile (as Runtime.close does)
            } finally {
                runtime.gate.exit();
            }
        } finally {
            s.reset(m);
        }
    }

    /** The points of this region's sparse index space {@code space}, fetched once for all its fields. */
    private Membership members(long space) {
        SparsePoints known = members;
        if (known == null || known.space() != space) {
            List<Rect> rects = IndexSpace.rectsOf(runtime, space);
            known = new SparsePoints(space, Membership.of(rects.getFirst().dim(), rects));
            members = known;
        }
        return known.points();
    }

    private record SparsePoints(long space, Membership points) {
    }

    private LegionException unmapped() {
        return new LegionException("physical region was unmapped"
                + (runtime.gate.isClosed() ? ": the runtime is closed" : ""));
    }

    /** The accessors of every field of this task requirement (the task's snapshot has them), by field id. */
    private java.util.Map<Integer, MemorySegment> taskAccessors() {
        if (taskAccessors == null) {
            taskAccessors = new java.util.HashMap<>();
            long size = Layouts.ACCESSOR.byteSize();
            for (long at = 0; at + size <= snapshotAccessors.byteSize(); at += size) {
                MemorySegment a = snapshotAccessors.asSlice(at, size);
                taskAccessors.put(a.get(java.lang.foreign.ValueLayout.JAVA_INT, Layouts.ACCESSOR_FIELD_ID), a);
            }
        }
        return taskAccessors;
    }

    /** Unmaps an inline mapping (no-op for a task's regions): later work on the region may proceed. */
    @Override
    public void close() {
        if (task != null || !markClosed()) {
            return;
        }
        mappingArena.close();
        runtime.forgetMapping(this);
        runtime.releaseNative(() -> runtime.lhrt.c.mappingUnmap(mapping), "lhrt_mapping_unmap");
    }

    /**
     * An inline mapping made in a task body whose task ends: its accessors stop working now (the
     * runtime unmaps it itself), so that none reads the region after the task that held it.
     */
    void closeAtTaskEnd() {
        if (markClosed()) {
            mappingArena.close();
        }
    }

    private synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }
}
