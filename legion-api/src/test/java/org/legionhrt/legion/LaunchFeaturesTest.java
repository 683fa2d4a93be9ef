package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Projections, coherence, subtasks on their parent's regions, annotated task methods. */
class LaunchFeaturesTest extends RuntimeFixture {

    @Test
    void userProjectionsPickTheColor() {
        FieldSpace fs = rt.fieldSpace();
        Field f = fs.allocate(FieldType.LONG);
        LogicalRegion r = rt.createRegion(rt.indexSpace(8), fs);
        Partition p = rt.context().partitionEqual(r, 4);
        Projection reverse = rt.registerProjection((pt, dom) -> new Point1(dom.hi(0) - pt.coord(0)));
        TaskId<Void> mark = rt.registerTask("mark", ctx -> {
            LongAccessor a = ctx.region(0).longField(f);
            Rect b = a.bounds();
            for (long x = b.lo(0); x <= b.hi(0); x++) {
                a.set(x, ctx.index());
            }
        });
        rt.context().executeAndWait(IndexLauncher.of(mark, rt.indexSpace(4))
                .add(RegionRequirement.of(p, Privilege.WRITE_DISCARD, f).withProjection(reverse)));
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, f)) {
            assertThat(pr.longField(f).toArray()).containsExactly(3, 3, 2, 2, 1, 1, 0, 0);
        }
        assertThatThrownBy(() -> RegionRequirement.readOnly(r, f).withProjection(reverse))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Arguments bigger than the per-thread scratch (64 KiB) and the hrt staging area (256 KiB) arrive whole. */
    @Test
    void bigArgumentsReachTheTaskWhole() {
        TaskId<Long> sum = rt.registerTask("sum_bytes", ValueType.LONG, ctx -> {
            long t = 0;
            for (byte b : ctx.args(ValueType.BYTES)) {
                t += b & 0xff;
            }
            return t;
        });
        for (int n : new int[] {100_000, 300_000}) {
            byte[] big = new byte[n];
            long want = 0;
            for (int i = 0; i < n; i++) {
                big[i] = (byte) (i * 31);
                want += big[i] & 0xff;
            }
            try (Future<Long> f = rt.context().execute(TaskLauncher.of(sum).args(ValueType.BYTES, big))) {
                assertThat(f.get()).as("sum of %d argument bytes", n).isEqualTo(want);
            }
            try (FutureMap<Long> fm = rt.context().execute(IndexLauncher.of(sum, rt.indexSpace(3)).args(ValueType.BYTES, big))) {
                assertThat(fm.value(2)).isEqualTo(want);
            }
        }
    }

    @Test
    void simultaneousWritesToOneRegionFromAnIndexLaunch() {
        FieldSpace fs = rt.fieldSpace();
        Field f = fs.allocate(FieldType.INT);
        LogicalRegion r = rt.createRegion(rt.indexSpace(16), fs);
        TaskId<Void> own = rt.registerTask("own", ctx -> ctx.region(0).intField(f).set(ctx.index(), (int) ctx.index() * 2));
        rt.context().executeAndWait(IndexLauncher.of(own, rt.indexSpace(16))
                .add(RegionRequirement.readWrite(r, f).withCoherence(Coherence.SIMULTANEOUS)));
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, f)) {
            assertThat(pr.intField(f).get(15)).isEqualTo(30);
        }
    }

    @Test
    void subtasksUseTheirParentTasksRegion() {
        FieldSpace fs = rt.fieldSpace();
        Field f = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(100), fs);
        rt.context().fill(r, f, 1.0);
        TaskId<Double> leaf = rt.registerTask("leafSum", ValueType.DOUBLE, ctx -> {
            double s = 0;
            for (double d : ctx.region(0).doubleField(f).toArray()) {
                s += d;
            }
            return s;
        });
        TaskId<Double> parent = rt.registerTask("parentSum", ValueType.DOUBLE, ctx -> {
            LogicalRegion mine = ctx.region(0).logicalRegion();
            Partition halves = ctx.partitionEqual(mine, 2);
            IndexLauncher<Double> l = IndexLauncher.of(leaf, halves.colorSpace())
                    .add(RegionRequirement.of(halves, Privilege.READ_ONLY, f).withParent(mine));
            try (Future<Double> s = ctx.executeReduce(l, ReductionOp.SUM_DOUBLE)) {
                return s.get();
            }
        });
        try (Future<Double> s = rt.context().execute(TaskLauncher.of(parent).add(RegionRequirement.readOnly(r, f)))) {
            assertThat(s.get()).isEqualTo(100.0);
        }
    }

    @Test
    void staleObjectsFailInJava() {
        FieldSpace fs = rt.fieldSpace();
        Field f = fs.allocate(FieldType.LONG);
        LogicalRegion r = rt.createRegion(rt.indexSpace(8), fs);
        Partition p = rt.context().partitionEqual(r, 2);
        LogicalRegion sub = p.subregion(1);
        TaskContext[] leaked = new TaskContext[1];
        TaskId<Void> t = rt.registerTask("leakCtx", ctx -> leaked[0] = ctx);
        rt.context().execute(TaskLauncher.of(t)).get();
        assertThatThrownBy(() -> leaked[0].execute(TaskLauncher.of(t))).isInstanceOf(LegionException.class)
                .hasMessageContaining("after the task ended");
        r.close();
        assertThatThrownBy(sub::bounds).isInstanceOf(LegionException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> rt.context().partitionEqual(r, 2)).isInstanceOf(LegionException.class);
        assertThatThrownBy(p::isDisjoint).isInstanceOf(LegionException.class);
    }

    /** A stencil-shaped program: 2-D tiles of an equal partition, halos by explicit rectangles. */
    @Test
    void twoDimensionalTilesWithHalos() {
        FieldSpace fs = rt.fieldSpace();
        Field in = fs.allocate(FieldType.DOUBLE);
        Field out = fs.allocate(FieldType.DOUBLE);
        LogicalRegion grid = rt.createRegion(rt.indexSpace(Rect2.of(0, 0, 7, 5)), fs);
        IndexSpace tiles = rt.indexSpace(Rect2.of(0, 0, 1, 1));
        Partition interior = rt.context().partitionEqual(grid, tiles);
        Map<Point, List<Rect>> halo = new java.util.HashMap<>();
        for (Point t : tiles) {
            Rect b = interior.subregion(t).bounds();
            halo.put(t, List.of(Rect2.of(Math.max(0, b.lo(0) - 1), Math.max(0, b.lo(1) - 1),
                    Math.min(7, b.hi(0) + 1), Math.min(5, b.hi(1) + 1))));
        }
        Partition halos = rt.context().partitionByRects(grid, tiles, halo, PartitionKind.ALIASED);
        try (PhysicalRegion pr = rt.context().map(grid, Privilege.WRITE_DISCARD, in)) {
            DoubleAccessor a = pr.doubleField(in);
            for (long y = 0; y <= 5; y++) {
                for (long x = 0; x <= 7; x++) {
                    a.set(x, y, x + 10 * y);
                }
            }
        }
        TaskId<Void> blur = rt.registerTask("blur", ctx -> {
            DoubleAccessor src = ctx.region(0).doubleField(in);
            DoubleAccessor dst = ctx.region(1).doubleField(out);
            Rect b = dst.bounds();
            Rect h = src.bounds();
            for (long y = b.lo(1); y <= b.hi(1); y++) {
                for (long x = b.lo(0); x <= b.hi(0); x++) {
                    double s = 0;
                    for (long dx = -1; dx <= 1; dx++) {
                        long xx = Math.clamp(x + dx, h.lo(0), h.hi(0));
                        s += src.get(xx, y);
                    }
                    dst.set(x, y, s);
                }
            }
        });
        rt.context().executeAndWait(IndexLauncher.of(blur, tiles)
                .add(RegionRequirement.of(halos, Privilege.READ_ONLY, in))
                .add(RegionRequirement.of(interior, Privilege.WRITE_DISCARD, out)));
        try (PhysicalRegion pr = rt.context().map(grid, Privilege.READ_ONLY, out)) {
            DoubleAccessor a = pr.doubleField(out);
            assertThat(a.get(4, 2)).isEqualTo(3 * (4 + 20));     // crosses the tile edge at x = 3|4
            assertThat(a.get(0, 0)).isEqualTo(0 + 0 + 1);
        }
    }

    @Test
    void aJavaMapperChoosesArrayOfStructs() {
        try (Runtime r2 = Runtime.start(Backends.config(backend(), 1))) {
            int[] asked = new int[1];
            r2.setMapper(new Mapper() {
                @Override
                public boolean chooseArrayOfStructs(int root, long fieldMask, boolean proposed) {
                    asked[0]++;
                    return true;
                }
            });
            FieldSpace fs = r2.fieldSpace();
            Field d = fs.allocate(FieldType.DOUBLE);
            Field i = fs.allocate(FieldType.INT);
            LogicalRegion r = r2.createRegion(r2.indexSpace(10), fs);
            try (PhysicalRegion pr = r2.context().map(r, Privilege.WRITE_DISCARD, d, i)) {
                DoubleAccessor a = pr.doubleField(d);
                IntAccessor b = pr.intField(i);
                for (long x = 0; x < 10; x++) {
                    a.set(x, x * 0.5);
                    b.set(x, (int) -x);
                }
                assertThat(a.offset(1, 0, 0) - a.offset(0, 0, 0)).as("AOS stride").isGreaterThanOrEqualTo(12);
            }
            try (PhysicalRegion pr = r2.context().map(r, Privilege.READ_ONLY, d, i)) {
                assertThat(pr.doubleField(d).get(9)).isEqualTo(4.5);
                assertThat(pr.intField(i).get(9)).isEqualTo(-9);
            }
            assertThat(asked[0]).isPositive();
        }
    }

    @Test
    void interferingIndexLaunchesAreRefused() {
        FieldSpace fs = rt.fieldSpace();
        Field f = fs.allocate(FieldType.INT);
        LogicalRegion r = rt.createRegion(rt.indexSpace(16), fs);
        TaskId<Void> t = rt.registerTask("w", ctx -> { });
        assertThatThrownBy(() -> rt.context().executeAndWait(IndexLauncher.of(t, rt.indexSpace(4))
                .add(RegionRequirement.readWrite(r, f))))
                .isInstanceOf(LegionException.class).hasMessageContaining("SIMULTANEOUS");
        Partition overlapping = rt.context().partitionByRects(r, rt.indexSpace(2),
                Map.of(new Point1(0), List.of(Rect1.of(0, 9)), new Point1(1), List.of(Rect1.of(5, 15))), PartitionKind.COMPUTE);
        assertThatThrownBy(() -> rt.context().executeAndWait(IndexLauncher.of(t, rt.indexSpace(2))
                .add(RegionRequirement.of(overlapping, Privilege.READ_WRITE, f))))
                .isInstanceOf(LegionException.class).hasMessageContaining("aliased");
    }

    static class Kernels {
        @LegionTask("cube")
        long cube(TaskContext ctx) {
            long x = ctx.args(ValueType.LONG);
            return x * x * x;
        }

        @LegionTask
        static String greet(TaskContext ctx) {
            return "hi " + ctx.index();
        }

        @LegionTask
        void fails(TaskContext ctx) throws java.io.IOException {
            throw new java.io.IOException("disk on fire");
        }
    }

    @Test
    void annotatedMethodsBecomeTasks() {
        Map<String, TaskId<?>> ids = rt.registerTasks(new Kernels());
        assertThat(ids).containsKeys("cube", "greet", "fails");
        @SuppressWarnings("unchecked")
        TaskId<Long> cube = (TaskId<Long>) ids.get("cube");
        assertThat(rt.context().execute(TaskLauncher.of(cube).args(ValueType.LONG, 3L)).get()).isEqualTo(27L);
        @SuppressWarnings("unchecked")
        TaskId<String> greet = (TaskId<String>) ids.get("greet");
        try (FutureMap<String> fm = rt.context().execute(IndexLauncher.of(greet, rt.indexSpace(3)))) {
            assertThat(fm.values()).containsExactly("hi 0", "hi 1", "hi 2");
        }
        assertThatThrownBy(() -> rt.context().execute(TaskLauncher.of(ids.get("fails"))).get())
                .isInstanceOf(TaskFailedException.class).cause().isInstanceOf(java.io.IOException.class);
    }
}
