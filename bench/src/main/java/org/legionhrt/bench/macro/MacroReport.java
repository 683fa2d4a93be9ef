package org.legionhrt.bench.macro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes macro runs as {@code macro.csv} (one row per run) and {@code macro.md} (one row per cell). */
public final class MacroReport {
    private MacroReport() {}

    /** The CSV header, one column per {@link MacroRun} component. */
    public static final String CSV_HEADER = "app,backend,cpus,size,repeat,seconds,gflops,validated,error";

    /** {@return the CSV text of {@code runs}} */
    public static String csv(List<MacroRun> runs) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (MacroRun r : runs) {
            sb.append(String.join(",", r.app(), r.backend(), Integer.toString(r.cpus()), r.size(),
                    Integer.toString(r.repeat()), num(r.seconds()), num(r.gflops()),
                    Boolean.toString(r.validated()), quote(r.error()))).append('\n');
        }
        return sb.toString();
    }

    /** {@return a Markdown table per app: median, min, max seconds and speed-up vs linux per cell} */
    public static String markdown(List<MacroSummary.Cell> cells, String title) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n");
        String app = null;
        for (MacroSummary.Cell c : cells) {
            if (!c.app().equals(app)) {
                app = c.app();
                sb.append("\n## ").append(app).append("\n\n")
                  .append("| backend | cpus | runs | failed | median s | min s | max s | GFLOPS | speed-up vs linux |\n")
                  .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            }
            List<String> cols = new ArrayList<>(List.of(c.backend(), Integer.toString(c.cpus()),
                    Integer.toString(c.runs()), Integer.toString(c.failed())));
            if (c.seconds().isPresent()) {
                cols.add(fmt(c.seconds().get().median()));
                cols.add(fmt(c.seconds().get().min()));
                cols.add(fmt(c.seconds().get().max()));
            } else {
                cols.addAll(List.of("failed", "—", "—"));
            }
            cols.add(Double.isFinite(c.gflops()) ? fmt(c.gflops()) : "—");
            cols.add(Double.isFinite(c.speedup()) ? String.format(Locale.ROOT, "%.2f×", c.speedup()) : "—");
            sb.append("| ").append(String.join(" | ", cols)).append(" |\n");
        }
        return sb.toString();
    }

    /** Writes {@code macro.csv} and {@code macro.md} into {@code dir}. */
    public static void write(Path dir, List<MacroRun> runs, String title) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("macro.csv"), csv(runs));
        Files.writeString(dir.resolve("macro.md"), markdown(MacroSummary.of(runs), title));
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.1f" : v >= 1 ? "%.3f" : "%.4g", v);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    /** The error cell: quoted, and on the run's one line (a CR would split it for line readers too). */
    private static String quote(String s) {
        return s.isEmpty() ? "" : '"' + s.replace("\"", "\"\"").replaceAll("\\R", " ") + '"';
    }
}
