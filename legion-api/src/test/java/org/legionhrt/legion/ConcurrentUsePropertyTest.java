package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several JVM threads using one Runtime at once, on both backends: each creates regions and
 * partitions, fills, launches Java and native tasks, hands futures to other threads (awaited
 * there or passed as launch arguments: on hrt often a deferred launch's stand-in), maps and reads
 * back, closes futures and maps in batches and destroys what it made, checking every value
 * against a sequential model of its own work. A thread closing the runtime meanwhile ends every
 * other thread with a LegionException, never a hang, crash or wrong value. Rounds and repeats:
 * {@code -Dlegionhrt.stress.rounds}, {@code -Dlegionhrt.stress.repeats} (short by default).
 */
class ConcurrentUsePropertyTest {
    private static final int THREADS = Integer.getInteger("legionhrt.stress.threads", 6);
    private static final int ROUNDS = Integer.getInteger("legionhrt.stress.rounds", 3);
    private static final int REPEATS = Integer.getInteger("legionhrt.stress.repeats", 1);
    private static final Duration LIMIT = Duration.ofSeconds(Integer.getInteger("legionhrt.stress.limit", 90));

    /**
     * {@return the runtime's config: 2 workers; locally also {@code -Dlegionhrt.stress.mode=POOL|QUEUE}
     * (Java bodies' execution on linux) and {@code -Dlegionhrt.stress.deferred=false} (hrt launches answered)}
     */
    private static RuntimeConfig config(String backend) {
        RuntimeConfig c = Backends.config(backend, 2).withMemorySize(64L << 20)
                .withHrtDeferredLaunches(Boolean.parseBoolean(System.getProperty("legionhrt.stress.deferred", "true")));
        String mode = System.getProperty("legionhrt.stress.mode");
        return mode == null ? c : c.withJavaExecution(RuntimeConfig.JavaExecution.valueOf(mode));
    }

    /** The tasks every thread launches, registered before the threads start. */
    private record Tasks(TaskId<Long> add, TaskId<Long> scale, TaskId<Long> triple, TaskId<Double> sum,
                         ReductionOp<Long> plus, TaskId<Long> parent, TaskId<Long> fail, Projection toZero) {
        static Tasks register(Runtime rt, Path lib) {
            TaskId<Long> add = rt.registerTask("add", ValueType.LONG, c -> {
                long v = c.args(ValueType.LONG);
                for (int i = 0; i < c.futureCount(); i++) {
                    v += c.futureValue(i, ValueType.LONG);
                }
                return v;
            });
            TaskId<Long> scale = rt.registerTask("scale", ValueType.LONG, c -> {
                ByteBuffer a = c.args().asByteBuffer().order(ByteOrder.nativeOrder());
                Field f = c.region(0).logicalRegion().fieldSpace().field(a.getInt(0));
                LongAccessor acc = c.region(0).longField(f);
                Rect b = acc.bounds();
                long s = 0;
                for (long x = b.lo(0); x <= b.hi(0); x++) {
                    acc.set(x, acc.get(x) * 2 + a.getLong(8) + x);
                    s += acc.get(x);
                }
                return s;
            });
            TaskId<Long> triple = rt.registerNativeTask("triple", ValueType.LONG, lib, "test_triple_point");
            TaskId<Double> sum = rt.registerNativeTask("sum", ValueType.DOUBLE, lib, "test_sum");
            TaskId<Long> parent = rt.registerTask("parent", ValueType.LONG, c -> {    // waits for a child it launches
                try (Future<Long> child = c.execute(TaskLauncher.of(add).args(ValueType.LONG, c.args(ValueType.LONG)))) {
                    return child.get() + 1;
                }
            });
            TaskId<Long> fail = rt.registerTask("fail", ValueType.LONG, c -> {
                throw new IllegalArgumentException("failing on purpose: " + c.args(ValueType.LONG));
            });
            return new Tasks(add, scale, triple, sum, rt.registerReduction("plus", ValueType.LONG, 0L, Long::sum), parent,
                    fail, rt.registerProjection((pt, domain) -> Point.of(0)));
        }
    }

    /** A future one thread made and another consumes (and closes), with the value it must have (FAILS: its task fails). */
    private record Handoff(Future<Long> future, long expected, int from) {
        static final long FAILS = Long.MIN_VALUE;

        /** Checks the future's value, or that it reports its task's failure. */
        void check() {
            if (expected == FAILS) {
                org.assertj.core.api.Assertions.assertThatThrownBy(future::get).as("failed future of thread %d", from)
                        .isInstanceOf(TaskFailedException.class).hasMessageContaining("failing on purpose");
            } else {
                assertThat(future.get()).as("future of thread %d", from).isEqualTo(expected);
            }
        }
    }

    /** What the threads share: the runtime, its tasks, the futures in transit, a field space they all allocate in. */
    private record Shared(Runtime rt, Tasks tasks, LinkedBlockingQueue<Handoff> handoffs, FieldSpace common,
                          Map<Integer, Integer> fieldOwners) {
        /** {@return what threads of {@code rt} share, its tasks registered from {@code lib}} */
        static Shared of(Runtime rt, Path lib) {
            return new Shared(rt, Tasks.register(rt, lib), new LinkedBlockingQueue<>(), rt.fieldSpace(), new ConcurrentHashMap<>());
        }
    }

    @ParameterizedTest
    @MethodSource("org.legionhrt.legion.Backends#all")
    void threadsSharingOneRuntimeEachGetTheirOwnResults(String backend) throws Exception {
        Path lib = NativeKernels.library();
        for (int rep = 0; rep < REPEATS; rep++) {
            long seed = System.nanoTime() + rep;
            Runtime rt = Runtime.start(config(backend));
            try {
                Shared sh = Shared.of(rt, lib);
                Map<Integer, Throwable> failures = runWorkers(sh, seed, ROUNDS, null);
                assertThat(failures).as("seed %d: what the threads threw", seed).isEmpty();
                drainHandoffs(sh);
            } finally {
                assertTimeoutPreemptively(LIMIT, rt::close, "close hung");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.legionhrt.legion.Backends#all")
    void closingTheRuntimeEndsEveryOtherThreadWithALegionException(String backend) throws Exception {
        Path lib = NativeKernels.library();
        for (int rep = 0; rep < REPEATS; rep++) {
            long seed = System.nanoTime() + rep;
            Runtime rt = Runtime.start(config(backend));
            Shared sh = Shared.of(rt, lib);
            Random r = new Random(seed);
            long delayMs = 20 + r.nextInt(300);
            Map<Integer, Throwable> failures = runWorkers(sh, seed, Integer.MAX_VALUE, () -> {
                Thread.sleep(delayMs);
                assertTimeoutPreemptively(LIMIT, rt::close, "close hung");
            });
            assertThat(rt.isClosed()).isTrue();
            assertThat(failures).as("seed %d: every thread ends", seed).hasSize(THREADS);
            failures.forEach((k, e) -> assertThat(e).as("seed %d, thread %d (close after %d ms)", seed, k, delayMs)
                    .isInstanceOf(LegionException.class).hasMessageContaining("closed"));
        }
    }

    /**
     * Every thread closing the same future, future map, partition and region at once releases each
     * once: a close that lost the race is a no-op like any second close (a double release threw
     * "… was destroyed" at one of the closers, on hrt at whichever thread sent the batch next).
     */
    @ParameterizedTest
    @MethodSource("org.legionhrt.legion.Backends#all")
    void closingOneObjectFromEveryThreadAtOnceReleasesItOnce(String backend) throws Exception {
        Path lib = NativeKernels.library();
        int iterations = Integer.getInteger("legionhrt.stress.closes", 300);
        try (Runtime rt = Runtime.start(Backends.config(backend, 2))) {
            TaskId<Long> triple = rt.registerNativeTask("triple", ValueType.LONG, lib, "test_triple_point");
            FieldSpace fs = rt.fieldSpace();
            fs.allocate(FieldType.LONG);
            LogicalRegion first = rt.createRegion(rt.indexSpace(4), fs);
            Partition itsPieces = rt.context().partitionEqual(first, 2);
            first.close();
            itsPieces.close();                   // went with its tree: nothing left to destroy
            AutoCloseable[] current = new AutoCloseable[4];
            java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(THREADS, () -> {
                LogicalRegion r = rt.createRegion(rt.indexSpace(4), fs);
                Partition p = rt.context().partitionEqual(r, 2);
                current[0] = rt.futureOf(ValueType.LONG, 7L);
                current[1] = rt.context().execute(IndexLauncher.of(triple, rt.indexSpace(1)));
                current[2] = p::close;
                current[3] = r;
            });
            Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < THREADS; k++) {
                int id = k;
                threads.add(Thread.ofPlatform().daemon().name("closer-" + k).start(() -> {
                    try {
                        for (int i = 0; i < iterations; i++) {
                            barrier.await(30, TimeUnit.SECONDS);
                            for (AutoCloseable c : current) {
                                c.close();
                            }
                        }
                    } catch (Throwable e) {
                        failures.put(id, e);
                        barrier.reset();
                    }
                }));
            }
            assertTimeoutPreemptively(LIMIT, () -> {
                for (Thread t : threads) {
                    t.join();
                }
            });
            // Held releases go out with the next full batch: close enough futures to send every batch.
            assertTimeoutPreemptively(LIMIT, () -> {
                for (int i = 0; i < 128; i++) {
                    rt.futureOf(ValueType.LONG, 1L).close();
                    rt.context().execute(IndexLauncher.of(triple, rt.indexSpace(1))).close();
                }
                try (Future<Long> f = rt.futureOf(ValueType.LONG, 5L)) {
                    assertThat(f.get()).isEqualTo(5L);
                }
            });
            assertThat(failures).as("what the closers threw").isEmpty();
        }
    }

    /**
     * Backend hrt: a posted launch's error is thrown by its thread's next call that is not a
     * release. A batch of releases threw it instead (Future.close of an unrelated future) and was
     * dropped: its handles, other threads' among them, stayed held until the runtime closed.
     */
    @org.junit.jupiter.api.Test
    void aPostedLaunchsErrorIsNotThrownByTheBatchOfReleasesItMeets() throws Exception {
        try (Runtime rt = Runtime.start(config("hrt"))) {
            Tasks t = Tasks.register(rt, NativeKernels.library());
            FieldSpace fs = rt.fieldSpace();
            Field f = fs.allocate(FieldType.LONG);
            LogicalRegion r = rt.createRegion(rt.indexSpace(8), fs);
            Partition p = rt.context().partitionEqual(r, 2);
            List<Future<Long>> held = new ArrayList<>();
            for (int i = 0; i < 64; i++) {                       // the size of hrt's batch of future releases
                held.add(rt.futureOf(ValueType.LONG, (long) i));
            }
            FutureMap<Long> bad = rt.context().execute(IndexLauncher.of(t.scale(), rt.indexSpace(2))
                    .args(Worker.scaleArgs(f, 0)).add(RegionRequirement.of(p, Privilege.READ_WRITE, f).withProjection(t.toZero())));
            Thread.sleep(50);                                    // it ran (and failed)
            Future<?>[] other = new Future<?>[1];
            Thread.ofPlatform().start(() -> {                    // another thread's launch sees it ran, and settles it
                other[0] = rt.context().execute(TaskLauncher.of(t.add()).args(ValueType.LONG, 3L));
            }).join();
            for (Future<Long> h : held) {
                h.close();                                       // the last sends the batch
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> rt.indexSpace(3)).isInstanceOf(LegionException.class)
                    .hasMessageContaining("sends two points to one subregion");
            assertThat(other[0].get()).isEqualTo(3L);
            bad.close();
            other[0].close();
        }
    }

    /**
     * Threads taking turns on one field id (allocate it, use it, free it) each find their own
     * field in the field space: a free whose native call had run forgot the id after another
     * thread had allocated it again, so that thread's field was "not a field of this field space".
     */
    @ParameterizedTest
    @MethodSource("org.legionhrt.legion.Backends#all")
    void threadsReusingAFieldIdKeepTheirOwnField(String backend) throws Exception {
        int turns = Integer.getInteger("legionhrt.stress.turns", 2000);
        try (Runtime rt = Runtime.start(config(backend))) {
            FieldSpace fs = rt.fieldSpace();
            Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                int id = k;
                threads.add(Thread.ofPlatform().daemon().start(() -> {
                    try {
                        for (int done = 0; done < turns; ) {
                            Field f;
                            try {
                                f = fs.allocate(FieldType.LONG, 100);
                            } catch (LegionException taken) {
                                if (!failures.isEmpty()) {
                                    return;                      // the thread that holds it failed
                                }
                                continue;                        // another thread holds it now
                            }
                            assertThat(fs.field(100)).as("thread %d's field 100", id).isSameAs(f);
                            fs.free(f);
                            done++;
                        }
                    } catch (Throwable e) {
                        failures.put(id, e);
                    }
                }));
            }
            assertTimeoutPreemptively(LIMIT, () -> {
                for (Thread t : threads) {
                    t.join();
                }
            });
            assertThat(failures).as("what the threads threw").isEmpty();
        }
    }

    /** A step of the closer thread (it may throw). */
    @FunctionalInterface
    private interface Closer {
        void run() throws Exception;
    }

    /**
     * Runs THREADS workers of {@code rounds} rounds each (and {@code closer} beside them), all
     * started at once. {@return what each worker threw, by thread index} A thread still running
     * after the limit fails the test with every worker's stack.
     */
    private static Map<Integer, Throwable> runWorkers(Shared sh, long seed, int rounds, Closer closer) throws Exception {
        Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < THREADS; k++) {
            int id = k;
            threads.add(Thread.ofPlatform().daemon().name("worker-" + k).start(() -> {
                try {
                    go.await();
                    new Worker(sh, id, new Random(seed * 31 + id)).run(rounds);
                } catch (Throwable e) {
                    failures.put(id, e);
                }
            }));
        }
        Throwable[] closeFailed = new Throwable[1];
        Thread closing = closer == null ? null : Thread.ofPlatform().daemon().name("closer").start(() -> {
            try {
                go.await();
                closer.run();
            } catch (Throwable e) {
                closeFailed[0] = e;
            }
        });
        go.countDown();
        long end = System.nanoTime() + LIMIT.toNanos();
        List<Thread> all = new ArrayList<>(threads);
        if (closing != null) {
            all.add(closing);
        }
        for (Thread t : all) {
            t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        }
        StringBuilder stuck = new StringBuilder();
        for (Thread t : all) {
            if (t.isAlive()) {
                stuck.append("\n").append(t.getName()).append(":");
                for (StackTraceElement e : t.getStackTrace()) {
                    stuck.append("\n    at ").append(e);
                }
            }
        }
        assertThat(stuck.toString()).as("seed %d: threads still running after %s", seed, LIMIT).isEmpty();
        if (closeFailed[0] != null) {
            throw new AssertionError("seed " + seed + ": close failed", closeFailed[0]);
        }
        return failures;
    }

    /** The futures left in transit: each still has its value; then closed. */
    private static void drainHandoffs(Shared sh) {
        for (Handoff h; (h = sh.handoffs().poll()) != null; ) {
            h.check();
            h.future().close();
        }
    }

    /** One thread's work and its sequential model. */
    private static final class Worker {
        private final Shared sh;
        private final Runtime rt;
        private final Context ctx;
        private final Tasks t;
        private final int id;
        private final Random rnd;
        /** Futures and maps this thread closes in batches, with the checks still to make on them. */
        private final List<AutoCloseable> open = new ArrayList<>();
        private final List<Runnable> checks = new ArrayList<>();

        Worker(Shared sh, int id, Random rnd) {
            this.sh = sh;
            this.rt = sh.rt();
            this.ctx = rt.context();
            this.t = sh.tasks();
            this.id = id;
            this.rnd = rnd;
        }

        void run(int rounds) {
            for (int round = 0; round < rounds; round++) {
                round(round);
            }
            finish();
        }

        private void round(int round) {
            int n = 8 + rnd.nextInt(57);
            int pieces = 1 + rnd.nextInt(4);
            Field mine = sh.common().allocate(FieldType.LONG);
            Integer was = sh.fieldOwners().putIfAbsent(mine.id(), id);
            assertThat(was).as("field id %d allocated twice (thread %d and %d)", mine.id(), was, id).isNull();
            FieldSpace fs = rt.fieldSpace();
            Field lf = fs.allocate(FieldType.LONG);
            Field df = fs.allocate(FieldType.DOUBLE);
            LogicalRegion r = rt.createRegion(rt.indexSpace(n), fs);
            long v0 = rnd.nextInt(100) - 50;
            ctx.fill(r, lf, v0);
            long[] model = new long[n];
            Arrays.fill(model, v0);
            double[] dmodel = new double[n];
            try (PhysicalRegion pr = ctx.map(r, Privilege.WRITE_DISCARD, df)) {
                DoubleAccessor a = pr.doubleField(df);
                for (int x = 0; x < n; x++) {
                    dmodel[x] = x * 0.5 + id + round;
                    a.set(x, dmodel[x]);
                }
            }
            Partition p = ctx.partitionEqual(r, pieces);
            long[][] bounds = new long[pieces][];
            for (int c = 0; c < pieces; c++) {
                Rect b = p.subregion(c).bounds();
                bounds[c] = new long[] {b.lo(0), b.hi(0)};
            }
            int launches = 1 + rnd.nextInt(3);
            for (int s = 0; s < launches; s++) {
                long c = rnd.nextInt(10);
                IndexLauncher<Long> l = IndexLauncher.of(t.scale(), p.colorSpace()).args(scaleArgs(lf, c))
                        .add(RegionRequirement.of(p, Privilege.READ_WRITE, lf));
                long[] sums = new long[pieces];
                for (int q = 0; q < pieces; q++) {
                    for (long x = bounds[q][0]; x <= bounds[q][1]; x++) {
                        model[(int) x] = model[(int) x] * 2 + c + x;
                        sums[q] += model[(int) x];
                    }
                }
                if (rnd.nextBoolean()) {
                    Future<Long> total = ctx.executeReduce(l, t.plus());
                    long want = Arrays.stream(sums).sum();
                    later(total, () -> assertThat(total.get()).as("reduced sums").isEqualTo(want));
                } else {
                    FutureMap<Long> fm = ctx.execute(l);
                    later(fm, () -> assertThat(fm.values()).as("piece sums").containsExactlyElementsOf(
                            Arrays.stream(sums).boxed().toList()));
                }
            }
            FutureMap<Long> tripled = ctx.execute(IndexLauncher.of(t.triple(), p.colorSpace()));
            later(tripled, () -> {
                for (int c = 0; c < pieces; c++) {
                    assertThat(tripled.value(c)).as("native triple of %d", c).isEqualTo(3L * c);
                }
            });
            Future<Double> dsum = ctx.execute(TaskLauncher.of(t.sum())
                    .args(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(df.id()).array())
                    .add(RegionRequirement.of(r, Privilege.READ_ONLY, df)));
            double dwant = Arrays.stream(dmodel).sum();
            later(dsum, () -> assertThat(dsum.get()).as("native sum").isEqualTo(dwant));
            exchange(round);
            if (rnd.nextInt(4) == 0) {
                refusedLaunch(p, lf);
            }
            if (rnd.nextBoolean()) {
                checkAndClose();
            }
            try (PhysicalRegion pr = ctx.map(r, Privilege.READ_ONLY, lf)) {
                LongAccessor a = pr.longField(lf);
                for (int i = rnd.nextInt(4) == 0 ? 200 : 1; i > 0; i--) {      // sometimes still reading when close comes
                    assertThat(a.toArray()).as("thread %d round %d region", id, round).containsExactly(model);
                }
            }
            if (rnd.nextBoolean()) {
                checkAndClose();
            }
            p.close();
            r.close();
            sh.fieldOwners().remove(mine.id());         // before the free: the id may be handed out again at once
            sh.common().free(mine);
            if (rnd.nextBoolean()) {
                fs.close();
            }
        }

        /** Hands a future of its own to the others and uses one of theirs (its value, or as a launch argument). */
        private void exchange(int round) {
            long base = 1000L * id + round;
            boolean fails = rnd.nextInt(6) == 0;
            Future<Long> mine = ctx.execute(TaskLauncher.of(fails ? t.fail() : t.add()).args(ValueType.LONG, base));
            sh.handoffs().add(new Handoff(mine, fails ? Handoff.FAILS : base, id));
            Handoff h = sh.handoffs().poll();
            if (h == null) {
                return;
            }
            switch (h.expected() == Handoff.FAILS ? 0 : rnd.nextInt(5)) {
                case 0 -> h.check();
                case 3 -> assertThat(h.future().toCompletableFuture().orTimeout(LIMIT.toSeconds(), TimeUnit.SECONDS).join())
                        .as("completed future of thread %d", h.from()).isEqualTo(h.expected());
                case 4 -> {
                    Future<Long> g = ctx.execute(TaskLauncher.of(t.parent()).args(ValueType.LONG, h.expected()));
                    later(g, () -> assertThat(g.get()).as("parent of a child").isEqualTo(h.expected() + 1));
                }
                case 1 -> {
                    long c = rnd.nextInt(1000);
                    Future<Long> g = ctx.execute(TaskLauncher.of(t.add()).args(ValueType.LONG, c).addFuture(h.future()));
                    later(g, () -> assertThat(g.get()).as("argument from thread %d", h.from()).isEqualTo(c + h.expected()));
                }
                default -> {
                    h.future().await();
                    Future<Long> g = ctx.execute(TaskLauncher.of(t.add()).args(ValueType.LONG, 1L)
                            .addFuture(h.future()).addFuture(h.future()));
                    later(g, () -> assertThat(g.get()).isEqualTo(1 + 2 * h.expected()));
                }
            }
            h.future().close();             // the launch took its own reference
        }

        /**
         * A launch the C runtime refuses (two points writing piece 0 through a projection): the
         * error reaches this thread (on hrt from its next call, as the launch was posted) and no other.
         */
        private void refusedLaunch(Partition p, Field lf) {
            IndexLauncher<Long> bad = IndexLauncher.of(t.scale(), rt.indexSpace(2)).args(scaleArgs(lf, 0))
                    .add(RegionRequirement.of(p, Privilege.READ_WRITE, lf).withProjection(t.toZero()));
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> {
                try (FutureMap<Long> fm = ctx.execute(bad)) {
                    fm.waitAll();
                }
            });
            if (e instanceof LegionException le && String.valueOf(le.getMessage()).contains("the runtime is closed")) {
                throw le;                                 // the close test: the runtime closed first
            }
            assertThat(e).as("thread %d's refused launch", id).isInstanceOf(LegionException.class)
                    .hasMessageContaining("sends two points to one subregion");
        }

        private void later(AutoCloseable what, Runnable check) {
            open.add(what);
            checks.add(check);
        }

        /** Checks the pending results in a random order, then closes their futures and maps in one go. */
        private void checkAndClose() {
            List<Runnable> cs = new ArrayList<>(checks);
            Collections.shuffle(cs, rnd);
            cs.forEach(Runnable::run);
            List<AutoCloseable> os = new ArrayList<>(open);
            Collections.shuffle(os, rnd);
            for (AutoCloseable o : os) {
                try {
                    o.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            checks.clear();
            open.clear();
        }

        private void finish() {
            checkAndClose();
        }

        private static byte[] scaleArgs(Field f, long c) {
            return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putInt(f.id()).putInt(0).putLong(c).array();
        }
    }
}
