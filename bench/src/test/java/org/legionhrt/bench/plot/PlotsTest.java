package org.legionhrt.bench.plot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legionhrt.bench.macro.MacroRun;
import org.legionhrt.bench.macro.MacroSummary;

class PlotsTest {

    @TempDir
    Path dir;

    private static void assertRealPng(Path p) throws Exception {
        assertThat(p).exists();
        byte[] head = Files.readAllBytes(p);
        assertThat(head.length).isGreaterThan(5_000);
        assertThat(new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        BufferedImage img = ImageIO.read(p.toFile());
        assertThat(img.getWidth()).isGreaterThan(400);
        // Not a blank canvas: at least a few hundred non-white pixels.
        int ink = 0;
        for (int x = 0; x < img.getWidth(); x += 3) {
            for (int y = 0; y < img.getHeight(); y += 3) {
                ink += (img.getRGB(x, y) & 0xffffff) != 0xffffff ? 1 : 0;
            }
        }
        assertThat(ink).isGreaterThan(300);
    }

    @Test
    void macroAndLatencyPlotsAreRealImages() throws Exception {
        List<MacroRun> runs = List.of(
                new MacroRun("stencil", "linux", 1, "small", 0, 2.0, 1, true, ""),
                new MacroRun("stencil", "linux", 2, "small", 0, 1.2, 1, true, ""),
                new MacroRun("stencil", "hrt", 1, "small", 0, 1.6, 1, true, ""),
                new MacroRun("stencil", "hrt", 2, "small", 0, 0.9, 1, true, ""),
                new MacroRun("stencil", "hrt", 2, "small", 1, 1.1, 1, true, ""));
        List<MacroSummary.Cell> cells = MacroSummary.of(runs);
        Path t = dir.resolve("macro-stencil-time.png");
        Path s = dir.resolve("macro-stencil-speedup.png");
        Plots.macroTime("stencil", cells, "small", t);
        Plots.macroSpeedup("stencil", cells, "small", s);
        Path c = dir.resolve("micro-wakeup.png");
        Plots.latencyCdf("event_wakeup", "ns", Map.of("nautilus", Plots.empiricalCdf(new double[] {100, 110, 120, 130, 400}),
                "linux", Plots.empiricalCdf(new double[] {7000, 9000, 12000, 30000})), c);
        for (Path p : List.of(t, s, c)) {
            assertRealPng(p);
        }
    }

    /** A zero latency (cheaper than the clock's tick) used to drop its whole curve from the log-axis plot. */
    @Test
    void aZeroLatencyKeepsEveryCurveOnALinearAxis() throws Exception {
        Map<String, double[][]> curves = new java.util.LinkedHashMap<>();
        curves.put("nautilus (cycles)", new double[][] {{0, 0, 1, 2}, {0, 0.5, 0.99, 1}});
        curves.put("linux (cycles)", new double[][] {{16, 16, 18, 40}, {0, 0.5, 0.99, 1}});
        org.knowm.xchart.XYChart chart = Plots.latencyChart("spinlock_uncontended", "cycles", curves);
        assertThat(chart.getSeriesMap()).containsOnlyKeys("nautilus (cycles)", "linux (cycles)");
        assertThat(chart.getStyler().isXAxisLogarithmic()).isFalse();
        assertThat(chart.getXAxisTitle()).isEqualTo("cycles");
        curves.put("nautilus (cycles)", new double[][] {{1, 1, 1, 2}, {0, 0.5, 0.99, 1}});
        chart = Plots.latencyChart("spinlock_uncontended", "cycles", curves);
        assertThat(chart.getStyler().isXAxisLogarithmic()).isTrue();
        assertThat(chart.getXAxisTitle()).isEqualTo("cycles (log scale)");
        Path p = dir.resolve("micro-spinlock.png");
        Plots.latencyCdf("spinlock_uncontended", "cycles", curves, p);
        assertRealPng(p);
    }

    @Test
    void aMacroPlotWithoutAValidatedRunSaysSo() throws Exception {
        List<MacroSummary.Cell> cells = MacroSummary.of(List.of(MacroRun.failed("stencil", "linux", 1, "small", 0, "exit 1")));
        Path t = dir.resolve("macro-stencil-time.png");
        Plots.macroTime("stencil", cells, "small", t);
        assertThat(t).exists();
        assertThat(Plots.macroTimeTitle("stencil", false, "small")).isEqualTo("stencil: time per backend (small): no validated run");
    }
}
