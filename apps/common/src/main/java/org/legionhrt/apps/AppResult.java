package org.legionhrt.apps;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The outcome of one app run, printed as one JSON summary line ({@code --json}) with the
 * fields the harness reads: {@code app}, {@code backend}, parameters, {@code seconds},
 * {@code gflops}, {@code validated}.
 *
 * @param app       app name
 * @param backend   backend it ran on
 * @param cpus      worker CPUs
 * @param params    the app's parameters, in flag order
 * @param seconds   timed compute seconds
 * @param gflops    GFLOPS by the app's flop model, NaN if it has none
 * @param validated whether validation ran and passed (false when skipped with --no-check)
 * @param detail    validation detail (worst error, or why it failed)
 */
public record AppResult(String app, Backend backend, int cpus, Map<String, Object> params, double seconds,
                        double gflops, boolean validated, String detail) {

    /** Copies {@code params} keeping their order. */
    public AppResult {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** {@return the JSON summary line} */
    public String toJson() {
        StringJoiner j = new StringJoiner(",", "{", "}");
        j.add(q("app") + ":" + q(app));
        j.add(q("backend") + ":" + q(backend.flag()));
        j.add(q("cpus") + ":" + cpus);
        params.forEach((k, v) -> j.add(q(k) + ":" + param(v)));
        j.add(q("seconds") + ":" + num(seconds));
        j.add(q("gflops") + ":" + (Double.isFinite(gflops) ? num(gflops) : "null"));
        j.add(q("validated") + ":" + validated);
        j.add(q("detail") + ":" + q(detail));
        return j.toString();
    }

    /** A parameter: whole numbers exactly (a long seed through a double lost digits: 1.23457e+18), others as num or a string. */
    private static String param(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return v.toString();
        }
        return v instanceof Number n ? num(n.doubleValue()) : q(String.valueOf(v));
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String q(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
