package org.legionhrt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.legionhrt.bench.BenchLine;

/**
 * The benchmark producers that run without KVM, run for real and briefly: every JSON line they
 * print is in the project's format (BenchLine refuses any that is not), says its env, and the
 * implementations compared under one name share its unit.
 */
class BenchOutputConformanceTest {

    private static List<BenchLine> benchLines(String out) {
        List<String> json = out.lines().filter(l -> l.startsWith("{")).toList();
        assertThat(json).as(out).isNotEmpty().allMatch(l -> l.startsWith("{\"bench\""));
        List<BenchLine> lines = json.stream().map(BenchLine::parse).toList();
        assertThat(BenchLine.unitMismatches(lines)).isEmpty();
        return lines;
    }

    /** hvm bench, briefly: its lines are in the format, and each row takes the count its flag gave. */
    @Test
    void hvmBenchTakesItsCounts() {
        var kvm = org.legionhrt.hvm.kvm.Kvm.probe();
        assumeTrue(kvm.usable(), () -> "/dev/kvm unusable: " + kvm.problem());
        picocli.CommandLine cl = new picocli.CommandLine(new HvmCommand.Bench());
        java.io.StringWriter out = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(out, true));
        assertThat(cl.execute("--boots", "2", "--warmup", "0", "-n", "500", "--exit-n", "40")).isZero();
        java.util.Map<String, Integer> n = new java.util.HashMap<>();
        for (BenchLine l : benchLines(out.toString())) {
            assertThat(l.extra()).containsEntry("env", "hvm-kvm");
            n.put(l.bench(), l.stats().n());
        }
        assertThat(n).containsEntry("hvm_boot", 2).containsEntry("ring_null_call", 500)
                .containsEntry("exit_null_call", 40).containsEntry("ros_request_roundtrip", 40);   // was always 2000
    }

    @Test
    void benchRuntimeOnLinux() {
        assumeTrue(Files.isExecutable(Roots.project().resolve("legion-hrt-port/target/native/lhrt_bench")),
                "lhrt_bench is not built (make -C legion-hrt-port all)");
        CliRun o = CliRun.run("bench", "runtime", "--backend", "linux", "--workers", "1");
        assertThat(o.status()).as(o.err()).isZero();
        List<BenchLine> lines = benchLines(o.out());
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.impl()).isEqualTo("lhrt-linux");
            assertThat(l.extra()).containsEntry("env", "linux");
        });
    }

    @Test
    void theKernelsLinuxTwins() throws Exception {
        Path twins = Roots.project().resolve("nautilus/target/native/linux-twins");
        assumeTrue(Files.isExecutable(twins), "linux-twins is not built (make -C nautilus all)");
        Process p = new ProcessBuilder(twins.toString(), "50").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(benchLines(out)).isNotEmpty().allSatisfy(l -> assertThat(l.extra()).containsEntry("env", "linux"));
    }

    @Test
    void benchRuntimeAddsTheEnvLhrtBenchLeavesOut() {
        String line = "{\"bench\":\"single_launch\",\"impl\":\"lhrt-hrt\",\"unit\":\"ns\",\"n\":15,\"min\":1,\"median\":2,"
                + "\"p99\":3,\"max\":4,\"workers\":2}";
        assertThat(BenchCommand.Runtime.withEnv(line, "hvm-kvm")).isEqualTo(line.substring(0, line.length() - 1)
                + ",\"env\":\"hvm-kvm\"}");
        String has = line.replace("}", ",\"env\":\"linux\"}");
        assertThat(BenchCommand.Runtime.withEnv(has, "hvm-kvm")).isEqualTo(has);
        assertThat(BenchCommand.Runtime.withEnv("medians measured in this run", "linux")).isEqualTo("medians measured in this run");
    }

    /** A missing prerequisite is exit 2 with the fix named (it used to say only "is not built yet"). */
    @Test
    void aMissingBenchClassNamesTheFix() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchCommand.runMain("org.legionhrt.bench.NoSuch", new String[0]))
                .isInstanceOf(PrerequisiteException.class)
                .hasMessage("org.legionhrt.bench.NoSuch is not on the class path: build the bench module "
                        + "(./hrt rebuilds what is stale, or mvn -q package -DskipTests)");
    }
}
