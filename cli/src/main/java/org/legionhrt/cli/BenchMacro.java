package org.legionhrt.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.legionhrt.apps.Backend;
import org.legionhrt.bench.macro.MacroHarness;
import org.legionhrt.bench.macro.MacroReport;
import org.legionhrt.bench.macro.MacroRun;
import org.legionhrt.bench.macro.MacroSummary;
import org.legionhrt.bench.macro.SizePreset;
import org.legionhrt.bench.plot.Plots;
import org.legionhrt.hvm.kvm.Kvm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./hrt bench macro}: every app × backend × CPU count, interleaved and repeated, then
 * {@code macro.csv}, {@code macro.md} and PNG plots. Exit 1 when any run failed to validate.
 */
@Command(name = "macro", mixinStandardHelpOptions = true,
        description = "Macrobenchmarks on every backend: CSV, Markdown, PNG.")
final class BenchMacro implements Callable<Integer> {

    @Mixin
    MacroOptions opts = new MacroOptions();

    @Override
    public Integer call() throws Exception {
        Path dir = outDir(opts.out);
        int failed = run(dir, opts);
        System.out.println("macro: " + dir.resolve("macro.md"));
        return failed == 0 ? 0 : Main.EXIT_FAILED;
    }

    /** Runs the plan and writes every file into {@code dir}; {@return the runs that failed or did not validate} */
    static int run(Path dir, MacroOptions o) throws Exception {
        SizePreset preset = SizePreset.parse(o.size);
        for (String a : o.apps) {
            preset.flags(a, 1); // names an unknown app before anything runs
        }
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
        Map<String, Path> legion = new LinkedHashMap<>();
        if (o.legionCircuit != null) {
            legion.put("circuit", requireExecutable(o.legionCircuit, "--legion-circuit"));
        }
        if (o.legionStencil != null) {
            legion.put("stencil", requireExecutable(o.legionStencil, "--legion-stencil"));
        }
        var plan = new MacroHarness.Plan(o.apps, bes, o.cpus, o.repeat, preset, SelfLauncher.command(), legion, o.timeout);
        List<MacroRun> runs;
        try (ProgressBar pb = new ProgressBarBuilder().setTaskName("macro").setInitialMax(plan.runCount())
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .build()) {
            runs = MacroHarness.run(plan, r -> {
                pb.step();
                pb.setExtraMessage(r.app() + "/" + r.backend() + "/" + r.cpus() + (r.counts() ? "" : " FAILED"));
            });
        }
        String params = preset.flag() + ", " + o.repeat + " runs";
        MacroReport.write(dir, runs, "Macrobenchmarks (" + params + ")");
        List<MacroSummary.Cell> cells = MacroSummary.of(runs);
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
