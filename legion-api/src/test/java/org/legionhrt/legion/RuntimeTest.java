package org.legionhrt.legion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.legionhrt.legion.internal.LinuxBackend;

/** Runtime lifecycle, configuration, misuse after close, library discovery and the leak check. */
class RuntimeTest {

    /** The limit the API states for backend hrt is what its page tables hold today: 23 GiB. */
    @Test
    void theMostHrtMemoryIsStated() {
        assertThat(RuntimeConfig.maxHrtMemorySize()).isEqualTo(23L << 30);
    }

    @Test
    void startsWithConfiguredWorkersAndCloses() {
        Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(3));
        assertThat(rt.workerCount()).isEqualTo(3);
        assertThat(rt.queryWorkerCount()).isEqualTo(3);
        assertThat(rt.backendName()).isEqualTo("linux");
        IndexSpace is = rt.indexSpace(4);
        rt.close();
        rt.close();
        assertThat(rt.isClosed()).isTrue();
        assertThatThrownBy(rt::context).isInstanceOf(LegionException.class).hasMessageContaining("closed");
        assertThatThrownBy(is::volume).isInstanceOf(LegionException.class).hasMessageContaining("closed");
        is.close();
    }

    @Test
    void runIsATopLevelEntryPoint() {
        long v = Runtime.run(RuntimeConfig.defaults().withWorkers(2), ctx -> {
            TaskId<Long> t = ctx.runtime().registerTask("seven", ValueType.LONG, c -> 7L);
            return ctx.execute(TaskLauncher.of(t)).get();
        });
        assertThat(v).isEqualTo(7);
    }

    @Test
    void instancesCanLiveInAnArena() {
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(1).withMemorySize(8 << 20))) {
            FieldSpace fs = rt.fieldSpace();
            Field f = fs.allocate(FieldType.DOUBLE);
            LogicalRegion r = rt.createRegion(rt.indexSpace(1000), fs);
            rt.context().fill(r, f, 4.0);
            try (PhysicalRegion pr = rt.context().map(r, Privilege.READ_ONLY, f)) {
                assertThat(pr.doubleField(f).get(999)).isEqualTo(4.0);
            }
        }
    }

    @Test
    void poolExecutionRunsJavaTasksToo() {
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(2)
                .withJavaExecution(RuntimeConfig.JavaExecution.POOL))) {
            TaskId<Long> t = rt.registerTask("idx", ValueType.LONG, c -> c.index());
            try (Future<Long> f = rt.context().executeReduce(IndexLauncher.of(t, rt.indexSpace(100)), ReductionOp.SUM_LONG)) {
                assertThat(f.get()).isEqualTo(4950L);
            }
        }
    }

    @Test
    void badConfigurationsAndBackends() {
        assertThatThrownBy(() -> RuntimeConfig.defaults().withWorkers(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RuntimeConfig.defaults().withBackend("hrt").withHrtCores(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hrtCores must be >= 0");
        assertThatThrownBy(() -> Runtime.start(RuntimeConfig.defaults().withBackend("hrt").withHrtCores(4096)))
                .isInstanceOf(LegionException.class).hasMessageContaining("vCPUs allowed on this");
        assertThatThrownBy(() -> Runtime.start(RuntimeConfig.defaults().withBackend("vax")))
                .isInstanceOf(LegionException.class).hasMessageContaining("unknown backend");
    }

    @Test
    void missingLibraryNamesTheFix() throws IOException {
        Path empty = Files.createTempDirectory("lhrt-missing");
        String old = System.getProperty("legionhrt.lib");
        System.setProperty("legionhrt.lib", empty.resolve("liblhrt.so").toString());
        try {
            assertThatThrownBy(LinuxBackend::libraryPath).isInstanceOf(LegionException.class)
                    .hasMessageContaining("run ./hrt or mvn package to build legion-hrt-port");
        } finally {
            if (old == null) {
                System.clearProperty("legionhrt.lib");
            } else {
                System.setProperty("legionhrt.lib", old);
            }
        }
    }

    /**
     * A memory size the process cannot allocate is a LegionException naming it and the setting
     * (it was an OutOfMemoryError), and the runtime made before it is destroyed: no worker
     * threads left behind (2 per try before).
     */
    @Test
    void aMemorySizeTheProcessCannotGetIsALegionExceptionAndLeaksNoThreads() throws IOException {
        long pib = 1L << 50;                       // beyond any user address space
        RuntimeConfig cfg = RuntimeConfig.defaults().withWorkers(2).withMemorySize(pib);
        assertThatThrownBy(() -> Runtime.start(cfg)).isInstanceOf(LegionException.class)
                .hasMessageContaining("1048576 GiB").hasMessageContaining("withMemorySize");
        long before = threads();
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> Runtime.start(cfg)).isInstanceOf(LegionException.class);
        }
        assertThat(threads() - before).as("threads left behind by 5 failed starts").isLessThan(3);
    }

    /**
     * Backend hrt refuses a memory size its guest page tables cannot map before booting, in the
     * API's words (it failed after 23 s for 1 TiB, naming the HVM's --mem and --merged flags).
     */
    @Test
    void anHrtMemorySizeItsPageTablesCannotMapIsRefusedAtOnce() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.legionhrt.hvm.Hvm.bootsDeprivileged(
                org.legionhrt.hvm.Hvm.Profile.AUTO), "guest ring 0 in hardware: the HRT may boot in ring 0");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Runtime.start(RuntimeConfig.defaults().withBackend("hrt").withWorkers(1)
                .withMemorySize(1L << 40))).isInstanceOf(LegionException.class)
                .hasMessageContaining("memorySize 1024 GiB").hasMessageContaining("withMemorySize to at most 23 GiB")
                .hasMessageNotContaining("--mem");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to refuse").isLessThan(2000);
    }

    /** 100 open/close cycles, each with tasks, regions and upcalls: resident memory must not grow. */
    @Test
    void hundredOpenCloseCyclesDoNotLeak() throws IOException {
        for (int i = 0; i < 20; i++) {
            cycle();
        }
        System.gc();
        long before = rssBytes();
        long threadsBefore = threads();
        for (int i = 0; i < 100; i++) {
            cycle();
        }
        System.gc();
        long after = rssBytes();
        LoggerFactory.getLogger(RuntimeTest.class).info("RSS over 100 runtime cycles: {} KiB -> {} KiB", before >> 10, after >> 10);
        // Each cycle allocates a 1 MiB region instance and several upcall stubs; a leak of
        // either would show as >= 100 MiB. Allow for JIT and heap noise.
        assertThat(after - before).as("RSS growth over 100 cycles").isLessThan(48L << 20);
        assertThat(threads() - threadsBefore).as("threads left behind by 100 runtimes").isLessThan(8);
    }

    private static void cycle() {
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withWorkers(2))) {
            FieldSpace fs = rt.fieldSpace();
            Field f = fs.allocate(FieldType.DOUBLE);
            LogicalRegion r = rt.createRegion(rt.indexSpace(128 * 1024), fs);
            TaskId<Void> t = rt.registerTask("touch", c -> c.region(0).doubleField(f).fill(1.0));
            Partition p = rt.context().partitionEqual(r, 4);
            rt.context().executeAndWait(IndexLauncher.of(t, p.colorSpace()).add(RegionRequirement.of(p, Privilege.WRITE_DISCARD, f)));
            rt.registerReduction("m", ValueType.DOUBLE, 0.0, Math::max);
            rt.context().execute(TaskLauncher.of(t).add(RegionRequirement.readWrite(r, f))).toCompletableFuture().join();
        }
    }

    static long threads() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Threads:"))
                .mapToLong(l -> Long.parseLong(l.substring(8).trim())).findFirst().orElseThrow();
    }

    static long rssBytes() throws IOException {
        String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
        return Long.parseLong(statm[1]) * 4096;
    }
}
