package org.legionhrt.bench.micro;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legionhrt.bench.BenchLine;

class MicroReportTest {

    @TempDir
    Path dir;

    private final List<BenchLine> lines = List.of(
            BenchLine.parse("{\"bench\":\"thread_create\",\"impl\":\"nautilus\",\"unit\":\"cycles\",\"n\":100,"
                    + "\"min\":150,\"median\":200,\"p99\":260,\"max\":900,\"env\":\"hvm-kvm\","
                    + "\"pct\":[150,180,200,220,260,900]}"),
            BenchLine.parse("{\"bench\":\"thread_create\",\"impl\":\"linux\",\"unit\":\"cycles\",\"n\":100,"
                    + "\"min\":30000,\"median\":40000,\"p99\":90000,\"max\":200000,\"env\":\"linux\"}"),
            BenchLine.parse("{\"bench\":\"boot\",\"impl\":\"hvm\",\"unit\":\"ms\",\"n\":10,"
                    + "\"min\":3,\"median\":4,\"p99\":5,\"max\":5}"));

    @Test
    void ratiosPerPrimitive() {
        String md = MicroReport.markdown(lines, "micro");
        assertThat(md).contains("| thread_create | nautilus | hvm-kvm | cycles | 100 | 200 | 260 | 1.30 | 200.0× |",
                "| thread_create | linux | linux | cycles | 100 | 40000 | 90000 | 2.25 | 1 (baseline) |",
                "| boot | hvm |  | ms | 10 | 4.00 | 5.00 | 1.25 | — |");
        assertThat(lines.get(0).cdf()[0]).hasSize(6);
        assertThat(lines.get(0).cdf()[1]).containsExactly(0, 0.2, 0.4, 0.6, 0.8, 1);
        assertThat(lines.get(1).cdf()[0]).containsExactly(30000, 40000, 90000, 200000);
    }

    @Test
    void csvNumbersArePlainDigits() {
        BenchLine big = BenchLine.parse("{\"bench\":\"boot\",\"impl\":\"hrt\",\"unit\":\"ns\",\"n\":3,"
                + "\"min\":10039496,\"median\":10039496.5,\"p99\":1.5e7,\"max\":2.0e7}");
        assertThat(MicroReport.csv(List.of(big)).lines().skip(1).findFirst().orElseThrow())
                .startsWith("boot,hrt,,ns,3,10039496,10039496.5,15000000,20000000,").doesNotContain("E");
    }

    @Test
    void writesTablesAndOnePlotPerComparedPrimitive() throws Exception {
        List<Path> plots = MicroReport.write(dir, lines, "micro");
        assertThat(plots).containsExactly(dir.resolve("micro-thread_create.png"));
        assertThat(Files.size(plots.get(0))).isGreaterThan(5_000);
        assertThat(Files.readString(dir.resolve("micro.csv")).lines()).hasSize(4);
    }

    @Test
    void harnessGathersLinesAndReportsFailedSources() {
        var ok = new MicroHarness.Source("ok", List.of("sh", "-c",
                "echo 'noise'; echo '{\"bench\":\"x\",\"impl\":\"a\",\"unit\":\"ns\",\"n\":1,\"min\":1,\"median\":1,\"p99\":1,\"max\":1}'"));
        var bad = new MicroHarness.Source("bad", List.of("sh", "-c", "echo oops; exit 4"));
        MicroHarness.Result r = MicroHarness.run(List.of(bad, ok), 30, n -> { });
        assertThat(r.lines()).extracting(BenchLine::bench).containsExactly("x");
        assertThat(r.failures()).containsExactly("bad: exit 4, 0 bench lines");
    }

    @Test
    void smallSpeedUpsKeepTwoSignificantDigits() {
        assertThat(MicroReport.times(200.0)).isEqualTo("200.0×");
        assertThat(MicroReport.times(0.5)).isEqualTo("0.5×");
        assertThat(MicroReport.times(3151.0 / 344444)).isEqualTo("0.0091×");
    }
}
