package org.legionhrt.bench.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.legionhrt.bench.Stats;
import org.legionhrt.bench.macro.MacroSummary;

/**
 * PNG plots of the harness, rendered headless with XChart: macro time per backend and CPU
 * count with min–max bars, macro speed-up against linux, and latency distributions (CDF on a
 * log axis) per primitive.
 */
public final class Plots {
    private static final int W = 900;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};
    private static final int H = 560;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /** Plots median seconds per backend against CPUs for one app, with a min–max bar per point. */
    public static void macroTime(String app, List<MacroSummary.Cell> cells, String params, Path png) throws IOException {
        Map<String, List<MacroSummary.Cell>> byBackend = cells.stream()
                .filter(c -> c.app().equals(app) && c.seconds().isPresent())
                .collect(Collectors.groupingBy(MacroSummary.Cell::backend, TreeMap::new, Collectors.toList()));
        // An empty plot says why it is empty (every run failed: macro.md has the reasons).
        XYChart chart = new XYChartBuilder().width(W).height(H)
                .title(macroTimeTitle(app, !byBackend.isEmpty(), params))
                .xAxisTitle("CPUs").yAxisTitle("seconds").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisDecimalPattern("#");
        int[] next = {0};
        byBackend.forEach((backend, cs) -> {
            double[] x = cs.stream().mapToDouble(MacroSummary.Cell::cpus).toArray();
            double[] y = cs.stream().mapToDouble(c -> c.seconds().get().median()).toArray();
            Color color = PALETTE[next[0]++ % PALETTE.length];
            XYSeries s = chart.addSeries(backend, x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(color);
            s.setMarkerColor(color);
            for (MacroSummary.Cell c : cs) {
                Stats st = c.seconds().get();
                XYSeries bar = chart.addSeries(backend + " range " + c.cpus(),
                        new double[] {c.cpus(), c.cpus()}, new double[] {st.min(), st.max()});
                bar.setShowInLegend(false);
                bar.setMarker(SeriesMarkers.RECTANGLE);
                bar.setLineColor(color);
                bar.setMarkerColor(color);
                bar.setLineStyle(new BasicStroke(2f));
            }
        });
        save(chart, png);
    }

    /** {@return the title of the time plot; {@code any}: whether a run validated} */
    static String macroTimeTitle(String app, boolean any, String params) {
        return app + ": time per backend (" + params + ")" + (any ? "" : ": no validated run");
    }

    /** Plots the speed-up against linux per backend and CPU count for one app (bars; 1 = parity). */
    public static void macroSpeedup(String app, List<MacroSummary.Cell> cells, String params, Path png) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(W).height(H)
                .title(app + ": speed-up vs linux (" + params + ")").xAxisTitle("CPUs")
                .yAxisTitle("linux median / backend median").build();
        style(chart.getStyler());
        Map<String, List<MacroSummary.Cell>> byBackend = cells.stream()
                .filter(c -> c.app().equals(app) && Double.isFinite(c.speedup()))
                .collect(Collectors.groupingBy(MacroSummary.Cell::backend, TreeMap::new, Collectors.toList()));
        if (byBackend.isEmpty()) {
            chart.addSeries("no baseline", List.of("—"), List.of(0));
        }
        byBackend.forEach((backend, cs) -> chart.addSeries(backend,
                cs.stream().map(c -> Integer.toString(c.cpus())).toList(),
                cs.stream().map(MacroSummary.Cell::speedup).toList()));
        save(chart, png);
    }

    /**
     * Plots cumulative latency distributions, one curve ({@code {x[], y[]}}) per implementation,
     * on a log axis (linear where a latency is 0): the faster implementation sits left, the
     * steadier one rises more steeply.
     */
    public static void latencyCdf(String primitive, String unit, Map<String, double[][]> curves, Path png)
            throws IOException {
        save(latencyChart(primitive, unit, curves), png);
    }

    /** {@return the chart {@link #latencyCdf} draws} */
    static XYChart latencyChart(String primitive, String unit, Map<String, double[][]> curves) {
        // A log axis cannot show a zero latency (a primitive cheaper than the clock's tick): then
        // every curve goes on a linear axis rather than that one being left out.
        boolean log = curves.values().stream().allMatch(xy -> Arrays.stream(xy[0]).allMatch(v -> v > 0));
        XYChart chart = new XYChartBuilder().width(W).height(H)
                .title(primitive + ": latency distribution").xAxisTitle(unit + (log ? " (log scale)" : ""))
                .yAxisTitle("fraction of samples ≤ x").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLogarithmic(log);
        int[] next = {0};
        curves.forEach((impl, xy) -> {
            if (xy[0].length == 0) {
                return;
            }
            XYSeries s = chart.addSeries(impl, xy[0], xy[1]);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(PALETTE[next[0] % PALETTE.length]);
            s.setMarkerColor(PALETTE[next[0]++ % PALETTE.length]);
        });
        return chart;
    }

    /** {@return the empirical CDF {x[], y[]} of raw samples} */
    public static double[][] empiricalCdf(double[] samples) {
        double[] x = samples.clone();
        Arrays.sort(x);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (i + 1) / (double) x.length;
        }
        return new double[][] {x, y};
    }

    private static void style(org.knowm.xchart.style.AxesChartStyler s) {
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotGridLinesVisible(true);
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) throws IOException {
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
