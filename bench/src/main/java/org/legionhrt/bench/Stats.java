package org.legionhrt.bench;

import java.util.Arrays;

/**
 * Order statistics of one benchmark's samples, as the project reports them: n, min, median,
 * p99, max. Percentiles use the nearest-rank method, so every value is a measured sample.
 *
 * @param n      number of samples
 * @param min    smallest sample
 * @param median 50th percentile
 * @param p99    99th percentile
 * @param max    largest sample
 */
public record Stats(int n, double min, double median, double p99, double max) {

    /** {@return the statistics of {@code samples}} (not modified) @throws IllegalArgumentException if empty */
    public static Stats of(double... samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples: a benchmark must measure at least once");
        }
        double[] s = samples.clone();
        Arrays.sort(s);
        return new Stats(s.length, s[0], rank(s, 0.50), rank(s, 0.99), s[s.length - 1]);
    }

    /** Nearest-rank percentile of sorted values: the smallest value with at least q of the mass. */
    static double rank(double[] sorted, double q) {
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    /** {@return p99 / median, the steadiness figure of the paper (1 = perfectly steady)} */
    public double spread() {
        return median == 0 ? Double.POSITIVE_INFINITY : p99 / median;
    }
}
