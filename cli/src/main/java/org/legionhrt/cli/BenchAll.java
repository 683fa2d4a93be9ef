package org.legionhrt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.legionhrt.bench.macro.MacroHarness;
import org.legionhrt.hvm.kvm.Kvm;
import org.legionhrt.hvm.kvm.KvmProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./hrt bench all}: {@code bench macro} and {@code bench micro} into one folder, plus an
 * {@code index.md} linking every table and plot, with the machine they ran on.
 */
@Command(name = "all", mixinStandardHelpOptions = true, description = "macro + micro and an index.md.")
final class BenchAll implements Callable<Integer> {

    @Mixin
    MacroOptions macro = new MacroOptions();

    @Option(names = "--skip-micro", split = ",", description = "Micro sources to leave out: kernel, hvm, runtime, api.")
    List<String> skipMicro;

    @Option(names = "--micro-timeout", defaultValue = "1200",
            description = "Seconds each micro source may take, at least 1 (default: ${DEFAULT-VALUE}).")
    long microTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Both halves' options and the output folder are checked before the macro half starts.
        BenchMicro.validateSkip(spec.commandLine(), "--skip-micro", skipMicro);
        if (microTimeout < 1) {
            throw new ParameterException(spec.commandLine(), "--micro-timeout " + microTimeout + ": must be at least 1 second per source");
        }
        MacroHarness.Plan plan = BenchMacro.plan(spec.commandLine(), macro);
        Path dir = OutDir.prepare(spec.commandLine(), BenchMacro.outDir(macro.out));
        int macroFailures = BenchMacro.run(dir, plan, macro);
        BenchMicro micro = new BenchMicro();
        micro.skip = skipMicro;
        micro.timeout = microTimeout;
        int microFailures = micro.run(dir);
        Files.writeString(dir.resolve("index.md"), index(dir));
        System.out.println("bench all: " + dir.resolve("index.md"));
        return macroFailures + microFailures == 0 ? 0 : Main.EXIT_FAILED;
    }

    static String index(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder("# legion-hrt benchmark report\n\n## Machine\n\n");
        sb.append("- CPU: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores\n");
        KvmProbe k = Kvm.probe();
        sb.append("- KVM: ").append(k.usable() ? "usable, guest ring 0 " + k.ring0Mode() : "unusable (" + k.problem() + ")").append('\n');
        sb.append("- JDK: ").append(Runtime.version()).append(" (").append(System.getProperty("java.vm.vendor")).append(")\n");
        sb.append("- commit: ").append(commit()).append("\n\n## Tables\n\n");
        sb.append("- [macro.md](macro.md), [macro.csv](macro.csv)\n- [micro.md](micro.md), [micro.csv](micro.csv)\n\n## Plots\n\n");
        try (Stream<Path> pngs = Files.list(dir)) {
            pngs.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted()
                .forEach(n -> sb.append("### ").append(n).append("\n\n![").append(n).append("](").append(n).append(")\n\n"));
        }
        return sb.toString();
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String commit() {
        return Exec.capture(List.of("git", "-C", Roots.project().toString(), "rev-parse", "--short", "HEAD"),
                Duration.ofSeconds(10)).filter(Exec.Result::ok).map(Exec.Result::firstLine).orElse("unknown");
    }
}
