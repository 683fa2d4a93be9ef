package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.legionhrt.legion.internal.Layouts;
import org.legionhrt.legion.internal.Lhrt;
import org.legionhrt.legion.internal.Scratch;

/**
 * Launches the Java launchers (package-private): each becomes an lhrt_launch_t in scratch
 * memory and one call of lhrt_task_launch / lhrt_index_launch[_reduce], so nothing native
 * outlives a launch and the hrt backend pays one ring round trip per launch.
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
            java.util.List<MemorySegment> parts = new java.util.ArrayList<>(4);
            MemorySegment d = describe(s, rt, l.task, l.args, null, l.requirements, l.futures, l.prefer, parts);
            int st = c.c.taskLaunch(ctx.handle(), d, out);
            java.lang.ref.Reference.reachabilityFence(parts);
            c.check(st, "launch of task " + l.task.name());
            return new Future<>(rt, out.get(JAVA_LONG, 0), l.task.resultType());
        } finally {
            s.reset(m);
        }
    }

    /** Describes the index launch and calls {@code launch} with the description. */
    static long executeIndex(Context ctx, IndexLauncher<?> l, IndexLaunch launch) {
        Runtime rt = ctx.runtime;
        Lhrt c = rt.lhrt;
        rt.checkTask(l.task);
        checkInterference(l);
        Scratch s = Scratch.get();
        long m = s.mark();
        try {
            MemorySegment out = s.alloc(8);
            java.util.List<MemorySegment> parts = new java.util.ArrayList<>(4);
            MemorySegment d = describe(s, rt, l.task, l.args, l.domain, l.requirements, l.futures, l.prefer, parts);
            int st = launch.run(d, out);
            java.lang.ref.Reference.reachabilityFence(parts);
            c.check(st, "index launch of task " + l.task.name());
            return out.get(JAVA_LONG, 0);
        } finally {
            s.reset(m);
        }
    }

    /** lhrt_launch_t.kind for "no preferred variant" (LHRT_KIND_ANY). */
    private static final int KIND_ANY = -1;

    /**
     * Writes an lhrt_launch_t (and what it points to) into scratch memory: the whole launcher
     * goes to the runtime in one call (one ring round trip on backend hrt instead of one per
     * requirement, field and future). The struct holds only raw addresses, so every part is
     * also added to {@code parts}, which the caller keeps reachable until the call returns
     * (a part too big for the scratch stack is GC-managed memory).
     */
    private static MemorySegment describe(Scratch s, Runtime rt, TaskId<?> task, byte[] args, IndexSpace domain,
                                          java.util.List<RegionRequirement> reqs, java.util.List<Future<?>> futures,
                                          Variant prefer, java.util.List<MemorySegment> parts) {
        MemorySegment d = s.alloc(Layouts.LAUNCH.byteSize());
        parts.add(d);
        d.set(JAVA_INT, Layouts.L_TASK_ID, task.id());
        d.set(JAVA_INT, Layouts.L_KIND, prefer == Variant.ANY ? KIND_ANY : prefer.code);
        MemorySegment a = bytes(s, args);
        parts.add(a);
        d.set(ADDRESS, Layouts.L_ARGS, a);
        d.set(JAVA_LONG, Layouts.L_ARGLEN, args.length);
        d.set(JAVA_LONG, Layouts.L_DOMAIN, domain == null ? 0 : domain.handleFor(rt));
        d.set(JAVA_INT, Layouts.L_NREQS, reqs.size());
        d.set(JAVA_INT, Layouts.L_NFUTURES, futures.size());
        if (!reqs.isEmpty()) {
            MemorySegment r = s.alloc(Layouts.LAUNCH_REQ.byteSize() * reqs.size());
            parts.add(r);
            for (int i = 0; i < reqs.size(); i++) {
                RegionRequirement q = reqs.get(i);
                long at = Layouts.LAUNCH_REQ.byteSize() * i;
                r.set(JAVA_LONG, at + Layouts.R_REGION, q.region() == null ? 0 : q.region().handleFor(rt));
                r.set(JAVA_LONG, at + Layouts.R_PARTITION, q.partition() == null ? 0 : q.partition().handleFor(rt));
                r.set(JAVA_LONG, at + Layouts.R_PARENT, q.parent().handleFor(rt));
                r.set(JAVA_INT, at + Layouts.R_PROJECTION, q.partition() == null ? 0 : q.projection().id());
                r.set(JAVA_INT, at + Layouts.R_PRIVILEGE, q.privilege().mode().code());
                r.set(JAVA_INT, at + Layouts.R_COHERENCE, q.coherence().code());
                r.set(JAVA_INT, at + Layouts.R_REDOP, redop(rt, q));
                java.util.List<Field> fields = q.fields();
                r.set(JAVA_INT, at + Layouts.R_NFIELDS, fields.size());
                MemorySegment f = s.alloc(4L * Math.max(1, fields.size()));
                parts.add(f);
                for (int k = 0; k < fields.size(); k++) {
                    f.setAtIndex(JAVA_INT, k, fields.get(k).id());
                }
                r.set(ADDRESS, at + Layouts.R_FIELDS, f);
            }
            d.set(ADDRESS, Layouts.L_REQS, r);
        }
        if (!futures.isEmpty()) {
            MemorySegment f = s.alloc(8L * futures.size());
            parts.add(f);
            for (int k = 0; k < futures.size(); k++) {
                f.setAtIndex(JAVA_LONG, k, futures.get(k).handleFor(rt));
            }
            d.set(ADDRESS, Layouts.L_FUTURES, f);
        }
        return d;
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

    private static int redop(Runtime rt, RegionRequirement r) {
        ReductionOp<?> op = r.privilege().redop();
        if (op == null) {
            return 0;
        }
        op.checkRuntime(rt);
        return op.id();
    }

    /** The native call of an index launch, given its lhrt_launch_t. */
    @FunctionalInterface
    interface IndexLaunch {
        int run(MemorySegment launch, MemorySegment out);
    }
}
