package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Single tasks, index launches, futures, future maps, and how failures propagate. */
class TaskTest extends RuntimeFixture {

    @Test
    void singleTaskWithArgumentsReturnsItsValue() {
        TaskId<Long> square = rt.registerTask("square", ValueType.LONG, ctx -> {
            long x = ctx.args(ValueType.LONG);
            return x * x;
        });
        try (Future<Long> f = rt.context().execute(TaskLauncher.of(square).args(ValueType.LONG, 12L))) {
            assertThat(f.get()).isEqualTo(144L);
            assertThat(f.isReady()).isTrue();
        }
    }

    @Test
    void indexLaunchGivesEachPointItsPoint() {
        TaskId<Long> id = rt.registerTask("point", ValueType.LONG, ctx -> ctx.index() * 10);
        IndexSpace dom = rt.indexSpace(Rect1.of(0, 99));
        try (FutureMap<Long> fm = rt.context().execute(IndexLauncher.of(id, dom))) {
            fm.waitAll();
            assertThat(fm.size()).isEqualTo(100);
            assertThat(fm.value(new Point1(7))).isEqualTo(70L);
            assertThat(fm.value(99)).isEqualTo(990L);
            assertThat(fm.values()).hasSize(100).startsWith(0L, 10L, 20L);
        }
    }

    @Test
    void twoDimensionalLaunchDomain() {
        TaskId<Long> id = rt.registerTask("p2", ValueType.LONG, ctx -> {
            Point2 p = (Point2) ctx.point();
            return p.x() * 100 + p.y();
        });
        try (FutureMap<Long> fm = rt.context().execute(IndexLauncher.of(id, rt.indexSpace(Rect2.of(0, 0, 2, 3))))) {
            assertThat(fm.value(new Point2(2, 3))).isEqualTo(203L);
        }
    }

    @Test
    void executeReduceFoldsPointResults() {
        TaskId<Double> id = rt.registerTask("half", ValueType.DOUBLE, ctx -> ctx.index() / 2.0);
        try (Future<Double> f = rt.context().executeReduce(IndexLauncher.of(id, rt.indexSpace(100)), ReductionOp.SUM_DOUBLE)) {
            assertThat(f.get()).isEqualTo(99 * 100 / 4.0);
        }
        try (FutureMap<Double> fm = rt.context().execute(IndexLauncher.of(id, rt.indexSpace(10)));
             Future<Double> max = fm.reduce(ReductionOp.MAX_DOUBLE)) {
            assertThat(max.get()).isEqualTo(4.5);
        }
    }

    @Test
    void futuresFlowIntoTasks() {
        TaskId<Integer> add = rt.registerTask("add", ValueType.INT,
                ctx -> ctx.futureValue(0, ValueType.INT) + ctx.futureValue(1, ValueType.INT));
        try (Future<Integer> a = rt.futureOf(ValueType.INT, 40);
             Future<Integer> b = rt.context().execute(TaskLauncher.of(add).addFuture(a).addFuture(rt.futureOf(ValueType.INT, 1)));
             Future<Integer> c = rt.context().execute(TaskLauncher.of(add).addFuture(b).addFuture(b))) {
            assertThat(c.get()).isEqualTo(82);
        }
    }

    @Test
    void completableFutureInterop() throws Exception {
        TaskId<byte[]> id = rt.registerTask("bytes", ValueType.BYTES, ctx -> new byte[] {1, 2, 3});
        CompletableFuture<byte[]> cf = rt.context().execute(TaskLauncher.of(id)).toCompletableFuture();
        assertThat(cf.get(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
    }

    @Test
    void subtasksLaunchFromInsideTasks() {
        TaskId<Long> leaf = rt.registerTask("leaf", ValueType.LONG, ctx -> ctx.args(ValueType.LONG) + 1);
        TaskId<Long> parent = rt.registerTask("parent", ValueType.LONG, ctx -> {
            try (Future<Long> f = ctx.execute(TaskLauncher.of(leaf).args(ValueType.LONG, 41L))) {
                return f.get();
            }
        });
        try (Future<Long> f = rt.context().execute(TaskLauncher.of(parent))) {
            assertThat(f.get()).isEqualTo(42L);
        }
    }

    /** Every place the runtime runs a Java operator fails the operation when the operator throws, with it as the cause. */
    @Test
    void aThrowingReductionOperatorFailsWhatUsedIt() {
        ReductionOp<Long> picky = rt.registerReduction("picky", ValueType.LONG, 0L, (a, b) -> {
            if (a < 0 || b < 0) {
                throw new ArithmeticException("picky: a negative operand");
            }
            return a + b;
        });
        TaskId<Long> idx = rt.registerTask("indexMinus", ValueType.LONG, t -> t.index() - t.args(ValueType.LONG));
        try (Future<Long> fine = rt.context().executeReduce(IndexLauncher.of(idx, rt.indexSpace(4)).args(ValueType.LONG, 0L),
                picky)) {
            assertThat(fine.get()).isEqualTo(6L);
        }
        assertThatThrownBy(() -> rt.context().executeReduce(IndexLauncher.of(idx, rt.indexSpace(4)).args(ValueType.LONG, 2L),
                picky).get()).isInstanceOf(LegionException.class).hasRootCauseInstanceOf(ArithmeticException.class);
        try (FutureMap<Long> fm = rt.context().execute(IndexLauncher.of(idx, rt.indexSpace(4)).args(ValueType.LONG, 2L))) {
            assertThatThrownBy(() -> fm.reduce(picky).get()).isInstanceOf(LegionException.class)
                    .hasRootCauseInstanceOf(ArithmeticException.class);
        }
        FieldSpace fs = rt.fieldSpace();
        Field f = fs.allocate(FieldType.LONG);
        LogicalRegion r = rt.createRegion(rt.indexSpace(4), fs), src = rt.createRegion(rt.indexSpace(4), fs);
        rt.context().fill(r, f, -5L);
        TaskId<Void> addOne = rt.registerTask("addOne", t -> t.region(0).longField(f).reduce(0, 1L));
        try (Future<Void> red = rt.context().execute(TaskLauncher.of(addOne).add(RegionRequirement.reduce(r, picky, f)))) {
            assertThatThrownBy(red::get).isInstanceOf(LegionException.class).hasRootCauseInstanceOf(ArithmeticException.class);
        }
        rt.context().fill(r, f, -5L);
        rt.context().fill(src, f, 1L);
        rt.context().copy(Copy.of(src, r, f).withReduction(picky));
        assertThatThrownBy(() -> rt.context().map(r, Privilege.READ_ONLY, f).close()).isInstanceOf(LegionException.class)
                .hasRootCauseInstanceOf(ArithmeticException.class);
    }

    /** A failure passes to what reads the data after it, not to what only overwrites it or to what follows a failed reader. */
    @Test
    void failuresReachReadersNotDiscardingWriters() {
        FieldSpace fs = rt.fieldSpace();
        Field f = fs.allocate(FieldType.LONG);
        LogicalRegion r = rt.createRegion(rt.indexSpace(8), fs);
        rt.context().fill(r, f, 1L);
        TaskId<Void> failRw = rt.registerTask("failRw", t -> {
            throw new IllegalStateException("half written");
        });
        TaskId<Void> twice = rt.registerTask("twice", t -> {
            LongAccessor a = t.region(0).longField(f);
            for (long i = 0; i < 8; i++) {
                a.set(i, a.get(i) * 2);
            }
        });
        rt.context().execute(TaskLauncher.of(failRw).add(RegionRequirement.readWrite(r, f)));
        assertThatThrownBy(() -> rt.context().map(r, Privilege.READ_ONLY, f).close())
                .isInstanceOf(LegionException.class).hasRootCauseMessage("half written");
        rt.context().fill(r, f, 5L);                                          // repairs: it reads nothing
        try (Future<Void> ok = rt.context().execute(TaskLauncher.of(twice).add(RegionRequirement.readWrite(r, f)))) {
            ok.get();
        }
        try (Future<Void> failed = rt.context().execute(TaskLauncher.of(failRw).add(RegionRequirement.readOnly(r, f)));
             Future<Void> after = rt.context().execute(TaskLauncher.of(twice).add(RegionRequirement.readWrite(r, f)))) {
            assertThatThrownBy(failed::get).isInstanceOf(TaskFailedException.class);
            after.get();                                                      // a failed reader changed nothing
        }
        try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, f)) {
            assertThat(pr.longField(f).toArray()).containsOnly(20L);
        }
    }

    @Test
    void manyParentsWaitingForChildrenAtOnceDoNotHang() {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> assertThat(JavaExecutionModesTest.nestedSums(rt)).isEqualTo(JavaExecutionModesTest.expectedNestedSum()));
    }

    @Test
    void aThrowingTaskFailsItsFutureWithTheException() {
        TaskId<Integer> bad = rt.registerTask("bad", ValueType.INT, ctx -> {
            throw new IllegalStateException("boom");
        });
        Future<Integer> f = rt.context().execute(TaskLauncher.of(bad));
        assertThatThrownBy(f::get).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("boom").cause().isInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    /** The tag that brings the exception back is not cut off with a long message, nor hidden behind a NUL. */
    @Test
    void aThrownExceptionIsTheCauseWhateverItsMessage() {
        for (String msg : new String[] {"x".repeat(5000), "nul\0inside", null}) {
            TaskId<Integer> bad = rt.registerTask("badMessage", ValueType.INT, ctx -> {
                throw new IllegalArgumentException(msg);
            });
            TaskId<Integer> next = rt.registerTask("afterBadMessage", ValueType.INT, ctx -> ctx.futureValue(0, ValueType.INT));
            try (Future<Integer> f = rt.context().execute(TaskLauncher.of(bad));
                 Future<Integer> after = rt.context().execute(TaskLauncher.of(next).addFuture(f))) {
                assertThatThrownBy(f::get).isInstanceOf(TaskFailedException.class).cause()
                        .isInstanceOf(IllegalArgumentException.class).hasMessage(msg);
                if (msg != null && msg.length() > 1000) {
                    assertThatThrownBy(f::get).as("the message is cut, the cause keeps it").message().endsWith("xxx...");
                }
                assertThatThrownBy(after::get).as("a dependent").rootCause().isInstanceOf(IllegalArgumentException.class)
                        .hasMessage(msg);
            }
        }
    }

    /** An exception whose message cannot be read still fails its task, and Java tasks go on running (backend hrt: its poller lived on). */
    @Test
    @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void anExceptionWhoseMessageThrowsStillFailsItsTask() {
        TaskId<Integer> evil = rt.registerTask("evil", ValueType.INT, ctx -> {
            throw new UnreadableException();
        });
        TaskId<Integer> good = rt.registerTask("good", ValueType.INT, ctx -> 1);
        for (int i = 0; i < workers() + 1; i++) {       // more than there are pollers: each must live on
            try (Future<Integer> f = rt.context().execute(TaskLauncher.of(evil))) {
                assertThatThrownBy(f::get).isInstanceOf(TaskFailedException.class)
                        .hasMessageContaining(UnreadableException.class.getName() + " (its message could not be read: "
                                + "java.lang.IllegalStateException: getMessage threw)")
                        .cause().isInstanceOf(UnreadableException.class);
            }
        }
        try (Future<Integer> f = rt.context().execute(TaskLauncher.of(good))) {
            assertThat(f.get()).isEqualTo(1);
        }
    }

    /** An exception whose getMessage() (and so toString()) throws. */
    private static final class UnreadableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage threw");
        }
    }

    @Test
    void dependentsFailWithACauseChainInsteadOfRunning() {
        AtomicInteger ran = new AtomicInteger();
        TaskId<Integer> bad = rt.registerTask("bad2", ValueType.INT, ctx -> {
            throw new ArithmeticException("divide by zero");
        });
        TaskId<Integer> next = rt.registerTask("next", ValueType.INT, ctx -> {
            ran.incrementAndGet();
            return ctx.futureValue(0, ValueType.INT) + 1;
        });
        Future<Integer> f1 = rt.context().execute(TaskLauncher.of(bad));
        Future<Integer> f2 = rt.context().execute(TaskLauncher.of(next).addFuture(f1));
        Future<Integer> f3 = rt.context().execute(TaskLauncher.of(next).addFuture(f2));
        assertThatThrownBy(f3::get).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("divide by zero").rootCause().isInstanceOf(ArithmeticException.class);
        assertThat(ran).hasValue(0);
        CompletableFuture<Integer> cf = f3.toCompletableFuture();
        assertThatThrownBy(() -> cf.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TaskFailedException.class);
    }

    @Test
    void aWrongResultTypeFailsTheTask() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TaskId<Integer> liar = rt.registerTask("liar", ValueType.INT, (JavaTask) ctx -> "not an int");
        assertThatThrownBy(() -> rt.context().execute(TaskLauncher.of(liar)).get())
                .isInstanceOf(TaskFailedException.class).cause().isInstanceOf(ClassCastException.class);
    }

    @Test
    void misuseIsCaughtInJava() {
        TaskId<Void> foreign = new TaskId<>(9999, "never-registered", ValueType.VOID);
        assertThatThrownBy(() -> rt.context().execute(TaskLauncher.of(foreign)))
                .isInstanceOf(LegionException.class).hasMessageContaining("not registered");
        try (Runtime other = Runtime.start(Backends.config(backend(), 1))) {
            IndexSpace is = other.indexSpace(4);
            TaskId<Void> t = rt.registerTask("t", ctx -> { });
            assertThatThrownBy(() -> rt.context().execute(IndexLauncher.of(t, is)))
                    .isInstanceOf(LegionException.class).hasMessageContaining("another runtime");
        }
    }

    @Test
    void taskContextKnowsItsTask() {
        TaskId<Integer> id = rt.registerTask("who", ValueType.INT, ctx -> {
            assertThat(ctx.taskName()).isEqualTo("who");
            assertThat(ctx.worker()).isBetween(-1, 1);
            assertThat(ctx.regionCount()).isZero();
            return ctx.taskId();
        });
        try (Future<Integer> f = rt.context().execute(TaskLauncher.of(id))) {
            assertThat(f.get()).isEqualTo(id.id());
        }
    }
}
