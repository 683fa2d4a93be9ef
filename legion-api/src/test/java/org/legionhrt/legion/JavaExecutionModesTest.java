package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Java task bodies behave the same whether run inline, on a JVM pool or pulled from the runtime's queue. */
class JavaExecutionModesTest {

    private static Runtime start(RuntimeConfig.JavaExecution mode) {
        return Runtime.start(RuntimeConfig.defaults().withWorkers(2).withJavaExecution(mode));
    }

    @ParameterizedTest
    @EnumSource(RuntimeConfig.JavaExecution.class)
    void resultsRegionsAndSubtasks(RuntimeConfig.JavaExecution mode) {
        try (Runtime rt = start(mode)) {
            TaskId<Long> idx = rt.registerTask("idx", ValueType.LONG, c -> c.index());
            try (Future<Long> f = rt.context().executeReduce(IndexLauncher.of(idx, rt.indexSpace(500)), ReductionOp.SUM_LONG)) {
                assertThat(f.get()).isEqualTo(499L * 500 / 2);
            }
            FieldSpace fs = rt.fieldSpace();
            Field v = fs.allocate(FieldType.DOUBLE);
            LogicalRegion r = rt.createRegion(rt.indexSpace(64), fs);
            Partition p = rt.context().partitionEqual(r, 8);
            TaskId<Void> set = rt.registerTask("set", c -> c.region(0).doubleField(v).fill(c.index()));
            TaskId<Double> parent = rt.registerTask("parent", ValueType.DOUBLE, c -> {
                c.executeAndWait(IndexLauncher.of(set, p.colorSpace())
                        .add(RegionRequirement.of(p, Privilege.WRITE_DISCARD, v).withParent(c.region(0).logicalRegion())));
                return 1.0;
            });
            assertThat(rt.context().execute(TaskLauncher.of(parent).add(RegionRequirement.readWrite(r, v))).get()).isEqualTo(1.0);
            try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, v)) {
                assertThat(pr.doubleField(v).get(63)).isEqualTo(7.0);
            }
        }
    }

    /**
     * More bodies waiting for their children at once than the runtime has workers (and QUEUE
     * pollers, and POOL threads), two levels deep: the waiters' threads are replaced while they
     * wait, else the children never run (a hang, which the timeout turns into a failure).
     */
    @ParameterizedTest
    @EnumSource(RuntimeConfig.JavaExecution.class)
    void bodiesWaitingForTheirChildrenNeverStarveThem(RuntimeConfig.JavaExecution mode) {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            try (Runtime rt = start(mode)) {
                assertThat(nestedSums(rt)).isEqualTo(expectedNestedSum());
            }
        });
    }

    /** 6 parents, each waiting for 3 children that each wait for 2 grandchildren: sum of the leaves' values. */
    static long nestedSums(Runtime rt) {
        TaskId<Long> leaf = rt.registerTask("nestLeaf", ValueType.LONG, c -> c.args(ValueType.LONG));
        TaskId<Long> mid = rt.registerTask("nestMid", ValueType.LONG, c -> {
            long base = c.args(ValueType.LONG);
            try (Future<Long> sum = c.executeReduce(IndexLauncher.of(leaf, rt.indexSpace(2)).args(ValueType.LONG, base),
                    ReductionOp.SUM_LONG)) {
                return sum.get();
            }
        });
        TaskId<Long> top = rt.registerTask("nestTop", ValueType.LONG, c -> {
            long s = 0;
            for (long k = 0; k < 3; k++) {
                try (Future<Long> f = c.execute(TaskLauncher.of(mid).args(ValueType.LONG, c.index() * 10 + k))) {
                    s += f.get();
                }
            }
            return s;
        });
        try (Future<Long> all = rt.context().executeReduce(IndexLauncher.of(top, rt.indexSpace(6)), ReductionOp.SUM_LONG)) {
            return all.get();
        }
    }

    static long expectedNestedSum() {
        long s = 0;
        for (long i = 0; i < 6; i++) {
            for (long k = 0; k < 3; k++) {
                s += 2 * (i * 10 + k);
            }
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(RuntimeConfig.JavaExecution.class)
    void failuresCarryTheException(RuntimeConfig.JavaExecution mode) {
        try (Runtime rt = start(mode)) {
            TaskId<Integer> bad = rt.registerTask("bad", ValueType.INT, c -> {
                throw new UnsupportedOperationException("nope");
            });
            assertThatThrownBy(() -> rt.context().execute(TaskLauncher.of(bad)).get())
                    .isInstanceOf(TaskFailedException.class).cause().isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(RuntimeConfig.JavaExecution.class)
    void manyOpenCloseCyclesWithWorkInFlight(RuntimeConfig.JavaExecution mode) {
        for (int i = 0; i < 20; i++) {
            try (Runtime rt = start(mode)) {
                TaskId<Void> t = rt.registerTask("t", c -> { });
                rt.context().execute(IndexLauncher.of(t, rt.indexSpace(100))).close();
            }
        }
    }

    /**
     * The points of a parallel launch run on different JVM threads in every mode, on both
     * backends: pulled from the queue one at a time by 2 pollers, not in one poller's batch
     * (which left the other idle: 4 bodies took 4 bodies' time on hrt).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("org.legionhrt.legion.Backends#all")
    void queuedBodiesOfOneLaunchRunInParallel(String backend) {
        try (Runtime rt = Runtime.start(Backends.config(backend, 2).withJavaExecution(RuntimeConfig.JavaExecution.QUEUE))) {
            java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            TaskId<Void> slow = rt.registerTask("slow", c -> {
                threads.add(Thread.currentThread().getName());
                Thread.sleep(150);
            });
            rt.context().executeAndWait(IndexLauncher.of(slow, rt.indexSpace(4)));
            assertThat(threads).as("JVM threads that ran the 4 bodies").hasSizeGreaterThanOrEqualTo(2);
        }
    }
}
