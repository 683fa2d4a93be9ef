package org.legionhrt.bench.micro;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.legionhrt.bench.BenchLine;
import org.legionhrt.bench.BoundedRun;

/**
 * Runs each microbenchmark source (a command printing JSON bench lines: the kernel benches
 * with their Linux twins, the HVM benches, the runtime and API benches) and gathers every line.
 * A source that fails, prints a line that breaks the project's format ({@link BenchLine}) or
 * compares implementations in different units is reported, and the others still run.
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
                // The deadline bounds the whole source, its output included (BoundedRun drains it meanwhile).
                BoundedRun.Outcome o = BoundedRun.run(s.command(), timeoutSeconds);
                if (o.timedOut()) {
                    failures.add(s.name() + ": timed out after " + timeoutSeconds + " s (--timeout)");
                    continue;
                }
                int before = lines.size();
                for (String l : o.output().split("\\R")) {
                    if (l.startsWith("{\"bench\"")) {
                        try {
                            lines.add(BenchLine.parse(l));
                        } catch (IllegalArgumentException e) {
                            failures.add(s.name() + ": " + e.getMessage());
                        }
                    }
                }
                if (o.exit() != 0 || lines.size() == before) {
                    failures.add(s.name() + ": exit " + o.exit() + ", " + (lines.size() - before) + " bench lines");
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
        // Lines of one name from different sources are compared in the tables and plots.
        BenchLine.unitMismatches(lines).forEach(failures::add);
        return new Result(lines, failures);
    }
}
