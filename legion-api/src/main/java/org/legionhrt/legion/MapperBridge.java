package org.legionhrt.legion;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;
import org.legionhrt.legion.internal.Layouts;
import org.legionhrt.legion.internal.Upcalls;
import org.legionhrt.legion.internal.Values;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a Java {@link Mapper} as an lhrt_mapper_t (package-private): one upcall stub per
 * method the mapper overrides, NULL (the native default) for the others.
 */
@SuppressWarnings("restricted") // restricted FFM calls: see the SAFETY comments
final class MapperBridge {
    private static final Logger LOG = LoggerFactory.getLogger(MapperBridge.class);
    private final Mapper mapper;
    private final Runtime rt;

    private MapperBridge(Mapper mapper, Runtime rt) {
        this.mapper = mapper;
        this.rt = rt;
    }

    /** Fills an lhrt_mapper_t for {@code m} into {@code out}, stubs living in {@code arena}. */
    static void fill(Mapper m, Runtime rt, MemorySegment out, Arena arena) {
        MapperBridge b = new MapperBridge(m, rt);
        out.set(ADDRESS, 0, MemorySegment.NULL);
        out.set(ADDRESS, 8, overrides(m, "selectWorker", TaskInfo.class)
                ? Upcalls.stub(arena, b, "selectWorker", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)) : MemorySegment.NULL);
        out.set(ADDRESS, 16, overrides(m, "selectVariant", TaskInfo.class, Set.class)
                ? Upcalls.stub(arena, b, "selectKind", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)) : MemorySegment.NULL);
        out.set(ADDRESS, 24, overrides(m, "chooseArrayOfStructs", int.class, long.class, boolean.class)
                ? Upcalls.stub(arena, b, "chooseLayout", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS))
                : MemorySegment.NULL);
        out.set(ADDRESS, 32, overrides(m, "slice", TaskInfo.class, Slicing.class)
                ? Upcalls.stub(arena, b, "slice", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS)) : MemorySegment.NULL);
    }

    private static boolean overrides(Mapper m, String name, Class<?>... params) {
        try {
            return m.getClass().getMethod(name, params).getDeclaringClass() != Mapper.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static TaskInfo info(MemorySegment p) {
        // SAFETY: the runtime passes a struct of exactly this layout, valid during the callback.
        MemorySegment s = p.reinterpret(Layouts.TASK_INFO.byteSize());
        return new TaskInfo(s.get(JAVA_INT, 0), Variant.ofCode(s.get(JAVA_INT, 4)), s.get(JAVA_LONG, 8),
                s.get(JAVA_INT, 16), s.get(JAVA_INT, 20), Values.getPoint(s, 24));
    }

    @SuppressWarnings("unused")
    private int selectWorker(MemorySegment user, MemorySegment info) {
        TaskInfo ti = null;
        try {
            ti = info(info);
            int w = mapper.selectWorker(ti);
            return w < 0 || w >= ti.workers() ? Math.floorMod(w, Math.max(1, ti.workers())) : w;
        } catch (Throwable t) {
            LOG.warn("mapper selectWorker failed; using worker 0", t);
            return 0;
        }
    }

    @SuppressWarnings("unused")
    private int selectKind(MemorySegment user, MemorySegment info, int mask) {
        Set<Variant> avail = EnumSet.noneOf(Variant.class);
        if ((mask & (1 << Variant.NATIVE.code)) != 0) {
            avail.add(Variant.NATIVE);
        }
        if ((mask & (1 << Variant.JAVA.code)) != 0) {
            avail.add(Variant.JAVA);
        }
        try {
            Variant v = mapper.selectVariant(info(info), avail);
            return avail.contains(v) ? v.code : (avail.contains(Variant.NATIVE) ? Variant.NATIVE.code : Variant.JAVA.code);
        } catch (Throwable t) {
            LOG.warn("mapper selectVariant failed; using the first available", t);
            return avail.contains(Variant.NATIVE) ? Variant.NATIVE.code : Variant.JAVA.code;
        }
    }

    @SuppressWarnings("unused")
    private void chooseLayout(MemorySegment user, long root, long mask, MemorySegment inout) {
        try {
            // SAFETY: lhrt_layout_t {memory, layout, pad}, valid during the callback.
            MemorySegment s = inout.reinterpret(Layouts.LAYOUT.byteSize());
            int tree = rt.lhrt.outInt("lhrt_region_get_tree_id", out -> rt.lhrt.c.regionGetTreeId(root, out));
            boolean aos = mapper.chooseArrayOfStructs(tree, mask, s.get(JAVA_INT, 8) == 1);
            s.set(JAVA_INT, 8, aos ? 1 : 0);
        } catch (Throwable t) {
            LOG.warn("mapper chooseArrayOfStructs failed; keeping the proposal", t);
        }
    }

    @SuppressWarnings("unused")
    private void slice(MemorySegment user, MemorySegment info, MemorySegment inout) {
        try {
            // SAFETY: the runtime passes a struct of exactly this layout, valid during the callback.
            MemorySegment s = inout.reinterpret(Layouts.SLICING.byteSize());
            Slicing proposed = new Slicing(s.get(JAVA_LONG, 0), s.get(JAVA_INT, 8) != 0, s.get(JAVA_INT, 12));
            Slicing r = mapper.slice(info(info), proposed);
            s.set(JAVA_LONG, 0, Math.max(1, r.grain()));
            s.set(JAVA_INT, 8, r.spread() ? 1 : 0);
            s.set(JAVA_INT, 12, r.firstWorker());
        } catch (Throwable t) {
            LOG.warn("mapper slice failed; keeping the proposal", t);
        }
    }
}
