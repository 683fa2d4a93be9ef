// A plain timing loop over the same benchmark methods, used when the JMH metadata was not
// generated (javac >= 23 runs annotation processors only when asked: the build of bench/ needs
// <proc>full</proc>). Same states, same methods, same names; fewer statistical guarantees.
package org.legionhrt.bench.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.legionhrt.bench.Stats;

/** Times the {@link ApiBenchmarks} methods in this JVM: warm-up, then timed samples. */
final class FallbackHarness {
    private static final long WARMUP_NS = 2_000_000_000L;
    private static final long SAMPLE_NS = 300_000_000L;
    private static final int SAMPLES = 10;
    private static volatile long sink;

    private FallbackHarness() {}

    /** A benchmark body run {@code reps} times; returns something to keep the JIT honest. */
    @FunctionalInterface
    interface Body {
        long run(long reps);
    }

    /** {@return ns-per-operation statistics of each benchmark, by method name} */
    static Map<String, Stats> runAll() {
        ApiBenchmarks b = new ApiBenchmarks();
        Map<String, Stats> out = new LinkedHashMap<>();
        ApiBenchmarks.Rt rt = new ApiBenchmarks.Rt();
        rt.start();
        try {
            loop(out, "javaIndexLaunchEmpty", ApiBenchmarks.POINTS, () -> b.javaIndexLaunchEmpty(rt));
            loop(out, "javaIndexLaunchRegion", ApiBenchmarks.POINTS, () -> b.javaIndexLaunchRegion(rt));
            loop(out, "javaSingleLaunches", ApiBenchmarks.LAUNCHES, () -> b.javaSingleLaunches(rt));
            loop(out, "nativeIndexLaunchEmpty", ApiBenchmarks.POINTS, () -> b.nativeIndexLaunchEmpty(rt));
            loop(out, "nativeLaunch", 1, () -> b.nativeLaunch(rt));
            out.put("apiNullCall", time(1, n -> {
                long s = 0;
                for (long i = 0; i < n; i++) {
                    s += b.apiNullCall(rt);
                }
                return s;
            }));
        } finally {
            rt.stop();
        }
        ApiBenchmarks.PoolRt pool = new ApiBenchmarks.PoolRt();
        pool.start();
        try {
            loop(out, "javaIndexLaunchEmptyPool", ApiBenchmarks.POINTS, () -> b.javaIndexLaunchEmptyPool(pool));
        } finally {
            pool.stop();
        }
        ApiBenchmarks.QueueRt queue = new ApiBenchmarks.QueueRt();
        queue.start();
        try {
            loop(out, "javaIndexLaunchEmptyQueue", ApiBenchmarks.POINTS, () -> b.javaIndexLaunchEmptyQueue(queue));
        } finally {
            queue.stop();
        }
        if (ApiBench.hrtProblem() == null) {
            ApiBenchmarks.HrtJavaRt java = new ApiBenchmarks.HrtJavaRt();
            java.start();
            try {
                loop(out, "javaIndexLaunchEmptyHrt", ApiBenchmarks.POINTS, () -> b.javaIndexLaunchEmptyHrt(java));
                loop(out, "javaIndexLaunchRegionHrt", ApiBenchmarks.POINTS, () -> b.javaIndexLaunchRegionHrt(java));
                loop(out, "javaSingleLaunchesHrt", ApiBenchmarks.LAUNCHES, () -> b.javaSingleLaunchesHrt(java));
            } finally {
                java.stop();
            }
            ApiBenchmarks.HrtRt own = new ApiBenchmarks.HrtRt();
            timeHrt(own, "nativeLaunchHrt", () -> b.nativeLaunchHrt(own), out);
            ApiBenchmarks.HrtSharedRt shared = new ApiBenchmarks.HrtSharedRt();
            timeHrt(shared, "nativeLaunchHrtShared", () -> b.nativeLaunchHrtShared(shared), out);
        }
        ApiBenchmarks.Raw raw = new ApiBenchmarks.Raw();
        raw.start();
        try {
            out.put("ffmNullCall", time(1, n -> {
                long s = 0;
                for (long i = 0; i < n; i++) {
                    s += b.ffmNullCall(raw);
                }
                return s;
            }));
        } finally {
            raw.stop();
        }
        return out;
    }

    /** Times one launch-and-wait benchmark on a runtime of backend hrt, booted for it alone. */
    private static void timeHrt(ApiBenchmarks.HrtRt state, String method, Runnable launch, Map<String, Stats> out) {
        state.start();
        try {
            loop(out, method, 1, launch);
        } finally {
            state.stop();
        }
    }

    /** Times {@code call} (ops operations each) as benchmark {@code name}. */
    private static void loop(Map<String, Stats> out, String name, int ops, Runnable call) {
        out.put(name, time(ops, n -> {
            for (long i = 0; i < n; i++) {
                call.run();
            }
            return n;
        }));
    }

    /** Warms up, sizes a repetition count to ~SAMPLE_NS, then takes SAMPLES samples of ns/op. */
    private static Stats time(int opsPerCall, Body body) {
        long reps = 1;
        long start = System.nanoTime();
        while (System.nanoTime() - start < WARMUP_NS) {
            long t0 = System.nanoTime();
            sink += body.run(reps);
            if (System.nanoTime() - t0 < SAMPLE_NS / 4) {
                reps *= 2;
            }
        }
        List<Double> samples = new ArrayList<>();
        for (int s = 0; s < SAMPLES; s++) {
            long t0 = System.nanoTime();
            sink += body.run(reps);
            samples.add((System.nanoTime() - t0) / (double) (reps * opsPerCall));
        }
        return Stats.of(samples.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
