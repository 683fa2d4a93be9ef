package org.legionhrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the bench, hvm and nautilus commands is refused before any work runs: exit 2,
 * a first line naming the flag and the fix, then the usage. None of these boots or measures.
 */
class UpFrontChecksTest {

    @TempDir
    Path tmp;

    private static void refused(CliRun o, String reasonStart) {
        assertThat(o.status()).as(o.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.reason()).startsWith(reasonStart);
        assertThat(o.err()).contains("Usage: hrt ").doesNotContain("Exception");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void anUnwritableOutFolderIsRefusedBeforeAnyRun() throws Exception {
        refused(CliRun.run("bench", "micro", "--out", "/proc/x", "--skip", "kernel,api,runtime"),
                "--out /proc/x: cannot create the directory (");
        refused(CliRun.run("bench", "macro", "--size", "small", "--repeat", "1", "--apps", "stencil", "--backends", "linux",
                "--cpus", "1", "--out", "/proc/x"), "--out /proc/x: cannot create the directory (");
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        CliRun o = CliRun.run("bench", "micro", "--out", file.toString(), "--skip", "kernel,hvm,runtime");
        refused(o, "--out " + file + ": cannot create the directory (it exists and is not a directory): give a writable directory");
        refused(CliRun.run("bench", "all", "--out", "/proc/x", "--apps", "stencil", "--backends", "linux", "--cpus", "1"),
                "--out /proc/x: cannot create the directory (");
    }

    @Test
    void unknownSourceAndListNamesNameTheValidOnes() {
        refused(CliRun.run("bench", "micro", "--skip", "kernal"), "--skip: unknown name 'kernal': use kernel, hvm, runtime, api");
        refused(CliRun.run("bench", "all", "--skip-micro", "foo"), "--skip-micro: unknown name 'foo': use kernel, hvm, runtime, api");
        refused(CliRun.run("bench", "micro", "--skip", ","), "--skip '");
        refused(CliRun.run("bench", "micro", "--skip", "kernel,hvm,runtime,api"), "--skip kernel,hvm,runtime,api: leaves no source to run");
        refused(CliRun.run("bench", "macro", "--apps", "circuit,circuit"), "--apps circuit,circuit: a name is given twice");
        refused(CliRun.run("bench", "macro", "--backends", "linux,foo"), "--backends: unknown name 'foo': use linux, hrt, java");
    }

    @Test
    void numericBenchOptionsAreCheckedUpFront() {
        refused(CliRun.run("bench", "macro", "--cpus", "0"), "--cpus 0: each CPU count must be 1..1024");
        refused(CliRun.run("bench", "macro", "--cpus", "2000"), "--cpus 2000: each CPU count must be 1..1024");
        // The apps' own rules: 1000 stencil tiles do not fit the small grid (512 x 512).
        refused(CliRun.run("bench", "macro", "--cpus", "1000", "--size", "small", "--apps", "stencil", "--backends", "linux"),
                "--cpus 1000: run stencil --backend linux at --size small would refuse it (more tiles (1000 x 1)");
        refused(CliRun.run("bench", "macro", "--cpus", "1,1"), "--cpus 1,1: a count is named twice");
        refused(CliRun.run("bench", "macro", "--timeout", "0"), "--timeout 0: must be at least 1 second per run");
        refused(CliRun.run("bench", "macro", "--repeat", "0"), "--repeat 0: must be at least 1");
        refused(CliRun.run("bench", "macro", "--size", "huge"), "--size huge: use small, default, large or fine");
        refused(CliRun.run("bench", "micro", "--timeout", "0"), "--timeout 0: must be at least 1 second per source");
        refused(CliRun.run("bench", "all", "--micro-timeout", "0"), "--micro-timeout 0: must be at least 1 second per source");
        refused(CliRun.run("bench", "all", "--cpus", "0"), "--cpus 0: each CPU count must be 1..1024");
    }

    @Test
    void benchRuntimeChecksCountsWithTheRulesOfRun() {
        refused(CliRun.run("bench", "runtime", "--backend", "hrt", "--hrt-cores", "1000"), "--hrt-cores 1000 is more than the ");
        refused(CliRun.run("bench", "runtime", "--backend", "all", "--workers", "100"), "--workers 100 makes the HRT 100 vCPUs");
        refused(CliRun.run("bench", "runtime", "--workers", "2000"), "--workers 2000: must be 1..1024 (the runtime's most workers)");
    }

    @Test
    void hvmBootChecksItsFlagsBeforeBooting() {
        refused(CliRun.run("hvm", "boot", "--profile", "foo"), "--profile foo: use auto, deprivileged or ring0");
        refused(CliRun.run("hvm", "boot", "--mem", "16M"), "--mem 16M: must be a multiple of 2 MiB and at least 18 MiB");
        refused(CliRun.run("hvm", "boot", "--mem", "19M"), "--mem 19M: must be a multiple of 2 MiB");
        refused(CliRun.run("hvm", "boot", "--merged", "3M"), "--merged 3M: must be a multiple of 2 MiB");
        refused(CliRun.run("hvm", "boot", "--cores", "0"), "--cores 0: the HVM takes 1 to 64 vCPUs");
        refused(CliRun.run("hvm", "boot", "--timeout", "0"), "--timeout 0: must be at least 1 second");
        refused(CliRun.run("hvm", "boot", "--cmdline", "tests=,"), "--cmdline tests=,: names no test");
        refused(CliRun.run("hvm", "boot", "--cmdline", "scale=5 tests="), "--cmdline tests=: names no test");
        refused(CliRun.run("hvm", "bench", "--mem", "16M"), "--mem 16M: must be a multiple of 2 MiB and at least 18 MiB");
    }

    @Test
    void nautilusCommandsRefuseBadCountsAndEmptyTestLists() {
        refused(CliRun.run("nautilus", "bench", "--cores", "0"), "--cores 0: the kernel supports 1 to 64 CPUs");
        refused(CliRun.run("nautilus", "bench", "--cores", "1000"), "--cores 1000: the kernel supports 1 to 64 CPUs");
        refused(CliRun.run("nautilus", "test", "--tests", ","), "--tests '");
        refused(CliRun.run("nautilus", "test", "--tests", "string_ops,,printk_format"), "--tests 'string_ops,,printk_format': an empty test name");
    }

    @Test
    void anUnknownCommandPrintsTheUsage() {
        CliRun o = CliRun.run("nosuch");
        assertThat(o.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.reason()).isEqualTo("Unmatched argument at index 0: 'nosuch'");
        assertThat(o.err()).contains("Usage: hrt [-hV] [COMMAND]", "Commands:");
    }

    /** An unknown -m module was Maven's error after its start, and exit 1 (a failed test run). */
    @Test
    void testRefusesAnUnknownModuleBeforeMavenStarts() throws Exception {
        refused(CliRun.run("test", "-m", "nosuch"), "-m nosuch: no module 'nosuch': use module folders separated by commas "
                + "(nautilus, hvm, legion-hrt-port, legion-api, apps/common, apps/circuit, apps/stencil, bench, cli) or :artifactId");
        refused(CliRun.run("test", "-m", "hvm,,cli"), "-m hvm,,cli: an empty module name");
        java.util.List<String> known = TestCommand.knownModules(Roots.project());
        TestCommand.checkModules(null, "hvm,apps/circuit/,:bench,!cli,-nautilus", known);   // no exception
    }
}
