package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.legionhrt.legion.internal.HrtBackend;

/**
 * Backend hrt: the runtime in the HRT driven through the call ring. Zero-copy (a value an HRT
 * task writes is read by Java at the same address), unsupported upcall features, and a new
 * runtime after the HVM of an earlier one failed.
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
                    .hasMessageContaining("boom (abort)").hasCauseInstanceOf(org.legionhrt.hvm.HvmException.class);
        } catch (LegionException closing) {
            assertThat(closing).hasMessageContaining("HRT failed");     // closing a runtime whose HVM is gone
        }
        javaTasksRunOnJvmThreadsFromTheHrtQueue();
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
    void javaReductionOperatorsAreRefusedClearly() {
        try (Runtime rt = Runtime.start(hrt())) {
            assertThatThrownBy(() -> rt.registerReduction("max", ValueType.LONG, Long.MIN_VALUE, Math::max))
                    .isInstanceOf(LegionException.class).hasMessageContaining("not supported on backend hrt");
        }
    }
}
