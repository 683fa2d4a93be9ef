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

    /** A line that breaks the format, or a name compared in two units, is a failure of the run, not a row. */
    @Test
    void harnessReportsLinesThatBreakTheFormat() {
        String line = "{\"bench\":\"%s\",\"impl\":\"%s\",\"unit\":\"%s\",\"n\":1,\"min\":1,\"median\":1,\"p99\":1,\"max\":1}";
        var src = new MicroHarness.Source("src", List.of("sh", "-c", "echo '" + String.format(line, "Boot-Time", "hrt", "ns") + "'; "
                + "echo '" + String.format(line, "boot", "hrt", "us") + "'; echo '" + String.format(line, "boot", "linux", "ms") + "'"));
        MicroHarness.Result r = MicroHarness.run(List.of(src), 30, n -> { });
        assertThat(r.lines()).extracting(BenchLine::impl).containsExactly("hrt", "linux");
        assertThat(r.failures()).hasSize(2);
        assertThat(r.failures().get(0)).startsWith("src: bench line Boot-Time/hrt: \"bench\" must be snake_case");
        assertThat(r.failures().get(1)).isEqualTo("bench boot: the implementations compared differ in unit {hrt=us, linux=ms}");
    }

    /** The CSV: a header, the same column count on every row, no empty cell but a spread without median, numbers that parse. */
    @Test
    void csvRowsAreCompleteAndAgreeWithTheMarkdown() {
        List<BenchLine> all = new java.util.ArrayList<>(lines);
        all.add(BenchLine.parse("{\"bench\":\"spin\",\"impl\":\"nautilus\",\"unit\":\"cycles\",\"n\":5,"
                + "\"min\":0,\"median\":0,\"p99\":1,\"max\":2,\"env\":\"qemu-tcg, slow\"}"));
        List<String> csv = MicroReport.csv(all).lines().toList();
        assertThat(csv.get(0)).isEqualTo(MicroReport.CSV_HEADER);
        String md = MicroReport.markdown(all, "micro");
        for (String row : csv.subList(1, csv.size())) {
            List<String> cells = splitCsv(row);
            assertThat(cells).as(row).hasSize(10);
            for (int i = 4; i < 9; i++) {
                Double.parseDouble(cells.get(i));
            }
            if (!cells.get(6).equals("0")) {
                Double.parseDouble(cells.get(9));
            }
            // Each CSV row has its Markdown row: the same primitive, impl, env, unit and n.
            assertThat(md).contains("| " + String.join(" | ", cells.subList(0, 5)) + " | ");
        }
        assertThat(csv.get(3)).startsWith("boot,hvm,,ms,");      // a line from elsewhere without env: empty, nothing invented
        assertThat(csv.get(4)).isEqualTo("spin,nautilus,\"qemu-tcg, slow\",cycles,5,0,0,1,2,");
        assertThat(md).contains("| spin | nautilus | qemu-tcg, slow | cycles | 5 | 0.00 | 1.00 | — | — |").doesNotContain("Infinity");
    }

    /** A tiny CSV reader: commas outside double quotes split, "" inside them is a quote. */
    private static List<String> splitCsv(String row) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < row.length(); i++) {
            char c = row.charAt(i);
            if (quoted && c == '"' && i + 1 < row.length() && row.charAt(i + 1) == '"') {
                cur.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
