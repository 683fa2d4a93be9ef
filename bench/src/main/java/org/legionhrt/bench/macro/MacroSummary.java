package org.legionhrt.bench.macro;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.legionhrt.bench.Stats;

/**
 * Aggregates macro runs into one cell per (app, backend, CPUs): median, min and max seconds
 * over the validated runs, and the speed-up against {@code linux} with the same app and CPUs
 * (median over median). Failed runs are counted, never averaged in.
 */
public final class MacroSummary {

    /** The reference backend speed-ups are measured against. */
    public static final String BASELINE = "linux";

    /**
     * One cell of the table.
     *
     * @param app      application
     * @param backend  backend
     * @param cpus     worker CPUs
     * @param runs     validated runs counted
     * @param failed   runs that failed or did not validate
     * @param seconds  statistics of the validated runs' seconds; empty when none validated
     * @param gflops   median GFLOPS of the validated runs, NaN if not reported
     * @param speedup  baseline median / this median; NaN without a baseline
     */
    public record Cell(String app, String backend, int cpus, int runs, int failed,
                       Optional<Stats> seconds, double gflops, double speedup) {}

    private MacroSummary() {}

    /** {@return the cells of {@code runs}, ordered by app, CPUs, then backend} */
    public static List<Cell> of(List<MacroRun> runs) {
        Map<String, List<MacroRun>> groups = new TreeMap<>();
        for (MacroRun r : runs) {
            groups.computeIfAbsent(r.app() + '\0' + r.backend() + '\0' + r.cpus(), k -> new ArrayList<>()).add(r);
        }
        List<Cell> partial = new ArrayList<>();
        for (List<MacroRun> g : groups.values()) {
            MacroRun first = g.get(0);
            double[] secs = g.stream().filter(MacroRun::counts).mapToDouble(MacroRun::seconds).toArray();
            double[] gf = g.stream().filter(MacroRun::counts).mapToDouble(MacroRun::gflops)
                    .filter(Double::isFinite).toArray();
            Optional<Stats> s = secs.length == 0 ? Optional.empty() : Optional.of(Stats.of(secs));
            double gflops = gf.length == 0 ? Double.NaN : Stats.of(gf).median();
            partial.add(new Cell(first.app(), first.backend(), first.cpus(), secs.length,
                    g.size() - secs.length, s, gflops, Double.NaN));
        }
        List<Cell> cells = new ArrayList<>();
        for (Cell c : partial) {
            cells.add(new Cell(c.app(), c.backend(), c.cpus(), c.runs(), c.failed(), c.seconds(), c.gflops(),
                    speedup(c, partial)));
        }
        cells.sort(Comparator.comparing(Cell::app).thenComparingInt(Cell::cpus).thenComparing(Cell::backend));
        return cells;
    }

    private static double speedup(Cell c, List<Cell> all) {
        if (c.seconds().isEmpty()) {
            return Double.NaN;
        }
        return all.stream()
                .filter(b -> b.backend().equals(BASELINE) && b.app().equals(c.app()) && b.cpus() == c.cpus())
                .flatMap(b -> b.seconds().stream())
                .mapToDouble(b -> b.median() / c.seconds().get().median())
                .findFirst().orElse(Double.NaN);
    }
}
