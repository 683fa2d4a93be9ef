package org.legionhrt.apps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.legionhrt.legion.RuntimeConfig;
import org.legionhrt.legion.TaskTrace;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options every app shares, as a picocli mixin: backend, workers (also Legion's
 * {@code -ll:cpu}), validation, JSON output and a task trace.
 */
public final class AppOptions {

    /** The runtime's most workers (lhrt_runtime_create in legion-hrt-port/src/runtime.c refuses more). */
    public static final int MAX_CPUS = RuntimeConfig.MAX_WORKERS;

    Backend backend;

    int cpus;

    @Option(names = "--hrt-cores", defaultValue = "0",
            description = "Backend hrt: vCPUs of the HRT (0 = --cpus + 1: one serves calls; "
                    + "up to --cpus: the call server shares CPU 0 with a worker; at most 4 per host CPU, counting at least 2).")
    int hrtCores;

    /** Unset (null) unless given, so that giving it on another backend can be refused, as --hrt-cores is. */
    @Option(names = "--hrt-task-limit",
            description = "Backend hrt: seconds a native task may keep its HRT CPU before it counts as hung and the "
                    + "run stops with its name and the vCPUs' state (0 = no limit; default " + DEFAULT_TASK_LIMIT_S + ").")
    Long hrtTaskLimitSeconds;

    /** The default of --hrt-task-limit, in seconds (RuntimeConfig.DEFAULT_HRT_TASK_LIMIT). */
    static final long DEFAULT_TASK_LIMIT_S = 300;

    @Option(names = "--no-check", description = "Skip the validation against the sequential reference.")
    boolean noCheck;

    @Option(names = "--json", description = "Also print one JSON summary line.")
    boolean json;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;            // the app's command (null when these options are parsed on their own)
    @Spec
    CommandSpec self;

    /** {@code --backend NAME}, refused while parsing with the choices when NAME is none of them. */
    @Option(names = "--backend", paramLabel = "hrt|linux|java",
            description = "linux (native kernels), java (Java kernels) or hrt (native kernels in the HRT under the "
                    + "HVM; the default where /dev/kvm is usable, else linux).")
    void setBackend(String name) {
        backend = Backend.find(name).orElseThrow(() -> new ParameterException(commandLine(),
                "unknown --backend '" + name + "': use " + Backend.CHOICES));
    }

    /** {@code --cpus N} (Legion's {@code -ll:cpu}), refused while parsing when N is not a whole number. */
    @Option(names = {"--cpus", "-ll:cpu"}, paramLabel = "N", defaultValue = "0",
            description = "Worker CPUs (0 = one per core; at most " + MAX_CPUS + ").")
    void setCpus(String n) {
        try {
            cpus = Integer.parseInt(n.trim());
        } catch (NumberFormatException e) {
            throw new ParameterException(commandLine(), "--cpus (-ll:cpu) wants a whole number of worker CPUs, not '"
                    + n + "'");
        }
    }

    private picocli.CommandLine commandLine() {
        return (mixee != null ? mixee : self).commandLine();
    }

    private Path trace;

    /** {@code --trace FILE}, refused while parsing (before anything runs) when FILE's directory is missing. */
    @Option(names = "--trace", paramLabel = "FILE",
            description = "Record every task body and write them to FILE (its directory must exist and be writable; checked before the run) as Trace Event JSON (one row per worker; "
                    + "open it in ui.perfetto.dev or chrome://tracing), with a per-task summary on stdout.")
    void setTrace(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new ParameterException(commandLine(), "--trace " + file + ": directory " + dir
                    + " does not exist; create it or name a file in an existing one");
        }
        if (Files.isDirectory(file)) {
            throw new ParameterException(commandLine(), "--trace " + file + ": is a directory; name a file (e.g. "
                    + file.resolve("trace.json") + ")");
        }
        try {   // the trace is written after the work: find out now whether it can be (root passes isWritable)
            Writable.probe(dir);
        } catch (IOException e) {
            throw new ParameterException(commandLine(), "--trace " + file + ": cannot write in " + dir + " ("
                    + Writable.reason(e) + "): name a file in a writable directory");
        }
        trace = file;
    }

    /**
     * {@return the chosen backend}: without {@code --backend}, hrt where KVM is usable, else linux,
     * said once on stderr (the apps' only output outside stdout's results).
     */
    public Backend backend() {
        if (backend == null) {
            backend = Backend.HRT.unavailable().isEmpty() ? Backend.HRT : Backend.LINUX;
            System.err.println(backend == Backend.HRT
                    ? "backend hrt (the runtime inside the HVM; --backend linux runs it as a Linux library)"
                    : "backend linux (" + Backend.HRT.unavailable().orElse("") + ")");
        }
        return backend;
    }

    /** {@return worker CPUs, resolved: the core count when 0} @throws IllegalArgumentException if negative or too many */
    public int cpus() {
        if (cpus < 0 || cpus > MAX_CPUS) {
            throw new IllegalArgumentException("--cpus must be 1.." + MAX_CPUS + " (the runtime's most workers), or 0 for "
                    + "one per core; got " + cpus);
        }
        return cpus == 0 ? Runtime.getRuntime().availableProcessors() : cpus;
    }

    /**
     * Checks the shared flags against each other and this host before anything is printed or run:
     * worker count, HRT vCPUs (an explicit {@code --hrt-cores} always, the default one on backend
     * hrt), the task limit, and that the backend can run here.
     *
     * @throws IllegalArgumentException naming the flag at fault and its limit
     */
    public void validate() {
        validate(Runtime.getRuntime().availableProcessors());
    }

    void validate(int hostCpus) {
        int workers = cpus();
        int cores = hrtCores();
        hrtTaskLimit();
        int limit = hrtCoreLimit(hostCpus);
        String rule = HRT_CORES_RULE;
        if (cores > limit) {
            throw new IllegalArgumentException(tooManyHrtCores(cores, limit, hostCpus, rule));
        }
        Backend b = backend();
        if (backend != null && b != Backend.HRT && cores != 0) {   // ignored, it would look as if it had an effect
            throw new IllegalArgumentException("--hrt-cores " + cores + " applies to --backend hrt only (this run uses "
                    + "--backend " + b.name().toLowerCase(Locale.ROOT) + "): drop it, or use --backend hrt");
        }
        if (b != Backend.HRT && hrtTaskLimitSeconds != null) {   // the same: only backend hrt watches tasks
            throw new IllegalArgumentException("--hrt-task-limit " + hrtTaskLimitSeconds + " applies to --backend hrt only "
                    + "(this run uses --backend " + b.flag() + "): drop it, or use --backend hrt");
        }
        if (b == Backend.HRT && cores == 0) {
            int derived = RuntimeConfig.defaultHrtCores(workers);
            if (derived > limit) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "--cpus %d makes the HRT %d vCPUs (--cpus + 1), more than the %d allowed on this %d-CPU host "
                                + "(%s): lower --cpus or give --hrt-cores 1..%d", workers, derived, limit, hostCpus, rule, limit));
            }
        }
        b.unavailable().ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
    }

    /** RuntimeConfig.maxHrtCores's rule in words, for messages. */
    public static final String HRT_CORES_RULE = "the HRT may have 4 vCPUs per host CPU, counting at least 2 CPUs";

    /** {@return the refusal of {@code --hrt-cores cores} over {@code limit} on a {@code hostCpus}-CPU host, under {@code rule}} */
    public static String tooManyHrtCores(int cores, int limit, int hostCpus, String rule) {
        return String.format(Locale.ROOT,
                "--hrt-cores %d is more than the %d vCPUs allowed on this %d-CPU host (%s): use --hrt-cores 1..%d",
                cores, limit, hostCpus, rule, limit);
    }

    /** {@return the most HRT vCPUs a host of {@code hostCpus} CPUs may run (the rule of HrtBackend.open)} */
    static int hrtCoreLimit(int hostCpus) {
        return RuntimeConfig.maxHrtCores(hostCpus);
    }

    /** {@return the HRT's vCPUs for backend hrt (0 = default)} @throws IllegalArgumentException if negative */
    public int hrtCores() {
        if (hrtCores < 0) {
            throw new IllegalArgumentException("--hrt-cores must be at least 1, or 0 for --cpus + 1; got " + hrtCores);
        }
        return hrtCores;
    }

    /** {@return how long a native task may keep its HRT CPU (ZERO: no limit)} @throws IllegalArgumentException if negative */
    public Duration hrtTaskLimit() {
        long s = hrtTaskLimitSeconds != null ? hrtTaskLimitSeconds : DEFAULT_TASK_LIMIT_S;
        if (s < 0) {
            throw new IllegalArgumentException("--hrt-task-limit must be 0 (no limit) or more seconds; got " + s);
        }
        return Duration.ofSeconds(s);
    }

    /** {@return whether to validate the result} */
    public boolean check() {
        return !noCheck;
    }

    /** {@return whether to print the JSON summary line} */
    public boolean json() {
        return json;
    }

    /** Starts recording task bodies in {@code rt} when {@code --trace} was given. */
    public void startTrace(org.legionhrt.legion.Runtime rt) {
        if (trace != null) {
            rt.setTracing(true);
        }
    }

    /**
     * With {@code --trace}: drains {@code rt}'s records into the trace file and prints how many,
     * where, and the time per task. Call it after the work was waited for, before closing rt.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public void finishTrace(org.legionhrt.legion.Runtime rt) {
        if (trace == null) {
            return;
        }
        TaskTrace t = rt.drainTrace();
        try {
            t.writeChromeTrace(trace);
        } catch (IOException e) {
            throw new UncheckedIOException("--trace " + trace + ": cannot write it: " + e.getMessage(), e);
        }
        System.out.printf(Locale.ROOT, "trace: %d task bodies on %d workers -> %s (open in ui.perfetto.dev)%s%n",
                t.records().size(), t.workers(), trace, t.lost() > 0 ? "; " + t.lost() + " records lost" : "");
        StringBuilder busy = new StringBuilder("  busy:");
        t.busy().forEach((row, f) -> busy.append(String.format(Locale.ROOT, " %s %.0f%%", row < 0 ? "JVM (all threads)" : "worker " + row, 100 * f)));
        System.out.println(busy);
        if (t.callServer() != null) {      // backend hrt: the runtime's calls ran on the HRT's call server
            System.out.printf(Locale.ROOT, "  call server: %d calls, %.1f ms busy (%.0f%% of the span)%n",
                    t.callServer().calls(), t.callServer().busyNanos() / 1e6,
                    t.spanNanos() > 0 ? 100.0 * t.callServer().busyNanos() / t.spanNanos() : 0.0);
        }
        System.out.printf(Locale.ROOT, "  %-28s %8s %12s %12s %12s %12s%n", "task", "bodies", "total ms", "mean us", "max us",
                "mean wait us");
        for (TaskTrace.TaskSummary s : t.summary()) {
            System.out.printf(Locale.ROOT, "  %-28s %8d %12.3f %12.1f %12.1f %12.1f%n", s.task(), s.count(),
                    s.totalNanos() / 1e6, s.meanNanos() / 1e3, s.maxNanos() / 1e3, s.meanWaitNanos() / 1e3);
        }
    }
}
