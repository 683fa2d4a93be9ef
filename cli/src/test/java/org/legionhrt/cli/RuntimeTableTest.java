package org.legionhrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.legionhrt.bench.BenchLine;

class RuntimeTableTest {

    private static BenchLine line(String bench, String impl, double median) {
        return BenchLine.parse("{\"bench\":\"" + bench + "\",\"impl\":\"" + impl + "\",\"unit\":\"ns\",\"n\":15,\"min\":1,"
                + "\"median\":" + median + ",\"p99\":9000,\"max\":10000}");
    }

    private static String print(java.util.function.Consumer<PrintStream> p) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        p.accept(new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void bothSidesGiveMediansAndTheRatio() {
        String t = print(out -> RuntimeTable.sideBySide(out,
                List.of(line("single_launch", "lhrt-linux", 1237.5), line("only_linux", "lhrt-linux", 5)),
                List.of(line("single_launch", "lhrt-hrt", 516.2))));
        assertThat(t).contains("bench", "linux median", "hrt median", "linux/hrt")
                .containsPattern("single_launch +1237\\.5 +516\\.2 +2\\.40x +ns")
                .containsPattern("only_linux +5\\.0 +- +- +ns");
    }

    @Test
    void hrtAloneGetsItsOwnTable() {
        String t = print(out -> RuntimeTable.hrt(out, List.of(line("single_launch", "lhrt-hrt", 516.2))));
        assertThat(t).containsPattern("single_launch +15 +1\\.0 +516\\.2 +9000\\.0 +10000\\.0 +ns");
    }

    @Test
    void progressIsPlainLinesWithoutATerminal() {
        assertThat(Progress.stderrIsTerminal()).isFalse();      // surefire's stderr is a pipe
        PrintStream saved = System.err;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        System.setErr(new PrintStream(b, true, StandardCharsets.UTF_8));
        try (Progress p = Progress.start("macro", 2)) {
            p.step("circuit/linux/1");
            p.step("stencil/linux/1 FAILED");
        } finally {
            System.setErr(saved);
        }
        assertThat(b.toString(StandardCharsets.UTF_8)).isEqualTo("macro: 1/2 circuit/linux/1\nmacro: 2/2 stencil/linux/1 FAILED\n")
                .doesNotContain("\r");
    }
}
