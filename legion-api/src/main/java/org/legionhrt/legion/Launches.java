package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.legionhrt.legion.internal.Lhrt;
import org.legionhrt.legion.internal.Scratch;

/**
 * Turns the Java launchers into native ones and launches them (package-private). A native
 * launcher lives only for one launch: building it costs a few downcalls, amortised over the
 * points of an index launch, and leaves nothing to free when a Java launcher is dropped.
 */
final class Launches {
    private Launches() {}

    static <A> byte[] encode(ValueType<A> type, A value) {
        long n = type.size(value);
        MemorySegment s = MemorySegment.ofArray(new byte[(int) n]);
        type.write(value, s);
        return s.toArray(JAVA_BYTE);
    }

    static MemorySegment bytes(Scratch s, byte[] b) {
        if (b.length == 0) {
            return MemorySegment.NULL;
        }
        MemorySegment seg = s.alloc(b.length);
        MemorySegment.copy(b, 0, seg, JAVA_BYTE, 0, b.length);
        return seg;
    }

    static <R> Future<R> execute(Context ctx, TaskLauncher<R> l) {
        Runtime rt = ctx.runtime;
        Lhrt c = rt.lhrt;
        rt.checkTask(l.task);
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment out = s.alloc(8);
            c.check(c.c.taskLauncherCreate(rt.handle(), l.task.id(), bytes(s, l.args), l.args.length, out),
                    "lhrt_task_launcher_create(" + l.task.name() + ")");
            long nl = out.get(JAVA_LONG, 0);
            try {
                for (int idx = 0; idx < l.requirements.size(); idx++) {
                    RegionRequirement r = l.requirements.get(idx);
                    c.check(c.c.taskLauncherAddRegion(nl, r.region().handleFor(rt), r.parent().handleFor(rt),
                            r.privilege().mode().code(), r.coherence().code(), redop(rt, r), MemorySegment.NULL),
                            "lhrt_task_launcher_add_region");
                    for (Field f : r.fields()) {
                        c.check(c.c.taskLauncherAddField(nl, idx, f.id()), "lhrt_task_launcher_add_field");
                    }
                }
                for (Future<?> f : l.futures) {
                    c.check(c.c.taskLauncherAddFuture(nl, f.handleFor(rt)), "lhrt_task_launcher_add_future");
                }
                if (l.prefer != Variant.ANY) {
                    c.check(c.c.taskLauncherSetKind(nl, l.prefer.code), "lhrt_task_launcher_set_kind");
                }
                c.check(c.c.taskLauncherExecute(ctx.handle(), nl, out), "launch of task " + l.task.name());
                return new Future<>(rt, out.get(JAVA_LONG, 0), l.task.resultType());
            } finally {
                c.c.taskLauncherDestroy(nl);
            }
        } finally {
            s.reset(m);
        }
    }

    /** Builds the native index launcher, calls {@code launch} with it and destroys it. */
    static long executeIndex(Context ctx, IndexLauncher<?> l, IndexLaunch launch) {
        Runtime rt = ctx.runtime;
        Lhrt c = rt.lhrt;
        rt.checkTask(l.task);
        checkInterference(l);
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment out = s.alloc(8);
            c.check(c.c.indexLauncherCreate(rt.handle(), l.task.id(), l.domain.handleFor(rt), bytes(s, l.args),
                    l.args.length, out), "lhrt_index_launcher_create(" + l.task.name() + ")");
            long nl = out.get(JAVA_LONG, 0);
            try {
                addRequirements(rt, nl, l);
                for (Future<?> f : l.futures) {
                    c.check(c.c.indexLauncherAddFuture(nl, f.handleFor(rt)), "lhrt_index_launcher_add_future");
                }
                if (l.prefer != Variant.ANY) {
                    c.check(c.c.indexLauncherSetKind(nl, l.prefer.code), "lhrt_index_launcher_set_kind");
                }
                c.check(launch.run(nl, out), "index launch of task " + l.task.name());
                return out.get(JAVA_LONG, 0);
            } finally {
                c.c.indexLauncherDestroy(nl);
            }
        } finally {
            s.reset(m);
        }
    }

    /**
     * @throws LegionException for requirements whose points would write the same data: one
     *         region, or an aliased partition, written EXCLUSIVE/ATOMIC from several points
     */
    static void checkInterference(IndexLauncher<?> l) {
        for (int i = 0; i < l.requirements.size(); i++) {
            RegionRequirement r = l.requirements.get(i);
            boolean writes = r.privilege().canWrite();
            boolean ordered = r.coherence() == Coherence.EXCLUSIVE || r.coherence() == Coherence.ATOMIC;
            if (!writes || !ordered) {
                continue;
            }
            if (r.region() != null && l.domain.volume() > 1) {
                throw new LegionException("requirement " + i + " of " + l.task.name() + " writes one region from every "
                        + "point: use a partition, READ_ONLY or REDUCE, or SIMULTANEOUS coherence");
            }
            if (r.partition() != null && r.projection().equals(Projection.IDENTITY) && !r.partition().isDisjoint()) {
                throw new LegionException("requirement " + i + " of " + l.task.name() + " writes an aliased partition "
                        + "(points would write shared data): use a disjoint partition, READ_ONLY or REDUCE, or "
                        + "SIMULTANEOUS coherence");
            }
        }
    }

    private static void addRequirements(Runtime rt, long nl, IndexLauncher<?> l) {
        Lhrt c = rt.lhrt;
        for (int idx = 0; idx < l.requirements.size(); idx++) {
            RegionRequirement r = l.requirements.get(idx);
            int st = r.partition() != null
                    ? c.c.indexLauncherAddPartition(nl, r.partition().handleFor(rt), r.projection().id(),
                            r.parent().handleFor(rt), r.privilege().mode().code(), r.coherence().code(), redop(rt, r),
                            MemorySegment.NULL)
                    : c.c.indexLauncherAddRegion(nl, r.region().handleFor(rt), r.parent().handleFor(rt),
                            r.privilege().mode().code(), r.coherence().code(), redop(rt, r), MemorySegment.NULL);
            c.check(st, r.partition() != null ? "lhrt_index_launcher_add_partition" : "lhrt_index_launcher_add_region");
            for (Field f : r.fields()) {
                c.check(c.c.indexLauncherAddField(nl, idx, f.id()), "lhrt_index_launcher_add_field");
            }
        }
    }

    private static int redop(Runtime rt, RegionRequirement r) {
        ReductionOp<?> op = r.privilege().redop();
        if (op == null) {
            return 0;
        }
        op.checkRuntime(rt);
        return op.id();
    }

    /** The final native call of an index launch. */
    @FunctionalInterface
    interface IndexLaunch {
        int run(long nativeLauncher, MemorySegment out);
    }
}
