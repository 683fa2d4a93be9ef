package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Copies: region and partition forms, reducing copies, their order among tasks, and bad copies. */
class CopyTest extends RuntimeFixture {

    @Test
    void regionCopyMovesTheCommonPointsBetweenTreesAndLeavesTheRest() {
        FieldSpace fa = rt.fieldSpace(), fb = rt.fieldSpace();
        Field x = fa.allocate(FieldType.DOUBLE), n = fa.allocate(FieldType.INT);
        Field y = fb.allocate(FieldType.DOUBLE), m = fb.allocate(FieldType.INT);
        LogicalRegion a = rt.createRegion(rt.indexSpace(Rect1.of(0, 99)), fa);
        LogicalRegion b = rt.createRegion(rt.indexSpace(Rect1.of(60, 159)), fb);
        try (PhysicalRegion pr = rt.context().map(a, Privilege.WRITE_DISCARD, x, n)) {
            for (int i = 0; i <= 99; i++) {
                pr.doubleField(x).set(i, i * 0.5);
                pr.intField(n).set(i, -i);
            }
        }
        rt.context().fill(b, y, 7.0);
        rt.context().fill(b, m, 7);
        rt.context().copy(Copy.of(a, List.of(x, n), b, List.of(y, m)));
        try (PhysicalRegion pr = rt.context().map(b, Privilege.READ_ONLY, y, m)) {
            for (int i = 60; i <= 159; i++) {
                assertThat(pr.doubleField(y).get(i)).as("y[%d]", i).isEqualTo(i <= 99 ? i * 0.5 : 7.0);
                assertThat(pr.intField(m).get(i)).as("m[%d]", i).isEqualTo(i <= 99 ? -i : 7);
            }
        }
    }

    @Test
    void reducingCopiesFoldIntoTheDestination() {
        FieldSpace fs = rt.fieldSpace();
        Field x = fs.allocate(FieldType.DOUBLE), sum = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect2.of(0, 0, 7, 7)), fs);
        rt.context().fill(r, x, 1.5);
        rt.context().fill(r, sum, 10.0);
        Partition quarters = rt.context().partitionEqual(r, 4);
        Copy fold = Copy.of(quarters, List.of(x), quarters, List.of(sum)).withReduction(ReductionOp.SUM_DOUBLE);
        rt.context().copy(fold);
        rt.context().copy(fold);
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, sum)) {
            assertThat(pr.doubleField(sum).toArray()).hasSize(64).containsOnly(13.0);
        }
    }

    /**
     * A 1-D halo exchange between Java tasks: each round the owners write their block, a
     * partition copy sends every block's first cells to the ghost region, and readers check what
     * they got; a copy not ordered between the writers and the readers shows another round's value.
     */
    @Test
    void partitionCopiesRunBetweenTheTasksAroundThem() {
        FieldSpace fs = rt.fieldSpace();
        Field v = fs.allocate(FieldType.LONG);
        LogicalRegion cells = rt.createRegion(rt.indexSpace(Rect1.of(0, 399)), fs);
        LogicalRegion ghosts = rt.createRegion(rt.indexSpace(Rect1.of(0, 399)), fs);
        Partition owned = rt.context().partitionEqual(cells, 8);
        java.util.Map<Point, List<Rect>> bands = new java.util.LinkedHashMap<>();
        for (int c = 0; c < 8; c++) {
            bands.put(new Point1(c), List.of(Rect1.of(c * 50L, c * 50L + 4)));
        }
        Partition halo = rt.context().partitionByRects(ghosts, owned.colorSpace(), bands, PartitionKind.DISJOINT);
        TaskId<Void> write = rt.registerTask("writeBlock", task -> {
            long round = task.args(ValueType.LONG);
            LongAccessor a = task.region(0).longField(v);
            for (long i = a.bounds().lo(0); i <= a.bounds().hi(0); i++) {
                a.set(i, round * 1000 + i);
            }
        });
        TaskId<Long> read = rt.registerTask("readHalo", ValueType.LONG, task -> {
            long round = task.args(ValueType.LONG);
            LongAccessor a = task.region(0).longField(v);
            long wrong = 0;
            for (long i = a.bounds().lo(0); i <= a.bounds().hi(0); i++) {
                wrong += a.get(i) == round * 1000 + i ? 0 : 1;
            }
            return wrong;
        });
        for (long round = 1; round <= 20; round++) {
            rt.context().execute(IndexLauncher.of(write, owned.colorSpace()).args(ValueType.LONG, round)
                    .add(RegionRequirement.of(owned, Privilege.WRITE_DISCARD, v)));
            rt.context().copy(Copy.of(owned, halo, v));
            rt.context().execute(IndexLauncher.of(write, owned.colorSpace()).args(ValueType.LONG, -round)
                    .add(RegionRequirement.of(owned, Privilege.WRITE_DISCARD, v)));
            try (Future<Long> wrong = rt.context().executeReduce(IndexLauncher.of(read, halo.colorSpace())
                    .args(ValueType.LONG, round).add(RegionRequirement.of(halo, Privilege.READ_ONLY, v)),
                    ReductionOp.SUM_LONG)) {
                assertThat(wrong.get()).as("round %d: ghost cells with another round's value", round).isZero();
            }
        }
    }

    @Test
    void aTaskFillsCopiesAndMapsWithinItsOwnSubregion() {
        FieldSpace fs = rt.fieldSpace();
        Field a = fs.allocate(FieldType.INT), b = fs.allocate(FieldType.INT);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect1.of(0, 63)), fs);
        rt.context().fill(r, a, 0);
        rt.context().fill(r, b, 0);
        Partition halves = rt.context().partitionEqual(r, 2);
        TaskId<Long> t = rt.registerTask("fillCopyMap", ValueType.LONG, task -> {
            LogicalRegion mine = task.region(0).logicalRegion();
            task.fill(mine, a, 5);
            task.copy(Copy.of(mine, List.of(a), mine, List.of(b)));
            long sum = 0;
            try (PhysicalRegion pr = task.map(mine, Privilege.READ_ONLY, b)) {   // waits for the copy
                for (int v : pr.intField(b).toArray()) {
                    sum += v;
                }
            }
            return sum;
        });
        try (Future<Long> sums = rt.context().executeReduce(IndexLauncher.of(t, halves.colorSpace())
                .add(RegionRequirement.of(halves, Privilege.READ_WRITE, a, b)), ReductionOp.SUM_LONG)) {
            assertThat(sums.get()).isEqualTo(5L * 64);
        }
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, a, b)) {
            assertThat(pr.intField(a).toArray()).containsOnly(5);
            assertThat(pr.intField(b).toArray()).containsOnly(5);
        }
    }

    @Test
    void badCopiesSayWhatIsWrong() {
        FieldSpace fs = rt.fieldSpace();
        Field d = fs.allocate(FieldType.DOUBLE), i = fs.allocate(FieldType.INT), e = fs.allocate(FieldType.DOUBLE);
        LogicalRegion r = rt.createRegion(rt.indexSpace(Rect1.of(0, 31)), fs);
        LogicalRegion flat = rt.createRegion(rt.indexSpace(Rect2.of(0, 0, 3, 3)), fs);
        assertThatThrownBy(() -> Copy.of(r, List.of(d), r, List.of(i))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sizes must match");
        assertThatThrownBy(() -> Copy.of(r, List.of(d, e), r, List.of(e))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field pairs");
        Field alien = rt.fieldSpace().allocate(FieldType.DOUBLE);
        assertThatThrownBy(() -> Copy.of(r, r, alien)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a field of the copy's source");
        assertThatThrownBy(() -> rt.context().copy(Copy.of(r, r, d))).isInstanceOf(LegionException.class)
                .hasMessageContaining("reads and writes the same points");
        assertThatThrownBy(() -> rt.context().copy(Copy.of(r, flat, d))).isInstanceOf(LegionException.class)
                .hasMessageContaining("1-D region to a 2-D");
        Partition four = rt.context().partitionEqual(r, 4), eight = rt.context().partitionEqual(r, 8);
        assertThatThrownBy(() -> rt.context().copy(Copy.of(four, List.of(d), eight, List.of(e))))
                .isInstanceOf(LegionException.class).hasMessageContaining("lacks colors");
        // the runtime stays usable after the refusals
        rt.context().fill(r, d, 2.0);
        rt.context().copy(Copy.of(four, List.of(d), four, List.of(e)));
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, e)) {
            assertThat(pr.doubleField(e).toArray()).containsOnly(2.0);
        }
    }
}
