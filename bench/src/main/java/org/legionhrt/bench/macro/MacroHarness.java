package org.legionhrt.bench.macro;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.legionhrt.bench.BoundedRun;
import org.legionhrt.bench.legion.LegionOutput;

/**
 * Runs every (repetition, app, CPUs, backend) combination, interleaved so that machine noise
 * hits all backends alike, each run in its own process: our apps through a launcher command
 * ({@code … run APP --backend B --cpus N --json}), backend {@code legion} through the user's
 * own binary with {@code -ll:cpu N}. A run that exits non-zero, prints no result or does not
 * validate is recorded as failed with its reason.
 */
public final class MacroHarness {

    /**
     * What to run.
     *
     * @param apps      apps to run
     * @param backends  backends ({@code linux}, {@code hrt}, {@code java}; {@code legion} is added per
     *                  app where {@code legionBinaries} names a binary)
     * @param cpus      CPU counts
     * @param repeat    repetitions of every combination
     * @param size      problem size
     * @param launcher  the command that runs our CLI ({@code [java, -cp, …, org.legionhrt.cli.Main]})
     * @param legionBinaries user-built Legion binaries per app ({@code circuit}, {@code stencil})
     * @param timeoutSeconds per-run limit
     */
    public record Plan(List<String> apps, List<String> backends, List<Integer> cpus, int repeat, SizePreset size,
                       List<String> launcher, Map<String, Path> legionBinaries, long timeoutSeconds) {
        /** Copies the lists. */
        public Plan {
            apps = List.copyOf(apps);
            backends = List.copyOf(backends);
            cpus = List.copyOf(cpus);
            launcher = List.copyOf(launcher);
            legionBinaries = Map.copyOf(legionBinaries);
            if (repeat <= 0) {
                throw new IllegalArgumentException("--repeat must be positive, got " + repeat);
            }
        }

        /** {@return the number of runs the plan makes} */
        public int runCount() {
            int n = 0;
            for (String app : apps) {
                n += (backends.size() + (legionBinaries.containsKey(app) ? 1 : 0)) * cpus.size();
            }
            return n * repeat;
        }
    }

    private static final Pattern JSON_FIELD = Pattern.compile("\"(seconds|gflops|validated|detail)\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]+)");

    private MacroHarness() {}

    /** Runs the plan; {@code progress} hears each finished run. */
    public static List<MacroRun> run(Plan plan, Consumer<MacroRun> progress) {
        List<MacroRun> runs = new ArrayList<>();
        for (int rep = 0; rep < plan.repeat(); rep++) {
            for (String app : plan.apps()) {
                for (int cpus : plan.cpus()) {
                    List<String> backends = new ArrayList<>(plan.backends());
                    if (plan.legionBinaries().containsKey(app)) {
                        backends.add("legion");
                    }
                    for (String backend : backends) {
                        MacroRun r = runOne(plan, app, backend, cpus, rep);
                        runs.add(r);
                        progress.accept(r);
                    }
                }
            }
        }
        return runs;
    }

    static MacroRun runOne(Plan plan, String app, String backend, int cpus, int rep) {
        List<String> cmd = new ArrayList<>();
        List<String> flags = plan.size().flags(app, cpus);
        if (backend.equals("legion")) {
            cmd.add(plan.legionBinaries().get(app).toString());
            cmd.addAll(flags);
            cmd.addAll(List.of("-ll:cpu", Integer.toString(cpus)));
        } else {
            cmd.addAll(plan.launcher());
            cmd.addAll(List.of("run", app, "--backend", backend, "--cpus", Integer.toString(cpus), "--json"));
            cmd.addAll(flags);
        }
        String size = plan.size().flag();
        try {
            BoundedRun.Outcome o = BoundedRun.run(cmd, plan.timeoutSeconds()); // the deadline bounds the output too
            if (o.timedOut()) {
                return MacroRun.failed(app, backend, cpus, size, rep, "timed out after " + plan.timeoutSeconds() + " s");
            }
            String text = o.output();
            return backend.equals("legion")
                    ? fromLegion(app, cpus, size, rep, o.exit(), text, plan)
                    : fromOurs(app, backend, cpus, size, rep, o.exit(), text);
        } catch (IOException e) {
            return MacroRun.failed(app, backend, cpus, size, rep, "cannot start " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MacroRun.failed(app, backend, cpus, size, rep, "interrupted");
        }
    }

    /** Reads our app's {@code --json} summary line (the last line starting with '{'). */
    static MacroRun fromOurs(String app, String backend, int cpus, String size, int rep, int exit, String out) {
        String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        if (exit != 0 || json == null) {
            return MacroRun.failed(app, backend, cpus, size, rep, "exit " + exit + ": " + lastLine(out));
        }
        double seconds = Double.NaN;
        double gflops = Double.NaN;
        boolean validated = false;
        String detail = "";
        Matcher m = JSON_FIELD.matcher(json);
        while (m.find()) {
            String v = m.group(2).strip();
            switch (m.group(1)) {
                case "seconds" -> seconds = number(v);
                case "gflops" -> gflops = number(v);
                case "validated" -> validated = v.equals("true");
                default -> detail = v.length() >= 2 ? v.substring(1, v.length() - 1) : v;
            }
        }
        return new MacroRun(app, backend, cpus, size, rep, seconds, gflops, validated,
                validated ? "" : "not validated: " + detail);
    }

    static MacroRun fromLegion(String app, int cpus, String size, int rep, int exit, String out, Plan plan) {
        LegionOutput lo = LegionOutput.parse(out);
        int timedSteps = timedSteps(plan.size().flags(app, cpus));
        var secs = lo.elapsed(timedSteps);
        if (exit != 0 || !lo.success() || secs.isEmpty()) {
            return MacroRun.failed(app, "legion", cpus, size, rep, "exit " + exit + ": " + lastLine(out));
        }
        // Legion checks its own results (circuit: NaNs only); we trust what it reports.
        return new MacroRun(app, "legion", cpus, size, rep, secs.get(),
                lo.gflops().isPresent() ? lo.gflops().getAsDouble() : Double.NaN, true, "");
    }

    private static int timedSteps(List<String> flags) {
        int tsteps = 20;
        int tprune = 5;
        for (int i = 0; i + 1 < flags.size(); i++) {
            if (flags.get(i).equals("-tsteps")) {
                tsteps = Integer.parseInt(flags.get(i + 1));
            } else if (flags.get(i).equals("-tprune")) {
                tprune = Integer.parseInt(flags.get(i + 1));
            }
        }
        return Math.max(1, tsteps - 2 * tprune);
    }

    private static double number(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String lastLine(String out) {
        return out.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("(no output)").strip();
    }
}
