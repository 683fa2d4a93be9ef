package org.legionhrt.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One benchmark result in the project's JSON-line format
 * ({@code {"bench":…,"impl":…,"unit":…,"n":…,"min":…,"median":…,"p99":…,"max":…}} plus extra
 * fields such as {@code env}, {@code cores}, {@code tsc_hz}). Producers in C, in the kernel and
 * in Java all print this shape; {@link #parse} reads any of them back.
 *
 * @param bench  snake_case benchmark name, shared by the implementations compared
 * @param impl   implementation ({@code nautilus}, {@code linux}, {@code lhrt-hrt}, …)
 * @param unit   {@code cycles}, {@code ns}, {@code us}, {@code ms} or {@code s}
 * @param stats  the order statistics
 * @param extra  other fields, in order (strings or numbers)
 */
public record BenchLine(String bench, String impl, String unit, Stats stats, Map<String, Object> extra) {

    private static final Pattern FIELD = Pattern.compile(
            "\"([A-Za-z0-9_]+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|-?[0-9.eE+-]+|true|false|null|\\[[-0-9.eE+,\\s]*\\])");

    /** The units a result may be in ({@code CONVENTIONS.md}). */
    public static final Set<String> UNITS = Set.of("cycles", "ns", "us", "ms", "s");

    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

    /**
     * Validates the fields against the project's format and copies {@code extra}: a line that
     * breaks it (a name with capitals or dashes, an unknown unit, no samples, a NaN, statistics
     * out of order) is refused here rather than written into tables, plots and file names.
     *
     * @throws IllegalArgumentException naming the field at fault
     */
    public BenchLine {
        Objects.requireNonNull(bench, "bench");
        Objects.requireNonNull(impl, "impl");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(stats, "stats");
        String what = "bench line " + bench + "/" + impl + ": ";
        if (!SNAKE_CASE.matcher(bench).matches()) {
            throw new IllegalArgumentException(what + "\"bench\" must be snake_case (a-z, 0-9, single underscores)");
        }
        if (impl.isBlank()) {
            throw new IllegalArgumentException(what + "\"impl\" is empty");
        }
        if (!UNITS.contains(unit)) {
            throw new IllegalArgumentException(what + "\"unit\" " + unit + " is not one of " + new TreeSet<>(UNITS));
        }
        if (stats.n() < 1) {
            throw new IllegalArgumentException(what + "\"n\" " + stats.n() + ": a result has at least one sample");
        }
        double[] s = {stats.min(), stats.median(), stats.p99(), stats.max()};
        for (double v : s) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(what + "a statistic is not a finite number: " + stats);
            }
        }
        if (!(s[0] <= s[1] && s[1] <= s[2] && s[2] <= s[3])) {
            throw new IllegalArgumentException(what + "statistics out of order (min <= median <= p99 <= max): " + stats);
        }
        extra = Map.copyOf(extra);
    }

    /**
     * {@return what breaks the rule that the implementations compared under one benchmark name
     * share its unit: one message per such name, empty when none}
     */
    public static List<String> unitMismatches(List<BenchLine> lines) {
        Map<String, Map<String, String>> units = new LinkedHashMap<>();
        lines.forEach(l -> units.computeIfAbsent(l.bench(), k -> new LinkedHashMap<>()).putIfAbsent(l.impl(), l.unit()));
        List<String> out = new ArrayList<>();
        units.forEach((bench, byImpl) -> {
            if (new HashSet<>(byImpl.values()).size() > 1) {
                out.add("bench " + bench + ": the implementations compared differ in unit " + byImpl);
            }
        });
        return out;
    }

    /** {@return this result as one JSON line} */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        sb.append(str("bench", bench)).append(',').append(str("impl", impl)).append(',')
          .append(str("unit", unit)).append(",\"n\":").append(stats.n())
          .append(",\"min\":").append(num(stats.min())).append(",\"median\":").append(num(stats.median()))
          .append(",\"p99\":").append(num(stats.p99())).append(",\"max\":").append(num(stats.max()));
        new java.util.TreeMap<>(extra).forEach((k, v) -> sb.append(',').append(switch (v) {
            case Number n -> "\"" + k + "\":" + num(n.doubleValue());
            case Boolean b -> "\"" + k + "\":" + b;
            case double[] a -> "\"" + k + "\":" + java.util.Arrays.stream(a).mapToObj(BenchLine::num)
                    .collect(java.util.stream.Collectors.joining(",", "[", "]"));
            default -> str(k, String.valueOf(v));
        }));
        return sb.append('}').toString();
    }

    /**
     * Parses one JSON line of the project's format.
     *
     * @throws IllegalArgumentException if a required field is missing or not a number
     */
    public static BenchLine parse(String line) {
        Map<String, String> f = new LinkedHashMap<>();     // raw JSON values: "text" quoted, others bare
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            f.put(m.group(1), m.group(2));
        }
        for (String k : new String[] {"bench", "impl", "unit", "n", "min", "median", "p99", "max"}) {
            if (!f.containsKey(k)) {
                throw new IllegalArgumentException("bench line lacks \"" + k + "\": " + line);
            }
        }
        Stats s = new Stats(count(f.remove("n")), d(f.remove("min")),
                d(f.remove("median")), d(f.remove("p99")), d(f.remove("max")));
        String bench = text("bench", f.remove("bench"));
        String impl = text("impl", f.remove("impl"));
        String unit = text("unit", f.remove("unit"));
        Map<String, Object> extra = new LinkedHashMap<>();
        // Each extra keeps its JSON type (text, number, boolean, array), so toJson writes it back alike.
        f.forEach((k, v) -> {
            if (v.startsWith("\"")) {
                extra.put(k, text(k, v));
            } else if (v.startsWith("[")) {
                extra.put(k, array(v));
            } else if (v.equals("true") || v.equals("false")) {
                extra.put(k, Boolean.valueOf(v));
            } else if (!v.equals("null")) {
                extra.put(k, d(v));
            }
        });
        return new BenchLine(bench, impl, unit, s, extra);
    }

    /** {@return the text of a JSON string value, unescaped} @throws IllegalArgumentException if it is not one */
    private static String text(String key, String raw) {
        if (raw.length() < 2 || !raw.startsWith("\"")) {
            throw new IllegalArgumentException("bench line: \"" + key + "\" must be a string, not " + raw);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < raw.length() - 1; i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length() - 1) {
                char e = raw.charAt(++i);
                sb.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> e;                     // \" \\ \/ and the rest as themselves
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * {@return the cumulative distribution this line carries, as {@code {x[], y[]}}: its
     * {@code pct} array (percentiles 0..100, evenly spaced) when present, else the order
     * statistics (min, median, p99, max at 0, 0.5, 0.99, 1) as a coarse one}
     */
    public double[][] cdf() {
        if (extra.get("pct") instanceof double[] pct && pct.length > 1) {
            double[] y = new double[pct.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = i / (double) (y.length - 1);
            }
            return new double[][] {pct.clone(), y};
        }
        return new double[][] {{stats.min(), stats.median(), stats.p99(), stats.max()}, {0, 0.5, 0.99, 1}};
    }

    private static double[] array(String v) {
        String body = v.substring(1, v.length() - 1).strip();
        if (body.isEmpty()) {
            return new double[0];
        }
        String[] parts = body.split("\\s*,\\s*");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = d(parts[i]);
        }
        return out;
    }

    /** {@code n} is a whole count: 10000 or 1e4, never 1.5. */
    private static int count(String v) {
        double n = d(v);
        if (n != Math.rint(n) || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("\"n\" must be a whole number of samples, not " + v);
        }
        return (int) n;
    }

    private static double d(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number in bench line: " + v, e);
        }
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String str(String k, String v) {
        return "\"" + k + "\":\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                .replace("\r", "\\r").replace("\t", "\\t") + "\"";
    }
}
