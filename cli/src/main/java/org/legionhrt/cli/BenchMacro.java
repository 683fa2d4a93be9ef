package org.legionhrt.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.legionhrt.apps.Backend;
import org.legionhrt.apps.circuit.CircuitCommand;
import org.legionhrt.apps.stencil.StencilCommand;
import org.legionhrt.bench.macro.MacroHarness;
import org.legionhrt.bench.macro.MacroReport;
import org.legionhrt.bench.macro.MacroRun;
import org.legionhrt.bench.macro.MacroSummary;
import org.legionhrt.bench.macro.SizePreset;
import org.legionhrt.bench.plot.Plots;
import org.legionhrt.hvm.kvm.Kvm;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./hrt bench macro}: every app × backend × CPU count, interleaved and repeated, then
 * {@code macro.csv}, {@code macro.md} and PNG plots. Exit 1 when any run failed to validate.
 */
@Command(name = "macro", mixinStandardHelpOptions = true,
        description = "Macrobenchmarks on every backend: CSV, Markdown, PNG.")
final class BenchMacro implements Callable<Integer> {

    @Mixin
    MacroOptions opts = new MacroOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Every option, every app x backend x CPU count and the output folder are checked before any run.
        MacroHarness.Plan plan = plan(spec.commandLine(), opts);
        Path dir = OutDir.prepare(spec.commandLine(), outDir(opts.out));
        int failed = run(dir, plan, opts);
        System.out.println("macro: " + dir.resolve("macro.md"));
        return failed == 0 ? 0 : Main.EXIT_FAILED;
    }

    /**
     * Checks the options and builds the plan: backends that cannot run here are left out (said
     * on stderr), and each app is asked whether it takes every remaining backend and CPU count
     * at this size, so that no run of the plan is refused later.
     *
     * @throws ParameterException naming the option at fault and the fix
     */
    static MacroHarness.Plan plan(CommandLine cl, MacroOptions o) {
        o.validate(cl);
        SizePreset preset = SizePreset.parse(o.size);
        List<String> bes = new ArrayList<>(o.backends);
        if (bes.contains("hrt") && !Kvm.probe().usable()) {
            System.err.println("bench macro: /dev/kvm is unusable here, leaving out backend hrt");
            bes.remove("hrt");
        }
        for (String b : List.copyOf(bes)) {
            Backend.parse(b).unavailable().ifPresent(why -> {
                System.err.println("bench macro: leaving out backend " + b + ": " + why);
                bes.remove(b);
            });
        }
        for (String app : o.apps) {
            for (String b : bes) {
                for (int n : o.cpus) {
                    checkRun(cl, app, b, n, preset);
                }
            }
        }
        Map<String, Path> legion = new LinkedHashMap<>();
        if (o.legionCircuit != null) {
            legion.put("circuit", requireExecutable(o.legionCircuit, "--legion-circuit"));
        }
        if (o.legionStencil != null) {
            legion.put("stencil", requireExecutable(o.legionStencil, "--legion-stencil"));
        }
        return new MacroHarness.Plan(o.apps, bes, o.cpus, o.repeat, preset, SelfLauncher.command(), legion, o.timeout);
    }

    /** Parses one run's flags into the app's own command and asks it to check them, as the run would. */
    private static void checkRun(CommandLine cl, String app, String backend, int cpus, SizePreset preset) {
        List<String> args = new ArrayList<>(List.of("--backend", backend, "--cpus", Integer.toString(cpus)));
        args.addAll(preset.flags(app, cpus));
        try {
            if (app.equals("circuit")) {
                CircuitCommand c = new CircuitCommand();
                new CommandLine(c).parseArgs(args.toArray(String[]::new));
                c.check();
            } else {
                StencilCommand c = new StencilCommand();
                new CommandLine(c).parseArgs(args.toArray(String[]::new));
                c.check();
            }
        } catch (IllegalArgumentException | ParameterException e) {
            throw new ParameterException(cl, "--cpus " + cpus + ": run " + app + " --backend " + backend + " at --size "
                    + preset.flag() + " would refuse it (" + e.getMessage() + "): give other --cpus");
        }
    }

    /** Runs the plan and writes every file into {@code dir}; {@return the runs that failed or did not validate} */
    static int run(Path dir, MacroHarness.Plan plan, MacroOptions o) throws Exception {
        SizePreset preset = plan.size();
        List<MacroRun> runs;
        try (Progress progress = Progress.start("macro", plan.runCount())) {
            runs = MacroHarness.run(plan, r -> progress.step(r.app() + "/" + r.backend() + "/" + r.cpus()
                    + (r.counts() ? "" : " FAILED")));
        }
        String params = preset.flag() + ", " + o.repeat + " runs";
        MacroReport.write(dir, runs, "Macrobenchmarks (" + params + ")");
        List<MacroSummary.Cell> cells = MacroSummary.of(runs);
        cells.forEach(c -> c.seconds().ifPresent(s -> System.out.println(new org.legionhrt.bench.BenchLine(c.app(),
                c.backend(), "s", s, java.util.Map.of("cpus", c.cpus(), "size", preset.flag(), "failed", c.failed()))
                .toJson())));                                      // one JSON line per app x backend x CPUs
        for (String app : o.apps) {
            Plots.macroTime(app, cells, params, dir.resolve("macro-" + app + "-time.png"));
            Plots.macroSpeedup(app, cells, params, dir.resolve("macro-" + app + "-speedup.png"));
        }
        List<MacroRun> failed = runs.stream().filter(r -> !r.counts()).toList();
        failed.forEach(r -> System.err.println("bench macro: failed run "
                + r.app() + "/" + r.backend() + "/" + r.cpus() + " #" + r.repeat() + ": " + r.error()));
        return failed.size();
    }

    private static Path requireExecutable(Path p, String flag) {
        if (!p.toFile().canExecute()) {
            throw new PrerequisiteException(flag + " " + p + " is not an executable file: give the path of your Legion build");
        }
        return p.toAbsolutePath();
    }

    /** {@return {@code out}, or a fresh folder under bench-results named by the time} */
    static Path outDir(Path out) {
        if (out != null) {
            return out;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Roots.project().resolve("bench-results").resolve(stamp);
    }
}
