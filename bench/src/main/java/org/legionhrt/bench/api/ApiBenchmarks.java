// JMH benchmarks of the Java API: empty index launches of Java and native tasks (per task,
// amortised over the points of a launch), single launches of an empty Java task, a single native
// launch (also on backend hrt, with the call server on a CPU of its own or sharing CPU 0), Java
// tasks on backend hrt (bodies pulled over the call ring), and the cost of a trivial runtime call
// through FFM, raw and through the public API.
package org.legionhrt.bench.api;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.legionhrt.legion.DoubleAccessor;
import org.legionhrt.legion.Field;
import org.legionhrt.legion.FieldSpace;
import org.legionhrt.legion.FieldType;
import org.legionhrt.legion.Future;
import org.legionhrt.legion.IndexLauncher;
import org.legionhrt.legion.IndexSpace;
import org.legionhrt.legion.LogicalRegion;
import org.legionhrt.legion.Partition;
import org.legionhrt.legion.Privilege;
import org.legionhrt.legion.RegionRequirement;
import org.legionhrt.legion.Runtime;
import org.legionhrt.legion.RuntimeConfig;
import org.legionhrt.legion.TaskId;
import org.legionhrt.legion.TaskLauncher;
import org.legionhrt.legion.ValueType;
import org.legionhrt.legion.internal.Backend;
import org.legionhrt.legion.internal.LhrtBindings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** The API benchmarks (run by {@link ApiBench}). Times are ns per task or per call. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ApiBenchmarks {
    /** Points per index launch: the launch's fixed cost is amortised over them. */
    public static final int POINTS = 4096;
    /** Workers of the benchmarked runtimes (the target is stated for 2 cores). */
    public static final int WORKERS = 2;
    /** Single launches per invocation of the single-launch benchmarks (then one wait for all). */
    public static final int LAUNCHES = 256;

    /** A runtime (Java bodies run inline on the workers) with an empty Java task and its native twin. */
    @State(Scope.Benchmark)
    public static class Rt {
        Runtime rt;
        TaskId<Void> javaEmpty;
        TaskId<Void> nativeEmpty;
        TaskId<Void> javaTouch;
        IndexSpace domain;
        Partition cells;
        Field value;

        /** Starts the runtime and registers the tasks. */
        @Setup(Level.Trial)
        public void start() {
            rt = Runtime.start(RuntimeConfig.defaults().withBackend(backend()).withWorkers(WORKERS)
                    .withJavaExecution(execution()));
            javaEmpty = rt.registerTask("empty", ctx -> { });
            nativeEmpty = rt.registerNativeTask("empty_native", ValueType.VOID, NativeEmptyTask.library(),
                    NativeEmptyTask.SYMBOL);
            domain = rt.indexSpace(POINTS);
            FieldSpace fs = rt.fieldSpace();
            value = fs.allocate(FieldType.DOUBLE);
            LogicalRegion r = rt.createRegion(rt.indexSpace(POINTS), fs);
            cells = rt.context().partitionEqual(r, POINTS);
            Field f = value;
            javaTouch = rt.registerTask("touch", ctx -> {
                DoubleAccessor a = ctx.region(0).doubleField(f);
                a.set(ctx.index(), a.get(ctx.index()) + 1);
            });
        }

        /** Closes the runtime. */
        @TearDown(Level.Trial)
        public void stop() {
            rt.close();
        }

        RuntimeConfig.JavaExecution execution() {
            return RuntimeConfig.JavaExecution.INLINE;
        }

        String backend() {
            return "linux";
        }
    }

    /** The same on backend hrt: the runtime in an HVM, Java bodies pulled over its call ring. */
    @State(Scope.Benchmark)
    public static class HrtJavaRt extends Rt {
        @Override
        String backend() {
            return "hrt";
        }
    }

    /** The same with Java bodies pulled in batches from the runtime's queue by JVM threads. */
    @State(Scope.Benchmark)
    public static class QueueRt extends Rt {
        @Override
        RuntimeConfig.JavaExecution execution() {
            return RuntimeConfig.JavaExecution.QUEUE;
        }
    }

    /** The same with Java bodies handed to a JVM pool. */
    @State(Scope.Benchmark)
    public static class PoolRt extends Rt {
        @Override
        RuntimeConfig.JavaExecution execution() {
            return RuntimeConfig.JavaExecution.POOL;
        }
    }

    /**
     * A runtime on backend hrt (the runtime inside an HVM) with the empty native task; CPU 0 of
     * the HRT is the call server's own (the default: workers + 1 cores).
     */
    @State(Scope.Benchmark)
    public static class HrtRt {
        Runtime rt;
        TaskId<Void> nativeEmpty;

        /** Boots the HRT and registers the task (its library loads as an HRT module). */
        @Setup(Level.Trial)
        public void start() {
            rt = Runtime.start(RuntimeConfig.defaults().withBackend("hrt").withWorkers(WORKERS).withHrtCores(cores()));
            nativeEmpty = rt.registerNativeTask("empty_native", ValueType.VOID, NativeEmptyTask.library(),
                    NativeEmptyTask.SYMBOL);
        }

        /** Closes the runtime and its HVM. */
        @TearDown(Level.Trial)
        public void stop() {
            rt.close();
        }

        /** {@return the HRT's cores; 0 = the default} */
        int cores() {
            return 0;
        }
    }

    /** The same with as many HRT cores as workers: the call server shares CPU 0 with a worker. */
    @State(Scope.Benchmark)
    public static class HrtSharedRt extends HrtRt {
        @Override
        int cores() {
            return WORKERS;
        }
    }

    /** A runtime reached through the raw bindings only (for the FFM floor). */
    @State(Scope.Benchmark)
    public static class Raw {
        LhrtBindings c;
        long rt;
        MemorySegment out;
        Arena arena;

        /** Creates a runtime with the raw C API. */
        @Setup(Level.Trial)
        public void start() {
            c = Backend.open("linux").lhrt();
            arena = Arena.ofConfined();
            MemorySegment cfg = arena.allocate(40);
            c.configInit(cfg);
            cfg.set(JAVA_INT, 4, 1);
            out = arena.allocate(8);
            if (c.runtimeCreate(cfg, out) != 0) {
                throw new IllegalStateException("lhrt_runtime_create failed");
            }
            rt = out.get(JAVA_LONG, 0);
        }

        /** Destroys it. */
        @TearDown(Level.Trial)
        public void stop() {
            c.runtimeDestroy(rt);
            arena.close();
        }
    }

    /** Empty Java tasks: one index launch of POINTS points, waited for; time per task. */
    @Benchmark
    @OperationsPerInvocation(POINTS)
    public void javaIndexLaunchEmpty(Rt s) {
        s.rt.context().executeAndWait(IndexLauncher.of(s.javaEmpty, s.domain));
    }

    /** As {@link #javaIndexLaunchEmpty}, Java bodies run by a JVM pool instead of inline. */
    @Benchmark
    @OperationsPerInvocation(POINTS)
    public void javaIndexLaunchEmptyPool(PoolRt s) {
        s.rt.context().executeAndWait(IndexLauncher.of(s.javaEmpty, s.domain));
    }

    /** As {@link #javaIndexLaunchEmpty}, Java bodies pulled from the runtime's queue (no upcall). */
    @Benchmark
    @OperationsPerInvocation(POINTS)
    public void javaIndexLaunchEmptyQueue(QueueRt s) {
        s.rt.context().executeAndWait(IndexLauncher.of(s.javaEmpty, s.domain));
    }

    /**
     * Java tasks that each take an accessor of their one-element subregion and update it: the
     * per-task cost of physical regions and accessors on top of an empty task; time per task.
     */
    @Benchmark
    @OperationsPerInvocation(POINTS)
    public void javaIndexLaunchRegion(Rt s) {
        touchLaunch(s);
    }

    /** As {@link #javaIndexLaunchEmpty} on backend hrt (each body: a poll with its snapshot, a completion). */
    @Benchmark
    @OperationsPerInvocation(POINTS)
    public void javaIndexLaunchEmptyHrt(HrtJavaRt s) {
        s.rt.context().executeAndWait(IndexLauncher.of(s.javaEmpty, s.domain));
    }

    /** As {@link #javaIndexLaunchRegion} on backend hrt. */
    @Benchmark
    @OperationsPerInvocation(POINTS)
    public void javaIndexLaunchRegionHrt(HrtJavaRt s) {
        touchLaunch(s);
    }

    /** LAUNCHES single launches of the empty Java task, each future closed at once, then one wait; time per launch. */
    @Benchmark
    @OperationsPerInvocation(LAUNCHES)
    public void javaSingleLaunches(Rt s) {
        singleLaunches(s);
    }

    /** As {@link #javaSingleLaunches} on backend hrt (the launches are posted). */
    @Benchmark
    @OperationsPerInvocation(LAUNCHES)
    public void javaSingleLaunchesHrt(HrtJavaRt s) {
        singleLaunches(s);
    }

    private static void touchLaunch(Rt s) {
        s.rt.context().executeAndWait(IndexLauncher.of(s.javaTouch, s.domain)
                .add(RegionRequirement.of(s.cells, Privilege.READ_WRITE, s.value)));
    }

    private static void singleLaunches(Rt s) {
        for (int i = 0; i < LAUNCHES; i++) {
            s.rt.context().execute(TaskLauncher.of(s.javaEmpty)).close();
        }
        s.rt.context().waitAll();
    }

    /** Empty native tasks launched from Java; time per task. */
    @Benchmark
    @OperationsPerInvocation(POINTS)
    public void nativeIndexLaunchEmpty(Rt s) {
        s.rt.context().executeAndWait(IndexLauncher.of(s.nativeEmpty, s.domain));
    }

    /** One native task launched and waited for; time per launch (round trip). */
    @Benchmark
    public void nativeLaunch(Rt s) {
        launchAndWait(s.rt, s.nativeEmpty);
    }

    /** As {@link #nativeLaunch} on backend hrt: two ring calls, the task on an HRT core. */
    @Benchmark
    public void nativeLaunchHrt(HrtRt s) {
        launchAndWait(s.rt, s.nativeEmpty);
    }

    /** As {@link #nativeLaunchHrt} with the call server sharing CPU 0 with a worker. */
    @Benchmark
    public void nativeLaunchHrtShared(HrtSharedRt s) {
        launchAndWait(s.rt, s.nativeEmpty);
    }

    private static void launchAndWait(Runtime rt, TaskId<Void> task) {
        try (Future<Void> f = rt.context().execute(TaskLauncher.of(task))) {
            f.await();
        }
    }

    /** lhrt_runtime_get_worker_count through the raw downcall handle: the FFM floor. */
    @Benchmark
    public int ffmNullCall(Raw s) {
        return s.c.runtimeGetWorkerCount(s.rt, s.out);
    }

    /** The same call through the public API (scratch memory, status check). */
    @Benchmark
    public int apiNullCall(Rt s) {
        return s.rt.queryWorkerCount();
    }
}
