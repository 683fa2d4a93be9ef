package org.legionhrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code ./hrt run circuit|stencil} with bad flags: exit 2 and one line naming the flag and its
 * limit, before the settings line and before any runtime starts (none of these runs a task).
 */
class RunCommandTest {

    private static void assertUsageError(CliRun o, String reason) {
        assertThat(o.status()).as(o.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.reason()).isEqualTo(reason);
        assertThat(o.out()).doesNotContain("settings", "configuration");
        assertThat(o.err()).doesNotContain("Exception");
    }

    @Test
    void circuitNodesPastAnIntAreAUsageError() {
        assertUsageError(CliRun.run("run", "circuit", "-npp", "2000000000", "--backend", "linux"),
                "hrt run circuit: -p 4 x -npp 2000000000 = 8000000000 nodes, more than the 2147483647 a circuit may "
                        + "have (they are indexed by int): lower -p or -npp");
        assertUsageError(CliRun.run("run", "circuit", "-p", "3", "-wpp", "1000000000", "--backend", "linux"),
                "hrt run circuit: -p 3 x -wpp 1000000000 = 3000000000 wires, more than the 2147483647 a circuit may "
                        + "have (they are indexed by int): lower -p or -wpp");
    }

    @Test
    void stencilGridsPastA64BitSizeAreAUsageError() {
        assertUsageError(CliRun.run("run", "stencil", "-nx", "4000000000", "-ny", "4000000000", "--backend", "linux"),
                "hrt run stencil: -nx 4000000000 x -ny 4000000000 is more than the 576460752303423487 grid points whose "
                        + "instances (16 bytes a point) a 64-bit size can count: lower -nx or -ny");
    }

    @Test
    void instancesPastThreeQuartersOfTheHostStateTheLimit() {
        // The largest circuit (2^31 - 2 nodes and wires: over 200 GiB) or a 2^20 x 2^20 grid (16 TiB): past any host this runs on.
        CliRun c = CliRun.run("run", "circuit", "-p", "2", "-npp", "1073741823", "-wpp", "1073741823", "--backend", "linux");
        assertThat(c.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(c.reason()).startsWith("hrt run circuit: the region instances need ")
                .containsPattern("more than the [0-9.]+ GiB \\(3/4 of the [0-9.]+ GiB of memory available to this process\\) instances may use: "
                        + "lower -p, -npp or -wpp$");
        assertThat(c.out()).doesNotContain("settings");
        CliRun s = CliRun.run("run", "stencil", "-nx", "1048576", "-ny", "1048576", "--backend", "linux");
        assertThat(s.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(s.reason()).startsWith("hrt run stencil: the region instances need 16384.0 GiB, more than the ")
                .endsWith("instances may use: lower -nx or -ny");
        assertThat(s.out()).doesNotContain("configuration");
    }

    @Test
    void hrtCoresTheHostCannotRunAreAUsageError() {
        int host = Runtime.getRuntime().availableProcessors();
        int limit = 4 * Math.max(host, 2);
        int asked = limit + 1;
        assertUsageError(CliRun.run("run", "circuit", "--hrt-cores", String.valueOf(asked), "--backend", "hrt"),
                "hrt run circuit: --hrt-cores " + asked + " is more than the " + limit + " vCPUs allowed on this " + host
                        + "-CPU host (the HRT may have 4 vCPUs per host CPU, counting at least 2 CPUs): use --hrt-cores 1.."
                        + limit);
        assertUsageError(CliRun.run("run", "stencil", "--hrt-cores", "-2", "--backend", "hrt"),
                "hrt run stencil: --hrt-cores must be at least 1, or 0 for --cpus + 1; got -2");
        assertUsageError(CliRun.run("run", "circuit", "--hrt-cores", "2", "--backend", "linux"),
                "hrt run circuit: --hrt-cores 2 applies to --backend hrt only (this run uses --backend linux): drop it, "
                        + "or use --backend hrt");
        assertUsageError(CliRun.run("run", "circuit", "--hrt-task-limit", "-1", "--backend", "linux"),
                "hrt run circuit: --hrt-task-limit must be 0 (no limit) or more seconds; got -1");
    }

    @Test
    void cpusPastTheRuntimesLimitAreAUsageError() {
        assertUsageError(CliRun.run("run", "circuit", "--cpus", "100000", "--backend", "linux"),
                "hrt run circuit: --cpus must be 1..1024 (the runtime's most workers), or 0 for one per core; got 100000");
        assertUsageError(CliRun.run("run", "stencil", "-ll:cpu", "many", "--backend", "linux"),
                "--cpus (-ll:cpu) wants a whole number of worker CPUs, not 'many'");
    }

    @Test
    void anUnknownBackendNamesTheChoices() {
        for (String app : new String[] {"circuit", "stencil"}) {
            CliRun o = CliRun.run("run", app, "--backend", "bogus");
            assertUsageError(o, "unknown --backend 'bogus': use hrt, linux or java");
            assertThat(o.err()).contains("Usage: hrt run " + app);
        }
    }

    @Test
    void benchRuntimeRefusesBadCountsBeforeRunning() {
        CliRun o = CliRun.run("bench", "runtime", "--hrt-cores", "-3");
        assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.reason()).isEqualTo("--hrt-cores must be at least 1, got -3");
        assertThat(o.out()).doesNotContain("{\"bench\"");
        assertThat(CliRun.run("bench", "runtime", "--workers", "0").reason()).isEqualTo("--workers must be at least 1, got 0");
        assertThat(CliRun.run("bench", "runtime", "--backend", "bogus").reason())
                .isEqualTo("unknown --backend 'bogus': use linux, hrt or all");
    }

    @Test
    void badAppFlagsAreUsageErrors() {
        assertUsageError(CliRun.run("run", "circuit", "-p", "0", "--backend", "linux"), "hrt run circuit: -p must be positive, got 0");
        assertUsageError(CliRun.run("run", "circuit", "-p", "abc", "--backend", "linux"), "Invalid value for option '-p': 'abc' is not an int");
        assertUsageError(CliRun.run("run", "stencil", "-init", "NaN", "--backend", "linux"),
                "hrt run stencil: -init must be a finite number, got NaN");
        assertUsageError(CliRun.run("run", "stencil", "-nx", "-5", "--backend", "linux"),
                "hrt run stencil: -nx and -ny must be positive, got -5 x 4096");
    }

    @Test
    void stencilRadiiPastTheNativeKernelsAreAUsageError() {
        assertUsageError(CliRun.run("run", "stencil", "-r", "100", "-nx", "256", "-ny", "256", "--backend", "linux"),
                "hrt run stencil: -r 100: the native kernels (backend linux) support radius 1..64: use -r 64 or less, "
                        + "or --backend java");
    }

    @Test
    void aTraceFileThatCannotBeWrittenIsRefusedBeforeTheRun() {
        CliRun o = CliRun.run("run", "circuit", "--trace", "/proc/x", "-l", "1", "-i", "10", "--backend", "linux");
        assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.reason()).startsWith("--trace /proc/x: cannot write in /proc (").endsWith("): name a file in a writable directory");
        assertThat(o.out()).doesNotContain("settings");
    }
}
