package org.legionhrt.bench.macro;

/**
 * One run of a macrobenchmark: which app on which backend with how many CPUs, and what came
 * out. A run that failed or did not validate keeps its row (and its reason) but never enters
 * a median.
 *
 * @param app       {@code circuit} or {@code stencil}
 * @param backend   {@code linux}, {@code hrt}, {@code java} or {@code legion}
 * @param cpus      worker CPUs
 * @param size      size preset ({@code small}, {@code default}, {@code large})
 * @param repeat    index of this repetition, from 0
 * @param seconds   elapsed compute time, NaN when the run failed
 * @param gflops    throughput, NaN where the app reports none
 * @param validated whether the run's result was checked and correct
 * @param error     why the run failed or did not validate; empty when it validated
 */
public record MacroRun(String app, String backend, int cpus, String size, int repeat,
                       double seconds, double gflops, boolean validated, String error) {

    /** Normalises {@code error} to non-null. */
    public MacroRun {
        error = error == null ? "" : error;
    }

    /** {@return whether this run counts in the statistics} */
    public boolean counts() {
        return validated && Double.isFinite(seconds) && seconds > 0;
    }

    /** {@return a failed run with its reason} */
    public static MacroRun failed(String app, String backend, int cpus, String size, int repeat, String why) {
        return new MacroRun(app, backend, cpus, size, repeat, Double.NaN, Double.NaN, false, why);
    }
}
