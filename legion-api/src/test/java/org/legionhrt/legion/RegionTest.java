package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regions, fills, inline mappings, accessors and their checks, and region-using tasks. */
class RegionTest extends RuntimeFixture {

    @Test
    void fillThenMapReadsTheValue() {
        FieldSpace fs = rt.fieldSpace();
        Field d = fs.allocate(FieldType.DOUBLE);
        Field i = fs.allocate(FieldType.INT);
        Field l = fs.allocate(FieldType.LONG);
        Field f = fs.allocate(FieldType.FLOAT);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect1.of(0, 9)), fs);
        rt.context().fill(r, d, 2.5);
        rt.context().fill(r, i, 7);
        rt.context().fill(r, l, 1L << 40);
        rt.context().fill(r, f, 0.5f);
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, d, i, l, f)) {
            assertThat(pr.doubleField(d).get(9)).isEqualTo(2.5);
            assertThat(pr.intField(i).get(0)).isEqualTo(7);
            assertThat(pr.longField(l).get(3)).isEqualTo(1L << 40);
            assertThat(pr.floatField(f).toArray()).hasSize(10).containsOnly(0.5f);
        }
    }

    /**
     * A mapping left open when the runtime closes: the close neither hangs (the mapping holds its
     * region like a running task) nor leaves accessors that read freed memory (a JVM crash).
     */
    @Test
    void closingTheRuntimeClosesMappingsLeftOpen() {
        Runtime own = Runtime.start(Backends.config(backend(), workers()));
        FieldSpace fs = own.fieldSpace();
        Field d = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = own.createRegion(own.indexSpace(16), fs);
        own.context().fill(r, d, 1.0);
        PhysicalRegion pr = own.context().map(r, Privilege.READ_WRITE, d);
        DoubleAccessor a = pr.doubleField(d);
        assertThat(a.get(3)).isEqualTo(1.0);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), own::close);
        assertThatThrownBy(() -> a.get(3)).isInstanceOf(LegionException.class).hasMessageContaining("the runtime is closed");
        assertThatThrownBy(() -> pr.doubleField(d)).isInstanceOf(LegionException.class).hasMessageContaining("unmapped");
    }

    /** A mapping a task body made ends with the task: an accessor that escaped it fails instead of reading. */
    @Test
    void aTasksInlineMappingEndsWithTheTask() {
        FieldSpace fs = rt.fieldSpace();
        Field d = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(16), fs);
        rt.context().fill(r, d, 2.0);
        DoubleAccessor[] leaked = new DoubleAccessor[1];
        TaskId<Double> t = rt.registerTask("mapInTask", ValueType.DOUBLE, task -> {
            PhysicalRegion pr = task.map(task.region(0).logicalRegion(), Privilege.READ_ONLY, d);
            leaked[0] = pr.doubleField(d);
            return leaked[0].get(5);
        });
        try (Future<Double> f = rt.context().execute(TaskLauncher.of(t).add(RegionRequirement.readOnly(r, d)))) {
            assertThat(f.get()).isEqualTo(2.0);
        }
        assertThatThrownBy(() -> leaked[0].get(5)).isInstanceOf(LegionException.class).hasMessageContaining("unmapped");
    }

    @Test
    void accessorsCheckPrivilegesBoundsAndTypes() {
        FieldSpace fs = rt.fieldSpace();
        Field d = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect1.of(10, 19)), fs);
        rt.context().fill(r, d, 1.0);
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, d)) {
            DoubleAccessor acc = pr.doubleField(d);
            assertThatThrownBy(() -> acc.set(10, 3.0)).isInstanceOf(LegionException.class).hasMessageContaining("READ_ONLY");
            assertThatThrownBy(() -> acc.get(20)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> acc.get(9)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> acc.get(10, 0)).isInstanceOf(LegionException.class).hasMessageContaining("2-D point");
            assertThatThrownBy(() -> pr.intField(d)).isInstanceOf(LegionException.class).hasMessageContaining("double");
            Field alien = rt.fieldSpace().allocate(FieldType.DOUBLE);
            assertThatThrownBy(() -> pr.doubleField(alien)).isInstanceOf(LegionException.class);
            assertThat(acc.bounds()).isEqualTo(Rect1.of(10, 19));
        }
    }

    @Test
    void readWriteMappingWritesAndBulkForms() {
        FieldSpace fs = rt.fieldSpace();
        Field d = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect1.of(0, 99)), fs);
        try (PhysicalRegion pr = rt.context().map(r, Privilege.WRITE_DISCARD, d)) {
            DoubleAccessor acc = pr.doubleField(d);
            double[] src = new double[100];
            for (int k = 0; k < 100; k++) {
                src[k] = k * 0.25;
            }
            acc.write(0, src, 0, 100);
            acc.set(new Point1(5), -1);
        }
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, d)) {
            double[] dst = new double[10];
            pr.doubleField(d).read(90, dst, 0, 10);
            assertThat(dst[0]).isEqualTo(22.5);
            assertThat(pr.doubleField(d).get(5)).isEqualTo(-1);
        }
    }

    @Test
    void twoDimensionalRegionsAndStructFields() {
        FieldSpace fs = rt.fieldSpace();
        Field v = fs.allocate(FieldType.LONG);
        Field p = fs.allocate(FieldType.POINT2);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect2.of(0, 0, 3, 2)), fs);
        try (PhysicalRegion pr = rt.context().map(r, Privilege.WRITE_DISCARD, v, p)) {
            LongAccessor a = pr.longField(v);
            RawAccessor ra = pr.field(p);
            for (long y = 0; y <= 2; y++) {
                for (long x = 0; x <= 3; x++) {
                    a.set(x, y, x * 10 + y);
                    ra.setPoint(new Point2(x, y), new Point2(y, x));
                }
            }
        }
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, v, p)) {
            assertThat(pr.longField(v).get(3, 2)).isEqualTo(32);
            assertThat(pr.field(p).getPoint(new Point2(3, 1))).isEqualTo(new Point2(1, 3));
            assertThat(pr.longField(v).toArray()).hasSize(12);
        }
    }

    @Test
    void tasksReadAndWriteRegionsInOrder() {
        FieldSpace fs = rt.fieldSpace();
        Field d = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect1.of(0, 63)), fs);
        TaskId<Void> init = rt.registerTask("init", ctx -> {
            DoubleAccessor a = ctx.region(0).doubleField(d);
            for (long x = 0; x < 64; x++) {
                a.set(x, x);
            }
        });
        TaskId<Void> dbl = rt.registerTask("double", ctx -> {
            DoubleAccessor a = ctx.region(0).doubleField(d);
            for (long x = 0; x < 64; x++) {
                a.set(x, a.get(x) * 2);
            }
        });
        TaskId<Double> sum = rt.registerTask("sum", ValueType.DOUBLE, ctx -> {
            DoubleAccessor a = ctx.region(0).doubleField(d);
            double s = 0;
            for (long x = 0; x < 64; x++) {
                s += a.get(x);
            }
            return s;
        });
        Context c = rt.context();
        c.execute(TaskLauncher.of(init).add(RegionRequirement.writeDiscard(r, d))).close();
        c.execute(TaskLauncher.of(dbl).add(RegionRequirement.readWrite(r, d))).close();
        try (Future<Double> s = c.execute(TaskLauncher.of(sum).add(RegionRequirement.readOnly(r, d)))) {
            assertThat(s.get()).isEqualTo(2 * 63 * 64 / 2.0);
        }
    }

    @Test
    void readOnlyTaskCannotWrite() {
        FieldSpace fs = rt.fieldSpace();
        Field d = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(4), fs);
        TaskId<Void> bad = rt.registerTask("ro-write", ctx -> ctx.region(0).doubleField(d).set(0, 1.0));
        Future<Void> f = rt.context().execute(TaskLauncher.of(bad).add(RegionRequirement.readOnly(r, d)));
        assertThatThrownBy(f::get).isInstanceOf(TaskFailedException.class).cause()
                .isInstanceOf(LegionException.class).hasMessageContaining("READ_ONLY");
    }

    @Test
    void accessorsDieWithTheirTask() {
        FieldSpace fs = rt.fieldSpace();
        Field d = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(4), fs);
        DoubleAccessor[] leaked = new DoubleAccessor[1];
        TaskId<Void> t = rt.registerTask("leak", ctx -> leaked[0] = ctx.region(0).doubleField(d));
        rt.context().execute(TaskLauncher.of(t).add(RegionRequirement.readWrite(r, d))).get();
        // Closed with the task's arena (confined to the task's thread: a WrongThreadException here).
        assertThatThrownBy(() -> leaked[0].get(0)).isInstanceOfAny(LegionException.class, WrongThreadException.class);
    }

    @Test
    void equalPartitionIndexLaunch() {
        FieldSpace fs = rt.fieldSpace();
        Field d = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect1.of(0, 999)), fs);
        Partition p = rt.context().partitionEqual(r, 4);
        assertThat(p.isDisjoint()).isTrue();
        assertThat(p.isComplete()).isTrue();
        assertThat(p.subregion(0).bounds()).isEqualTo(Rect1.of(0, 249));
        assertThat(p.subregion(3).parentPartition()).isSameAs(p);
        TaskId<Void> set = rt.registerTask("setColor", ctx -> {
            DoubleAccessor a = ctx.region(0).doubleField(d);
            Rect b = a.bounds();
            for (long x = b.lo(0); x <= b.hi(0); x++) {
                a.set(x, ctx.index());
            }
        });
        rt.context().executeAndWait(IndexLauncher.of(set, p.colorSpace()).add(RegionRequirement.of(p, Privilege.WRITE_DISCARD, d)));
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, d)) {
            assertThat(pr.doubleField(d).get(0)).isEqualTo(0);
            assertThat(pr.doubleField(d).get(999)).isEqualTo(3);
            assertThat(pr.doubleField(d).get(500)).isEqualTo(2);
        }
    }

    @Test
    void partitionsByRectsFieldImagePreimageAndSetOperations() {
        Context c = rt.context();
        FieldSpace nfs = rt.fieldSpace();
        Field owner = nfs.allocate(FieldType.INT);
        LogicalRegion nodes = rt.createRegion(rt.indexSpace(Rect1.of(0, 11)), nfs);
        FieldSpace wfs = rt.fieldSpace();
        Field in = wfs.allocate(FieldType.POINT1);
        LogicalRegion wires = rt.createRegion(rt.indexSpace(Rect1.of(0, 5)), wfs);
        try (PhysicalRegion pr = c.map(nodes, Privilege.WRITE_DISCARD, owner)) {
            IntAccessor a = pr.intField(owner);
            for (long x = 0; x < 12; x++) {
                a.set(x, (int) (x / 4));
            }
        }
        try (PhysicalRegion pr = c.map(wires, Privilege.WRITE_DISCARD, in)) {
            LongAccessor a = pr.longField(in);
            for (long w = 0; w < 6; w++) {
                a.set(w, (w * 5) % 12);       // wires 0..5 point to nodes 0,5,10,3,8,1
            }
        }
        IndexSpace colors = rt.indexSpace(3);
        Partition byOwner = c.partitionByField(nodes, owner, colors);
        assertThat(byOwner.subregion(1).indexSpace().volume()).isEqualTo(4);
        assertThat(byOwner.isDisjoint()).isTrue();
        Partition wiresByNode = c.partitionByPreimage(wires, byOwner, in, PartitionKind.COMPUTE);
        assertThat(wiresByNode.subregion(0).indexSpace().points()).containsExactly(new Point1(0), new Point1(3), new Point1(5));
        Partition reached = c.partitionByImage(nodes, wiresByNode, in, PartitionKind.COMPUTE);
        assertThat(reached.subregion(2).indexSpace().points()).containsExactly(new Point1(8), new Point1(10));
        Partition halves = c.partitionByRects(nodes, rt.indexSpace(3), Map.of(
                new Point1(0), List.of(Rect1.of(0, 5)), new Point1(1), List.of(Rect1.of(6, 11)),
                new Point1(2), List.of(Rect1.of(0, 1), Rect1.of(10, 11))), PartitionKind.COMPUTE);
        assertThat(halves.isDisjoint()).isFalse();
        assertThat(c.partitionUnion(byOwner, halves, PartitionKind.COMPUTE).subregion(2).indexSpace().volume()).isEqualTo(6);
        assertThat(c.partitionIntersection(byOwner, halves, PartitionKind.COMPUTE).subregion(0).indexSpace().volume()).isEqualTo(4);
        assertThat(c.partitionDifference(byOwner, halves, PartitionKind.COMPUTE).subregion(1).indexSpace().points())
                .containsExactly(new Point1(4), new Point1(5));
        assertThatThrownBy(() -> c.partitionByField(nodes, in, colors)).isInstanceOf(LegionException.class);
    }

    /**
     * A piece of a partition by field is sparse: the rest of its bounds holds other pieces'
     * points, which sibling tasks may write meanwhile. A task's accessors refuse those points,
     * and fill and toArray touch only the piece's own.
     */
    @Test
    void aTaskOnASparsePieceTouchesOnlyItsPoints() {
        FieldSpace fs = rt.fieldSpace();
        Field color = fs.allocate(FieldType.INT);
        Field v = fs.allocate(FieldType.LONG);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect1.of(0, 15)), fs);
        Context c = rt.context();
        try (PhysicalRegion pr = c.map(r, Privilege.WRITE_DISCARD, color, v)) {
            IntAccessor a = pr.intField(color);
            for (long x = 0; x < 16; x++) {
                a.set(x, (int) (x % 2));            // piece 0: the even points 0..14
            }
            pr.longField(v).fill(-1);
        }
        LogicalRegion evens = c.partitionByField(r, color, rt.indexSpace(2)).subregion(0);
        TaskId<Long> t = rt.registerTask("sparsePiece", ValueType.LONG, task -> {
            LongAccessor a = task.region(0).longField(v);
            assertThatThrownBy(() -> a.set(3, 5)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("point (3) is inside the bounds").hasMessageContaining("not in its region");
            assertThatThrownBy(() -> a.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> a.write(4, new long[3], 0, 3)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("point (5)");
            a.fill(7);
            a.set(2, 8);
            long[] all = a.toArray();
            return all[2] * 100 + all[1];       // 8 and, for a point not in the piece, 0
        });
        try (Future<Long> f = c.execute(TaskLauncher.of(t).add(RegionRequirement.readWrite(evens, v)))) {
            assertThat(f.get()).isEqualTo(800);
        }
        try (PhysicalRegion pr = c.map(r, Privilege.READ_ONLY, v)) {
            long[] got = pr.longField(v).toArray();
            for (int x = 0; x < 16; x++) {
                assertThat(got[x]).as("point %d", x).isEqualTo(x == 2 ? 8 : x % 2 == 0 ? 7 : -1);
            }
        }
    }

    /** The same through an inline mapping of a 2-D sparse piece (a checkerboard), typed and raw. */
    @Test
    void aMappingOfA2dSparsePieceTouchesOnlyItsPoints() {
        FieldSpace fs = rt.fieldSpace();
        Field color = fs.allocate(FieldType.INT);
        Field v = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect2.of(0, 0, 3, 3)), fs);
        Context c = rt.context();
        try (PhysicalRegion pr = c.map(r, Privilege.WRITE_DISCARD, color, v)) {
            IntAccessor a = pr.intField(color);
            for (long y = 0; y < 4; y++) {
                for (long x = 0; x < 4; x++) {
                    a.set(x, y, (int) ((x + y) % 2));
                }
            }
            pr.doubleField(v).fill(-1);
        }
        LogicalRegion black = c.partitionByField(r, color, rt.indexSpace(2)).subregion(0);
        try (PhysicalRegion pr = c.map(black, Privilege.READ_WRITE, v)) {
            DoubleAccessor a = pr.doubleField(v);
            assertThatThrownBy(() -> a.set(1, 0, 5.0)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("not in its region");
            assertThatThrownBy(() -> pr.field(v).at(new Point2(2, 1))).isInstanceOf(IndexOutOfBoundsException.class);
            a.fill(3.0);
            a.set(1, 1, 4.0);
            assertThat(a.get(3, 3)).isEqualTo(3.0);
        }
        try (PhysicalRegion pr = c.map(r, Privilege.READ_ONLY, v)) {
            DoubleAccessor a = pr.doubleField(v);
            for (long y = 0; y < 4; y++) {
                for (long x = 0; x < 4; x++) {
                    double want = (x + y) % 2 == 1 ? -1.0 : x == 1 && y == 1 ? 4.0 : 3.0;
                    assertThat(a.get(x, y)).as("point (%d, %d)", x, y).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void reductionPrivilegeFoldsIntoTheRegion() {
        FieldSpace fs = rt.fieldSpace();
        Field acc = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect1.of(0, 3)), fs);
        rt.context().fill(r, acc, 100.0);
        TaskId<Void> add = rt.registerTask("addPoint", ctx -> {
            DoubleAccessor a = ctx.region(0).doubleField(acc);
            for (long x = 0; x < 4; x++) {
                a.reduce(x, ctx.index() + 1);
            }
            assertThatThrownBy(() -> a.get(0)).isInstanceOf(LegionException.class);
        });
        rt.context().executeAndWait(IndexLauncher.of(add, rt.indexSpace(10))
                .add(RegionRequirement.reduce(r, ReductionOp.SUM_DOUBLE, acc)));
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, acc)) {
            assertThat(pr.doubleField(acc).toArray()).containsOnly(155.0);
        }
    }

    @Test
    void userReductionOperatorRunsInJava() {
        ReductionOp<Long> absMax = rt.registerReduction("absmax", ValueType.LONG, 0L,
                (a, b) -> Math.abs(a) >= Math.abs(b) ? a : b);
        TaskId<Long> val = rt.registerTask("val", ValueType.LONG, ctx -> (ctx.index() % 2 == 0 ? 1 : -1) * ctx.index());
        try (Future<Long> f = rt.context().executeReduce(IndexLauncher.of(val, rt.indexSpace(20)), absMax)) {
            assertThat(f.get()).isEqualTo(-19L);
        }
        FieldSpace fs = rt.fieldSpace();
        Field fld = fs.allocate(FieldType.LONG);
        LogicalRegion r = rt.createRegion(rt.indexSpace(2), fs);
        TaskId<Void> red = rt.registerTask("red", ctx -> ctx.region(0).longField(fld).reduce(1, -ctx.index() * 3));
        rt.context().executeAndWait(IndexLauncher.of(red, rt.indexSpace(5)).add(RegionRequirement.reduce(r, absMax, fld)));
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, fld)) {
            assertThat(pr.longField(fld).get(1)).isEqualTo(-12L);
            assertThat(pr.longField(fld).get(0)).isEqualTo(0L);
        }
    }
}
