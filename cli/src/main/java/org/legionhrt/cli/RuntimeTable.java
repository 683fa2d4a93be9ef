package org.legionhrt.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.legionhrt.bench.BenchLine;

/**
 * The human tables of {@code bench runtime}, printed after its JSON lines: the HRT's results
 * on their own, or, when both sides ran, the two medians side by side with their ratio.
 */
final class RuntimeTable {
    private RuntimeTable() {}

    /** Prints one row per benchmark of the HRT run: n, min, median, p99 and max. */
    static void hrt(PrintStream out, List<BenchLine> hrt) {
        out.println();
        out.printf("%-24s %7s %12s %12s %12s %12s  %s%n", "bench (hrt)", "n", "min", "median", "p99", "max", "unit");
        for (BenchLine b : hrt) {
            out.printf(Locale.ROOT, "%-24s %7d %12.1f %12.1f %12.1f %12.1f  %s%n", b.bench(), b.stats().n(),
                    b.stats().min(), b.stats().median(), b.stats().p99(), b.stats().max(), b.unit());
        }
    }

    /**
     * Prints the medians of both sides per benchmark, in the Linux run's order, and linux/hrt
     * (above 1: faster in the HRT); a benchmark one side lacks shows "-".
     */
    static void sideBySide(PrintStream out, List<BenchLine> linux, List<BenchLine> hrt) {
        Map<String, BenchLine> h = new LinkedHashMap<>();
        hrt.forEach(b -> h.put(b.bench(), b));
        Map<String, BenchLine> l = new LinkedHashMap<>();
        linux.forEach(b -> l.put(b.bench(), b));
        out.println();
        out.println("medians measured in this run (linux/hrt above 1: faster in the HRT)");
        out.printf("%-24s %14s %14s %10s  %s%n", "bench", "linux median", "hrt median", "linux/hrt", "unit");
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(l.keySet());
        names.addAll(h.keySet());
        for (String n : names) {
            BenchLine a = l.get(n);
            BenchLine b = h.get(n);
            boolean both = a != null && b != null && a.unit().equals(b.unit()) && b.stats().median() > 0;
            out.printf(Locale.ROOT, "%-24s %14s %14s %10s  %s%n", n, median(a), median(b),
                    both ? String.format(Locale.ROOT, "%.2fx", a.stats().median() / b.stats().median()) : "-",
                    (a != null ? a : b).unit());
        }
    }

    private static String median(BenchLine b) {
        return b == null ? "-" : String.format(Locale.ROOT, "%.1f", b.stats().median());
    }
}
