package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.legionhrt.legion.internal.HrtBackend;

/**
 * Backend hrt: the runtime in the HRT driven through the call ring. Zero-copy (a value an HRT
 * task writes is read by Java at the same address), Java callbacks while the HRT waits, and a
 * new runtime after the HVM of an earlier one failed.
 */
class HrtBackendTest {
    @BeforeAll
    static void need() {
        Backends.assume("hrt");
    }

    static RuntimeConfig hrt() {
        return RuntimeConfig.defaults().withBackend("hrt").withWorkers(1).withMemorySize(16L << 20);
    }

    @Test
    void javaReadsAtTheSameAddressWhatAnHrtTaskWrote() {
        try (Runtime rt = Runtime.start(hrt())) {
            assertThat(rt.backendName()).isEqualTo("hrt");
            FieldSpace fs = rt.fieldSpace();
            Field v = fs.allocate(FieldType.LONG);
            LogicalRegion r = rt.createRegion(rt.indexSpace(100), fs);
            TaskId<Long> fill = rt.registerNativeTask("region_fill", ValueType.LONG, Path.of("(image)"),
                    "lhrt_hrt_demo_region_fill");
            try (Future<Long> f = rt.context().execute(TaskLauncher.of(fill).args(ValueType.LONG, 1000L)
                    .add(RegionRequirement.of(r, Privilege.READ_WRITE, v)))) {
                assertThat(f.get()).as("points the HRT task wrote").isEqualTo(100L);
            }
            try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, v)) {
                LongAccessor a = pr.longField(v);
                for (int i = 0; i < 100; i++) {
                    assertThat(a.get(i)).as("x[%d]", i).isEqualTo(1000L + 3L * i);
                }
                java.lang.foreign.MemorySegment seg = a.segment();
                assertThat(HrtBackend.inMergedRegion(seg.address(), seg.byteSize()))
                        .as("the accessor reads the HRT's instance in place, at its HRT address").isTrue();
            }
        }
    }

    /**
     * A Java REDUCE body whose reduction buffer did not fit the merged region (it lives in
     * HRT-private memory, which the JVM cannot reach) works on a copy that goes back at the end.
     */
    @Test
    void aJavaReductionWithItsBufferOutsideTheMergedRegionStillLands() {
        try (Runtime rt = Runtime.start(hrt())) {
            FieldSpace fs = rt.fieldSpace();
            Field x = fs.allocate(FieldType.FLOAT);
            int n = 3 << 20;          // 12 MiB of floats: the instance fits the 16 MiB arena, a buffer as big does not
            LogicalRegion r = rt.createRegion(rt.indexSpace(n), fs);
            rt.context().fill(r, x, 1f);
            TaskId<Void> add = rt.registerTask("add", ctx -> {
                FloatAccessor a = ctx.region(0).floatField(x);
                a.reduce(7, 2f);
                a.reduce(n - 1, 3f);
            });
            for (int k = 0; k < 2; k++) {
                rt.context().execute(TaskLauncher.of(add).add(RegionRequirement.reduce(r, ReductionOp.SUM_FLOAT, x))).close();
            }
            try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, x)) {
                FloatAccessor a = pr.floatField(x);
                assertThat(a.get(7)).isEqualTo(5f);
                assertThat(a.get(n - 1)).isEqualTo(7f);
                assertThat(a.get(8)).isEqualTo(1f);
            }
        }
    }

    /**
     * A region placed (through the C API) in the runtime's system memory, HRT-private and out of
     * the JVM's reach: a Java body using it fails with the reason, and the pollers serve on.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a lost poller would hang it
    void aJavaBodyOnAnInstanceJavaCannotReachFailsWithTheReasonAndThePollersGoOn() {
        try (Runtime rt = Runtime.start(hrt())) {
            FieldSpace fs = rt.fieldSpace();
            Field x = fs.allocate(FieldType.LONG);
            LogicalRegion r = rt.createRegion(rt.indexSpace(16), fs);
            long sys = rt.lhrt.outLong("lhrt_memory_get_system", out -> rt.lhrt.c.memoryGetSystem(rt.handle(), out));
            rt.lhrt.check(rt.lhrt.c.regionSetLayout(r.rawHandle(), 0, sys), "lhrt_region_set_layout");
            TaskId<Long> read = rt.registerTask("read", ValueType.LONG, ctx -> ctx.region(0).longField(x).get(3));
            for (int i = 0; i < 3; i++) {                  // more than once: the pollers are still there
                try (Future<Long> f = rt.context().execute(TaskLauncher.of(read).add(RegionRequirement.readOnly(r, x)))) {
                    assertThatThrownBy(f::get).hasMessageContaining("HRT-private memory").hasMessageContaining("linux");
                }
            }
            TaskId<Long> fine = rt.registerTask("fine", ValueType.LONG, ctx -> 7L);
            try (Future<Long> f = rt.context().execute(TaskLauncher.of(fine))) {
                assertThat(f.get()).isEqualTo(7L);
            }
        }
    }

    /** A launch is one ring call, and closed futures go back 64 to a call; close frees what is held. */
    @Test
    void launchesAndFutureReleasesAreBatchedOverTheRing() {
        try (Runtime rt = Runtime.start(hrt())) {
            TaskId<Long> t = rt.registerNativeTask("nv", ValueType.LONG, Path.of("(image)"), "lhrt_test_native_variant");
            HrtBackend b = (HrtBackend) rt.backend();
            rt.context().execute(TaskLauncher.of(t)).close();        // warm: the first launch may map things
            long before = b.callCount();
            int n = 200;
            for (int i = 0; i < n; i++) {
                try (Future<Long> f = rt.context().execute(TaskLauncher.of(t))) {
                    if (i % 50 == 0) {
                        assertThat(f.get()).isEqualTo(4242L);
                    }
                }
            }
            long calls = b.callCount() - before;
            // A wait costs a few calls (readiness, the value, more when the task has not run yet):
            // up to 6 each here; a launch or a release costing two calls would be 200 more.
            assertThat(calls).as("ring calls for %d launches, 4 of them waited on", n)
                    .isGreaterThanOrEqualTo(n + n / 64).isLessThanOrEqualTo(n + n / 64 + 4 * 6);
            // Index launches closed at once (circuit's loop): their future maps go back 16 per call.
            IndexSpace four = rt.indexSpace(4);
            before = b.callCount();
            for (int i = 0; i < 64; i++) {
                rt.context().execute(IndexLauncher.of(t, four)).close();
            }
            assertThat(b.callCount() - before).as("ring calls for 64 index launches and their releases").isEqualTo(64 + 4);
        }                                                             // futures still held: freed by destroy
    }

    /**
     * Index launches are posted on hrt: execute returns before the HRT ran it, the future map
     * resolves when used (values, waits), and an error of the launch itself comes from the next
     * runtime call, with the runtime's message; switched off, execute throws it at once.
     */
    @Test
    void postedIndexLaunchesResolveWhenUsedAndReportTheirErrorsNext() {
        for (boolean deferred : new boolean[] {true, false}) {
            try (Runtime rt = Runtime.start(hrt().withWorkers(2).withHrtDeferredLaunches(deferred))) {
                TaskId<Long> idx = rt.registerTask("idx", ValueType.LONG, c -> c.index() * 10);
                java.util.List<FutureMap<Long>> maps = new java.util.ArrayList<>();
                for (int i = 0; i < 40; i++) {                          // more than the launches kept in flight
                    maps.add(rt.context().execute(IndexLauncher.of(idx, rt.indexSpace(3))));
                }
                for (FutureMap<Long> m : maps) {
                    assertThat(m.get(2).get()).isEqualTo(20L);
                    m.close();
                }
                FieldSpace fs = rt.fieldSpace();
                Field f = fs.allocate(FieldType.INT);
                // 8 GiB of instance: only the runtime finds out it cannot place it, making the instance
                LogicalRegion big = rt.createRegion(rt.indexSpace(2L << 30), fs);
                TaskId<Void> w = rt.registerTask("w", ctx -> { });
                IndexLauncher<Void> bad = IndexLauncher.of(w, rt.indexSpace(2)).add(RegionRequirement.readOnly(big, f));
                if (deferred) {
                    rt.context().execute(bad).close();                   // posted: the HRT finds the problem later
                    assertThatThrownBy(() -> rt.context().waitAll())
                            .isInstanceOf(LegionException.class).hasMessageContaining("deferred lhrt_index_launch (task w) failed")
                            .hasMessageContaining("memory");
                    rt.context().waitAll();                              // told once
                } else {
                    assertThatThrownBy(() -> rt.context().execute(bad)).isInstanceOf(LegionException.class)
                            .hasMessageContaining("memory");
                }
                try (FutureMap<Long> m = rt.context().execute(IndexLauncher.of(idx, rt.indexSpace(5)))) {
                    m.waitAll();
                    assertThat(m.get(4).get()).isEqualTo(40L);
                }
            }
        }
    }

    /**
     * Single launches are posted too: a chain of tasks, each taking the last one's future (a
     * stand-in, traded inside the launch's description), gives the sequential sum; futures go
     * back in batches; a launch only the runtime can refuse fails at the next call.
     */
    @Test
    void postedSingleLaunchesChainTheirFuturesAndReportTheirErrorsNext() {
        try (Runtime rt = Runtime.start(hrt().withWorkers(2))) {
            TaskId<Long> step = rt.registerTask("step", ValueType.LONG,
                    c -> c.args(ValueType.LONG) + (c.futureCount() > 0 ? c.futureValue(0, ValueType.LONG) : 0L));
            Future<Long> last = rt.context().execute(TaskLauncher.of(step).args(ValueType.LONG, 1L));
            java.util.List<Future<Long>> all = new java.util.ArrayList<>(java.util.List.of(last));
            for (long i = 2; i <= 100; i++) {                         // more than the launches kept in flight
                last = rt.context().execute(TaskLauncher.of(step).args(ValueType.LONG, i).addFuture(last));
                all.add(last);
            }
            assertThat(last.get()).isEqualTo(100L * 101 / 2);
            assertThat(all.get(9).get()).isEqualTo(55L);
            all.forEach(Future::close);
            FieldSpace fs = rt.fieldSpace();
            Field f = fs.allocate(FieldType.INT);
            LogicalRegion big = rt.createRegion(rt.indexSpace(2L << 30), fs);   // 8 GiB: no room for it
            TaskId<Void> w = rt.registerTask("w", ctx -> { });
            Future<Void> bad = rt.context().execute(TaskLauncher.of(w).add(RegionRequirement.readOnly(big, f)));
            assertThatThrownBy(bad::get).isInstanceOf(LegionException.class)
                    .hasMessageContaining("deferred lhrt_task_launch (task w) failed").hasMessageContaining("memory");
            bad.close();                                                // a failed launch's stand-in: nothing to free
            rt.context().waitAll();
            try (Future<Long> ok = rt.context().execute(TaskLauncher.of(step).args(ValueType.LONG, 7L))) {
                assertThat(ok.get()).isEqualTo(7L);
            }
        }
    }

    /**
     * A posted launch's error that close() throws (it comes from the wait for all work) still
     * stops the Java task pollers first: they ended on the closed backend with an error logged.
     */
    @Test
    void closeThrowingAPostedLaunchsErrorStopsThePollersFirst() {
        java.util.Set<Thread> before = pollers();
        Runtime rt = Runtime.start(hrt());
        java.util.Set<Thread> mine = pollers();
        mine.removeAll(before);
        assertThat(mine).isNotEmpty();
        FieldSpace fs = rt.fieldSpace();
        Field f = fs.allocate(FieldType.INT);
        LogicalRegion big = rt.createRegion(rt.indexSpace(2L << 30), fs);   // 8 GiB: no room for it
        TaskId<Void> w = rt.registerTask("w", ctx -> { });
        rt.context().execute(TaskLauncher.of(w).add(RegionRequirement.readOnly(big, f))).close();
        assertThatThrownBy(rt::close).isInstanceOf(LegionException.class).hasMessageContaining("deferred lhrt_task_launch");
        assertThat(mine).as("pollers alive once close() threw").noneMatch(Thread::isAlive);
    }

    /** {@return the live Java task pollers of every runtime in this JVM} */
    private static java.util.Set<Thread> pollers() {
        java.util.Set<Thread> s = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        s.removeIf(t -> !t.getName().startsWith("legion-java-poll-") || !t.isAlive());
        return s;
    }

    /** Several threads posting launches and using their maps at once: each gets its own values back. */
    @Test
    void postedLaunchesFromManyThreads() throws Exception {
        try (Runtime rt = Runtime.start(hrt().withWorkers(2))) {
            TaskId<Long> idx = rt.registerTask("idx", ValueType.LONG, c -> c.index() + c.args(ValueType.LONG));
            IndexSpace three = rt.indexSpace(3);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<Long>> sums = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long base = 1000L * t;
                    sums.add(pool.submit(() -> {
                        long sum = 0;
                        java.util.List<FutureMap<Long>> maps = new java.util.ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            maps.add(rt.context().execute(IndexLauncher.of(idx, three).args(ValueType.LONG, base + i)));
                            if (maps.size() == 10) {
                                for (FutureMap<Long> m : maps) {
                                    sum += m.get(2).get();
                                    m.close();
                                }
                                maps.clear();
                            }
                        }
                        return sum;
                    }));
                }
                for (int t = 0; t < 4; t++) {
                    assertThat(sums.get(t).get()).as("thread %d", t).isEqualTo(100 * (1000L * t + 2) + 99 * 100 / 2);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * With no more cores than workers the call server shares CPU 0 with a worker: every core
     * runs a worker, and calls, native tasks and Java tasks all still work, also on one core.
     */
    @Test
    void theCallServerSharesCpu0WhenThereAreNoMoreCoresThanWorkers() {
        for (RuntimeConfig c : new RuntimeConfig[] {hrt().withHrtCores(1), hrt().withWorkers(2).withHrtCores(2)}) {
            try (Runtime rt = Runtime.start(c)) {
                assertThat(rt.workerCount()).as("workers on %d cores", c.hrtCores()).isEqualTo(c.workers());
                assertThat(((HrtBackend) rt.backend()).workerCpus()).as("CPUs with workers").isEqualTo(c.hrtCores());
                TaskId<Long> nv = rt.registerNativeTask("nv", ValueType.LONG, Path.of("(image)"), "lhrt_test_native_variant");
                for (int i = 0; i < 50; i++) {
                    try (Future<Long> f = rt.context().execute(TaskLauncher.of(nv))) {
                        assertThat(f.get()).isEqualTo(4242L);
                    }
                }
                TaskId<Long> idx = rt.registerTask("idx", ValueType.LONG, t -> t.index());
                try (Future<Long> f = rt.context().executeReduce(IndexLauncher.of(idx, rt.indexSpace(64)), ReductionOp.SUM_LONG)) {
                    assertThat(f.get()).isEqualTo(2016L);
                }
            }
        }
        try (Runtime rt = Runtime.start(hrt().withWorkers(0).withHrtCores(2))) {
            assertThat(rt.workerCount()).as("CPU 0 serves calls only").isEqualTo(1);
            assertThat(((HrtBackend) rt.backend()).workerCpus()).isEqualTo(1);
        }
    }

    @Test
    void javaTasksRunOnJvmThreadsFromTheHrtQueue() {
        try (Runtime rt = Runtime.start(hrt())) {
            TaskId<String> hello = rt.registerTask("hello", ValueType.STRING, t -> "Hello, " + t.args(ValueType.STRING) + "!");
            try (Future<String> f = rt.context().execute(TaskLauncher.of(hello).args(ValueType.STRING, "hrt"))) {
                assertThat(f.get()).isEqualTo("Hello, hrt!");
            }
        }
    }

    @Test
    void aNativeTaskThatKillsTheHrtFailsItsCallerAndANewRuntimeStarts() {
        try (Runtime rt = Runtime.start(hrt())) {
            TaskId<Void> boom = rt.registerNativeTask("boom", ValueType.VOID, Path.of("(image)"), "abort");
            assertThatThrownBy(() -> rt.context().execute(TaskLauncher.of(boom)).get())
                    .isInstanceOf(LegionException.class).hasMessageContaining("HRT failed")
                    .hasMessageContaining("was running task boom (id ").hasCauseInstanceOf(org.legionhrt.hvm.HvmException.class);
        } catch (LegionException closing) {
            assertThat(closing).hasMessageContaining("HRT failed");     // closing a runtime whose HVM is gone
        }
        javaTasksRunOnJvmThreadsFromTheHrtQueue();
    }

    /**
     * CompletableFutures of work the lost HRT never finished complete with the runtime's failure:
     * that of the task that killed it, and that of a Java task that ran meanwhile (its result had
     * nowhere to go). They waited forever. The killer waits for a gate task, so that both
     * CompletableFutures are made while the HRT still runs.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void completableFuturesCompleteWithTheFailureWhenTheHrtIsLost() throws Exception {
        java.util.List<java.util.concurrent.CompletableFuture<Long>> cfs = new java.util.ArrayList<>();
        try (Runtime rt = Runtime.start(hrt().withWorkers(2))) {        // two pollers: nap and gate at once
            TaskId<Long> nap = rt.registerTask("nap", ValueType.LONG, t -> {
                Thread.sleep(t.args(ValueType.LONG));
                return 4L;
            });
            TaskId<Void> boom = rt.registerNativeTask("boom", ValueType.VOID, Path.of("(image)"), "abort");
            cfs.add(rt.context().execute(TaskLauncher.of(nap).args(ValueType.LONG, 2000L)).toCompletableFuture());
            Future<Long> gate = rt.context().execute(TaskLauncher.of(nap).args(ValueType.LONG, 500L));
            Future<Void> f = rt.context().execute(TaskLauncher.of(boom).addFuture(gate));
            cfs.add(f.toCompletableFuture().thenApply(v -> 0L));
            assertThatThrownBy(f::get).hasMessageContaining("HRT failed");
        } catch (LegionException closing) {
            assertThat(closing).hasMessageContaining("HRT failed");
        }
        for (var cf : cfs) {
            assertThatThrownBy(() -> cf.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class)
                    .cause().isInstanceOf(LegionException.class).hasMessageContaining("HRT failed");
        }
    }

    /**
     * A native task that never gives its CPU back counts as hung past the task limit: the HVM is
     * stopped, the waiting caller learns which task on which CPU, with that vCPU's state, and a
     * new runtime starts in the same JVM.
     */
    @Test
    void aHungNativeTaskStopsTheHrtAndNamesItself() {
        hungSpinnerIsReported(hrt(), 1, "native task spinner (point 0) ran")
                .cause().isInstanceOfSatisfying(org.legionhrt.hvm.HvmException.class,
                        e -> assertThat(e.state()).hasValueSatisfying(s -> assertThat(s.cpu()).isEqualTo(1)));
        javaTasksRunOnJvmThreadsFromTheHrtQueue();
    }

    /**
     * With one HRT core the call server shares CPU 0 with the worker, so a hung task there also
     * keeps the call server from answering: the HVM's watchdog still finds it at the task limit
     * (it reads the CPUs' switch counts from outside), not at the call timeout (limit + 30 s).
     */
    @Test
    void aHungTaskOnTheCallServersCpuIsFoundAtTheLimitToo() {
        hungSpinnerIsReported(hrt().withHrtCores(1), 0, "a native task ran")
                .hasMessageContaining("the last native task launched: spinner");
    }

    /**
     * Runs a native task that never returns with a 1 s task limit on {@code config}; checks the
     * waiting caller's exception names {@code who}, HRT CPU {@code cpu} and that vCPU's function,
     * within 10 s. {@return the exception's assertion, for more checks}
     */
    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> hungSpinnerIsReported(
            RuntimeConfig config, int cpu, String who) {
        long t0 = System.nanoTime();
        org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> thrown = null;
        try (Runtime rt = Runtime.start(config.withHrtTaskLimit(java.time.Duration.ofSeconds(1)))) {
            TaskId<Void> spin = rt.registerNativeTask("spinner", ValueType.VOID, NativeKernels.library(), "test_spin_forever");
            thrown = assertThatThrownBy(() -> rt.context().execute(TaskLauncher.of(spin)).get())
                    .isInstanceOf(LegionException.class)
                    .hasMessageContaining(who).hasMessageContaining("on HRT CPU " + cpu)
                    .hasMessageContaining("without giving the CPU back")
                    .hasMessageMatching("(?s).*vCPU " + cpu
                            + ": rip=0x\\p{XDigit}+ \\(test_spin_forever\\+0x\\p{XDigit}+ in libkernels.so\\).*");
        } catch (LegionException closing) {
            assertThat(closing).hasMessageContaining("without giving the CPU back");
        }
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds to notice (limit 1 s, watched 4 times a second)").isLessThan(10);
        return thrown;
    }

    /**
     * A fault inside a module's task names the module's function it happened in; closing the
     * lost runtime afterwards releases it without throwing the failure a second time.
     */
    @Test
    void aFaultInAModuleNamesTheFunction() {
        Runtime rt = Runtime.start(hrt());
        TaskId<Void> wild = rt.registerNativeTask("wild", ValueType.VOID, NativeKernels.library(), "test_wild_write");
        assertThatThrownBy(() -> rt.context().execute(TaskLauncher.of(wild)).get())
                .isInstanceOf(LegionException.class).hasMessageContaining("HRT failed")
                .hasMessageContaining("rip in test_wild_write+0x").hasMessageContaining("in libkernels.so")
                .hasMessageMatching("(?s).*CPU \\d+ was running task wild \\(id \\d+\\).*")
                .hasMessageNotContaining("the last native task launched");
        rt.close();
        assertThat(rt.isClosed()).isTrue();
        try (Runtime again = Runtime.start(hrt())) {
            assertThat(again.indexSpace(3).volume()).isEqualTo(3);
        }
    }

    /** A native task that panics the kernel (abort) is named by the failure, not a task queued after it. */
    @Test
    void aPanicInANativeTaskNamesTheTask() {
        Runtime rt = Runtime.start(hrt());
        TaskId<Void> aborter = rt.registerNativeTask("aborter", ValueType.VOID, NativeKernels.library(), "test_abort");
        TaskId<Void> innocent = rt.registerNativeTask("innocent", ValueType.VOID, NativeKernels.library(), "test_empty");
        assertThatThrownBy(() -> {
            try (Future<Void> a = rt.context().execute(TaskLauncher.of(aborter));
                 Future<Void> b = rt.context().execute(TaskLauncher.of(innocent))) {
                a.get();
                b.get();
            }
        }).isInstanceOf(LegionException.class).hasMessageContaining("kernel panic")
                .hasMessageMatching("(?s).*was running task aborter \\(id \\d+\\).*");
        rt.close();
    }

    /**
     * A caller asleep in its wait hears of a fault at once: the HVM's failure wakes it, where it
     * used to look again only after a second.
     */
    @Test
    void aSleepingWaiterLearnsOfAFaultAtOnce() {
        Runtime rt = Runtime.start(hrt());
        TaskId<Void> late = rt.registerNativeTask("late", ValueType.VOID, NativeKernels.library(), "test_fault_later");
        byte[] ms = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(300).array();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> rt.context().execute(TaskLauncher.of(late).args(ms)).get())
                .isInstanceOf(LegionException.class).hasMessageContaining("was running task late");
        double seconds = (System.nanoTime() - t0) / 1e9;
        rt.close();
        // 0.3 s of the task's own, then the notice; a waiter that looks once a second took 1.0-2.8 s.
        assertThat(seconds).as("seconds from launch to the caller's exception").isLessThan(0.9);
    }

    /** A trap the VMM learns no vector for (ud2 here) is named by the instruction at rip. */
    @Test
    void aTrapInANativeTaskNamesTheInstruction() {
        loneNativeTaskFailure("trapper", "test_trap")
                .hasMessageContaining("the instruction at rip is ud2").hasMessageContaining("rip in test_trap+0x");
    }

    /** exit() in a native task would end the whole HRT: a panic that says so and names the task. */
    @Test
    void exitInANativeTaskIsAPanicNamingTheTask() {
        loneNativeTaskFailure("quitter", "test_exit").hasMessageContaining("exit(3) was called");
    }

    /**
     * Runs the test library's {@code symbol} as native task {@code name}, alone on a new HRT that
     * it ends, and closes that runtime; {@return the assertion on the failure, which names the task}
     */
    private static AbstractThrowableAssert<?, ? extends Throwable> loneNativeTaskFailure(String name, String symbol) {
        Runtime rt = Runtime.start(hrt());
        try {
            TaskId<Void> task = rt.registerNativeTask(name, ValueType.VOID, NativeKernels.library(), symbol);
            return assertThatThrownBy(() -> rt.context().execute(TaskLauncher.of(task)).get())
                    .isInstanceOf(LegionException.class)
                    .hasMessageMatching("(?s).*was running task " + name + " \\(id \\d+\\).*");
        } finally {
            rt.close();
        }
    }

    private static byte[] kib(int n) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(n).array();
    }

    /** Native tasks get 1 MiB of stack on both backends: 900 KiB of frames on two workers at once. */
    @Test
    void aNativeTaskMayUseMostOfAMegabyteOfStackOnBothBackends() {
        for (String backend : new String[] {"linux", "hrt"}) {
            try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withBackend(backend).withWorkers(2)
                    .withMemorySize(16L << 20))) {
                TaskId<Long> deep = rt.registerNativeTask("deep", ValueType.LONG, NativeKernels.library(), "test_deep_stack");
                try (FutureMap<Long> fm = rt.context().execute(IndexLauncher.of(deep, rt.indexSpace(2)).args(kib(900)))) {
                    assertThat(fm.values()).as(backend).containsExactly(900L, 900L);
                }
            }
        }
    }

    /**
     * A native task that runs past its HRT stack stops the HRT with a message naming the task,
     * instead of running on over whatever memory lies below: the runtime's threads run on the
     * VMM's guarded stacks, so the first write past the end faults in the guard page.
     */
    @Test
    void aNativeStackOverflowStopsTheHrtNamingTheTask() {
        Runtime rt = Runtime.start(hrt());
        TaskId<Long> deep = rt.registerNativeTask("too_deep", ValueType.LONG, NativeKernels.library(), "test_deep_stack");
        Throwable t = catchThrowable(() -> {
            rt.context().execute(TaskLauncher.of(deep).args(kib(1100))).get();
            for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; Thread.sleep(10)) {
                rt.indexSpace(2).volume();
            }
        });
        assertThat(t).isInstanceOf(LegionException.class)
                .hasMessageContaining("(the guard page below guarded stack").hasMessageContaining("overflowed its 1024 KiB stack")
                .hasMessageContaining("was running task too_deep");
        rt.close();
        try (Runtime again = Runtime.start(hrt())) {
            assertThat(again.indexSpace(3).volume()).isEqualTo(3);
        }
    }

    /** Per-call cost over the ring next to a direct call on linux (logged; only sanity is asserted). */
    @Test
    void callOverheadPerLhrtCall() {
        for (String backend : new String[] {"linux", "hrt"}) {
            try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withBackend(backend).withWorkers(1)
                    .withMemorySize(16L << 20))) {
                int n = 20_000;
                double sync = Double.MAX_VALUE;
                for (int r = 0; r < 6; r++) {                // the best of 6 rounds: the first ones JIT-compile the stubs
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        rt.queryWorkerCount();               // one lhrt_runtime_get_worker_count each
                    }
                    sync = Math.min(sync, (System.nanoTime() - t0) / (double) n);
                }
                Future<Long> ready = rt.futureOf(ValueType.LONG, 7L);
                int m = 2_000;
                double async = Double.MAX_VALUE;
                for (int r = 0; r < 4; r++) {
                    long t1 = System.nanoTime();
                    for (int i = 0; i < m; i++) {
                        ready.await();                       // lhrt_future_wait: blocking, but ready (is_ready + wait)
                    }
                    async = Math.min(async, (System.nanoTime() - t1) / (double) m);
                }
                ready.close();
                LOG.info("backend {}: short lhrt call {} ns, blocking lhrt call {} ns", backend,
                        String.format("%.0f", sync), String.format("%.0f", async));
                assertThat(sync).isPositive();
            }
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HrtBackendTest.class);

    @Test
    void shortLivedThreadsGiveBackTheirCallMemory() throws Exception {
        try (Runtime rt = Runtime.start(hrt())) {
            for (int i = 0; i < 120; i++) {            // more threads than the merged region has call blocks for
                Thread t = new Thread(rt::queryWorkerCount);
                t.start();
                t.join();
            }
            assertThat(rt.queryWorkerCount()).isEqualTo(1);
        }
    }

    @Test
    void aCallbackThatCallsTheRuntimeWhileTheCallServerWaitsIsRefusedNotHung() {
        try (Runtime rt = Runtime.start(hrt())) {
            FieldSpace fs = rt.fieldSpace();
            Field f = fs.allocate(FieldType.LONG);
            LogicalRegion r = rt.createRegion(rt.indexSpace(4), fs);
            Partition p = rt.context().partitionEqual(r, 2);
            // Projections run while the launch waits on the HRT's call server: a runtime call from
            // one could never be served, so it fails (the functor's failure fails the launch).
            Projection nosy = rt.registerProjection((pt, dom) -> new Point1(rt.queryWorkerCount() - 1 + pt.coord(0)));
            TaskId<Void> t = rt.registerTask("t", ctx -> { });
            assertThatThrownBy(() -> rt.context().executeAndWait(IndexLauncher.of(t, rt.indexSpace(2))
                    .add(RegionRequirement.of(p, Privilege.WRITE_DISCARD, f).withProjection(nosy))))
                    .isInstanceOf(LegionException.class).hasMessageContaining("projection");
            assertThat(rt.queryWorkerCount()).isEqualTo(1);
        }
    }

    /**
     * A circuit-like step (pieces reducing float charges into shared nodes) with a Java
     * reduction operator next to the built-in sum, on both backends (logged; sanity asserted).
     * On hrt each task's reduction buffer is folded into the nodes by upcalls from the HRT.
     */
    @Test
    void javaCallbackCostNextToLinux() {
        int nodes = 4096, pieces = 4, steps = 20;
        for (String run : System.getProperty("callbackCostRuns", "linux,hrt").split(",")) {
            String backend = run.startsWith("hrt") ? "hrt" : "linux";
            if (run.startsWith("hrt:")) {
                System.setProperty("legionhrt.hrt.upcallBurstUs", run.substring(4));
            }
            try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withBackend(backend).withWorkers(2)
                    .withMemorySize(16L << 20))) {
                ReductionOp<Float> javaSum = rt.registerReduction("fsum", ValueType.FLOAT, 0f, Float::sum);
                FieldSpace fs = rt.fieldSpace();
                Field charge = fs.allocate(FieldType.FLOAT);
                LogicalRegion r = rt.createRegion(rt.indexSpace(nodes), fs);
                TaskId<Void> dist = rt.registerTask("dist", ctx -> {
                    FloatAccessor a = ctx.region(0).floatField(charge);
                    for (long w = ctx.index(); w < nodes; w += 7) {          // wires reaching nodes all over
                        a.reduce(w, 0.5f);
                    }
                });
                double[] ms = new double[2];
                for (int k = 0; k < 2; k++) {
                    ReductionOp<Float> op = k == 0 ? ReductionOp.SUM_FLOAT : javaSum;
                    double best = Double.MAX_VALUE;
                    for (int round = 0; round < 3; round++) {
                        long t0 = System.nanoTime();
                        for (int s = 0; s < steps; s++) {
                            rt.context().executeAndWait(IndexLauncher.of(dist, rt.indexSpace(pieces))
                                    .add(RegionRequirement.reduce(r, op, charge)));
                        }
                        best = Math.min(best, (System.nanoTime() - t0) / 1e6 / steps);
                    }
                    ms[k] = best;
                }
                try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, charge)) {
                    assertThat(pr.floatField(charge).get(0)).isEqualTo(0.5f * 6 * steps);
                }
                LOG.info("backend {}: circuit-like reduction step ({} pieces, {} nodes): built-in sum {} ms, Java sum {} ms",
                        run, pieces, nodes, String.format("%.3f", ms[0]), String.format("%.3f", ms[1]));
                // The worst case: one callback per element (a launch's point results folded one by one).
                TaskId<Float> one = rt.registerTask("one", ValueType.FLOAT, ctx -> 1f);
                int points = 256;
                double[] us = new double[2];
                for (int k = 0; k < 2; k++) {
                    ReductionOp<Float> op = k == 0 ? ReductionOp.SUM_FLOAT : javaSum;
                    double best = Double.MAX_VALUE;
                    for (int round = 0; round < 4; round++) {
                        long t0 = System.nanoTime();
                        try (Future<Float> f = rt.context().executeReduce(IndexLauncher.of(one, rt.indexSpace(points)), op)) {
                            assertThat(f.get()).isEqualTo((float) points);
                        }
                        best = Math.min(best, (System.nanoTime() - t0) / 1e3 / points);
                    }
                    us[k] = best;
                }
                LOG.info("backend {}: {} point results folded: built-in sum {} us/point, Java sum {} us/point", run, points,
                        String.format("%.2f", us[0]), String.format("%.2f", us[1]));
                // One callback's round trip: a projection per point, computed inside the launch call.
                FieldSpace fs2 = rt.fieldSpace();
                Field g = fs2.allocate(FieldType.FLOAT);
                Partition p = rt.context().partitionEqual(rt.createRegion(rt.indexSpace(points), fs2), points);
                Projection same = rt.registerProjection((pt, dom) -> pt);
                TaskId<Void> none = rt.registerTask("none", ctx -> { });
                double[] launch = new double[2];
                for (int k = 0; k < 2; k++) {
                    double best = Double.MAX_VALUE;
                    for (int round = 0; round < 5; round++) {
                        RegionRequirement req = RegionRequirement.of(p, Privilege.READ_ONLY, g);
                        IndexLauncher<Void> l = IndexLauncher.of(none, rt.indexSpace(points)).add(k == 0 ? req : req.withProjection(same));
                        long t0 = System.nanoTime();
                        FutureMap<Void> fm = rt.context().execute(l);
                        best = Math.min(best, (System.nanoTime() - t0) / 1e3);
                        fm.waitAll();
                        fm.close();
                    }
                    launch[k] = best;
                }
                LOG.info("backend {}: launching {} points: {} us, with a Java projection {} us ({} us per callback)", run,
                        points, String.format("%.0f", launch[0]), String.format("%.0f", launch[1]),
                        String.format("%.2f", (launch[1] - launch[0]) / points));
            } finally {
                System.clearProperty("legionhrt.hrt.upcallBurstUs");
            }
        }
    }
}
