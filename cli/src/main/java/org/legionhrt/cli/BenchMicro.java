package org.legionhrt.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.legionhrt.bench.micro.MicroHarness;
import org.legionhrt.bench.micro.MicroReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./hrt bench micro}: the kernel primitives (Nautilus vs their Linux twins), the HVM,
 * the runtime and the Java API, each in its own process; then {@code micro.csv},
 * {@code micro.md} and one latency-distribution plot per compared primitive.
 */
@Command(name = "micro", mixinStandardHelpOptions = true,
        description = "Kernel, HVM, runtime and API microbenchmarks: CSV, Markdown, PNG.")
final class BenchMicro implements Callable<Integer> {

    /** The sources, in the order they run. */
    static final List<String> SOURCES = List.of("kernel", "hvm", "runtime", "api");

    @Option(names = "--out", description = "Output folder, created and checked before anything runs (default: bench-results/<time>).")
    Path out;

    @Option(names = "--skip", split = ",", description = "Sources to leave out: kernel, hvm, runtime, api.")
    List<String> skip;

    @Option(names = "--timeout", defaultValue = "1200",
            description = "Seconds each source may take, at least 1; it bounds every source (kernel, hvm, runtime, api), "
                    + "which is killed and reported as failed at the limit (default: ${DEFAULT-VALUE}).")
    long timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate(spec.commandLine(), skip, timeout);
        Path dir = OutDir.prepare(spec.commandLine(), BenchMacro.outDir(out));
        int failures = run(dir);
        System.out.println("micro: " + dir.resolve("micro.md"));
        return failures == 0 ? 0 : Main.EXIT_FAILED;
    }

    /**
     * Checks the sources to skip (flag {@code --skip} or {@code --skip-micro}) and the timeout.
     *
     * @throws ParameterException naming the valid sources
     */
    static void validate(CommandLine cl, List<String> skip, long timeout) {
        validateSkip(cl, "--skip", skip);
        if (skip != null && skip.containsAll(SOURCES)) {
            throw new ParameterException(cl, "--skip " + String.join(",", skip) + ": leaves no source to run: "
                    + "skip fewer of kernel, hvm, runtime, api");
        }
        if (timeout < 1) {
            throw new ParameterException(cl, "--timeout " + timeout + ": must be at least 1 second per source");
        }
    }

    /** Checks the names of a skip list given as {@code flag} (null: not given). */
    static void validateSkip(CommandLine cl, String flag, List<String> skip) {
        if (skip != null) {
            MacroOptions.names(cl, flag, skip, SOURCES);
        }
    }

    /** Runs every source and writes the files into {@code dir}; {@return the number of failed sources} */
    int run(Path dir) throws Exception {
        List<String> self = SelfLauncher.command();
        List<MicroHarness.Source> sources = new ArrayList<>();
        add(sources, "kernel", self, "nautilus", "bench", "--compare-linux");
        add(sources, "hvm", self, "hvm", "bench");
        add(sources, "runtime", self, "bench", "runtime", "--backend", "all");
        add(sources, "api", self, "bench", "api");
        MicroHarness.Result r = MicroHarness.run(sources, timeout, name -> System.err.println("bench micro: " + name + " done"));
        List<Path> plots = MicroReport.write(dir, r.lines(), "Microbenchmarks");
        r.lines().forEach(b -> System.out.println(b.toJson()));   // the results as the project's JSON lines too
        r.failures().forEach(f -> System.err.println("bench micro: source failed: " + f));
        System.err.println("bench micro: " + r.lines().size() + " results, " + plots.size() + " plots");
        return r.failures().size();
    }

    private void add(List<MicroHarness.Source> sources, String name, List<String> self, String... args) {
        if (skip != null && skip.contains(name)) {
            return;
        }
        List<String> cmd = new ArrayList<>(self);
        cmd.addAll(List.of(args));
        sources.add(new MicroHarness.Source(name, cmd));
    }
}
