package org.legionhrt.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Warms the JVM up before a measurement: runs an action (a boot) until the JIT has compiled
 * nothing for a number of runs in a row. On a 2-core host the C1/C2 threads otherwise take the
 * cores from the vCPUs being measured (a scheduler trace of nautilus bench right after JVM start:
 * 34 of 69 preemptions of a vCPU thread longer than 0.1 ms were by compiler threads).
 */
final class JitWarmup {
    /**
     * What a warm-up did.
     *
     * @param runs how many times the action ran
     * @param idle whether the JIT was seen idle at the end (false where the JVM cannot tell)
     */
    record Result(int runs, boolean idle) {
    }

    private JitWarmup() {
    }

    /** Runs {@code action} at least {@code min} times, then until {@code quiet} runs compiled nothing (at most {@code max}). */
    static Result run(Runnable action, int min, int quiet, int max) {
        CompilationMXBean jit = bean();
        long before = millis(jit);
        int runs = 0, still = 0;
        while (runs < min || (jit != null && still < quiet && runs < max)) {
            action.run();
            runs++;
            long now = millis(jit);
            still = now == before ? still + 1 : 0;
            before = now;
        }
        return new Result(runs, jit != null && still >= quiet);
    }

    /** Total JIT compilation time where the JVM reports it (a jlink'd runtime may lack java.management). */
    private static CompilationMXBean bean() {
        try {
            CompilationMXBean b = ManagementFactory.getCompilationMXBean();
            return b != null && b.isCompilationTimeMonitoringSupported() ? b : null;
        } catch (LinkageError e) {
            return null;
        }
    }

    private static long millis(CompilationMXBean b) {
        return b == null ? 0 : b.getTotalCompilationTime();
    }
}
