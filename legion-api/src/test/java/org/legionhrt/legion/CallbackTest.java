package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Java callbacks the runtime makes (reduction operators, projections, mappers, future
 * callbacks): the same results on every backend, failures included. On hrt each callback is
 * a request from the HRT to the JVM, its arguments bounced into the merged region.
 */
class CallbackTest extends RuntimeFixture {

    @Test
    void aThrowingReductionOperatorFailsTheReductionWithItsExceptionAndTheRuntimeGoesOn() {
        ReductionOp<Long> picky = rt.registerReduction("picky", ValueType.LONG, 0L, (a, b) -> {
            if (b == 7) {
                throw new IllegalArgumentException("no sevens");
            }
            return a + b;
        });
        TaskId<Long> idx = rt.registerTask("idx", ValueType.LONG, ctx -> ctx.index());
        try (Future<Long> f = rt.context().executeReduce(IndexLauncher.of(idx, rt.indexSpace(10)), picky)) {
            assertThatThrownBy(f::get).as("the fold of point 7 threw: no partial sum")
                    .isInstanceOf(LegionException.class).hasRootCauseMessage("no sevens")
                    .hasMessageContaining("IllegalArgumentException: no sevens");   // on every backend
        }
        try (Future<Long> f = rt.context().executeReduce(IndexLauncher.of(idx, rt.indexSpace(7)), picky)) {
            assertThat(f.get()).isEqualTo(21L);
        }
        try (Future<Long> f = rt.context().executeReduce(IndexLauncher.of(idx, rt.indexSpace(10)), ReductionOp.SUM_LONG)) {
            assertThat(f.get()).isEqualTo(45L);
        }
    }

    @Test
    void aReductionOperatorThrowingWhileItsBufferIsAppliedFailsThatTaskAndItsReaders() {
        ReductionOp<Long> capped = rt.registerReduction("capped", ValueType.LONG, 0L, (a, b) -> {
            if (a >= 100) {
                throw new IllegalStateException("full");
            }
            return a + b;
        });
        FieldSpace fs = rt.fieldSpace();
        Field v = fs.allocate(FieldType.LONG);
        LogicalRegion r = rt.createRegion(rt.indexSpace(4), fs);
        rt.context().fill(r, v, 0L);
        TaskId<Void> add = rt.registerTask("add50", ctx -> ctx.region(0).longField(v).reduce(2, 50));
        // two folds reach 100, the others find the field full: those tasks fail, with the cause
        assertThatThrownBy(() -> rt.context().executeAndWait(IndexLauncher.of(add, rt.indexSpace(5))
                .add(RegionRequirement.reduce(r, capped, v)))).isInstanceOf(LegionException.class)
                .hasRootCauseMessage("full");
        assertThatThrownBy(() -> rt.context().map(r, Privilege.READ_ONLY, v).close())
                .as("a reader of what a failed reduction touched").hasRootCauseMessage("full");
        rt.context().fill(r, v, 1L);                                // a fill reads nothing: it repairs
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, v)) {
            assertThat(pr.longField(v).toArray()).containsExactly(1, 1, 1, 1);
        }
    }

    @Test
    void longReductionsAreFoldedInFull() {
        ReductionOp<Long> sum = rt.registerReduction("sum", ValueType.LONG, 0L, Long::sum);
        int n = 20_000;                                   // longer than one bounce buffer on hrt
        FieldSpace fs = rt.fieldSpace();
        Field v = fs.allocate(FieldType.LONG);
        LogicalRegion r = rt.createRegion(rt.indexSpace(n), fs);
        try (PhysicalRegion pr = rt.context().map(r, Privilege.WRITE_DISCARD, v)) {
            pr.longField(v).fill(1);
        }
        TaskId<Void> add = rt.registerTask("addIdx", ctx -> {
            LongAccessor a = ctx.region(0).longField(v);
            for (long x = 0; x < n; x++) {
                a.reduce(x, x * (ctx.index() + 1));
            }
        });
        rt.context().executeAndWait(IndexLauncher.of(add, rt.indexSpace(2)).add(RegionRequirement.reduce(r, sum, v)));
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, v)) {
            long[] got = pr.longField(v).toArray();
            for (int x = 0; x < n; x++) {
                assertThat(got[x]).as("point %d", x).isEqualTo(1 + 3L * x);
            }
        }
    }

    @Test
    void aThrowingProjectionFailsTheLaunchAndTheRuntimeGoesOn() {
        FieldSpace fs = rt.fieldSpace();
        Field f = fs.allocate(FieldType.LONG);
        LogicalRegion r = rt.createRegion(rt.indexSpace(8), fs);
        Partition p = rt.context().partitionEqual(r, 4);
        Projection bad = rt.registerProjection((pt, dom) -> {
            throw new UnsupportedOperationException("no color");
        });
        TaskId<Void> t = rt.registerTask("touch", ctx -> { });
        assertThatThrownBy(() -> rt.context().executeAndWait(IndexLauncher.of(t, rt.indexSpace(4))
                .add(RegionRequirement.of(p, Privilege.WRITE_DISCARD, f).withProjection(bad))))
                .isInstanceOf(LegionException.class).hasMessageContaining("projection")
                .hasRootCauseInstanceOf(UnsupportedOperationException.class).hasRootCauseMessage("no color");
        Projection same = rt.registerProjection((pt, dom) -> pt);
        rt.context().executeAndWait(IndexLauncher.of(t, rt.indexSpace(4))
                .add(RegionRequirement.of(p, Privilege.WRITE_DISCARD, f).withProjection(same)));
    }

    @Test
    void aThrowingMapperFallsBackToTheDefault() {
        try (Runtime r2 = Runtime.start(Backends.config(backend(), 2))) {
            AtomicInteger asked = new AtomicInteger();
            r2.setMapper(new Mapper() {
                @Override
                public int selectWorker(TaskInfo info) {
                    asked.incrementAndGet();
                    throw new IllegalStateException("no opinion");
                }

                @Override
                public Slicing slice(TaskInfo info, Slicing proposed) {
                    return new Slicing(1, true, 0);
                }
            });
            TaskId<Long> sq = r2.registerTask("sq", ValueType.LONG, ctx -> ctx.index() * ctx.index());
            try (Future<Long> f = r2.context().executeReduce(IndexLauncher.of(sq, r2.indexSpace(16)), ReductionOp.SUM_LONG);
                 Future<Long> g = r2.context().execute(TaskLauncher.of(sq))) {
                assertThat(f.get()).isEqualTo(1240L);
                assertThat(g.get()).isZero();
            }
            assertThat(asked).hasPositiveValue();
        }
    }

    @Test
    void manyFutureCallbacksAllComplete() throws Exception {
        TaskId<Long> id = rt.registerTask("twice", ValueType.LONG, ctx -> 2 * ctx.args(ValueType.LONG));
        List<CompletableFuture<Long>> cfs = new ArrayList<>();
        for (long i = 0; i < 50; i++) {
            try (Future<Long> f = rt.context().execute(TaskLauncher.of(id).args(ValueType.LONG, i))) {
                cfs.add(f.toCompletableFuture());
            }
        }
        for (int i = 0; i < cfs.size(); i++) {
            assertThat(cfs.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(2L * i);
        }
    }

    @Test
    void aRuntimeClosesWithCallbacksPending() throws Exception {
        CompletableFuture<Long> cf;
        try (Runtime r2 = Runtime.start(Backends.config(backend(), 1))) {
            TaskId<Long> slow = r2.registerTask("slow", ValueType.LONG, ctx -> {
                Thread.sleep(20);
                return 5L;
            });
            try (Future<Long> f = r2.context().execute(TaskLauncher.of(slow))) {
                cf = f.toCompletableFuture();
            }
        }
        assertThat(cf.get(20, TimeUnit.SECONDS)).isEqualTo(5L);
    }
}
