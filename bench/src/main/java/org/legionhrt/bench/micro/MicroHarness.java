package org.legionhrt.bench.micro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.legionhrt.bench.BenchLine;

/**
 * Runs each microbenchmark source (a command printing JSON bench lines: the kernel benches
 * with their Linux twins, the HVM benches, the runtime and API benches) and gathers every line.
 * A source that fails is reported, and the others still run.
 */
public final class MicroHarness {

    /**
     * One source of bench lines.
     *
     * @param name    what it measures, for progress and errors
     * @param command the command line
     */
    public record Source(String name, List<String> command) {
        /** Copies the command. */
        public Source {
            command = List.copyOf(command);
        }
    }

    /**
     * What came back.
     *
     * @param lines   every bench line, in order
     * @param failures one line per source that failed
     */
    public record Result(List<BenchLine> lines, List<String> failures) {}

    private MicroHarness() {}

    /** Runs the sources one after another; {@code progress} hears each source's name when done. */
    public static Result run(List<Source> sources, long timeoutSeconds, Consumer<String> progress) {
        List<BenchLine> lines = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Source s : sources) {
            try {
                Process p = new ProcessBuilder(s.command()).redirectErrorStream(true).start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    failures.add(s.name() + ": timed out after " + timeoutSeconds + " s");
                    continue;
                }
                int before = lines.size();
                for (String l : new String(out, StandardCharsets.UTF_8).split("\\R")) {
                    if (l.startsWith("{\"bench\"")) {
                        try {
                            lines.add(BenchLine.parse(l));
                        } catch (IllegalArgumentException e) {
                            failures.add(s.name() + ": " + e.getMessage());
                        }
                    }
                }
                if (p.exitValue() != 0 || lines.size() == before) {
                    failures.add(s.name() + ": exit " + p.exitValue() + ", " + (lines.size() - before) + " bench lines");
                }
            } catch (IOException e) {
                failures.add(s.name() + ": cannot start: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(s.name() + ": interrupted");
                break;
            }
            progress.accept(s.name());
        }
        return new Result(lines, failures);
    }
}
