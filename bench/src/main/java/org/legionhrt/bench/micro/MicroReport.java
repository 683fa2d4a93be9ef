package org.legionhrt.bench.micro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.legionhrt.bench.BenchLine;
import org.legionhrt.bench.plot.Plots;

/**
 * Tables and plots of microbenchmark lines: {@code micro.csv} (one row per line),
 * {@code micro.md} (per primitive: each implementation's median, p99, p99/median and its
 * speed-up over the Linux side) and one latency-distribution plot per primitive measured by
 * more than one implementation.
 */
public final class MicroReport {
    private MicroReport() {}

    /** The CSV header. */
    public static final String CSV_HEADER = "bench,impl,env,unit,n,min,median,p99,max,spread";

    /** {@return whether {@code impl} is the Linux side of a comparison} */
    static boolean isLinuxSide(String impl) {
        return impl.equals("linux") || impl.endsWith("-linux");
    }

    /** {@return the lines grouped by benchmark name, in first-seen order} */
    static Map<String, List<BenchLine>> byBench(List<BenchLine> lines) {
        Map<String, List<BenchLine>> m = new LinkedHashMap<>();
        lines.forEach(l -> m.computeIfAbsent(l.bench(), k -> new ArrayList<>()).add(l));
        return m;
    }

    /** {@return Linux median / this median for {@code line}, if its group has a Linux side in the same unit} */
    static Optional<Double> speedup(BenchLine line, List<BenchLine> group) {
        return group.stream().filter(b -> isLinuxSide(b.impl()) && b.unit().equals(line.unit()))
                .findFirst().filter(b -> line.stats().median() > 0)
                .map(b -> b.stats().median() / line.stats().median());
    }

    /** {@return the CSV text} */
    public static String csv(List<BenchLine> lines) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (BenchLine l : lines) {
            sb.append(String.join(",", cell(l.bench()), cell(l.impl()), cell(env(l)),
                    cell(l.unit()), Integer.toString(l.stats().n()), num(l.stats().min()), num(l.stats().median()),
                    num(l.stats().p99()), num(l.stats().max()), num(l.stats().spread()))).append('\n');
        }
        return sb.toString();
    }

    /** {@return a speed-up as "12.3×", or with two significant digits below 0.1 ("0.0091×"), never "0.0×"} */
    static String times(double v) {
        return v >= 0.1 || v == 0 ? String.format(Locale.ROOT, "%.1f×", v)
                : new java.math.BigDecimal(v).round(new java.math.MathContext(2)).toPlainString() + "×";
    }

    /** {@return the Markdown table} */
    public static String markdown(List<BenchLine> lines, String title) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n")
                .append("Speed-up = Linux-side median / this median (same unit, same run). ")
                .append("p99/median measures steadiness (1 = perfectly steady).\n\n")
                .append("| primitive | impl | env | unit | n | median | p99 | p99/median | speed-up vs linux |\n")
                .append("|---|---|---|---|---:|---:|---:|---:|---:|\n");
        byBench(lines).forEach((bench, group) -> {
            for (BenchLine l : group) {
                // A baseline only where the primitive is compared at all.
                String sp = group.size() < 2 ? "—" : isLinuxSide(l.impl()) ? "1 (baseline)"
                        : speedup(l, group).map(MicroReport::times).orElse("—");
                sb.append("| ").append(String.join(" | ", bench, l.impl(),
                        env(l), l.unit(),
                        Integer.toString(l.stats().n()), fmt(l.stats().median()), fmt(l.stats().p99()),
                        Double.isFinite(l.stats().spread()) ? String.format(Locale.ROOT, "%.2f", l.stats().spread()) : "—",
                        sp)).append(" |\n");
            }
        });
        return sb.toString();
    }

    /** Writes {@code micro.csv}, {@code micro.md} and the distribution plots; {@return the plots written} */
    public static List<Path> write(Path dir, List<BenchLine> lines, String title) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("micro.csv"), csv(lines));
        Files.writeString(dir.resolve("micro.md"), markdown(lines, title));
        List<Path> plots = new ArrayList<>();
        for (var e : byBench(lines).entrySet()) {
            if (e.getValue().size() < 2) {
                continue;
            }
            Map<String, double[][]> dist = new LinkedHashMap<>();
            e.getValue().forEach(l -> dist.put(l.impl() + " (" + l.unit() + ")", l.cdf()));
            Path png = dir.resolve("micro-" + e.getKey() + ".png");
            Plots.latencyCdf(e.getKey(), e.getValue().get(0).unit(), dist, png);
            plots.add(png);
        }
        return plots;
    }

    /**
     * {@return where the line's code ran ({@code hvm-kvm}, {@code qemu-tcg}, {@code linux}): every
     * producer of {@code ./hrt bench micro} says it; empty only for a line from elsewhere that does not}
     */
    static String env(BenchLine l) {
        return String.valueOf(l.extra().getOrDefault("env", ""));
    }

    /** A CSV text cell, quoted where it holds a comma, a quote or a line break. */
    private static String cell(String v) {
        return v.matches("[^,\"\r\n]*") ? v : '"' + v.replace("\"", "\"\"") + '"';
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /**
     * A CSV number: plain digits (no exponent, which spreadsheets and scripts read badly), or empty
     * where there is none (the spread p99/median of a line whose median is 0).
     */
    private static String num(double v) {
        return Double.isFinite(v) ? java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : "";
    }
}
