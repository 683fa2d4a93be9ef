package org.legionhrt.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.legionhrt.bench.micro.MicroHarness;
import org.legionhrt.bench.micro.MicroReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./hrt bench micro}: the kernel primitives (Nautilus vs their Linux twins), the HVM,
 * the runtime and the Java API, each in its own process; then {@code micro.csv},
 * {@code micro.md} and one latency-distribution plot per compared primitive.
 */
@Command(name = "micro", mixinStandardHelpOptions = true,
        description = "Kernel, HVM, runtime and API microbenchmarks: CSV, Markdown, PNG.")
final class BenchMicro implements Callable<Integer> {

    @Option(names = "--out", description = "Output folder (default: bench-results/<time>).")
    Path out;

    @Option(names = "--skip", split = ",", description = "Sources to leave out: kernel, hvm, runtime, api.")
    List<String> skip = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "1200", description = "Seconds per source (default: ${DEFAULT-VALUE}).")
    long timeout;

    @Override
    public Integer call() throws Exception {
        Path dir = BenchMacro.outDir(out);
        int failures = run(dir);
        System.out.println("micro: " + dir.resolve("micro.md"));
        return failures == 0 ? 0 : Main.EXIT_FAILED;
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
        r.failures().forEach(f -> System.err.println("bench micro: source failed: " + f));
        System.err.println("bench micro: " + r.lines().size() + " results, " + plots.size() + " plots");
        return r.failures().size();
    }

    private void add(List<MicroHarness.Source> sources, String name, List<String> self, String... args) {
        if (skip.contains(name)) {
            return;
        }
        List<String> cmd = new ArrayList<>(self);
        cmd.addAll(List.of(args));
        sources.add(new MicroHarness.Source(name, cmd));
    }
}
