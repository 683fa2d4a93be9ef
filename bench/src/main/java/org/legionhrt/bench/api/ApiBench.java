// `./hrt bench api`: runs the JMH benchmarks of the Java API (one short fork each) and prints,
// after JMH's table, one JSON line per figure in the project's format (BenchLine).
package org.legionhrt.bench.api;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.legionhrt.bench.BenchLine;
import org.legionhrt.bench.Stats;
import org.legionhrt.hvm.kvm.Kvm;
import org.legionhrt.hvm.kvm.KvmProbe;
import org.legionhrt.legion.internal.LinuxBackend;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;

/** Entry point of the API benchmarks; see {@link ApiBenchmarks}. */
public final class ApiBench {
    private ApiBench() {}

    /** Runs the benchmarks; extra args are JMH include patterns (default: all of ApiBenchmarks). */
    public static void main(String[] args) throws RunnerException {
        for (BenchLine l : run(args)) {
            System.out.println(l.toJson());
        }
    }

    /** {@return the JSON lines of one run} */
    public static List<BenchLine> run(String... include) throws RunnerException {
        if (ApiBench.class.getClassLoader().getResource("META-INF/BenchmarkList") == null) {
            System.err.println("bench api: JMH metadata missing (javac >= 23 skips annotation processors unless "
                    + "bench/pom.xml sets <proc>full</proc>); timing with the built-in harness instead");
            List<BenchLine> lines = new ArrayList<>();
            FallbackHarness.runAll().forEach((method, s) -> lines.add(line(method, s)));
            lines.forEach(l -> System.err.printf("%-28s %12.1f ns/op (median of %d)%n", l.bench(), l.stats().median(),
                    l.stats().n()));
            return lines;
        }
        String root = LinuxBackend.projectRoot().toString();
        OptionsBuilder ob = new OptionsBuilder();
        if (include.length == 0) {
            ob.include(ApiBenchmarks.class.getName() + "\\.");
        }
        for (String i : include) {
            ob.include(i);
        }
        String noHrt = hrtProblem();
        if (noHrt != null) {
            System.err.println("bench api: skipping the hrt rows: " + noHrt);
            ob.exclude(".*Hrt.*");
        }
        Options opts = ob.jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Dlegionhrt.root=" + root,
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .shouldFailOnError(true).build();
        // JMH's progress and table go to stderr: stdout carries only the JSON lines (CONVENTIONS.md).
        Collection<RunResult> results = new Runner(opts, jmhOutput(System.err)).run();
        List<BenchLine> lines = new ArrayList<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            if (jsonName(method) == null) {
                continue;
            }
            Statistics st = r.getPrimaryResult().getStatistics();
            lines.add(line(method, new Stats((int) st.getN(), st.getMin(), st.getPercentile(50), st.getPercentile(99),
                    st.getMax())));
        }
        return lines;
    }

    /** {@return JMH's human output, written to {@code to}} */
    static OutputFormat jmhOutput(PrintStream to) {
        return OutputFormatFactory.createFormatInstance(to, VerboseMode.NORMAL);
    }

    /** {@return why backend hrt cannot run here, or null if it can} */
    static String hrtProblem() {
        KvmProbe p = Kvm.probe();
        return p.usable() ? null : p.problem();
    }

    /** {@return the JSON line of benchmark method {@code method}} */
    static BenchLine line(String method, Stats s) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("workers", ApiBenchmarks.WORKERS);
        extra.put("cores", java.lang.Runtime.getRuntime().availableProcessors());
        boolean hrt = method.contains("Hrt");
        extra.put("env", hrt ? "hvm-kvm" : "linux");   // where the runtime ran, as the kernel's lines say
        if (hrt) {
            boolean shared = method.endsWith("Shared");
            extra.put("hrt_cores", shared ? ApiBenchmarks.WORKERS : ApiBenchmarks.WORKERS + 1);
            extra.put("call_server", shared ? "shares cpu 0" : "own cpu");
        }
        if (method.contains("IndexLaunch")) {
            extra.put("points", ApiBenchmarks.POINTS);
        }
        if (method.startsWith("java")) {   // backend hrt always pulls Java bodies from the runtime's queue
            extra.put("java_exec", method.endsWith("Pool") ? "pool" : method.endsWith("Queue") || hrt ? "queue" : "inline");
        }
        if (method.contains("Region")) {
            extra.put("accessors_per_task", 1);
        }
        if (method.contains("SingleLaunches")) {
            extra.put("launches", ApiBenchmarks.LAUNCHES);
        }
        return new BenchLine(jsonName(method), hrt ? "hrt" : "linux", "ns", s, extra);
    }

    /** {@return the project's name of a JMH benchmark method, or null if not reported} */
    static String jsonName(String method) {
        return switch (method) {
            case "javaIndexLaunchEmpty", "javaIndexLaunchEmptyHrt" -> "java_index_launch_empty";
            case "javaIndexLaunchEmptyPool" -> "java_index_launch_empty_pool";
            case "javaIndexLaunchEmptyQueue" -> "java_index_launch_empty_queue";
            case "javaIndexLaunchRegion", "javaIndexLaunchRegionHrt" -> "java_index_launch_region";
            case "javaSingleLaunches", "javaSingleLaunchesHrt" -> "java_single_launch";
            case "nativeIndexLaunchEmpty" -> "native_index_launch_empty";
            case "nativeLaunch", "nativeLaunchHrt" -> "native_launch";
            case "nativeLaunchHrtShared" -> "native_launch_shared_cpu0";
            case "apiNullCall" -> "api_null_call";
            case "ffmNullCall" -> "ffm_null_call";
            default -> null;
        };
    }
}
