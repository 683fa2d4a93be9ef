package org.legionhrt.bench.macro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MacroSummaryTest {

    private static MacroRun ok(String backend, int cpus, int rep, double s) {
        return new MacroRun("circuit", backend, cpus, "small", rep, s, 10 / s, true, "");
    }

    private final List<MacroRun> runs = List.of(
            ok("linux", 1, 0, 4.0), ok("linux", 1, 1, 2.0), ok("linux", 1, 2, 3.0),
            ok("hrt", 1, 0, 1.0), ok("hrt", 1, 1, 2.0), ok("hrt", 1, 2, 1.5),
            // An invalid fast run must not drag the median down.
            new MacroRun("circuit", "hrt", 1, "small", 3, 0.001, 1e4, false, "validation: voltage off by 3%"),
            MacroRun.failed("circuit", "java", 1, "small", 0, "exit 1"));

    @Test
    void mediansAndSpeedupsFromKnownRuns() {
        List<MacroSummary.Cell> cells = MacroSummary.of(runs);
        assertThat(cells).extracting(MacroSummary.Cell::backend).containsExactly("hrt", "java", "linux");
        MacroSummary.Cell hrt = cells.get(0);
        assertThat(hrt.runs()).isEqualTo(3);
        assertThat(hrt.failed()).isEqualTo(1);
        assertThat(hrt.seconds().orElseThrow().median()).isEqualTo(1.5);
        assertThat(hrt.seconds().orElseThrow().min()).isEqualTo(1.0);
        assertThat(hrt.speedup()).isCloseTo(3.0 / 1.5, within(1e-12));
        MacroSummary.Cell java = cells.get(1);
        assertThat(java.seconds()).isEmpty();
        assertThat(java.failed()).isEqualTo(1);
        assertThat(java.speedup()).isNaN();
        assertThat(cells.get(2).speedup()).isEqualTo(1.0);
    }

    @Test
    void csvAndMarkdownCarryEveryRunAndCell() {
        String csv = MacroReport.csv(runs);
        assertThat(csv.lines()).hasSize(runs.size() + 1).first().isEqualTo(MacroReport.CSV_HEADER);
        assertThat(csv).contains("\"validation: voltage off by 3%\"");
        String md = MacroReport.markdown(MacroSummary.of(runs), "macro");
        assertThat(md).contains("## circuit", "| hrt | 1 | 3 | 1 | 1.500 | 1.000 | 2.000 |", "2.00×",
                "| java | 1 | 0 | 1 | failed |");
    }

    /**
     * macro.csv: a header, one line per run whatever its error says (a CR or CRLF used to stay in the
     * quoted cell and split the run for line readers), nine columns on each, and the cells a run
     * must have: seconds when it validated, the reason when it did not.
     */
    @Test
    void csvHasOneCompleteLinePerRun() {
        List<MacroRun> all = new java.util.ArrayList<>(runs);
        all.add(MacroRun.failed("stencil", "hrt", 2, "small", 0, "exit 1: hrt: task \"a,b\" failed\r\nat line 3\rthen 4"));
        List<String> lines = MacroReport.csv(all).lines().toList();
        assertThat(lines).hasSize(all.size() + 1);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);   // commas outside quotes
            assertThat(cells).as(line).hasSize(9);
            for (int i : new int[] {0, 1, 2, 3, 4, 7}) {
                assertThat(cells[i]).as(line).isNotEmpty();
            }
            boolean validated = Boolean.parseBoolean(cells[7]);
            assertThat(validated ? cells[5] : cells[8]).as(line).isNotEmpty();
            if (validated) {
                assertThat(Double.parseDouble(cells[5])).isPositive();
            }
        }
        assertThat(lines.getLast()).isEqualTo("stencil,hrt,2,small,0,,,false,\"exit 1: hrt: task \"\"a,b\"\" failed at line 3 then 4\"");
    }
}
