package org.legionhrt.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legionhrt.legion.IndexLauncher;
import org.legionhrt.legion.Runtime;
import org.legionhrt.legion.RuntimeConfig;
import org.legionhrt.legion.TaskId;
import picocli.CommandLine;

class AppCommonTest {

    @Test
    void jsonSummaryCarriesWhatTheHarnessReads() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("p", 4);
        params.put("pct", 95);
        AppResult r = new AppResult("circuit", Backend.LINUX, 2, params, 1.25, 3.5, true, "ok");
        assertThat(r.toJson()).isEqualTo("{\"app\":\"circuit\",\"backend\":\"linux\",\"cpus\":2,\"p\":4,\"pct\":95,"
                + "\"seconds\":1.25000,\"gflops\":3.50000,\"validated\":true,\"detail\":\"ok\"}");
    }

    /** Whole-number parameters (circuit's -s is a long) are printed exactly, not as a rounded double. */
    @Test
    void jsonSummaryPrintsLongParametersExactly() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("s", 1234567890123456789L);
        params.put("t", Long.MIN_VALUE);
        params.put("nx", 9007199254740993L);       // 2^53 + 1: no double holds it
        AppResult r = new AppResult("circuit", Backend.LINUX, 2, params, 1.25, 3.5, true, "ok");
        assertThat(r.toJson()).contains("\"s\":1234567890123456789,\"t\":-9223372036854775808,\"nx\":9007199254740993,");
    }

    /**
     * On a host with room for them, instances past what the HRT can map (its page tables: 23 GiB
     * of instance memory) were sized for backend hrt anyway, and the run failed in
     * Runtime.start with "lower RuntimeConfig.withMemorySize", which no flag of the app sets.
     */
    @Test
    void instancesPastWhatTheHrtCanMapAreRefusedNamingTheFlags() {
        long host = 64L << 30;
        assertThat(InstanceMemory.size(Backend.LINUX, 20L << 30, "-nx or -ny", host)).isZero();
        assertThatThrownBy(() -> InstanceMemory.size(Backend.HRT, 20L << 30, "-nx or -ny", host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the region instances need 20.0 GiB, 25.0 GiB of instance memory with room to place them, "
                        + "more than the 23.0 GiB backend hrt can map: lower -nx or -ny, or use --backend linux");
        assertThat(InstanceMemory.size(Backend.HRT, InstanceMemory.HRT_MOST * 4 / 5, "-nx", host))
                .isEqualTo(InstanceMemory.HRT_MOST);                              // exactly the limit
        // The limit is the runtime's: one GiB more is refused by Runtime.start itself, before anything is mapped.
        Assumptions.assumeTrue(Backend.HRT.unavailable().isEmpty(), () -> Backend.HRT.unavailable().orElse(""));
        assertThatThrownBy(() -> Runtime.start(RuntimeConfig.defaults().withBackend("hrt").withWorkers(1)
                .withMemorySize(InstanceMemory.HRT_MOST + (1L << 30))).close())
                .hasMessageContaining("more than the HRT can map");
    }

    @Test
    void instanceMemoryIsSizedOnHrtAndRefusedBeyondTheHost() {
        long host = 24L << 30;
        assertThat(InstanceMemory.size(Backend.HRT, 256L << 20, "-nx", host)).isZero();   // the default holds it
        assertThat(InstanceMemory.size(Backend.LINUX, 4L << 30, "-nx", host)).isZero();   // system memory
        long hrt = InstanceMemory.size(Backend.HRT, 4L << 30, "-nx", host);
        assertThat(hrt).isGreaterThanOrEqualTo(5L << 30).isLessThan(6L << 30);
        assertThat(hrt % (64L << 20)).isZero();
        assertThatThrownBy(() -> InstanceMemory.size(Backend.LINUX, 20L << 30, "-nx or -ny", host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the region instances need 20.0 GiB, more than the 18.0 GiB (3/4 of the 24.0 GiB of memory"
                        + " available to this process) instances may use: lower -nx or -ny");
        assertThatThrownBy(() -> InstanceMemory.size(Backend.HRT, Long.MAX_VALUE, "-p", host))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 8 EiB or more")
                .hasMessageContaining("lower -p");
        assertThat(InstanceMemory.size(Backend.LINUX, 18L << 30, "-nx", host)).isZero();   // exactly the limit
    }

    /** An exact check fails on any difference, however small, and reports it as the worst. */
    @Test
    void theHostLimitIsTheSmallerOfPhysicalMemoryAndTheCgroupsAndNeverMore() throws Exception {
        long memTotal = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
                .findFirst().orElseThrow();
        assertThat(InstanceMemory.hostBytes()).isPositive().isLessThanOrEqualTo(memTotal)
                .isLessThanOrEqualTo(((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize());
    }

    @Test
    void exactChecksFailOnAnyDifference() {
        Tolerance t = new Tolerance(1e-3, 0);
        t.check("v", 0, 1.0005, 1.0);
        t.checkExact("q", 1, 0.0, 0.0);
        assertThat(t.passed()).isTrue();
        t.checkExact("q", 2, 1e-30, 0.0);
        t.check("v", 3, 1.0009, 1.0);
        assertThat(t.passed()).isFalse();
        assertThat(t.report()).startsWith("1 of 4 values outside").endsWith("at q[2] = 1.0E-30 vs reference 0.0 (must be exact)");
        Tolerance nan = new Tolerance(1, 1);
        nan.checkExact("q", 0, Double.NaN, Double.NaN);
        assertThat(nan.passed()).isFalse();
    }

    @Test
    void toleranceFindsTheWorstValue() {
        Tolerance t = new Tolerance(1e-6, 1e-4);
        t.check("v", 0, 1.00001, 1.0);
        assertThat(t.passed()).isTrue();
        t.check("v", 7, 1.1, 1.0);
        t.check("v", 8, Double.NaN, 1.0);
        assertThat(t.passed()).isFalse();
        assertThat(t.report()).startsWith("2 of 3 values outside");
    }

    @Test
    void optionsParseLegionAliases() {
        AppOptions o = new AppOptions();
        new CommandLine(o).parseArgs("-ll:cpu", "3", "--backend", "java", "--json");
        assertThat(o.cpus()).isEqualTo(3);
        assertThat(o.backend()).isEqualTo(Backend.JAVA);
        assertThat(o.json()).isTrue();
        assertThat(o.check()).isTrue();
        assertThatThrownBy(() -> new CommandLine(new AppOptions()).parseArgs("--backend", "cuda"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("unknown --backend 'cuda': use hrt, linux or java");
        assertThatThrownBy(() -> Backend.parse("HRT")).hasMessage("unknown backend 'HRT': use hrt, linux or java");
    }

    @Test
    void cpusMustBeAWholeNumberWithinTheRuntimesLimit() {
        assertThatThrownBy(() -> new CommandLine(new AppOptions()).parseArgs("--cpus", "x"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--cpus (-ll:cpu) wants a whole number of worker CPUs, not 'x'");
        AppOptions many = parsed("--cpus", "1025", "--backend", "linux");
        assertThatThrownBy(many::validate).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--cpus must be 1..1024 (the runtime's most workers), or 0 for one per core; got 1025");
        assertThatThrownBy(parsed("-ll:cpu", "-1")::cpus).hasMessageContaining("got -1");
        AppOptions max = parsed("--cpus", "1024", "--backend", "linux");
        max.validate(2);
        assertThat(max.cpus()).isEqualTo(1024);
    }

    @Test
    void hrtCoresAreCheckedAgainstTheHostBeforeAnythingRuns() {
        assertThat(AppOptions.hrtCoreLimit(1)).isEqualTo(8);
        assertThat(AppOptions.hrtCoreLimit(2)).isEqualTo(8);
        assertThat(AppOptions.hrtCoreLimit(16)).isEqualTo(64);
        assertThatThrownBy(() -> parsed("--hrt-cores", "99", "--backend", "linux").validate(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--hrt-cores 99 is more than the 8 vCPUs allowed on this 2-CPU host (the HRT may have 4 vCPUs "
                        + "per host CPU, counting at least 2 CPUs): use --hrt-cores 1..8");
        assertThatThrownBy(() -> parsed("--hrt-cores", "8", "--backend", "linux").validate(2))
                .hasMessage("--hrt-cores 8 applies to --backend hrt only (this run uses --backend linux): drop it, "
                        + "or use --backend hrt");
        assertThatThrownBy(() -> parsed("--hrt-cores", "-2", "--backend", "linux").validate(2))
                .hasMessage("--hrt-cores must be at least 1, or 0 for --cpus + 1; got -2");
        // The default, --cpus + 1, counts only on backend hrt (KVM or not: the flags are checked first).
        parsed("--cpus", "20", "--backend", "linux").validate(2);
        assertThatThrownBy(() -> parsed("--cpus", "20", "--backend", "hrt").validate(2))
                .hasMessageStartingWith("--cpus 20 makes the HRT 21 vCPUs (--cpus + 1), more than the 8 allowed on this "
                        + "2-CPU host").hasMessageEndingWith("lower --cpus or give --hrt-cores 1..8");
        assertThatThrownBy(() -> parsed("--hrt-task-limit", "-1", "--backend", "linux").validate(2))
                .hasMessageContaining("--hrt-task-limit must be 0 (no limit) or more seconds");
    }

    /** Like --hrt-cores, an explicit --hrt-task-limit on another backend would look as if it had an effect. */
    @Test
    void hrtTaskLimitOnAnotherBackendIsRefused() {
        assertThatThrownBy(() -> parsed("--hrt-task-limit", "5", "--backend", "linux").validate(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--hrt-task-limit 5 applies to --backend hrt only (this run uses --backend linux): drop it, "
                        + "or use --backend hrt");
        assertThatThrownBy(() -> parsed("--hrt-task-limit", "300", "--backend", "java").validate(2))
                .hasMessageStartingWith("--hrt-task-limit 300 applies to --backend hrt only");
        parsed("--backend", "linux").validate(2);                          // the default says nothing
        assertThat(parsed("--backend", "java").hrtTaskLimit()).isEqualTo(java.time.Duration.ofMinutes(5));
    }

    private static AppOptions parsed(String... args) {
        AppOptions o = new AppOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    @Test
    void hrtLayoutOptions() {
        AppOptions o = new AppOptions();
        new CommandLine(o).parseArgs();
        assertThat(o.hrtCores()).isZero();
        assertThat(o.hrtTaskLimit()).isEqualTo(java.time.Duration.ofMinutes(5));
        new CommandLine(o).parseArgs("--hrt-cores", "1", "--hrt-task-limit", "0");
        assertThat(o.hrtCores()).isEqualTo(1);
        assertThat(o.hrtTaskLimit()).isZero();
        AppOptions bad = new AppOptions();
        new CommandLine(bad).parseArgs("--hrt-task-limit", "-1");
        assertThatThrownBy(bad::hrtTaskLimit).hasMessageContaining("--hrt-task-limit must be 0 (no limit) or more seconds");
    }

    @Test
    void withoutBackendTheHrtWhereKvmIsUsableElseLinux() {
        AppOptions o = new AppOptions();
        new CommandLine(o).parseArgs();
        assertThat(o.backend()).isEqualTo(Backend.HRT.unavailable().isEmpty() ? Backend.HRT : Backend.LINUX);
        String old = System.getProperty("legionhrt.kvm");
        System.setProperty("legionhrt.kvm", "/nonexistent/kvm");
        try {
            assertThat(Backend.HRT.unavailable()).get().asString().contains("--backend linux");
            AppOptions p = new AppOptions();
            new CommandLine(p).parseArgs();
            assertThat(p.backend()).isEqualTo(Backend.LINUX);
        } finally {
            if (old == null) {
                System.clearProperty("legionhrt.kvm");
            } else {
                System.setProperty("legionhrt.kvm", old);
            }
        }
    }

    @Test
    void traceOptionRefusesAMissingDirectoryWhileParsing() {
        assertThatThrownBy(() -> new CommandLine(new AppOptions()).parseArgs("--trace", "/no/such/dir/t.json"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--trace /no/such/dir/t.json: directory /no/such/dir does not exist; create it or name a file in an existing one");
    }

    @Test
    void traceOptionRefusesAnUnwritableDirectoryOrADirectoryWhileParsing(@TempDir Path dir) {
        assertThatThrownBy(() -> new CommandLine(new AppOptions()).parseArgs("--trace", "/proc/x"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("--trace /proc/x: cannot write in /proc (")
                .hasMessageEndingWith("): name a file in a writable directory");
        assertThatThrownBy(() -> new CommandLine(new AppOptions()).parseArgs("--trace", dir.toString()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--trace " + dir + ": is a directory; name a file (e.g. " + dir.resolve("trace.json") + ")");
    }

    @Test
    void traceOptionWritesEveryBodyAndASummary(@TempDir Path dir) throws Exception {
        AppOptions o = new AppOptions();
        Path file = dir.resolve("t.json");
        new CommandLine(o).parseArgs("--trace", file.toString());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try (Runtime rt = Runtime.start(RuntimeConfig.defaults().withBackend("linux").withWorkers(1))) {
            o.startTrace(rt);
            TaskId<Void> t = rt.registerTask("traced_task", ctx -> { });
            rt.context().executeAndWait(IndexLauncher.of(t, rt.indexSpace(3)));
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            o.finishTrace(rt);
        } finally {
            System.setOut(stdout);
        }
        assertThat(Files.readString(file).split("\"ph\":\"X\"", -1)).hasSize(4);
        assertThat(printed.toString(StandardCharsets.UTF_8)).startsWith("trace: 3 task bodies on 1 workers -> " + file)
                .contains("traced_task").containsPattern("traced_task +3 ").containsPattern("busy: JVM \\(all threads\\) \\d+%");
    }
}
